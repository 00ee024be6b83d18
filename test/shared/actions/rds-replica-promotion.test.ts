import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import {
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
  RDSClient,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rdsReplicaPromotion } from '../../../shared/actions/rds-replica-promotion.ts';
import { actionContext, exampleComponent } from '../../support/action-context.ts';

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
const context = async () => actionContext(await exampleComponent('rds-replica-promotion', 'core-database'));
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
      return lagData([['2026-11-29T01:03:00Z', 3], ['2026-11-29T01:04:00Z', 4], ['2026-11-29T01:02:00Z', 9]]);
    });
    // Act
    const progress = await rdsReplicaPromotion.start(ctx);
    // Assess
    expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'dataset-db-osaka' });
    expect(rds).toHaveReceivedCommandExactlyOnceWith(PromoteReadReplicaCommand, { DBInstanceIdentifier: 'dataset-db-osaka', BackupRetentionPeriod: 7 });
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: new Date('2026-11-29T00:55:00.000Z'),
      EndTime: new Date('2026-11-29T01:05:00.000Z'),
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
      observations: { replicaLagSecondsAtPromotion: 4, replicaLagNote: null, promotedAt: '2026-11-29T01:05:00.000Z' },
    });
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
    expect(progress.observations).toMatchObject({ replicaLagSecondsAtPromotion: null, replicaLagNote: reason });
    expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
  });

  it('does not hold up the promotion when the lag can’t be read (throttled)', async () => {
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica()] });
    rds.on(PromoteReadReplicaCommand).resolves({});
    cloudwatch.on(GetMetricDataCommand).rejects(throttled());
    const progress = await rdsReplicaPromotion.start(ctx);
    expect(progress.observations).toMatchObject({ replicaLagSecondsAtPromotion: null, replicaLagNote: 'GetMetricData failed: AwsThrottlingError' });
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
      observations: { replicaLagSecondsAtPromotion: 2, promotedAt: '2026-11-29T01:05:00.000Z' },
    });
    expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
  });

  it('is done without any promotion when the instance is already a standalone, available instance', async () => {
    const ctx = await context();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [promoted()] });
    const progress = await rdsReplicaPromotion.start(ctx);
    expect(progress.done).toBe(true);
    expect(progress.observations).toMatchObject({ replicaLagSecondsAtPromotion: null, promotedAt: null });
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
    const ours = await rdsReplicaPromotion.check(ctx, { promotedAt: '2026-11-29T01:05:00.000Z', replicaLagSecondsAtPromotion: 1 });
    expect(ours).toMatchObject({ done: false, observations: { replicaLagSecondsAtPromotion: 1 } });
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

    it('does not look at the primary in a planned run', async () => {
      const ctx = { ...(await context()), mode: 'planned' as const };
      rds.reset();
      rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica()] });
      rds.on(PromoteReadReplicaCommand).resolves({});
      await rdsReplicaPromotion.start(ctx);
      expect(rds).not.toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: PRIMARY_DB });
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
