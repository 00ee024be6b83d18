import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

export const iam: IamFacet<Params> = {
  statements: (p, { regions, arn }) => [
    { Effect: 'Allow', Action: ['backup:ListRecoveryPointsByBackupVault'], Resource: [arn('backup', regions.secondary, `backup-vault:${p.backupVaultName}`)] },
    { Effect: 'Allow', Action: ['backup:StartRestoreJob'], Resource: [arn('backup', regions.secondary, 'recovery-point:*')] },
    // DescribeRestoreJob has no resource-level permissions (read-only).
    { Effect: 'Allow', Action: ['backup:DescribeRestoreJob'], Resource: '*' },
    { Effect: 'Allow', Action: ['iam:PassRole'], Resource: [p.iamRoleArn], Condition: { StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } } },
  ],
  startOnly: ['backup:StartRestoreJob', 'iam:PassRole'],
  readiness: (p, { regions, arn }) => [
    { Effect: 'Allow', Action: ['backup:ListRecoveryPointsByBackupVault'], Resource: [arn('backup', regions.secondary, `backup-vault:${p.backupVaultName}`)] },
  ],
};
