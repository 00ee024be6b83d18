import {
  DBInstanceAutomatedBackupNotFoundFault,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  type DBInstance,
  type DBInstanceAutomatedBackup,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readiness } from '../../../../shared/components/rds-point-in-time-restore/readiness.ts';
import { component as componentSchema, type ComponentOf } from '../../../../shared/plan/schema.ts';
import type { ReadinessContext } from '../../../../shared/readiness/types.ts';
import { awsError, readinessDeps } from '../../../support/readiness.ts';

const rds = mockClient(RDSClient);

const NOW = new Date('2026-11-29T01:00:00.000Z');
const SOURCE = 'reporting-db';
const BACKUPS_ARN = 'arn:aws:rds:ap-northeast-3:123456789012:auto-backup:ab-reporting-db-0123456789';
const DAY_MS = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

type Params = ComponentOf<'rds-point-in-time-restore'>['params'];
/** Source instance by default (region secondary, retention 7 days); `params` replaces the source. */
const component = (params: Partial<Params> = { sourceDbInstanceIdentifier: SOURCE }): ComponentOf<'rds-point-in-time-restore'> =>
  componentSchema.parse({
    id: 'reporting-database',
    name: 'Reporting database (point-in-time restore)',
    type: 'rds-point-in-time-restore',
    rpoClass: 'transaction',
    params: { targetDbInstanceIdentifier: 'reporting-db-restored', retentionDays: 7, ...params },
  }) as ComponentOf<'rds-point-in-time-restore'>;
const instance = (over: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: SOURCE,
  DBInstanceStatus: 'available',
  BackupRetentionPeriod: 7,
  LatestRestorableTime: ago(5 * 60_000),
  ...over,
});
const backups = (over: Partial<DBInstanceAutomatedBackup> = {}): DBInstanceAutomatedBackup => ({
  DBInstanceAutomatedBackupsArn: BACKUPS_ARN,
  BackupRetentionPeriod: 7,
  RestoreWindow: { EarliestTime: ago(7 * DAY_MS + 3_600_000), LatestTime: ago(10 * 60_000) },
  ...over,
});
const context = (c = component(), rpoSeconds: number | null = 900): ReadinessContext<'rds-point-in-time-restore'> => ({
  component: c,
  ...readinessDeps(),
  now: NOW,
  rpoSeconds,
});
const SOURCE_WHAT = 'source instance reporting-db in ap-northeast-3';
const BACKUPS_WHAT = `automated backups ${BACKUPS_ARN} in ap-northeast-3`;

describe('rds-point-in-time-restore readiness', () => {
  beforeEach(() => rds.reset());
  afterEach(() => rds.reset());

  describe('source instance', () => {
    it('is ready when backups are kept long enough and the latest restorable time is within the RPO', async () => {
      // Prepare
      rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance()] });
      // Act
      const result = await readiness.assess(context());
      // Assess
      expect(result).toEqual({
        findings: [
          { check: 'backup-retention', status: 'ready', detail: 'backups kept 7 days (plan: 7)' },
          { check: 'latest-restorable', status: 'ready', detail: 'latest restorable time 5 min old, within the RPO of 15 min' },
        ],
        dataAtRiskSeconds: 300,
      });
      expect(rds).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 1);
      expect(rds.commandCalls(DescribeDBInstancesCommand)[0]!.args[0].input).toEqual({ DBInstanceIdentifier: 'reporting-db' });
      expect(rds).not.toHaveReceivedCommand(DescribeDBInstanceAutomatedBackupsCommand);
      expect(await rds.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    });

    it('reads the primary region\'s instance when the plan says region: primary', async () => {
      rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance()] });
      const result = await readiness.assess(context(component({ region: 'primary', sourceDbInstanceIdentifier: SOURCE })));
      expect(await rds.call(0).thisValue.config.region()).toBe('ap-northeast-1');
      expect(result.findings.map((f) => f.status)).toEqual(['ready', 'ready']);
    });

    it('is not ready when the source instance is not in the answer', async () => {
      rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
      const result = await readiness.assess(context());
      expect(result).toEqual({ findings: [{ check: 'backups', status: 'not-ready', detail: `${SOURCE_WHAT} not found` }], dataAtRiskSeconds: null });
    });

    it('is not ready when the read is denied; at risk when it is throttled', async () => {
      rds.on(DescribeDBInstancesCommand).rejectsOnce(awsError('AccessDenied', 'not authorized')).rejectsOnce(awsError('Throttling', 'Rate exceeded'));
      expect((await readiness.assess(context())).findings).toEqual([
        { check: 'backups', status: 'not-ready', detail: `${SOURCE_WHAT}: access denied (AccessDenied): the automation's role lacks a read it needs; redeploy from this plan` },
      ]);
      expect((await readiness.assess(context())).findings).toEqual([
        { check: 'backups', status: 'at-risk', detail: `${SOURCE_WHAT}: could not be read (Throttling: Rate exceeded); readiness unknown until it answers` },
      ]);
    });

    it('is at risk when backups are kept fewer days than the plan needs', async () => {
      rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance({ BackupRetentionPeriod: 3 })] });
      const result = await readiness.assess(context());
      expect(result.findings[0]).toEqual({ check: 'backup-retention', status: 'at-risk', detail: 'backups kept 3 days, the plan needs 7: raise BackupRetentionPeriod' });
    });

    it('is not ready when backups are off (retention 0) and nothing can be restored', async () => {
      rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance({ BackupRetentionPeriod: 0, LatestRestorableTime: undefined })] });
      const result = await readiness.assess(context());
      expect(result).toEqual({
        findings: [
          { check: 'backup-retention', status: 'not-ready', detail: 'backups kept 0 days, the plan needs 7: raise BackupRetentionPeriod (0: point-in-time restore is off)' },
          { check: 'latest-restorable', status: 'not-ready', detail: `${SOURCE_WHAT} has no latest restorable time: nothing can be restored` },
        ],
        dataAtRiskSeconds: null,
      });
    });

    it('is at risk when the latest restorable time is older than the RPO (stale)', async () => {
      rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance({ LatestRestorableTime: ago(40 * 60_000) })] });
      const result = await readiness.assess(context());
      expect(result.findings[1]).toEqual({
        check: 'latest-restorable',
        status: 'at-risk',
        detail: 'latest restorable time 40 min old, above the RPO of 15 min: a recovery now would lose more than the plan allows',
      });
      expect(result.dataAtRiskSeconds).toBe(2400);
    });
  });

  describe('replicated automated backups', () => {
    it('is ready when the window reaches back the plan\'s days, read by ARN', async () => {
      // Prepare
      rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [backups()] });
      // Act
      const result = await readiness.assess(context(component({ sourceDbInstanceAutomatedBackupsArn: BACKUPS_ARN })));
      // Assess
      expect(result).toEqual({
        findings: [
          { check: 'backup-retention', status: 'ready', detail: 'backups kept 7 days (plan: 7)' },
          { check: 'restore-window', status: 'ready', detail: 'restorable back 169.0 h (plan: 7 days)' },
          { check: 'latest-restorable', status: 'ready', detail: 'latest restorable time 10 min old, within the RPO of 15 min' },
        ],
        dataAtRiskSeconds: 600,
      });
      expect(rds).toHaveReceivedCommandTimes(DescribeDBInstanceAutomatedBackupsCommand, 1);
      expect(rds.commandCalls(DescribeDBInstanceAutomatedBackupsCommand)[0]!.args[0].input).toEqual({ DBInstanceAutomatedBackupsArn: BACKUPS_ARN });
      expect(rds).not.toHaveReceivedCommand(DescribeDBInstancesCommand);
      expect(await rds.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    });

    it('is at risk when the window reaches back less than the plan\'s days', async () => {
      rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
        DBInstanceAutomatedBackups: [backups({ RestoreWindow: { EarliestTime: ago(2 * DAY_MS), LatestTime: ago(60_000) } })],
      });
      const result = await readiness.assess(context(component({ sourceDbInstanceAutomatedBackupsArn: BACKUPS_ARN })));
      expect(result.findings[1]).toEqual({ check: 'restore-window', status: 'at-risk', detail: 'restorable back only 48.0 h, the plan needs 7 days' });
      expect(result.dataAtRiskSeconds).toBe(60);
    });

    it('is not ready when the backups are not found', async () => {
      rds.on(DescribeDBInstanceAutomatedBackupsCommand).rejects(
        new DBInstanceAutomatedBackupNotFoundFault({ message: 'not found', $metadata: { httpStatusCode: 404 } }));
      const result = await readiness.assess(context(component({ sourceDbInstanceAutomatedBackupsArn: BACKUPS_ARN })));
      expect(result).toEqual({
        findings: [{
          check: 'backups',
          status: 'not-ready',
          detail: `${BACKUPS_WHAT} not found (DBInstanceAutomatedBackupNotFoundFault): create it in the recovery region, or correct the plan`,
        }],
        dataAtRiskSeconds: null,
      });
    });

    it('is not ready when the answer holds no backups', async () => {
      rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [] });
      const result = await readiness.assess(context(component({ sourceDbInstanceAutomatedBackupsArn: BACKUPS_ARN })));
      expect(result.findings).toEqual([{ check: 'backups', status: 'not-ready', detail: `${BACKUPS_WHAT} not found` }]);
    });
  });
});
