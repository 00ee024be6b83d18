import { z } from 'zod';
import { nonEmpty } from '../../plan/fields.ts';

/** elasticache-global-failover: make a secondary-region replication group the primary of a global datastore. */
export const params = z.strictObject({
  globalReplicationGroupId: nonEmpty,
  /** Replication group in the secondary region that becomes primary. */
  secondaryReplicationGroupId: nonEmpty,
  /**
   * Replication group in the primary region (the primary before a recovery): re-protect waits for it to be
   * a secondary member again, a failback makes it the primary. Without it the component cannot run in
   * the reverse direction.
   */
  primaryReplicationGroupId: nonEmpty.optional(),
}).refine((p) => p.primaryReplicationGroupId !== p.secondaryReplicationGroupId, { path: ['primaryReplicationGroupId'], message: 'must differ from secondaryReplicationGroupId' });

export type Params = z.output<typeof params>;
