import { z } from 'zod';
import { nonEmpty, regionRole } from '../../plan/fields.ts';

/** s3-version-restore: put every object under a prefix back to its version as of a point in time. */
export const params = z.strictObject({
  region: regionRole.default('primary'),
  bucket: nonEmpty,
  prefix: z.string().default(''),
  /** `before-incident` or an ISO-8601 time: each object goes back to its newest version at or before it. */
  pointInTime: z.union([z.literal('before-incident'), z.iso.datetime({ offset: true })]).default('before-incident'),
  /**
   * The bucket's customer-managed KMS key, when its objects are SSE-KMS encrypted with one: copying a
   * version back reads it (kms:Decrypt) and writes the new one (kms:GenerateDataKey), so the role needs
   * both on that key (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html).
   * Not needed for SSE-S3 or the AWS managed key aws/s3.
   */
  kmsKeyArn: z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)').optional(),
  /** Objects restored per start/check step (keeps each Lambda invocation short). */
  batchSize: z.number().int().min(1).max(1000).default(200),
});

export type Params = z.output<typeof params>;
