import {
  BackupClient,
  DescribeRestoreJobCommand,
  InvalidParameterValueException,
  InvalidRequestException,
  ListRecoveryPointsByBackupVaultCommand,
  MissingParameterValueException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  StartRestoreJobCommand,
  type DescribeRestoreJobCommandOutput,
  type RecoveryPointByBackupVault,
} from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recover as backupRestore, idempotencyToken } from '../../../../shared/components/backup-restore/recover.ts';
import { INCIDENT, actionContext, exampleComponent } from '../../../support/action-context.ts';

const backup = mockClient(BackupClient);

const VAULT = 'dataset-platform-osaka';
const RESOURCE = 'arn:aws:elasticfilesystem:ap-northeast-1:123456789012:file-system/fs-0123456789abcdef0';
const ROLE = 'arn:aws:iam::123456789012:role/dataset-platform-backup-restore';
const rpArn = (n: string) => `arn:aws:backup:ap-northeast-3:123456789012:recovery-point:${n}`;
const at = (iso: string) => new Date(iso);
const point = (n: string, created: string, over: Partial<RecoveryPointByBackupVault> = {}): RecoveryPointByBackupVault => ({
  RecoveryPointArn: rpArn(n),
  BackupVaultName: VAULT,
  ResourceArn: RESOURCE,
  ResourceType: 'EFS',
  Status: 'COMPLETED',
  CreationDate: at(created),
  ...over,
});
const job = (over: Partial<DescribeRestoreJobCommandOutput> = {}): DescribeRestoreJobCommandOutput => ({
  $metadata: {},
  RestoreJobId: 'job-1',
  Status: 'PENDING',
  CreationDate: at('2026-11-29T01:01:00Z'),
  ...over,
});
const ctxOf = async () => actionContext(await exampleComponent('backup-restore', 'backup-system'));
/** Two pages: the newest COMPLETED point before the incident (00:10) is on the second one. */
const twoPages = () => {
  backup.on(ListRecoveryPointsByBackupVaultCommand, { NextToken: undefined }).resolves({
    RecoveryPoints: [point('old', '2026-11-28T00:10:00Z'), point('after-incident', '2026-11-29T01:10:00Z')],
    NextToken: 'page-2',
  });
  backup.on(ListRecoveryPointsByBackupVaultCommand, { NextToken: 'page-2' }).resolves({
    RecoveryPoints: [
      point('partial', '2026-11-29T00:40:00Z', { Status: 'PARTIAL' }),
      point('chosen', '2026-11-29T00:10:00Z'),
      point('at-incident', INCIDENT.toISOString()),
    ],
  });
};
const startInputs = () => backup.commandCalls(StartRestoreJobCommand).map((c) => c.args[0].input);
const state = { restoreJobId: 'job-1', recoveryPointArn: rpArn('chosen'), recoveryPointCreatedAt: '2026-11-29T00:10:00.000Z' };

describe('backup-restore', () => {
  beforeEach(() => backup.reset());
  afterEach(() => backup.reset());

  it('restores the newest COMPLETED point created before the incident, paging through the vault', async () => {
    // Prepare
    const ctx = await ctxOf();
    twoPages();
    backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'job-1' });
    backup.on(DescribeRestoreJobCommand).resolves(job());
    // Act
    const progress = await backupRestore.start(ctx);
    // Assess
    expect(backup).toHaveReceivedCommandTimes(ListRecoveryPointsByBackupVaultCommand, 2);
    expect(backup).toHaveReceivedNthCommandWith(ListRecoveryPointsByBackupVaultCommand, 1, { BackupVaultName: VAULT, ByResourceArn: RESOURCE });
    expect(backup).toHaveReceivedNthCommandWith(ListRecoveryPointsByBackupVaultCommand, 2, {
      BackupVaultName: VAULT,
      ByResourceArn: RESOURCE,
      NextToken: 'page-2',
    });
    expect(startInputs()).toEqual([
      {
        RecoveryPointArn: rpArn('chosen'),
        Metadata: { newFileSystem: 'true', Encrypted: 'true', PerformanceMode: 'generalPurpose', CreationToken: 'dataset-platform-efs-restore' },
        IamRoleArn: ROLE,
        ResourceType: 'EFS',
        IdempotencyToken: idempotencyToken(ctx, rpArn('chosen')),
      },
    ]);
    expect(backup).toHaveReceivedCommandWith(DescribeRestoreJobCommand, { RestoreJobId: 'job-1' });
    expect(progress).toMatchObject({ done: false, nextCheckSeconds: 3600, state });
    expect(progress.observations).toEqual({ ...state, percentDone: null });
    expect(await backup.call(0).thisValue.config.region()).toBe('ap-northeast-3');
  });

  it('sends the same IdempotencyToken on a re-run, and reports an already completed job as done', async () => {
    const ctx = await ctxOf();
    twoPages();
    // AWS Backup returns the same job for the same token.
    backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'job-1' });
    backup
      .on(DescribeRestoreJobCommand)
      .resolvesOnce(job())
      .resolves(job({ Status: 'COMPLETED', PercentDone: '100.0%', CreatedResourceArn: 'arn:aws:elasticfilesystem:ap-northeast-3:123456789012:file-system/fs-new' }));
    const first = await backupRestore.start(ctx);
    const second = await backupRestore.start(ctx);
    const [a, b] = startInputs();
    expect(a?.IdempotencyToken).toMatch(/^[0-9a-f]{64}$/);
    expect(b?.IdempotencyToken).toBe(a?.IdempotencyToken);
    expect(first.done).toBe(false);
    expect(second).toMatchObject({ done: true, observations: { restoreJobId: 'job-1', createdResourceArn: expect.stringContaining('fs-new') } });
  });

  it('derives the token from component, recovery point and incident start', async () => {
    const ctx = await ctxOf();
    const token = idempotencyToken(ctx, rpArn('chosen'));
    expect(idempotencyToken({ ...ctx }, rpArn('chosen'))).toBe(token);
    expect(idempotencyToken(ctx, rpArn('other'))).not.toBe(token);
    expect(idempotencyToken({ ...ctx, incidentStartedAt: new Date(INCIDENT.getTime() + 1) }, rpArn('chosen'))).not.toBe(token);
  });

  it('fails with ActionFailedError when no COMPLETED point precedes the incident', async () => {
    const ctx = await ctxOf();
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [point('after', '2026-11-29T02:00:00Z'), point('expired', '2026-11-28T00:00:00Z', { Status: 'EXPIRED' })],
    });
    await expect(backupRestore.start(ctx)).rejects.toMatchObject({
      name: 'ActionFailedError',
      message: expect.stringContaining('no COMPLETED recovery point'),
    });
    expect(backup).not.toHaveReceivedCommand(StartRestoreJobCommand);
  });

  it.each([
    ['the job estimate (26 min left)', { ExpectedCompletionTimeMinutes: 30, CreationDate: at('2026-11-29T01:01:00Z') }, 1560],
    ['the estimate, capped at 30 min', { ExpectedCompletionTimeMinutes: 600 }, 1800],
    ['the check interval once the estimate has passed', { ExpectedCompletionTimeMinutes: 2 }, 120],
    ['the check interval without an estimate', {}, 120],
  ])('checks a RUNNING job again after %s', async (_label, over: Partial<DescribeRestoreJobCommandOutput>, seconds) => {
    const ctx = await ctxOf();
    backup.on(DescribeRestoreJobCommand).resolves(job({ Status: 'RUNNING', PercentDone: '40.0%', ...over }));
    const progress = await backupRestore.check(ctx, state);
    expect(progress).toMatchObject({ done: false, nextCheckSeconds: seconds, observations: { percentDone: '40.0%' } });
    expect(progress.observations).not.toHaveProperty('createdResourceArn');
  });

  it('is done when the job COMPLETED and reports the created resource and the data-loss bound', async () => {
    const ctx = await ctxOf();
    const created = 'arn:aws:elasticfilesystem:ap-northeast-3:123456789012:file-system/fs-new';
    backup.on(DescribeRestoreJobCommand).resolves(job({ Status: 'COMPLETED', PercentDone: '100.0%', CreatedResourceArn: created }));
    const progress = await backupRestore.check(ctx, state);
    expect(progress.done).toBe(true);
    expect(progress.observations).toEqual({ ...state, percentDone: '100.0%', createdResourceArn: created });
    expect(backup).toHaveReceivedCommandWith(DescribeRestoreJobCommand, { RestoreJobId: 'job-1' });
  });

  it.each(['FAILED', 'ABORTED'] as const)('fails with ActionFailedError carrying StatusMessage when the job is %s', async (status) => {
    const ctx = await ctxOf();
    backup.on(DescribeRestoreJobCommand).resolves(job({ Status: status, StatusMessage: 'Access denied to KMS key' }));
    await expect(backupRestore.check(ctx, state)).rejects.toMatchObject({
      name: 'ActionFailedError',
      message: `AWS Backup restore job job-1 ${status}: Access denied to KMS key`,
    });
  });

  it('maps ResourceNotFoundException to ResourceNotFoundError and ServiceUnavailableException to AwsTransientError', async () => {
    const ctx = await ctxOf();
    backup.on(ListRecoveryPointsByBackupVaultCommand).rejects(new ResourceNotFoundException({ message: 'Backup vault not found', $metadata: {} }));
    await expect(backupRestore.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    backup.on(DescribeRestoreJobCommand).rejects(new ServiceUnavailableException({ message: 'Service unavailable', $metadata: {} }));
    await expect(backupRestore.check(ctx, state)).rejects.toMatchObject({ name: 'AwsTransientError' });
    backup.on(DescribeRestoreJobCommand).rejects(new ResourceNotFoundException({ message: 'Restore job not found', $metadata: {} }));
    await expect(backupRestore.check(ctx, state)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
  });

  it.each([
    new InvalidParameterValueException({ message: 'Invalid restore metadata', $metadata: {} }),
    new InvalidRequestException({ message: 'Recovery point is not restorable', $metadata: {} }),
    new MissingParameterValueException({ message: 'file-system-id is required', $metadata: {} }),
  ])('maps a refused StartRestoreJob ($name) to ActionFailedError (terminal)', async (error) => {
    const ctx = await ctxOf();
    twoPages();
    backup.on(StartRestoreJobCommand).rejects(error);
    await expect(backupRestore.start(ctx)).rejects.toMatchObject({ name: 'ActionFailedError', message: expect.stringContaining(error.name) });
    expect(backup).not.toHaveReceivedCommand(DescribeRestoreJobCommand);
  });

  it('maps an invalid read request to UnexpectedStateError, and fails closed on a check without a job id', async () => {
    const ctx = await ctxOf();
    backup.on(ListRecoveryPointsByBackupVaultCommand).rejects(new InvalidParameterValueException({ message: 'Invalid ARN', $metadata: {} }));
    await expect(backupRestore.start(ctx)).rejects.toMatchObject({ name: 'UnexpectedStateError' });
    await expect(backupRestore.check(ctx, {})).rejects.toMatchObject({ name: 'UnexpectedStateError' });
    expect(backup).not.toHaveReceivedCommand(DescribeRestoreJobCommand);
  });
});
