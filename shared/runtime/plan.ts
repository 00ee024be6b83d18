import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PlanValidationError } from '../errors.ts';
import type { IamStatement } from '../components/definition.ts';
import type { Plan } from '../plan/schema.ts';

/** The compiled plan's format: packaging writes it (shared/tools/deploy), the functions read it. */
export const COMPILED_PLAN_FORMAT = 'dr-autopilot/compiled-plan/v1';

/** The plan as packaged: validated, defaults applied, compiled to JSON at package time. */
export interface CompiledPlan {
  format: typeof COMPILED_PLAN_FORMAT;
  /** The plan file it was compiled from. */
  source: string;
  plan: Plan;
  /**
   * The IAM statements of the role that starts recoveries (start-action), as packaging built them, with
   * `${AWS::Partition}` and `${AWS::AccountId}` left in the ARNs (the account is known at run time only):
   * readiness simulates them (shared/readiness/system.ts) without carrying the types' IAM facets.
   */
  recoveryRole?: { statements: IamStatement[] };
  /**
   * Every component as it runs in the reverse direction (a re-protect or failback while the system runs in
   * the secondary region), as packaging reversed it (shared/plan/direction.ts), by component id.
   */
  reversed?: ReversedComponents;
}

/** A component's params (and database block, secrets swapped) in the reverse direction, or why it cannot run so. */
export type ComponentReversal = { params: Record<string, unknown>; database?: Record<string, unknown> } | { unsupported: string };
export type ReversedComponents = Record<string, ComponentReversal>;

const REPACKAGE = 're-package (npm run package) so the functions get the compiled plan';

/**
 * Reads a compiled plan. It was validated when it was compiled, so only its format is checked here:
 * the functions carry no YAML parser and no plan schema. Anything else is not a plan they may run.
 */
export async function readCompiledPlan(file: string): Promise<Plan> {
  return (await readCompiled(file)).plan;
}

/** The whole compiled plan, format checked (readCompiledPlan). */
async function readCompiled(file: string): Promise<CompiledPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PlanValidationError(file, [{ path: '(file)', message: `cannot read the compiled plan: ${(error as Error).message}; ${REPACKAGE}` }]);
  }
  let compiled: Partial<CompiledPlan> | null;
  try {
    compiled = JSON.parse(text) as Partial<CompiledPlan> | null;
  } catch {
    throw new PlanValidationError(file, [{ path: '(file)', message: `not a compiled plan (not JSON; a plan YAML is compiled when packaging); ${REPACKAGE}` }]);
  }
  const format = typeof compiled === 'object' && compiled !== null ? compiled.format : undefined;
  if (format !== COMPILED_PLAN_FORMAT || typeof compiled?.plan !== 'object' || compiled.plan === null) {
    const found = format === undefined ? 'no format' : `format ${JSON.stringify(format)}`;
    throw new PlanValidationError(file, [{ path: 'format', message: `not a compiled plan of format ${COMPILED_PLAN_FORMAT} (${found}); ${REPACKAGE}` }]);
  }
  return compiled as CompiledPlan;
}

/** The compiled plan's path: PLAN_FILE, relative to the function's root. */
function packagedPlanFile(): string {
  return path.resolve(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), process.env.PLAN_FILE ?? '.dr-autopilot/plan.json');
}

/** Per resolved PLAN_FILE: a process that points PLAN_FILE elsewhere (the drill, tests) gets that plan. */
const loaded = new Map<string, Promise<CompiledPlan>>();

/**
 * The plan packaged with the functions (PLAN_FILE, relative to the function's root). Read once per
 * container; a plan that cannot be read fails every run at its first state.
 */
export async function packagedPlan(): Promise<Plan> {
  return (await packagedCompiledPlan()).plan;
}

/** The whole compiled plan packaged with the functions, read once per container (packagedPlan). */
function packagedCompiledPlan(): Promise<CompiledPlan> {
  const file = packagedPlanFile();
  const cached = loaded.get(file);
  if (cached) return cached;
  const loading = readCompiled(file);
  loaded.set(file, loading);
  // A plan that failed to load is read again next time (unless another load replaced it meanwhile).
  loading.catch(() => {
    if (loaded.get(file) === loading) loaded.delete(file);
  });
  return loading;
}

/**
 * The packaged plan of a run: the plan the run was prepared from (`run.plan`). A function packaged
 * with another plan (a deployment changed mid-run) refuses the task rather than act on another plan's
 * definitions: PlanValidationError, terminal.
 */
export async function runPlan(run: { plan: string }): Promise<Plan> {
  const plan = await packagedPlan();
  if (plan.name !== run.plan) {
    throw new PlanValidationError('.dr-autopilot/plan.json', [{ path: 'name', message: `the packaged plan is "${plan.name}", the run's is "${run.plan}"; ${REPACKAGE}` }]);
  }
  return plan;
}

/**
 * The packaged reversal of the run's plan (CompiledPlan.reversed): what a run in the reverse direction
 * reads its components from. A compiled plan without it was packaged before re-protect and failback
 * existed: PlanValidationError, terminal (re-package).
 */
export async function runReversedComponents(run: { plan: string }): Promise<ReversedComponents> {
  await runPlan(run);
  const reversed = (await packagedCompiledPlan()).reversed;
  if (typeof reversed !== 'object' || reversed === null) {
    throw new PlanValidationError(packagedPlanFile(), [{ path: 'reversed', message: `the compiled plan has no reversed components, which a run in the reverse direction needs; ${REPACKAGE}` }]);
  }
  return reversed;
}

/** The packaged recovery role's statements (CompiledPlan.recoveryRole), or null when the compiled plan has none (or not as a list). */
export async function packagedRecoveryStatements(): Promise<IamStatement[] | null> {
  const statements = (await packagedCompiledPlan()).recoveryRole?.statements;
  return Array.isArray(statements) ? statements : null;
}
