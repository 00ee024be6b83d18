import type { Reversal } from '../definition.ts';
import type { Params } from './params.ts';

/** The reverse direction: the plan's primary-region cluster is the target again (primaryDbClusterArn), the plan's target the writer. */
export function reverse({ params }: { id: string; params: Params }): Reversal<Params> {
  if (!params.primaryDbClusterArn) return { unsupported: 'add params.primaryDbClusterArn: the primary-region cluster a failback makes the writer again' };
  return { params: { ...params, targetDbClusterArn: params.primaryDbClusterArn, primaryDbClusterArn: params.targetDbClusterArn } };
}
