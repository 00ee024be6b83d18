import type { ActionContext, ActionProgress, RecoveryAction } from '../../shared/components/types.ts';
import type { ComponentType } from '../../shared/plan/schema.ts';

export const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/**
 * Runs an action as the state machine does (start, then a check each nextCheckSeconds) until done,
 * on whatever clock is installed (the simulator tests run it under withVirtualClock). Give a function
 * for `ctx` to build the context anew for each step (a fresh `now`, as each task invocation has).
 */
export async function drive<T extends ComponentType>(action: RecoveryAction<T>, ctx: ActionContext<T> | (() => ActionContext<T>), limitSeconds = 7200) {
  const context = typeof ctx === 'function' ? ctx : () => ctx;
  const t0 = Date.now();
  let progress: ActionProgress = await action.start(context());
  while (!progress.done) {
    await sleep(progress.nextCheckSeconds);
    if (Date.now() - t0 > limitSeconds * 1000) throw new Error(`not done after ${limitSeconds} s: ${progress.status}`);
    progress = await action.check(context(), progress.state);
  }
  return { seconds: (Date.now() - t0) / 1000, progress };
}
