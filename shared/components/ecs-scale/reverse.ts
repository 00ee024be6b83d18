import type { Reversal } from '../definition.ts';
import type { Params } from './params.ts';

/** ecs-scale does not run in the reverse direction (a failback): the reason says what to do instead. */
export function reverse(_component: { id: string; params: Params }): Reversal<Params> {
  return { unsupported: "names only the recovery region's service, and the primary region's services keep their own size through a recovery: leave it out of the failback (the recovery region's service stays scaled up until you scale it back)" };
}
