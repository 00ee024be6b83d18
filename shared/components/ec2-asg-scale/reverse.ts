import type { Reversal } from '../definition.ts';
import type { Params } from './params.ts';

/** ec2-asg-scale does not run in the reverse direction (a failback): the reason says what to do instead. */
export function reverse(_component: { id: string; params: Params }): Reversal<Params> {
  return { unsupported: "names only the recovery region's Auto Scaling group, and the primary region's groups keep their own size through a recovery: leave it out of the failback (the recovery region's group stays scaled up until you scale it back)" };
}
