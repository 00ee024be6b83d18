import { z } from 'zod';
import { arn, nonEmpty } from '../../plan/fields.ts';

/** aurora-global-failover: make a secondary-region cluster the writer of an Aurora global database. */
export const params = z.strictObject({
  globalClusterIdentifier: nonEmpty,
  /** ARN of the secondary-region cluster that becomes the writer. */
  targetDbClusterArn: arn,
});

export type Params = z.output<typeof params>;
