import type { Reversal } from '../definition.ts';
import type { Params } from './params.ts';

/**
 * The reverse direction: the promoted instance (the plan's replica, in the plan's secondary region) is
 * the primary, and the replica re-protect created in the plan's primary region (reprotect.replicaDbInstanceIdentifier)
 * is the replica a failback promotes. Re-protect, run so, fences the plan's old primary first (it may
 * have come back with its region) and creates that replica with the reprotect settings.
 */
export function reverse({ params }: { id: string; params: Params }): Reversal<Params> {
  const { reprotect } = params;
  if (!reprotect) {
    return { unsupported: 'add params.reprotect.replicaDbInstanceIdentifier: the replica re-protect creates in the primary region from the promoted instance, and a failback promotes' };
  }
  const reverseFencing = params.reverseFencing ?? (params.fencing.method === 'isolate' ? undefined : params.fencing);
  if (!reverseFencing) {
    return { unsupported: 'fencing.method isolate names security groups of the primary region: add params.reverseFencing, how the promoted instance is fenced in the secondary region' };
  }
  return {
    params: {
      ...params,
      // The promoted instance is fenced in the plan's secondary region; the plan's old primary, in the primary region.
      fencing: reverseFencing,
      reverseFencing: params.fencing,
      primaryDbInstanceIdentifier: params.replicaDbInstanceIdentifier,
      replicaDbInstanceIdentifier: reprotect.replicaDbInstanceIdentifier,
      reprotect: { ...reprotect, replicaDbInstanceIdentifier: params.primaryDbInstanceIdentifier, fenceDbInstanceIdentifier: reprotect.fenceDbInstanceIdentifier ?? params.primaryDbInstanceIdentifier },
    },
  };
}
