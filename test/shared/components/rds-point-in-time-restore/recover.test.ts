import {
  DBInstanceAlreadyExistsFault,
  DBInstanceAutomatedBackupNotFoundFault,
  DBInstanceNotFoundFault,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  InvalidRestoreFault,
  PointInTimeRestoreNotEnabledFault,
  RDSClient,
  RestoreDBInstanceToPointInTimeCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recover as rdsPointInTimeRestore, restorePointBefore } from '../../../../shared/components/rds-point-in-time-restore/recover.ts';
import type { ComponentOf } from '../../../../shared/plan/schema.ts';
import { INCIDENT, actionContext } from '../../../support/action-context.ts';

const rds = mockClient(RDSClient);

const SOURCE = 'reporting-db';
const TARGET = 'reporting-db-restored';
const BACKUPS_ARN = 'arn:aws:rds:ap-northeast-3:123456789012:auto-backup:ab-reporting-db-0123456789';
type Params = ComponentOf<'rds-point-in-time-restore'>['params'];

const component = (params: Partial<Params> = {}): ComponentOf<'rds-point-in-time-restore'> => ({
  checks: [],
  id: 'reporting-database',
  name: 'Reporting database (point-in-time restore)',
  type: 'rds-point-in-time-restore',
  timeoutMinutes: 120,
  checkIntervalSeconds: 60,
  params: {
    region: 'secondary',
    sourceDbInstanceIdentifier: SOURCE,
    targetDbInstanceIdentifier: TARGET,
    restoreTo: 'before-incident',
    granularityMinutes: 5,
    retentionDays: 7,
    ...params,
  },
});
const instance = (id: string, over: Partial<DBInstance> = {}): DBInstance => ({ DBInstanceIdentifier: id, DBInstanceStatus: 'available', ...over });
const notFound = (id: string) => new DBInstanceNotFoundFault({ message: `DBInstance ${id} not found.`, $metadata: { httpStatusCode: 404 } });
/** The source (its latest restorable time) and a target that does not exist yet. */
const sourceAndNoTarget = (latest = new Date('2026-11-29T01:03:00Z')) => {
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: SOURCE }).resolves({ DBInstances: [instance(SOURCE, { LatestRestorableTime: latest })] });
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET }).rejects(notFound(TARGET));
};
const restoreInput = () => rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)[0]?.args[0].input;
/** Cross-region: the replicated automated backups in the restore region. */
const crossRegion = (params: Partial<Params> = {}) => component({ sourceDbInstanceIdentifier: undefined, sourceDbInstanceAutomatedBackupsArn: BACKUPS_ARN, ...params });
/** The replicated backups' restore window and a target that does not exist yet. */
const backupsAndNoTarget = (latest: Date, earliest = new Date('2026-11-25T00:00:00.000Z')) => {
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET }).rejects(notFound(TARGET));
  rds.on(DescribeDBInstanceAutomatedBackupsCommand, { DBInstanceAutomatedBackupsArn: BACKUPS_ARN }).resolves({
    DBInstanceAutomatedBackups: [{ DBInstanceAutomatedBackupsArn: BACKUPS_ARN, RestoreWindow: { EarliestTime: earliest, LatestTime: latest } }],
  });
};
const creating = () => rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({ DBInstance: instance(TARGET, { DBInstanceStatus: 'creating' }) });

describe('rds-point-in-time-restore', () => {
  beforeEach(() => rds.reset());
  afterEach(() => rds.reset());

  describe('restorePointBefore (newest grid point strictly before the incident, UTC epoch grid)', () => {
    it.each([
      ['2026-11-29T01:00:00.000Z', 5, '2026-11-29T00:55:00.000Z'], // exactly on the grid: the previous point
      ['2026-11-29T01:00:00.001Z', 5, '2026-11-29T01:00:00.000Z'],
      ['2026-11-29T01:02:30.000Z', 5, '2026-11-29T01:00:00.000Z'],
      ['2026-11-29T01:04:59.999Z', 5, '2026-11-29T01:00:00.000Z'],
      ['2026-11-29T01:00:00.000Z', 1, '2026-11-29T00:59:00.000Z'],
      ['2026-11-29T01:07:00.000Z', 15, '2026-11-29T01:00:00.000Z'],
      ['2026-11-29T01:00:00.000Z', 60, '2026-11-29T00:00:00.000Z'],
      ['2026-11-29T00:00:00.000Z', 5, '2026-11-28T23:55:00.000Z'], // across midnight
    ])('%s on a %i-minute grid → %s', (incident, granularity, expected) => {
      expect(restorePointBefore(new Date(incident), granularity).toISOString()).toBe(expected);
    });
  });

  it('restores the source in the secondary region to the grid point before the incident, with only the given options', async () => {
    // Prepare
    const ctx = actionContext(component());
    sourceAndNoTarget();
    rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({ DBInstance: instance(TARGET, { DBInstanceStatus: 'creating' }) });
    // Act
    const progress = await rdsPointInTimeRestore.start(ctx);
    // Assess
    expect(rds).toHaveReceivedNthCommandWith(DescribeDBInstancesCommand, 1, { DBInstanceIdentifier: TARGET });
    expect(rds).toHaveReceivedNthCommandWith(DescribeDBInstancesCommand, 2, { DBInstanceIdentifier: SOURCE });
    expect(restoreInput()).toEqual({
      TargetDBInstanceIdentifier: TARGET,
      SourceDBInstanceIdentifier: SOURCE,
      RestoreTime: new Date('2026-11-29T00:55:00.000Z'),
    });
    for (let i = 0; i < 3; i++) expect(await rds.call(i).thisValue.config.region()).toBe('ap-northeast-3');
    expect(progress).toMatchObject({
      done: false,
      nextCheckSeconds: 3600,
      status: `target ${TARGET} is creating`,
      observations: { restoredTo: '2026-11-29T00:55:00.000Z', targetDbInstanceIdentifier: TARGET },
    });
  });

  it('restores in the primary region when the plan says so', async () => {
    const ctx = actionContext(component({ region: 'primary' }));
    sourceAndNoTarget();
    rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({});
    await rdsPointInTimeRestore.start(ctx);
    expect(rds).toHaveReceivedCommandTimes(RestoreDBInstanceToPointInTimeCommand, 1);
    for (let i = 0; i < 3; i++) expect(await rds.call(i).thisValue.config.region()).toBe('ap-northeast-1');
  });

  it('latest: never past the incident: a latest restorable time after it restores to the incident, as a RestoreTime, passing the optional settings given', async () => {
    // Prepare: a same-region source whose latest restorable time (01:03) is after the incident (01:00).
    const ctx = actionContext(
      component({ restoreTo: 'latest', dbInstanceClass: 'db.r6g.large', dbSubnetGroupName: 'reporting-osaka', vpcSecurityGroupIds: ['sg-0a1b2c3d'], multiAz: false }),
    );
    sourceAndNoTarget(new Date('2026-11-29T01:03:00.000Z'));
    rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({ DBInstance: instance(TARGET, { DBInstanceStatus: 'creating' }) });
    // Act
    const progress = await rdsPointInTimeRestore.start(ctx);
    // Assess
    expect(rds).toHaveReceivedNthCommandWith(DescribeDBInstancesCommand, 2, { DBInstanceIdentifier: SOURCE });
    expect(restoreInput()).toEqual({
      TargetDBInstanceIdentifier: TARGET,
      SourceDBInstanceIdentifier: SOURCE,
      RestoreTime: INCIDENT,
      DBInstanceClass: 'db.r6g.large',
      DBSubnetGroupName: 'reporting-osaka',
      VpcSecurityGroupIds: ['sg-0a1b2c3d'],
      MultiAZ: false,
    });
    const note = 'the latest restorable time 2026-11-29T01:03:00.000Z is after the incident: restored to the incident, 2026-11-29T01:00:00.000Z';
    expect(progress.observations).toEqual({
      restoredTo: '2026-11-29T01:00:00.000Z', dataLossSeconds: 0, latestRestorableTime: '2026-11-29T01:03:00.000Z', restorePointNote: note, targetDbInstanceIdentifier: TARGET,
    });
    expect(progress.status).toBe(`target ${TARGET} is creating; ${note}`);
  });

  it('restores from replicated automated backups (cross-region), checking their restore window', async () => {
    const ctx = actionContext(component({ sourceDbInstanceIdentifier: undefined, sourceDbInstanceAutomatedBackupsArn: BACKUPS_ARN }));
    rds.on(DescribeDBInstancesCommand).rejects(notFound(TARGET));
    rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [{ DBInstanceAutomatedBackupsArn: BACKUPS_ARN, RestoreWindow: { EarliestTime: new Date('2026-11-25T00:00:00Z'), LatestTime: new Date('2026-11-29T00:58:00Z') } }],
    });
    rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({});
    await rdsPointInTimeRestore.start(ctx);
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstanceAutomatedBackupsCommand, { DBInstanceAutomatedBackupsArn: BACKUPS_ARN });
    expect(restoreInput()).toEqual({
      TargetDBInstanceIdentifier: TARGET,
      SourceDBInstanceAutomatedBackupsArn: BACKUPS_ARN,
      RestoreTime: new Date('2026-11-29T00:55:00.000Z'),
    });
  });

  it('waits, sending no restore, while the latest restorable time has not reached the restore point', async () => {
    // Prepare: the restore point (00:55) is 1 s after the latest restorable time.
    const ctx = actionContext(component());
    sourceAndNoTarget(new Date('2026-11-29T00:54:59.000Z'));
    // Act
    const progress = await rdsPointInTimeRestore.start(ctx);
    // Assess
    expect(progress).toMatchObject({
      done: false,
      nextCheckSeconds: 31,
      status: 'waiting: latest restorable time 2026-11-29T00:54:59.000Z has not reached the restore point 2026-11-29T00:55:00.000Z',
      state: { restoredTo: '2026-11-29T00:55:00.000Z', waitingForRestorePoint: true },
    });
    expect(rds).not.toHaveReceivedCommand(RestoreDBInstanceToPointInTimeCommand);
  });

  it('starts the restore once, from a check, when the latest restorable time has caught up', async () => {
    const ctx = actionContext(component());
    sourceAndNoTarget(new Date('2026-11-29T00:54:59.000Z'));
    const waiting = await rdsPointInTimeRestore.start(ctx);
    rds.reset();
    sourceAndNoTarget(new Date('2026-11-29T00:58:00.000Z'));
    rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({ DBInstance: instance(TARGET, { DBInstanceStatus: 'creating' }) });
    const started = await rdsPointInTimeRestore.check(ctx, waiting.state);
    expect(started).toMatchObject({ done: false, state: { restoredTo: '2026-11-29T00:55:00.000Z' } });
    expect(started.state.waitingForRestorePoint).toBeUndefined();
    expect(rds).toHaveReceivedCommandTimes(RestoreDBInstanceToPointInTimeCommand, 1);
    expect(restoreInput()).toMatchObject({ RestoreTime: new Date('2026-11-29T00:55:00.000Z') });
  });

  it('accepts a restore point exactly at the latest restorable time', async () => {
    const ctx = actionContext(component());
    sourceAndNoTarget(new Date('2026-11-29T00:55:00.000Z'));
    rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({});
    await rdsPointInTimeRestore.start(ctx);
    expect(rds).toHaveReceivedCommandTimes(RestoreDBInstanceToPointInTimeCommand, 1);
  });

  it('fails when the restore point has left the retention window (a run started 8 days after the incident)', async () => {
    const ctx = actionContext(component({ retentionDays: 7 }), { now: new Date(INCIDENT.getTime() + 8 * 86_400_000) });
    sourceAndNoTarget(new Date('2026-12-07T01:00:00Z'));
    await expect(rdsPointInTimeRestore.start(ctx)).rejects.toMatchObject({
      name: 'ActionFailedError',
      message: expect.stringContaining('[2026-11-30T01:00:00.000Z, 2026-12-07T01:00:00.000Z]'),
    });
    expect(rds).not.toHaveReceivedCommand(RestoreDBInstanceToPointInTimeCommand);
  });

  it('fails when the source has no latest restorable time, or the automated backups window is too early', async () => {
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: SOURCE }).resolves({ DBInstances: [instance(SOURCE)] });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET }).rejects(notFound(TARGET));
    await expect(rdsPointInTimeRestore.start(actionContext(component()))).rejects.toMatchObject({ name: 'ActionFailedError' });
    rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
      DBInstanceAutomatedBackups: [{ RestoreWindow: { EarliestTime: new Date('2026-11-29T00:56:00Z'), LatestTime: new Date('2026-11-29T01:03:00Z') } }],
    });
    const fromBackups = actionContext(component({ sourceDbInstanceIdentifier: undefined, sourceDbInstanceAutomatedBackupsArn: BACKUPS_ARN }));
    await expect(rdsPointInTimeRestore.start(fromBackups)).rejects.toMatchObject({
      name: 'ActionFailedError',
      message: expect.stringContaining('[2026-11-29T00:56:00.000Z, 2026-11-29T01:03:00.000Z]'),
    });
    expect(rds).not.toHaveReceivedCommand(RestoreDBInstanceToPointInTimeCommand);
  });

  it('never restores twice across re-runs: an existing target is checked, not restored again', async () => {
    const ctx = actionContext(component());
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: SOURCE }).resolves({ DBInstances: [instance(SOURCE, { LatestRestorableTime: new Date('2026-11-29T01:03:00Z') })] });
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET })
      .rejectsOnce(notFound(TARGET))
      .resolves({ DBInstances: [instance(TARGET, { DBInstanceStatus: 'creating' })] });
    rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({});
    await rdsPointInTimeRestore.start(ctx);
    const rerun = await rdsPointInTimeRestore.start(ctx);
    expect(rds).toHaveReceivedCommandTimes(RestoreDBInstanceToPointInTimeCommand, 1);
    expect(rerun).toMatchObject({ done: false, status: `target ${TARGET} is creating`, observations: { restoredTo: '2026-11-29T00:55:00.000Z' } });
  });

  it('treats DBInstanceAlreadyExistsFault from the restore as already started', async () => {
    const ctx = actionContext(component());
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: SOURCE }).resolves({ DBInstances: [instance(SOURCE, { LatestRestorableTime: new Date('2026-11-29T01:03:00Z') })] });
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET })
      .rejectsOnce(notFound(TARGET))
      .resolves({ DBInstances: [instance(TARGET, { DBInstanceStatus: 'creating' })] });
    rds.on(RestoreDBInstanceToPointInTimeCommand).rejects(new DBInstanceAlreadyExistsFault({ message: 'DB instance already exists', $metadata: {} }));
    await expect(rdsPointInTimeRestore.start(ctx)).resolves.toMatchObject({ done: false, status: `target ${TARGET} is creating` });
  });

  it.each([
    ['PointInTimeRestoreNotEnabledFault', 'ActionFailedError', new PointInTimeRestoreNotEnabledFault({ message: 'backup retention is 0', $metadata: {} })],
    ['InvalidRestoreFault', 'ActionFailedError', new InvalidRestoreFault({ message: 'cannot restore', $metadata: {} })],
    ['DBInstanceNotFoundFault (source)', 'ResourceNotFoundError', notFound(SOURCE)],
    ['DBInstanceAutomatedBackupNotFoundFault', 'ResourceNotFoundError', new DBInstanceAutomatedBackupNotFoundFault({ message: 'not found', $metadata: {} })],
    ['InvalidDBInstanceStateFault', 'ResourceBusyError', new InvalidDBInstanceStateFault({ message: 'source is not available', $metadata: {} })],
    ['Throttling', 'AwsThrottlingError', Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } })],
  ])('maps %s from the restore to %s', async (_aws, name, error) => {
    const ctx = actionContext(component({ restoreTo: 'latest' }));
    sourceAndNoTarget();
    rds.on(RestoreDBInstanceToPointInTimeCommand).rejects(error);
    await expect(rdsPointInTimeRestore.start(ctx)).rejects.toMatchObject({ name });
  });

  it('maps a missing source or missing automated backups to ResourceNotFoundError before any restore', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(notFound(SOURCE));
    await expect(rdsPointInTimeRestore.start(actionContext(component()))).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    rds.on(DescribeDBInstanceAutomatedBackupsCommand).rejectsOnce(new DBInstanceAutomatedBackupNotFoundFault({ message: 'not found', $metadata: {} })).resolves({});
    const fromBackups = actionContext(component({ sourceDbInstanceIdentifier: undefined, sourceDbInstanceAutomatedBackupsArn: BACKUPS_ARN }));
    await expect(rdsPointInTimeRestore.start(fromBackups)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    await expect(rdsPointInTimeRestore.start(fromBackups)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    expect(rds).not.toHaveReceivedCommand(RestoreDBInstanceToPointInTimeCommand);
  });

  it('check: done when the target is available, reporting its endpoint address', async () => {
    const ctx = actionContext(component());
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [instance(TARGET, { Endpoint: { Address: 'reporting-db-restored.abc123.ap-northeast-3.rds.amazonaws.com', Port: 5432 } })],
    });
    expect(await rdsPointInTimeRestore.check(ctx, { restoredTo: '2026-11-29T00:55:00.000Z' })).toMatchObject({
      done: true,
      observations: {
        restoredTo: '2026-11-29T00:55:00.000Z',
        targetDbInstanceIdentifier: TARGET,
        endpointAddress: 'reporting-db-restored.abc123.ap-northeast-3.rds.amazonaws.com',
      },
    });
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET });
  });

  it.each(['creating', 'backing-up', 'modifying', 'rebooting'])('check: %s is in progress', async (status) => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance(TARGET, { DBInstanceStatus: status })] });
    expect(await rdsPointInTimeRestore.check(actionContext(component()), {})).toMatchObject({ done: false, nextCheckSeconds: 60 });
  });

  it.each([
    ['restore-error', 'ActionFailedError'],
    ['incompatible-restore', 'ActionFailedError'],
    ['incompatible-parameters', 'ActionFailedError'],
    ['failed', 'ActionFailedError'],
    ['deleting', 'UnexpectedStateError'],
  ])('check: %s fails with %s', async (status, name) => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance(TARGET, { DBInstanceStatus: status })] });
    await expect(rdsPointInTimeRestore.check(actionContext(component()), {})).rejects.toMatchObject({ name });
  });

  it('check: a target that disappeared is UnexpectedStateError', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(notFound(TARGET));
    await expect(rdsPointInTimeRestore.check(actionContext(component()), {})).rejects.toMatchObject({ name: 'UnexpectedStateError' });
  });
  describe('issue 10: no restore point after the incident, no wait for logs that will never arrive', () => {
    it('latest, replicated backups frozen by the outage: a RestoreTime at their latest restorable time, with the data-loss window', async () => {
      // Prepare: the source region went down at 01:00; its replicated backups' window stopped at 00:57.
      const ctx = actionContext(crossRegion({ restoreTo: 'latest' }));
      backupsAndNoTarget(new Date('2026-11-29T00:57:00.000Z'));
      creating();
      // Act
      const progress = await rdsPointInTimeRestore.start(ctx);
      // Assess
      expect(rds).toHaveReceivedCommandWith(DescribeDBInstanceAutomatedBackupsCommand, { DBInstanceAutomatedBackupsArn: BACKUPS_ARN });
      expect(restoreInput()).toEqual({ TargetDBInstanceIdentifier: TARGET, SourceDBInstanceAutomatedBackupsArn: BACKUPS_ARN, RestoreTime: new Date('2026-11-29T00:57:00.000Z') });
      const note = 'restored to the latest restorable time 2026-11-29T00:57:00.000Z, 3 min before the incident';
      expect(progress.observations).toEqual({
        restoredTo: '2026-11-29T00:57:00.000Z', dataLossSeconds: 180, latestRestorableTime: '2026-11-29T00:57:00.000Z', restorePointNote: note, targetDbInstanceIdentifier: TARGET,
      });
      expect(progress.status).toBe(`target ${TARGET} is creating; ${note}`);
    });

    it('before-incident, replicated backups in an unplanned run: logs stop at the incident, so it restores at once to the newest grid point the window holds', async () => {
      // Prepare: the grid point before the incident is 00:55; the frozen window ends at 00:54.
      const ctx = actionContext(crossRegion());
      backupsAndNoTarget(new Date('2026-11-29T00:54:00.000Z'));
      creating();
      // Act
      const progress = await rdsPointInTimeRestore.start(ctx);
      // Assess
      expect(rds).toHaveReceivedCommandTimes(RestoreDBInstanceToPointInTimeCommand, 1);
      expect(restoreInput()).toEqual({ TargetDBInstanceIdentifier: TARGET, SourceDBInstanceAutomatedBackupsArn: BACKUPS_ARN, RestoreTime: new Date('2026-11-29T00:50:00.000Z') });
      expect(progress).toMatchObject({
        done: false,
        nextCheckSeconds: 3600,
        status: `target ${TARGET} is creating; logs stop at the incident: restored to 2026-11-29T00:50:00.000Z, 10 min before the incident`,
        observations: { restoredTo: '2026-11-29T00:50:00.000Z', dataLossSeconds: 600, latestRestorableTime: '2026-11-29T00:54:00.000Z' },
      });
      expect(progress.state.waitingForRestorePoint).toBeUndefined();
    });

    it('before-incident, replicated backups: the restore point chosen survives a re-run (no second restore) and every check', async () => {
      // Prepare
      const ctx = actionContext(crossRegion());
      backupsAndNoTarget(new Date('2026-11-29T00:54:00.000Z'));
      creating();
      const started = await rdsPointInTimeRestore.start(ctx);
      rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET }).resolves({ DBInstances: [instance(TARGET, { DBInstanceStatus: 'creating' })] });
      // Act
      const rerun = await rdsPointInTimeRestore.start(ctx);
      const checked = await rdsPointInTimeRestore.check(ctx, started.state);
      // Assess
      expect(rds).toHaveReceivedCommandTimes(RestoreDBInstanceToPointInTimeCommand, 1);
      for (const progress of [rerun, checked]) {
        expect(progress.observations).toMatchObject({ restoredTo: '2026-11-29T00:50:00.000Z', dataLossSeconds: 600 });
        expect(progress.status).toContain('logs stop at the incident: restored to 2026-11-29T00:50:00.000Z');
      }
    });

    it('before-incident, same-region source that is up: waits for its logs only up to 15 min after the restore point, then restores to the newest grid point', async () => {
      // Prepare: 01:10 is 15 min after the restore point (00:55); the source's logs still end at 00:53.
      const ctx = actionContext(component(), { now: new Date('2026-11-29T01:10:00.000Z') });
      sourceAndNoTarget(new Date('2026-11-29T00:53:00.000Z'));
      creating();
      // Act
      const progress = await rdsPointInTimeRestore.start(ctx);
      // Assess
      expect(restoreInput()).toEqual({ TargetDBInstanceIdentifier: TARGET, SourceDBInstanceIdentifier: SOURCE, RestoreTime: new Date('2026-11-29T00:50:00.000Z') });
      expect(progress.status).toBe(
        `target ${TARGET} is creating; no logs past 2026-11-29T00:53:00.000Z arrived within 15 min of the restore point 2026-11-29T00:55:00.000Z: ` +
          'restored to 2026-11-29T00:50:00.000Z, 10 min before the incident',
      );
    });

    it('before-incident, same-region source that is stopped: no logs will come, it restores at once', async () => {
      // Prepare
      const ctx = actionContext(component());
      rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: SOURCE }).resolves({
        DBInstances: [instance(SOURCE, { DBInstanceStatus: 'stopped', LatestRestorableTime: new Date('2026-11-29T00:54:59.000Z') })],
      });
      rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET }).rejects(notFound(TARGET));
      creating();
      // Act
      const progress = await rdsPointInTimeRestore.start(ctx);
      // Assess
      expect(restoreInput()).toMatchObject({ RestoreTime: new Date('2026-11-29T00:50:00.000Z') });
      expect(progress.status).toContain('the source is stopped, its logs stop at 2026-11-29T00:54:59.000Z: restored to 2026-11-29T00:50:00.000Z, 10 min before the incident');
    });

    it('before-incident, replicated backups in a planned run: the source region is up and its logs still come, so it waits', async () => {
      // Prepare
      const ctx = actionContext(crossRegion(), { mode: 'planned' });
      backupsAndNoTarget(new Date('2026-11-29T00:54:30.000Z'));
      // Act
      const progress = await rdsPointInTimeRestore.start(ctx);
      // Assess
      expect(progress).toMatchObject({ done: false, nextCheckSeconds: 60, state: { restoredTo: '2026-11-29T00:55:00.000Z', waitingForRestorePoint: true } });
      expect(rds).not.toHaveReceivedCommand(RestoreDBInstanceToPointInTimeCommand);
    });

    it('fails at once, terminally, when the restorable window holds no grid point on or before the restore point', async () => {
      // Prepare: the window [00:52, 00:54] ends before the restore point (00:55) and holds no point of the 5-minute grid.
      const ctx = actionContext(crossRegion());
      backupsAndNoTarget(new Date('2026-11-29T00:54:00.000Z'), new Date('2026-11-29T00:52:00.000Z'));
      // Act / Assess
      await expect(rdsPointInTimeRestore.start(ctx)).rejects.toMatchObject({
        name: 'ActionFailedError',
        message: expect.stringContaining('[2026-11-29T00:52:00.000Z, 2026-11-29T00:54:00.000Z]'),
      });
      expect(rds).not.toHaveReceivedCommand(RestoreDBInstanceToPointInTimeCommand);
    });

    it.each(['before-incident', 'latest'] as const)('%s: fails at once, terminally, when the restorable window is empty', async (restoreTo) => {
      // Prepare: the earliest restorable time (00:58) is after the latest (00:54).
      const ctx = actionContext(crossRegion({ restoreTo }));
      backupsAndNoTarget(new Date('2026-11-29T00:54:00.000Z'), new Date('2026-11-29T00:58:00.000Z'));
      // Act / Assess
      await expect(rdsPointInTimeRestore.start(ctx)).rejects.toMatchObject({
        name: 'ActionFailedError',
        message: expect.stringContaining('the restorable window is empty: its latest restorable time 2026-11-29T00:54:00.000Z is before its earliest 2026-11-29T00:58:00.000Z'),
      });
      expect(rds).not.toHaveReceivedCommand(RestoreDBInstanceToPointInTimeCommand);
    });
  });
});
