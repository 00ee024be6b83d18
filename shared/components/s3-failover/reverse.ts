import type { Reversal } from '../definition.ts';
import type { Params } from './params.ts';

/**
 * The reverse direction: the application goes back to the plan's primary bucket. The parameter keeps its
 * name: in the reverse direction it is the primary region's parameter (the run's secondary), which the
 * application there reads.
 */
export function reverse({ params }: { id: string; params: Params }): Reversal<Params> {
  return { params: { ...params, primaryBucket: params.replicaBucket, replicaBucket: params.primaryBucket } };
}
