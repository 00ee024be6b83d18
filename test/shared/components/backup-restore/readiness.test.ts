import { BackupClient, ListRecoveryPointsByBackupVaultCommand, ResourceNotFoundException, type RecoveryPointByBackupVault } from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readiness } from '../../../../shared/components/backup-restore/readiness.ts';
import type { ReadinessContext } from '../../../../shared/readiness/types.ts';
import { exampleComponent } from '../../../support/action-context.ts';
import { awsError, readinessDeps } from '../../../support/readiness.ts';

const backup = mockClient(BackupClient);

const NOW = new Date('2026-11-29T01:00:00.000Z');
const VAULT = 'dataset-platform-osaka';
const RESOURCE = 'arn:aws:elasticfilesystem:ap-northeast-1:123456789012:file-system/fs-0123456789abcdef0';
const WHAT = `vault ${VAULT} in ap-northeast-3`;
const HOUR_MS = 3_600_000;

const point = (hoursAgo: number, Status: RecoveryPointByBackupVault['Status'] = 'COMPLETED'): RecoveryPointByBackupVault => ({
  RecoveryPointArn: `arn:aws:backup:ap-northeast-3:123456789012:recovery-point:${hoursAgo}h`,
  BackupVaultName: VAULT,
  ResourceArn: RESOURCE,
  ResourceType: 'EFS',
  Status,
  CreationDate: new Date(NOW.getTime() - hoursAgo * HOUR_MS),
});
/** The example plan's backup system (RPO class system: 24 h). */
const context = async (rpoSeconds: number | null = 86_400): Promise<ReadinessContext<'backup-restore'>> => ({
  component: await exampleComponent('backup-restore', 'backup-system'),
  ...readinessDeps(),
  now: NOW,
  rpoSeconds,
});

describe('backup-restore readiness', () => {
  beforeEach(() => backup.reset());
  afterEach(() => backup.reset());

  it('is ready when the recovery region\'s vault holds a completed point younger than the RPO; its age is the data at risk', async () => {
    // Prepare: not newest first, and a newer point still being created.
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [point(26), point(2), point(1, 'CREATING'), point(50)] });
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result).toEqual({
      findings: [{ check: 'recovery-point', status: 'ready', detail: `newest recovery point in ${WHAT} 2.0 h old, within the RPO of 24.0 h` }],
      dataAtRiskSeconds: 7200,
    });
    expect(backup).toHaveReceivedCommandTimes(ListRecoveryPointsByBackupVaultCommand, 1);
    expect(backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)[0]!.args[0].input).toEqual({ BackupVaultName: VAULT, ByResourceArn: RESOURCE, NextToken: undefined });
    expect(await backup.call(0).thisValue.config.region()).toBe('ap-northeast-3');
  });

  it('reads every page (NextToken) to find the newest point', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand)
      .resolvesOnce({ RecoveryPoints: [point(30)], NextToken: 'page-2' })
      .resolvesOnce({ RecoveryPoints: [point(3)] });
    const result = await readiness.assess(await context());
    expect(result.dataAtRiskSeconds).toBe(3 * 3600);
    expect(backup.commandCalls(ListRecoveryPointsByBackupVaultCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
  });

  it('is at risk when the newest completed point is older than the RPO (stale)', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [point(30), point(2, 'PARTIAL')] });
    const result = await readiness.assess(await context());
    expect(result).toEqual({
      findings: [{
        check: 'recovery-point',
        status: 'at-risk',
        detail: `newest recovery point in ${WHAT} 30.0 h old, above the RPO of 24.0 h: a recovery now would lose more than the plan allows`,
      }],
      dataAtRiskSeconds: 108_000,
    });
  });

  it.each([
    ['no recovery point at all', []],
    ['only points that did not complete', [point(1, 'PARTIAL'), point(2, 'EXPIRED')]],
  ])('is not ready with %s', async (_case, points) => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: points });
    const result = await readiness.assess(await context());
    expect(result).toEqual({
      findings: [{ check: 'recovery-point', status: 'not-ready', detail: `${WHAT} holds no completed recovery point of ${RESOURCE}: copy backups to the recovery region` }],
      dataAtRiskSeconds: null,
    });
  });

  it('is not ready when the vault does not exist or the read is denied; at risk when throttled', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: `Backup vault ${VAULT} does not exist`, $metadata: { httpStatusCode: 400 } }))
      .rejectsOnce(awsError('AccessDeniedException', 'not authorized'))
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'));
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'recovery-point', status: 'not-ready', detail: `${WHAT} not found (ResourceNotFoundException): create it in the recovery region, or correct the plan` },
    ]);
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'recovery-point', status: 'not-ready', detail: `${WHAT}: access denied (AccessDeniedException): the automation's role lacks a read it needs; redeploy from this plan` },
    ]);
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'recovery-point', status: 'at-risk', detail: `${WHAT}: could not be read (ThrottlingException: Rate exceeded); readiness unknown until it answers` },
    ]);
  });
});
