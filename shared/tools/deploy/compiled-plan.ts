import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { reversedComponents } from '../../plan/direction.ts';
import { loadPlanFile } from '../../plan/load.ts';
import type { IamContext } from '../../components/definition.ts';
import type { Plan } from '../../plan/schema.ts';
import { startActionStatements } from './component-iam.ts';
import { COMPILED_PLAN_FORMAT, type CompiledPlan } from '../../runtime/plan.ts';

/** Where packaging writes the compiled plan, relative to the service root (PLAN_FILE in the functions). */
export const COMPILED_PLAN_PATH = '.dr-autopilot/plan.json';

/** ARNs with the partition and account left as `${AWS::Partition}` / `${AWS::AccountId}`, for the run time to fill in. */
export function deferredAccountIamContext(regions: Plan['regions']): IamContext {
  return { regions, arn: (service, region, resource, withAccount = true) => `arn:\${AWS::Partition}:${service}:${region}:${withAccount ? '${AWS::AccountId}' : ''}:${resource}` };
}

/**
 * A validated plan (defaults applied) as the functions read it: no YAML parser or schema at run time;
 * with the recovery role's statements (start-action's, as deployed) for readiness to simulate.
 */
export function compiledPlanOf(plan: Plan, source: string): CompiledPlan {
  return {
    format: COMPILED_PLAN_FORMAT,
    source,
    plan,
    recoveryRole: { statements: startActionStatements(plan, deferredAccountIamContext(plan.regions)) },
    reversed: reversedComponents(plan),
  };
}

/**
 * Loads and validates the plan file (every problem at once, as `dr-autopilot validate` reports them:
 * PlanValidationError) and compiles it. `source` is how the compiled plan names its origin.
 */
export async function compilePlan(file: string, source = file): Promise<CompiledPlan> {
  return compiledPlanOf(await loadPlanFile(file), source);
}

/** Writes the compiled plan; through a rename, so a reader never sees half a file. */
export function writeCompiledPlan(file: string, compiled: CompiledPlan): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(compiled, null, 2)}\n`);
  renameSync(partial, file);
}

/** The compiled plan in a temp folder of its own, for the drill and tests; `remove()` deletes the folder. */
export function writeTempCompiledPlan(plan: Plan, source: string): { file: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'dr-compiled-plan-'));
  const file = path.join(dir, 'plan.json');
  writeCompiledPlan(file, compiledPlanOf(plan, source));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
