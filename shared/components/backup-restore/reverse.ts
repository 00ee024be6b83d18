import type { Reversal } from '../definition.ts';
import type { Params } from './params.ts';

/** backup-restore does not run in the reverse direction (a failback): the reason says what to do instead. */
export function reverse(_component: { id: string; params: Params }): Reversal<Params> {
  return { unsupported: "restores a recovery point into the recovery region; the data goes back with the backup plan's own copy rules (AWS Backup copy jobs), not by running this restore in reverse: leave it out of the failback" };
}
