import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import {
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  StopDBInstanceCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActionContext, ActionProgress } from '../../../../shared/components/types.ts';
import { recover as rdsReplicaPromotion } from '../../../../shared/components/rds-replica-promotion/recover.ts';
import { RecoveryAbortedError } from '../../../../shared/errors.ts';
import type { ComponentOf } from '../../../../shared/plan/schema.ts';
import { actionContext, exampleComponent } from '../../../support/action-context.ts';

const rds = mockClient(RDSClient);
const cloudwatch = mockClient(CloudWatchClient);

const replica = (over: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: 'dataset-db-osaka',
  DBInstanceStatus: 'available',
  ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db',
  ...over,
});
const promoted = (status = 'available'): DBInstance => replica({ DBInstanceStatus: status, ReadReplicaSourceDBInstanceIdentifier: undefined });
const lagData = (points: [string, number][]): GetMetricDataCommandOutput => ({
  $metadata: {},
  MetricDataResults: [{ Id: 'replicaLag', StatusCode: 'Complete', Timestamps: points.map(([t]) => new Date(t)), Values: points.map(([, v]) => v) }],
});
const context = async (overrides: Partial<Omit<ActionContext<'rds-replica-promotion'>, 'component'>> = {}) => actionContext(await exampleComponent('rds-replica-promotion', 'core-database'), overrides);
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });

const REPLICA = 'dataset-db-osaka';
const PRIMARY_DB = 'dataset-db';
/** The old primary's region does not answer (the outage), as the SDK reports a connection failure. */
const primaryUnreachable = () =>
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: PRIMARY_DB }).rejects(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }));

describe('rds-replica-promotion', () => {
  beforeEach(() => {
    rds.reset();
    cloudwatch.reset();
    primaryUnreachable();
  });
  afterEach(() => {
    rds.reset();
    cloudwatch.reset();
  });

  it('records the replica lag, then promotes the secondary replica with the plan’s backup retention', async () => {
    // Prepare
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica()] });
    rds.on(PromoteReadReplicaCommand).resolves({ DBInstance: replica({ DBInstanceStatus: 'modifying' }) });
    // Not in time order on purpose: the newest timestamp wins, not the first value.
    cloudwatch.on(GetMetricDataCommand).callsFake(() => {
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
      return lagData([['2026-11-29T00:58:00Z', 3], ['2026-11-29T00:59:00Z', 4], ['2026-11-29T00:57:00Z', 9]]);
    });
    // Act
    const progress = await rdsReplicaPromotion.start(ctx);
    // Assess
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'dataset-db-osaka' });
    expect(rds).toHaveReceivedCommandExactlyOnceWith(PromoteReadReplicaCommand, { DBInstanceIdentifier: 'dataset-db-osaka', BackupRetentionPeriod: 7 });
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      // Unplanned: the lag at the incident (01:00), not now (01:05), is what the promotion gives up.
      StartTime: new Date('2026-11-29T00:50:00.000Z'),
      EndTime: new Date('2026-11-29T01:00:00.000Z'),
      MetricDataQueries: [{
        Id: 'replicaLag',
        ReturnData: true,
        MetricStat: {
          Metric: { Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'dataset-db-osaka' }] },
          Period: 60,
          Stat: 'Maximum',
        },
      }],
    });
    expect(await rds.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(await cloudwatch.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(progress).toMatchObject({
      done: false,
      nextCheckSeconds: 540,
      observations: { replicaLagSeconds: 4, replicaLagNote: null, promotedAt: '2026-11-29T01:05:00.000Z' },
    });
  });

  it('reads the lag at the incident in an outage: the lag now also counts the minutes the primary has been gone', async () => {
    // Prepare: CloudWatch answers by window, as it would: 2 s before the incident, 300 s (and growing) since.
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica()] });
    rds.on(PromoteReadReplicaCommand).resolves({});
    cloudwatch.on(GetMetricDataCommand, { EndTime: new Date('2026-11-29T01:00:00.000Z') }).resolves(lagData([['2026-11-29T00:59:00Z', 2]]));
    cloudwatch.on(GetMetricDataCommand, { EndTime: new Date('2026-11-29T01:05:00.000Z') }).resolves(lagData([['2026-11-29T01:04:00Z', 300]]));
    // Act
    const progress = await rdsReplicaPromotion.start(ctx);
    // Assess
    expect(progress.observations).toMatchObject({ replicaLagSeconds: 2 });
  });

  it.each([
    ['-1 (replication not active)', lagData([['2026-11-29T01:03:00Z', 2], ['2026-11-29T01:04:00Z', -1]]), 'ReplicaLag is -1: replication not active'],
    ['no datapoints', lagData([]), 'no ReplicaLag data in the last 10 minutes'],
  ])('records a null lag with a reason when the newest value is %s, and still promotes', async (_case, data, reason) => {
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica()] });
    rds.on(PromoteReadReplicaCommand).resolves({});
    cloudwatch.on(GetMetricDataCommand).resolves(data);
    const progress = await rdsReplicaPromotion.start(ctx);
    expect(progress.observations).toMatchObject({ replicaLagSeconds: null, replicaLagNote: reason });
    expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
  });

  it('does not hold up the promotion when the lag can’t be read (throttled)', async () => {
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica()] });
    rds.on(PromoteReadReplicaCommand).resolves({});
    cloudwatch.on(GetMetricDataCommand).rejects(throttled());
    const progress = await rdsReplicaPromotion.start(ctx);
    expect(progress.observations).toMatchObject({ replicaLagSeconds: null, replicaLagNote: 'GetMetricData failed: AwsThrottlingError' });
    expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
  });

  it('never sends a second promotion across re-runs, then checks through the reboot to done', async () => {
    const ctx = await context();
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA })
      .resolvesOnce({ DBInstances: [replica()] })
      .resolvesOnce({ DBInstances: [replica({ DBInstanceStatus: 'modifying' })] })
      .resolvesOnce({ DBInstances: [promoted('rebooting')] })
      .resolves({ DBInstances: [promoted()] });
    rds.on(PromoteReadReplicaCommand).resolves({});
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T01:04:00Z', 2]]));
    const first = await rdsReplicaPromotion.start(ctx);
    const rerun = await rdsReplicaPromotion.start(ctx);
    expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
    expect(rerun).toMatchObject({ done: false, status: 'modifying, still shown as a replica of arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db' });

    const rebooting = await rdsReplicaPromotion.check(ctx, first.state);
    expect(rebooting).toMatchObject({ done: false, nextCheckSeconds: 30, status: 'rebooting, no longer a replica' });
    const done = await rdsReplicaPromotion.check(ctx, first.state);
    expect(done).toMatchObject({
      done: true,
      observations: { replicaLagSeconds: 2, promotedAt: '2026-11-29T01:05:00.000Z' },
    });
    expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
  });

  it('is done without any promotion when the instance is already a standalone, available instance', async () => {
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [promoted()] });
    const progress = await rdsReplicaPromotion.start(ctx);
    expect(progress.done).toBe(true);
    expect(progress.observations).toMatchObject({ replicaLagSeconds: null, promotedAt: null });
    expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  it.each(['modifying', 'rebooting'])('treats a %s instance that is no longer shown as a replica as a promotion under way', async (status) => {
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [promoted(status)] });
    const progress = await rdsReplicaPromotion.start(ctx);
    expect(progress.done).toBe(false);
    expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
  });

  it.each(['backing-up', 'upgrading', 'starting'])('throws ResourceBusyError for a replica that is %s and sends nothing', async (status) => {
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica({ DBInstanceStatus: status })] });
    await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({ name: 'ResourceBusyError', retryable: true });
    expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  it.each([
    ['failed', 'ActionFailedError'],
    ['incompatible-parameters', 'ActionFailedError'],
    ['storage-full', 'ActionFailedError'],
    ['deleting', 'UnexpectedStateError'],
    ['stopped', 'UnexpectedStateError'],
    ['some-new-status', 'UnexpectedStateError'],
  ])('fails closed on a replica that is %s (%s), sending nothing', async (status, name) => {
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica({ DBInstanceStatus: status })] });
    await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({ name });
    expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
  });

  it('maps DBInstanceNotFoundFault (describe or promote) to ResourceNotFoundError', async () => {
    const ctx = await context();
    const notFound = new DBInstanceNotFoundFault({ message: 'DBInstance dataset-db-osaka not found.', $metadata: { httpStatusCode: 404 } });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).rejectsOnce(notFound).resolves({ DBInstances: [replica()] });
    rds.on(PromoteReadReplicaCommand).rejects(notFound);
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([]));
    await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
  });

  it('maps InvalidDBInstanceStateFault from PromoteReadReplica to ResourceBusyError and throttling to AwsThrottlingError', async () => {
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolvesOnce({ DBInstances: [replica()] }).rejects(throttled());
    rds.on(PromoteReadReplicaCommand).rejects(new InvalidDBInstanceStateFault({ message: 'Instance is backing-up', $metadata: {} }));
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([]));
    await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({ name: 'ResourceBusyError' });
    await expect(rdsReplicaPromotion.check(ctx, {})).rejects.toMatchObject({ name: 'AwsThrottlingError' });
  });

  it('keeps waiting while RDS still shows our promoted replica as available, but fails closed if nobody promoted it', async () => {
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica()] });
    const ours = await rdsReplicaPromotion.check(ctx, { promotedAt: '2026-11-29T01:05:00.000Z', replicaLagSeconds: 1 });
    expect(ours).toMatchObject({ done: false, observations: { replicaLagSeconds: 1 } });
    await expect(rdsReplicaPromotion.check(ctx, {})).rejects.toMatchObject({ name: 'UnexpectedStateError' });
    expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
  });

  it('fails the action when the promoted instance ends up failed', async () => {
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [promoted('failed')] });
    await expect(rdsReplicaPromotion.check(ctx, { promotedAt: '2026-11-29T01:05:00.000Z' })).rejects.toMatchObject({
      name: 'ActionFailedError',
      message: 'RDS instance dataset-db-osaka in ap-northeast-3 is failed',
    });
  });

  describe('split-brain guard (unplanned runs)', () => {
    it('refuses to promote while the old primary answers and is available, sending no PromoteReadReplica', async () => {
      // Prepare
      const ctx = await context();
      rds.reset();
      rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica()] });
      rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: PRIMARY_DB }).resolves({ DBInstances: [{ DBInstanceIdentifier: PRIMARY_DB, DBInstanceStatus: 'available' }] });
      // Act / Assess
      await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({
        name: 'SplitBrainRiskError',
        message: expect.stringContaining('old primary dataset-db in ap-northeast-1 is available and may accept writes'),
      });
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
      const regions = await Promise.all(rds.calls().map((c) => (c.thisValue as RDSClient).config.region()));
      expect(regions).toContain('ap-northeast-1');
    });

    it('promotes when the old primary is stopped, or its region does not answer', async () => {
      const ctx = await context();
      rds.reset();
      rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica()] });
      rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: PRIMARY_DB }).resolves({ DBInstances: [{ DBInstanceIdentifier: PRIMARY_DB, DBInstanceStatus: 'stopped' }] });
      rds.on(PromoteReadReplicaCommand).resolves({});
      await rdsReplicaPromotion.start(ctx);
      expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
    });
  });
});

describe('rds-replica-promotion split-brain guard under throttling', () => {
  afterEach(() => rds.reset());
  it('retries (AwsThrottlingError) when the old primary\'s region throttles the probe, rather than promoting', async () => {
    rds.reset();
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica()] });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: PRIMARY_DB }).rejects(throttled());
    await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({ name: 'AwsThrottlingError' });
    expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
  });
});

// ---- fencing, force, exactly one writer ------------------------------------------------------------

const REPLICA_ARN = 'arn:aws:rds:ap-northeast-3:123456789012:db:dataset-db-osaka';
const APP_GROUP = 'sg-0aaaaaaaaaaaaaaa1';
const ISOLATION = ['sg-0123456789abcdef0', 'sg-0fedcba9876543210'];
/** The old primary as its region shows it; by default available, still the source of our replica. */
const oldPrimary = (over: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: PRIMARY_DB,
  DBInstanceStatus: 'available',
  ReadReplicaDBInstanceIdentifiers: [REPLICA_ARN],
  VpcSecurityGroups: [{ VpcSecurityGroupId: APP_GROUP, Status: 'active' }],
  ...over,
});
const isolated = (over: Partial<DBInstance> = {}) =>
  oldPrimary({ VpcSecurityGroups: ISOLATION.map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })), ...over });
type Fencing = ComponentOf<'rds-replica-promotion'>['params']['fencing'];
type Ctx = ActionContext<'rds-replica-promotion'>;

/** The example's core-database with this fencing, in a context with these overrides (a recording hook by default). */
async function fencingContext(fencing: Fencing, overrides: Partial<Omit<Ctx, 'component'>> = {}) {
  const component = await exampleComponent('rds-replica-promotion', 'core-database', { fencing });
  const events: string[] = [];
  const hook = vi.fn(async (step: string) => {
    events.push(`beforeOneWay:${step}`);
  });
  const ctx = actionContext(component, { beforeOneWay: hook, ...overrides });
  return { ctx, hook, events };
}
/** Records every mutating RDS command in `events`, in the order sent. */
function recordCommands(events: string[]) {
  rds.on(PromoteReadReplicaCommand).callsFake(() => {
    events.push('PromoteReadReplica');
    return { DBInstance: replica({ DBInstanceStatus: 'modifying' }) };
  });
  rds.on(StopDBInstanceCommand).callsFake(() => {
    events.push('StopDBInstance');
    return { DBInstance: oldPrimary({ DBInstanceStatus: 'stopping' }) };
  });
  rds.on(ModifyDBInstanceCommand).callsFake(() => {
    events.push('ModifyDBInstance');
    return { DBInstance: oldPrimary() };
  });
}
const replicaSeen = (...dbs: DBInstance[]) => {
  const stub = rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA });
  dbs.slice(0, -1).forEach((db) => stub.resolvesOnce({ DBInstances: [db] }));
  stub.resolves({ DBInstances: [dbs.at(-1)!] });
};
const primarySeen = (...dbs: DBInstance[]) => {
  const stub = rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: PRIMARY_DB });
  dbs.slice(0, -1).forEach((db) => stub.resolvesOnce({ DBInstances: [db] }));
  stub.resolves({ DBInstances: [dbs.at(-1)!] });
};
const regionOf = async (call: { thisValue: unknown }) => (call.thisValue as RDSClient).config.region();

describe('rds-replica-promotion: beforeOneWay, fencing and one writer', () => {
  beforeEach(() => {
    rds.reset();
    cloudwatch.reset();
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T01:04:00Z', 2]]));
  });
  afterEach(() => {
    rds.reset();
    cloudwatch.reset();
  });

  describe('the beforeOneWay hook', () => {
    it('is called once with PromoteReadReplica, after the reads and right before the promotion', async () => {
      // Prepare
      const { ctx, hook, events } = await fencingContext({ method: 'stop' });
      replicaSeen(replica());
      primaryUnreachable();
      recordCommands(events);
      // Act
      await rdsReplicaPromotion.start(ctx);
      // Assess
      expect(hook).toHaveBeenCalledExactlyOnceWith('PromoteReadReplica');
      expect(events).toEqual(['beforeOneWay:PromoteReadReplica', 'PromoteReadReplica']);
      expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
    });

    it.each([
      ['under way (modifying)', replica({ DBInstanceStatus: 'modifying' })],
      ['done (standalone and available)', promoted()],
    ])('is not called when the promotion is already %s', async (_case, db) => {
      const { ctx, hook } = await fencingContext({ method: 'stop' });
      replicaSeen(db);
      primaryUnreachable();
      await rdsReplicaPromotion.start(ctx);
      await rdsReplicaPromotion.check(ctx, { promotedAt: '2026-11-29T01:05:00.000Z' });
      expect(hook).not.toHaveBeenCalled();
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    });

    it('sends no PromoteReadReplica when the hook throws (the trigger alarm is back to OK)', async () => {
      const abort = new RecoveryAbortedError('trigger alarm dataset-platform-tokyo-region-down is back to OK');
      const { ctx } = await fencingContext({ method: 'stop' }, { beforeOneWay: vi.fn().mockRejectedValue(abort) });
      replicaSeen(replica());
      primaryUnreachable();
      rds.on(PromoteReadReplicaCommand).resolves({});
      await expect(rdsReplicaPromotion.start(ctx)).rejects.toBe(abort);
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    });

    it('sends no StopDBInstance either when the hook throws before a forced fence', async () => {
      const abort = new RecoveryAbortedError('trigger alarm is back to OK');
      const { ctx } = await fencingContext({ method: 'stop' }, { force: true, beforeOneWay: vi.fn().mockRejectedValue(abort) });
      replicaSeen(replica());
      primarySeen(oldPrimary({ ReadReplicaDBInstanceIdentifiers: [] }));
      await expect(rdsReplicaPromotion.start(ctx)).rejects.toBe(abort);
      expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    });
  });

  describe('unplanned', () => {
    it('old primary unreachable: promotes, then reports it unreachable with one writer, its fencing not proven', async () => {
      // Prepare
      const { ctx, events } = await fencingContext({ method: 'stop' });
      replicaSeen(replica(), promoted());
      primaryUnreachable();
      recordCommands(events);
      // Act
      const started = await rdsReplicaPromotion.start(ctx);
      const done = await rdsReplicaPromotion.check(ctx, started.state);
      // Assess
      expect(events).toEqual(['beforeOneWay:PromoteReadReplica', 'PromoteReadReplica']);
      expect(started).toMatchObject({ done: false, observations: { oldPrimary: 'unreachable', fencing: 'stop', writers: null } });
      expect(done).toMatchObject({
        done: true,
        status: 'promoted: available, no longer a replica; old primary unreachable: fencing not proven, it may accept writes when its region comes back (fence it then)',
        observations: { oldPrimary: 'unreachable', fencing: 'stop', fencedAt: null, writers: 1, replicaLagSeconds: 2 },
      });
      expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
      expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: PRIMARY_DB });
    });

    it.each([
      ['isolate', { method: 'isolate', isolationSecurityGroupIds: ISOLATION } as Fencing, 'approve with --force to fence it first (fencing.method isolate)'],
      ['stop', { method: 'stop' } as Fencing, "--force would not help: fencing.method 'stop' can't fence it before promoting dataset-db-osaka"],
    ])('old primary up (%s): SplitBrainRiskError saying what would help, and neither a promotion nor a fence is sent', async (_case, fencing, advice) => {
      const { ctx, hook } = await fencingContext(fencing);
      replicaSeen(replica());
      primarySeen(oldPrimary());
      await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({
        name: 'SplitBrainRiskError',
        message: expect.stringContaining(`old primary dataset-db in ap-northeast-1 is available and may accept writes: promoting dataset-db-osaka would leave two writers; ${advice}`),
      });
      expect(hook).not.toHaveBeenCalled();
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
      expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
      expect(rds).not.toHaveReceivedCommand(ModifyDBInstanceCommand);
    });

    it.each(['starting', 'rebooting'])('old primary %s (soon writable): SplitBrainRiskError without force', async (status) => {
      const { ctx } = await fencingContext({ method: 'stop' });
      replicaSeen(replica());
      primarySeen(oldPrimary({ DBInstanceStatus: status }));
      await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({ name: 'SplitBrainRiskError' });
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    });

    it('old primary up, force, stop: StopDBInstance first, no promotion until it is stopped, then one promotion', async () => {
      // Prepare: a primary that lists no read replica (RDS can't stop one that does).
      const { ctx, hook, events } = await fencingContext({ method: 'stop' }, { force: true });
      replicaSeen(replica(), replica(), replica(), replica(), replica({ DBInstanceStatus: 'modifying' }), promoted());
      const up = oldPrimary({ ReadReplicaDBInstanceIdentifiers: [] });
      primarySeen(up, up, oldPrimary({ DBInstanceStatus: 'stopping', ReadReplicaDBInstanceIdentifiers: [] }), oldPrimary({ DBInstanceStatus: 'stopped', ReadReplicaDBInstanceIdentifiers: [] }));
      recordCommands(events);
      // Act
      const started = await rdsReplicaPromotion.start(ctx);
      const notReflected = await rdsReplicaPromotion.check(ctx, started.state);
      const stopping = await rdsReplicaPromotion.check(ctx, notReflected.state);
      const promoting = await rdsReplicaPromotion.check(ctx, stopping.state);
      const modifying = await rdsReplicaPromotion.check(ctx, promoting.state);
      const done = await rdsReplicaPromotion.check(ctx, modifying.state);
      // Assess
      expect(events).toEqual(['beforeOneWay:StopDBInstance', 'StopDBInstance', 'beforeOneWay:PromoteReadReplica', 'PromoteReadReplica']);
      expect(hook).toHaveBeenCalledTimes(2);
      expect(rds).toHaveReceivedCommandExactlyOnceWith(StopDBInstanceCommand, { DBInstanceIdentifier: PRIMARY_DB });
      expect(await regionOf(rds.commandCalls(StopDBInstanceCommand)[0]!)).toBe('ap-northeast-1');
      expect(started).toMatchObject({ done: false, state: { phase: 'fencing', fenceCommand: 'StopDBInstance', fenceSentAt: '2026-11-29T01:05:00.000Z' } });
      for (const waiting of [notReflected, stopping]) expect(waiting).toMatchObject({ done: false, status: expect.stringContaining('promoting once fenced') });
      expect(stopping.observations).toMatchObject({ oldPrimary: 'stopping' });
      expect(promoting).toMatchObject({ done: false, nextCheckSeconds: 540, observations: { oldPrimary: 'stopped', fencedAt: '2026-11-29T01:05:00.000Z' } });
      expect(modifying.done).toBe(false);
      expect(done).toMatchObject({ done: true, observations: { oldPrimary: 'stopped', fencing: 'stop', writers: 1, fencedAt: '2026-11-29T01:05:00.000Z' } });
      expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
    });

    it('old primary up, force, stop while it still has the replica: SplitBrainRiskError (RDS can\'t stop it), nothing sent', async () => {
      const { ctx, hook } = await fencingContext({ method: 'stop' }, { force: true });
      replicaSeen(replica());
      primarySeen(oldPrimary());
      await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({
        name: 'SplitBrainRiskError',
        message: expect.stringContaining(`RDS can't stop an instance that has read replicas (${REPLICA_ARN}); set fencing.method isolate`),
      });
      expect(hook).not.toHaveBeenCalled();
      expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    });

    it('old primary up, force, isolate: ModifyDBInstance to exactly the isolation groups, promotion once they are active', async () => {
      // Prepare
      const { ctx, events } = await fencingContext({ method: 'isolate', isolationSecurityGroupIds: ISOLATION }, { force: true });
      replicaSeen(replica());
      const changing = oldPrimary({ VpcSecurityGroups: [{ VpcSecurityGroupId: ISOLATION[0]!, Status: 'adding' }, { VpcSecurityGroupId: ISOLATION[1]!, Status: 'active' }] });
      primarySeen(oldPrimary(), oldPrimary(), changing, isolated());
      recordCommands(events);
      // Act
      const started = await rdsReplicaPromotion.start(ctx);
      const waiting1 = await rdsReplicaPromotion.check(ctx, started.state);
      const waiting2 = await rdsReplicaPromotion.check(ctx, waiting1.state);
      const promoting = await rdsReplicaPromotion.check(ctx, waiting2.state);
      // Assess
      expect(rds).toHaveReceivedCommandExactlyOnceWith(ModifyDBInstanceCommand, { DBInstanceIdentifier: PRIMARY_DB, VpcSecurityGroupIds: ISOLATION, ApplyImmediately: true });
      expect(await regionOf(rds.commandCalls(ModifyDBInstanceCommand)[0]!)).toBe('ap-northeast-1');
      expect(events).toEqual(['beforeOneWay:ModifyDBInstance', 'ModifyDBInstance', 'beforeOneWay:PromoteReadReplica', 'PromoteReadReplica']);
      expect([waiting1.done, waiting2.done]).toEqual([false, false]);
      expect(promoting.observations).toMatchObject({ oldPrimary: 'isolated', fencing: 'isolate', fencedAt: '2026-11-29T01:05:00.000Z' });
      expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
    });

    it('old primary up, force, fencing none: SplitBrainRiskError saying it can\'t be fenced, nothing sent', async () => {
      const { ctx, hook } = await fencingContext({ method: 'none' }, { force: true });
      replicaSeen(replica());
      primarySeen(oldPrimary());
      await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({
        name: 'SplitBrainRiskError',
        message: expect.stringContaining("even with --force fencing.method is 'none': dr-autopilot can't fence dataset-db"),
      });
      expect(hook).not.toHaveBeenCalled();
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
      expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
      expect(rds).not.toHaveReceivedCommand(ModifyDBInstanceCommand);
    });

    it('an old primary already isolated counts as fenced: promotes without a new fence', async () => {
      const { ctx } = await fencingContext({ method: 'isolate', isolationSecurityGroupIds: [...ISOLATION].reverse() });
      replicaSeen(replica());
      primarySeen(isolated());
      recordCommands([]);
      const started = await rdsReplicaPromotion.start(ctx);
      expect(started.observations).toMatchObject({ oldPrimary: 'isolated' });
      expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
      expect(rds).not.toHaveReceivedCommand(ModifyDBInstanceCommand);
    });

    it('fails closed (UnexpectedStateError) when the primary region answers with an error that is not an outage', async () => {
      const { ctx } = await fencingContext({ method: 'stop' });
      replicaSeen(replica());
      rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: PRIMARY_DB }).rejects(
        Object.assign(new Error('not authorized to perform rds:DescribeDBInstances'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
      );
      await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining("can't tell whether the old primary dataset-db") });
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    });

    it.each([
      ['an HTTP 503', Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } })],
      ['an aborted request (5 s timeout)', Object.assign(new Error('Request aborted'), { name: 'AbortError' })],
      ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ])('takes %s from the primary region for the outage and promotes', async (_case, error) => {
      const { ctx } = await fencingContext({ method: 'stop' });
      replicaSeen(replica());
      rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: PRIMARY_DB }).rejects(error);
      recordCommands([]);
      expect((await rdsReplicaPromotion.start(ctx)).observations).toMatchObject({ oldPrimary: 'unreachable' });
      expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
    });

    it('reads the old primary with a 5 s abortSignal', async () => {
      const { ctx } = await fencingContext({ method: 'stop' });
      replicaSeen(replica());
      primaryUnreachable();
      recordCommands([]);
      await rdsReplicaPromotion.start(ctx);
      const probe = rds.commandCalls(DescribeDBInstancesCommand, { DBInstanceIdentifier: PRIMARY_DB })[0]!;
      expect((probe.args as unknown[])[1]).toMatchObject({ abortSignal: expect.any(AbortSignal) });
    });
  });

  describe('planned', () => {
    it('stop: fences the healthy primary first, then promotes once it is stopped', async () => {
      // Prepare
      const { ctx, events } = await fencingContext({ method: 'stop' }, { mode: 'planned' });
      replicaSeen(replica());
      primarySeen(oldPrimary({ ReadReplicaDBInstanceIdentifiers: [] }), oldPrimary({ DBInstanceStatus: 'stopped', ReadReplicaDBInstanceIdentifiers: [] }));
      recordCommands(events);
      // Act
      const started = await rdsReplicaPromotion.start(ctx);
      const promoting = await rdsReplicaPromotion.check(ctx, started.state);
      // Assess
      expect(events).toEqual(['beforeOneWay:StopDBInstance', 'StopDBInstance', 'beforeOneWay:PromoteReadReplica', 'PromoteReadReplica']);
      expect(started.done).toBe(false);
      expect(promoting).toMatchObject({ done: false, observations: { oldPrimary: 'stopped' } });
    });

    it('isolate: ModifyDBInstance with exactly the isolation groups, then promotes once isolated', async () => {
      const { ctx, events } = await fencingContext({ method: 'isolate', isolationSecurityGroupIds: ISOLATION }, { mode: 'planned' });
      replicaSeen(replica());
      primarySeen(oldPrimary(), isolated());
      recordCommands(events);
      const started = await rdsReplicaPromotion.start(ctx);
      await rdsReplicaPromotion.check(ctx, started.state);
      expect(rds).toHaveReceivedCommandExactlyOnceWith(ModifyDBInstanceCommand, { DBInstanceIdentifier: PRIMARY_DB, VpcSecurityGroupIds: ISOLATION, ApplyImmediately: true });
      expect(events).toEqual(['beforeOneWay:ModifyDBInstance', 'ModifyDBInstance', 'beforeOneWay:PromoteReadReplica', 'PromoteReadReplica']);
    });

    it.each([
      ['none', { method: 'none' } as Fencing, "fencing.method is 'none'"],
      ['stop while the primary has the replica', { method: 'stop' } as Fencing, "RDS can't stop an instance that has read replicas"],
    ])('fencing %s: UnexpectedStateError (a planned promotion needs a fence), nothing sent', async (_case, fencing, why) => {
      const { ctx, hook } = await fencingContext(fencing, { mode: 'planned' });
      replicaSeen(replica());
      primarySeen(oldPrimary());
      await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({
        name: 'UnexpectedStateError',
        message: expect.stringMatching(new RegExp(`^planned promotion needs the old primary fenced first: .*${why.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)),
      });
      expect(hook).not.toHaveBeenCalled();
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
      expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
    });

    it('a primary region that does not answer: AwsTransientError (retried), nothing sent', async () => {
      const { ctx } = await fencingContext({ method: 'stop' }, { mode: 'planned' });
      replicaSeen(replica());
      primaryUnreachable();
      await expect(rdsReplicaPromotion.start(ctx)).rejects.toMatchObject({ name: 'AwsTransientError', retryable: true, message: expect.stringContaining('run an unplanned scenario') });
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    });

    it('a primary already stopped is fenced: promotes at once', async () => {
      const { ctx } = await fencingContext({ method: 'stop' }, { mode: 'planned' });
      replicaSeen(replica());
      primarySeen(oldPrimary({ DBInstanceStatus: 'stopped' }));
      recordCommands([]);
      await rdsReplicaPromotion.start(ctx);
      expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
      expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
    });
  });

  describe('after the promotion', () => {
    /** A promotion already requested by an earlier start (state as start returned it). */
    const requested = { fencing: 'stop', phase: 'promoting', promotedAt: '2026-11-29T01:05:00.000Z', replicaLagSeconds: 2, oldPrimary: 'unreachable' };

    it('stop: the old primary is back and available: StopDBInstance once across checks, done only when stopped, one writer', async () => {
      // Prepare: the replica is promoted; the old primary's region answers again, the replica is gone from its list.
      const { ctx, hook, events } = await fencingContext({ method: 'stop' });
      replicaSeen(promoted());
      const back = oldPrimary({ ReadReplicaDBInstanceIdentifiers: [] });
      primarySeen(back, back, oldPrimary({ DBInstanceStatus: 'stopping', ReadReplicaDBInstanceIdentifiers: [] }), oldPrimary({ DBInstanceStatus: 'stopped', ReadReplicaDBInstanceIdentifiers: [] }));
      recordCommands(events);
      // Act
      const first = await rdsReplicaPromotion.check(ctx, requested);
      const second = await rdsReplicaPromotion.check(ctx, first.state);
      const third = await rdsReplicaPromotion.check(ctx, second.state);
      const fourth = await rdsReplicaPromotion.check(ctx, third.state);
      // Assess
      expect(rds).toHaveReceivedCommandExactlyOnceWith(StopDBInstanceCommand, { DBInstanceIdentifier: PRIMARY_DB });
      expect(await regionOf(rds.commandCalls(StopDBInstanceCommand)[0]!)).toBe('ap-northeast-1');
      expect(hook).not.toHaveBeenCalled();
      expect(first).toMatchObject({ done: false, state: { fenceCommand: 'StopDBInstance' }, observations: { oldPrimary: 'available, not fenced', writers: 2 } });
      expect(second).toMatchObject({ done: false, observations: { writers: 2 } });
      expect(third).toMatchObject({ done: false, observations: { oldPrimary: 'stopping', writers: 1 } });
      expect(fourth).toMatchObject({ done: true, observations: { oldPrimary: 'stopped', writers: 1, fencedAt: '2026-11-29T01:05:00.000Z', replicaLagSeconds: 2 } });
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    });

    it('isolate: ModifyDBInstance once with exactly the isolation groups, done when isolated', async () => {
      const { ctx } = await fencingContext({ method: 'isolate', isolationSecurityGroupIds: ISOLATION });
      replicaSeen(promoted());
      primarySeen(oldPrimary(), oldPrimary(), isolated());
      recordCommands([]);
      const first = await rdsReplicaPromotion.check(ctx, requested);
      const second = await rdsReplicaPromotion.check(ctx, first.state);
      const third = await rdsReplicaPromotion.check(ctx, second.state);
      expect(rds).toHaveReceivedCommandExactlyOnceWith(ModifyDBInstanceCommand, { DBInstanceIdentifier: PRIMARY_DB, VpcSecurityGroupIds: ISOLATION, ApplyImmediately: true });
      expect([first.done, second.done]).toEqual([false, false]);
      expect(third).toMatchObject({ done: true, observations: { oldPrimary: 'isolated', fencing: 'isolate', writers: 1 } });
    });

    it('fencing none: never fences, and is not done while the old primary is writable (two writers)', async () => {
      const { ctx } = await fencingContext({ method: 'none' });
      replicaSeen(promoted());
      primarySeen(oldPrimary({ ReadReplicaDBInstanceIdentifiers: [] }), oldPrimary({ DBInstanceStatus: 'stopped' }));
      const waiting = await rdsReplicaPromotion.check(ctx, requested);
      const done = await rdsReplicaPromotion.check(ctx, waiting.state);
      expect(waiting).toMatchObject({
        done: false,
        status: expect.stringContaining('fenced outside dr-autopilot (fencing.method none)'),
        observations: { oldPrimary: 'not-fenced (method none)', writers: 2 },
      });
      expect(done).toMatchObject({ done: true, observations: { oldPrimary: 'stopped', writers: 1 } });
      expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
      expect(rds).not.toHaveReceivedCommand(ModifyDBInstanceCommand);
    });

    it('tries StopDBInstance again at the next check when RDS refuses it in the current state', async () => {
      const { ctx } = await fencingContext({ method: 'stop' });
      replicaSeen(promoted());
      primarySeen(oldPrimary({ ReadReplicaDBInstanceIdentifiers: [] }));
      rds.on(StopDBInstanceCommand)
        .rejectsOnce(new InvalidDBInstanceStateFault({ message: 'Instance dataset-db is not in available state.', $metadata: { httpStatusCode: 400 } }))
        .resolves({});
      const refused = await rdsReplicaPromotion.check(ctx, requested);
      const sent = await rdsReplicaPromotion.check(ctx, refused.state);
      await rdsReplicaPromotion.check(ctx, sent.state);
      expect(refused).toMatchObject({ done: false, status: expect.stringContaining('StopDBInstance refused (InvalidDBInstanceStateFault)') });
      expect(refused.state.fenceSentAt).toBeUndefined();
      expect(sent.state).toMatchObject({ fenceCommand: 'StopDBInstance' });
      expect(rds).toHaveReceivedCommandTimes(StopDBInstanceCommand, 2);
    });

    it('waits without a StopDBInstance while the old primary still lists other read replicas', async () => {
      const { ctx } = await fencingContext({ method: 'stop' });
      replicaSeen(promoted());
      primarySeen(oldPrimary({ ReadReplicaDBInstanceIdentifiers: [REPLICA_ARN, 'dataset-db-reporting'] }));
      const progress: ActionProgress = await rdsReplicaPromotion.check(ctx, requested);
      expect(progress).toMatchObject({ done: false, status: expect.stringContaining("RDS can't stop the old primary dataset-db in ap-northeast-1 while it has read replicas (dataset-db-reporting)") });
      expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
    });

    it('throttling on the old primary\'s describe is AwsThrottlingError (retried), with no fence sent', async () => {
      const { ctx } = await fencingContext({ method: 'stop' });
      replicaSeen(promoted());
      rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: PRIMARY_DB }).rejects(throttled());
      await expect(rdsReplicaPromotion.check(ctx, requested)).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });
      expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
    });
  });
});
