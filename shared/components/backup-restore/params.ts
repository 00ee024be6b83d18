import { z } from 'zod';
import { arn, nonEmpty } from '../../plan/fields.ts';

/** backup-restore: restore the newest recovery point of a resource from an AWS Backup vault. */
export const params = z.strictObject({
  /** Vault in the secondary region holding the copied recovery points. */
  backupVaultName: nonEmpty,
  /** ARN of the protected resource whose newest recovery point is restored. */
  resourceArn: arn,
  resourceType: z.enum(['EFS', 'EBS', 'EC2', 'RDS', 'DynamoDB', 'S3']).default('EFS'),
  iamRoleArn: arn,
  /** Restore metadata passed to StartRestoreJob (for EFS: file-system-id, newFileSystem, Encrypted, KmsKeyId…). */
  metadata: z.record(z.string(), z.string()),
});

export type Params = z.output<typeof params>;
