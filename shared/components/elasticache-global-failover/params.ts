import { z } from 'zod';
import { nonEmpty } from '../../plan/fields.ts';

/** elasticache-global-failover: make a secondary-region replication group the primary of a global datastore. */
export const params = z.strictObject({
  globalReplicationGroupId: nonEmpty,
  /** Replication group in the secondary region that becomes primary. */
  secondaryReplicationGroupId: nonEmpty,
});

export type Params = z.output<typeof params>;
