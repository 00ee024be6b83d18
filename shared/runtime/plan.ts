import path from 'node:path';
import { loadPlanFile } from '../plan/load.ts';
import type { Plan } from '../plan/schema.ts';

let cached: Promise<Plan> | undefined;

/**
 * The plan packaged with the functions (PLAN_FILE, relative to the function's root). Loaded and
 * validated once per container; a plan that does not validate fails every run at its first state.
 */
export function packagedPlan(): Promise<Plan> {
  if (!cached) {
    const file = process.env.PLAN_FILE ?? 'plan.yml';
    const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
    const loading = loadPlanFile(path.resolve(root, file));
    cached = loading;
    // A plan that failed to load is read again next time (unless another load replaced it meanwhile).
    loading.catch(() => {
      if (cached === loading) cached = undefined;
    });
    return loading;
  }
  return cached;
}

/** Tests and the drill point the functions at another plan. */
export function resetPackagedPlan(): void {
  cached = undefined;
}
