import { z } from 'zod';
import { nonEmpty } from '../../plan/fields.ts';

/** s3-failover: point the application at the replica bucket (an SSM parameter), once the replica is fit for it. */
export const params = z.strictObject({
  primaryBucket: nonEmpty,
  /** Replica bucket in the secondary region. */
  replicaBucket: nonEmpty,
  /** SSM parameter (secondary region) the application reads for its bucket name. */
  parameterName: z.string().regex(/^\/?[A-Za-z0-9_.\-/]+$/, 'must be an SSM parameter name'),
  /** Require SSE-KMS (aws:kms) default encryption on the replica, not only SSE-S3. */
  requireKms: z.boolean().default(true),
});

export type Params = z.output<typeof params>;
