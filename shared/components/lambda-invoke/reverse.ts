import type { Reversal } from '../definition.ts';
import type { Params } from './params.ts';

/**
 * The reverse direction: the same function (its region role flips with the run's regions, so it is
 * the same region as written) invoked with failbackPayload.
 */
export function reverse({ params }: { id: string; params: Params }): Reversal<Params> {
  if (!params.failbackPayload) return { unsupported: 'add params.failbackPayload: what the function is invoked with when the plan runs back to the primary region' };
  return { params: { ...params, region: params.region === 'primary' ? 'secondary' : 'primary', payload: params.failbackPayload, failbackPayload: params.payload } };
}
