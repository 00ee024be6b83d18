import type { ActionContext, ActionProgress, RecoveryAction } from '../../shared/components/types.ts';
import type { ComponentType } from '../../shared/plan/schema.ts';

export const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/**
 * Runs an action as the state machine does (start, then a check each nextCheckSeconds) until done,
 * on whatever clock is installed (the simulator tests run it under withVirtualClock).
 */
export async function drive<T extends ComponentType>(action: RecoveryAction<T>, ctx: ActionContext<T>, limitSeconds = 7200) {
  const t0 = Date.now();
  let progress: ActionProgress = await action.start(ctx);
  while (!progress.done) {
    await sleep(progress.nextCheckSeconds);
    if (Date.now() - t0 > limitSeconds * 1000) throw new Error(`not done after ${limitSeconds} s: ${progress.status}`);
    progress = await action.check(ctx, progress.state);
  }
  return { seconds: (Date.now() - t0) / 1000, progress };
}
