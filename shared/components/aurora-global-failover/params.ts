import { z } from 'zod';
import { arn, nonEmpty } from '../../plan/fields.ts';

/** aurora-global-failover: make a secondary-region cluster the writer of an Aurora global database. */
export const params = z.strictObject({
  globalClusterIdentifier: nonEmpty,
  /** ARN of the secondary-region cluster that becomes the writer. */
  targetDbClusterArn: arn,
  /**
   * ARN of the primary-region cluster (the writer before a recovery): re-protect waits for Aurora to
   * rebuild it as a secondary, a failback makes it the writer again. Without it the component cannot
   * run in the reverse direction.
   */
  primaryDbClusterArn: arn.optional(),
});

export type Params = z.output<typeof params>;
