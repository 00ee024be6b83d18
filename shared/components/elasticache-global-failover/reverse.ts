import type { Reversal } from '../definition.ts';
import type { Params } from './params.ts';

/** The reverse direction: the plan's primary-region replication group becomes the primary again. */
export function reverse({ params }: { id: string; params: Params }): Reversal<Params> {
  if (!params.primaryReplicationGroupId) return { unsupported: 'add params.primaryReplicationGroupId: the primary-region replication group a failback makes the primary again' };
  return { params: { ...params, secondaryReplicationGroupId: params.primaryReplicationGroupId, primaryReplicationGroupId: params.secondaryReplicationGroupId } };
}
