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
  /**
   * Re-protect: the replication the re-protect stage adds to the bucket the application now uses, toward
   * the other one (PutBucketReplication needs a role S3 assumes to replicate). Without it the stage
   * cannot rebuild replication for this component.
   */
  reprotect: z
    .strictObject({
      /** The IAM role S3 assumes to replicate (s3.amazonaws.com trusts it; it reads the source and writes the destination). */
      replicationRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)'),
      /** The rule's ID in the replication configuration (other rules of the bucket are kept). */
      ruleId: z.string().min(1).max(255).default('dr-autopilot-reprotect'),
    })
    .optional(),
}).refine((p) => p.primaryBucket !== p.replicaBucket, { path: ['replicaBucket'], message: 'must differ from primaryBucket' });

export type Params = z.output<typeof params>;
