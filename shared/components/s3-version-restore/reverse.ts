import type { Reversal } from '../definition.ts';
import type { Params } from './params.ts';

/** s3-version-restore does not run in the reverse direction (a failback): the reason says what to do instead. */
export function reverse(_component: { id: string; params: Params }): Reversal<Params> {
  return { unsupported: 'puts objects back to earlier versions in place, which does not run the other way: leave it out of the failback' };
}
