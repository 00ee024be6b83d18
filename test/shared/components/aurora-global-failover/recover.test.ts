import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import {
  DBClusterNotFoundFault,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  GlobalClusterNotFoundFault,
  InvalidDBClusterStateFault,
  InvalidGlobalClusterStateFault,
  RDSClient,
  SwitchoverGlobalClusterCommand,
  type FailoverState,
  type FailoverStatus,
  type GlobalCluster,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recover as auroraGlobalFailover } from '../../../../shared/components/aurora-global-failover/recover.ts';
import { RecoveryAbortedError } from '../../../../shared/errors.ts';
import type { ComponentOf } from '../../../../shared/plan/schema.ts';
import { actionContext } from '../../../support/action-context.ts';

const rds = mockClient(RDSClient);
const cloudwatch = mockClient(CloudWatchClient);

const TOKYO = 'arn:aws:rds:ap-northeast-1:123456789012:cluster:orders-tokyo';
const OSAKA = 'arn:aws:rds:ap-northeast-3:123456789012:cluster:orders-osaka';
const OTHER = 'arn:aws:rds:ap-southeast-1:123456789012:cluster:orders-singapore';

const component: ComponentOf<'aurora-global-failover'> = {
  checks: [],
  id: 'orders-database',
  name: 'Orders database (Aurora global database)',
  type: 'aurora-global-failover',
  timeoutMinutes: 30,
  checkIntervalSeconds: 15,
  params: { globalClusterIdentifier: 'orders-global', targetDbClusterArn: OSAKA },
};

/** Tokyo writes, Osaka is a secondary; `osakaWrites` flips the writer. */
const globalCluster = ({ osakaWrites = false, failoverState }: { osakaWrites?: boolean; failoverState?: FailoverState } = {}): GlobalCluster => ({
  GlobalClusterIdentifier: 'orders-global',
  Status: 'available',
  GlobalClusterMembers: [
    { DBClusterArn: TOKYO, IsWriter: !osakaWrites, Readers: osakaWrites ? [] : [OSAKA] },
    { DBClusterArn: OSAKA, IsWriter: osakaWrites, Readers: osakaWrites ? [TOKYO] : [], SynchronizationStatus: 'connected' },
  ],
  ...(failoverState ? { FailoverState: failoverState } : {}),
});
const toOsaka = (status: string, IsDataLossAllowed: boolean): FailoverState => ({
  // `switching-over` is documented but not in the SDK's FailoverStatus enum.
  Status: status as FailoverStatus,
  FromDbClusterArn: TOKYO,
  ToDbClusterArn: OSAKA,
  IsDataLossAllowed,
});
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });
/** The old writer's region (Tokyo) does not answer: the outage, as the SDK reports a socket timeout. */
const tokyoUnreachable = () =>
  rds.on(DescribeDBClustersCommand).rejects(Object.assign(new Error('Socket timed out without establishing a connection within 5000 ms'), { name: 'TimeoutError' }));
/** The old writer (Tokyo) answers: it is available (and may accept writes). */
const tokyoAvailable = () => rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ DBClusterIdentifier: 'orders-tokyo', DBClusterArn: TOKYO, Status: 'available' }] });
/** GetMetricData's answer: the RPO lag (query replicaLag) and the replication lag (query replicaLag2), each [time, ms][]. */
const lagData = (rpo: [string, number][], replication: [string, number][]): GetMetricDataCommandOutput => {
  const result = (Id: string, points: [string, number][]): MetricDataResult => ({ Id, StatusCode: 'Complete', Timestamps: points.map(([t]) => new Date(t)), Values: points.map(([, v]) => v) });
  return { $metadata: {}, MetricDataResults: [result('replicaLag', rpo), result('replicaLag2', replication)] };
};
/** The incident (test/support/action-context.ts) is 01:00; the run starts 5 minutes later. */
const INCIDENT = new Date('2026-11-29T01:00:00.000Z');

describe('aurora-global-failover', () => {
  beforeEach(() => {
    rds.reset();
    cloudwatch.reset();
    tokyoUnreachable();
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T00:59:00Z', 800]], [['2026-11-29T00:59:00Z', 650]]));
  });
  afterEach(() => {
    rds.reset();
    cloudwatch.reset();
  });

  it('unplanned: fails over to the Osaka cluster by ARN with AllowDataLoss, never a switchover', async () => {
    // Prepare
    const ctx = actionContext(component, { mode: 'unplanned' });
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
    rds.on(FailoverGlobalClusterCommand).resolves({ GlobalCluster: globalCluster({ failoverState: toOsaka('pending', true) }) });
    // Act
    const progress = await auroraGlobalFailover.start(ctx);
    // Assess
    expect(rds).toHaveReceivedCommandWith(DescribeGlobalClustersCommand, { GlobalClusterIdentifier: 'orders-global' });
    expect(rds).toHaveReceivedCommandTimes(FailoverGlobalClusterCommand, 1);
    expect(rds.commandCalls(FailoverGlobalClusterCommand)[0]?.args[0].input).toEqual({
      GlobalClusterIdentifier: 'orders-global',
      TargetDbClusterIdentifier: OSAKA,
      AllowDataLoss: true,
    });
    expect(rds).not.toHaveReceivedCommand(SwitchoverGlobalClusterCommand);
    expect(await rds.commandCalls(DescribeGlobalClustersCommand)[0]!.thisValue.config.region()).toBe('ap-northeast-3');
    expect(await rds.commandCalls(FailoverGlobalClusterCommand)[0]!.thisValue.config.region()).toBe('ap-northeast-3');
    expect(progress).toMatchObject({ done: false, nextCheckSeconds: 120, observations: { operation: 'failover', dataLossAllowed: true, oldWriter: 'unreachable', writers: 1 } });
  });

  it('planned: switches over to the Osaka cluster by ARN, never a failover', async () => {
    const ctx = actionContext(component, { mode: 'planned' });
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
    rds.on(SwitchoverGlobalClusterCommand).resolves({});
    const progress = await auroraGlobalFailover.start(ctx);
    expect(rds.commandCalls(SwitchoverGlobalClusterCommand)[0]?.args[0].input).toEqual({
      GlobalClusterIdentifier: 'orders-global',
      TargetDbClusterIdentifier: OSAKA,
    });
    expect(rds).not.toHaveReceivedCommand(FailoverGlobalClusterCommand);
    expect(progress).toMatchObject({ done: false, observations: { operation: 'switchover', dataLossAllowed: false } });
  });

  it('never sends a second failover across re-runs, then checks to done', async () => {
    const ctx = actionContext(component, { mode: 'unplanned' });
    rds
      .on(DescribeGlobalClustersCommand)
      .resolvesOnce({ GlobalClusters: [globalCluster()] })
      .resolvesOnce({ GlobalClusters: [globalCluster({ failoverState: toOsaka('pending', true) })] })
      .resolvesOnce({ GlobalClusters: [globalCluster({ failoverState: toOsaka('failing-over', true) })] })
      .resolves({ GlobalClusters: [globalCluster({ osakaWrites: true })] });
    rds.on(FailoverGlobalClusterCommand).resolves({});
    const first = await auroraGlobalFailover.start(ctx);
    const rerun = await auroraGlobalFailover.start(ctx);
    expect(rds).toHaveReceivedCommandTimes(FailoverGlobalClusterCommand, 1);
    expect(rerun).toMatchObject({ done: false, status: 'pending toward the target', observations: { operation: 'failover', dataLossAllowed: true } });
    expect(await auroraGlobalFailover.check(ctx, first.state)).toMatchObject({ done: false, nextCheckSeconds: 15 });
    expect(await auroraGlobalFailover.check(ctx, first.state)).toMatchObject({
      done: true,
      status: 'the target is the writer',
      observations: { operation: 'failover', dataLossAllowed: true },
    });
    expect(rds).toHaveReceivedCommandTimes(FailoverGlobalClusterCommand, 1);
  });

  it.each([
    ['pending', true, 'failover'],
    ['failing-over', true, 'failover'],
    ['switching-over', false, 'switchover'],
    ['cancelling', false, 'switchover'],
  ] as const)('treats a %s operation toward the target as under way and sends nothing', async (status, lossy, operation) => {
    const ctx = actionContext(component, { mode: 'planned' });
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster({ failoverState: toOsaka(status, lossy) })] });
    const progress = await auroraGlobalFailover.start(ctx);
    expect(progress).toMatchObject({ done: false, status: `${status} toward the target`, observations: { operation } });
    expect(rds).not.toHaveReceivedCommand(SwitchoverGlobalClusterCommand);
    expect(rds).not.toHaveReceivedCommand(FailoverGlobalClusterCommand);
  });

  it('is not done while the target already writes but the operation is still shown in flight', async () => {
    const ctx = actionContext(component);
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster({ osakaWrites: true, failoverState: toOsaka('failing-over', true) })] });
    expect(await auroraGlobalFailover.check(ctx, {})).toMatchObject({ done: false });
  });

  it('is done without any command when the target is already the writer and nothing is in flight', async () => {
    const ctx = actionContext(component, { mode: 'unplanned' });
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster({ osakaWrites: true, failoverState: {} })] });
    const progress = await auroraGlobalFailover.start(ctx);
    expect(progress).toMatchObject({ done: true, observations: { operation: null, dataLossAllowed: null } });
    expect(rds).not.toHaveReceivedCommand(FailoverGlobalClusterCommand);
    expect(rds).not.toHaveReceivedCommand(SwitchoverGlobalClusterCommand);
  });

  it('fails closed when an operation heads toward another cluster', async () => {
    const ctx = actionContext(component, { mode: 'unplanned' });
    const elsewhere: FailoverState = { Status: 'failing-over', FromDbClusterArn: TOKYO, ToDbClusterArn: OTHER, IsDataLossAllowed: true };
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster({ failoverState: elsewhere })] });
    await expect(auroraGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining(OTHER) });
    await expect(auroraGlobalFailover.check(ctx, {})).rejects.toMatchObject({ name: 'UnexpectedStateError' });
    expect(rds).not.toHaveReceivedCommand(FailoverGlobalClusterCommand);
  });

  it('reports a target that is not a member, or a missing global cluster, as ResourceNotFoundError', async () => {
    const ctx = actionContext({ ...component, params: { ...component.params, targetDbClusterArn: OTHER } });
    rds.on(DescribeGlobalClustersCommand).resolvesOnce({ GlobalClusters: [globalCluster()] }).resolvesOnce({ GlobalClusters: [] });
    await expect(auroraGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    await expect(auroraGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    rds.on(DescribeGlobalClustersCommand).rejects(new GlobalClusterNotFoundFault({ message: 'orders-global not found', $metadata: { httpStatusCode: 404 } }));
    await expect(auroraGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    expect(rds).not.toHaveReceivedCommand(FailoverGlobalClusterCommand);
  });

  it.each([
    ['GlobalClusterNotFoundFault', 'ResourceNotFoundError', new GlobalClusterNotFoundFault({ message: 'not found', $metadata: {} })],
    ['DBClusterNotFoundFault', 'ResourceNotFoundError', new DBClusterNotFoundFault({ message: 'not found', $metadata: {} })],
    ['InvalidGlobalClusterStateFault', 'ResourceBusyError', new InvalidGlobalClusterStateFault({ message: 'busy', $metadata: {} })],
    ['InvalidDBClusterStateFault', 'ResourceBusyError', new InvalidDBClusterStateFault({ message: 'busy', $metadata: {} })],
    ['Throttling', 'AwsThrottlingError', throttled()],
  ])('maps %s from the failover and the switchover to %s', async (_aws, name, error) => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
    rds.on(FailoverGlobalClusterCommand).rejects(error);
    rds.on(SwitchoverGlobalClusterCommand).rejects(error);
    await expect(auroraGlobalFailover.start(actionContext(component, { mode: 'unplanned' }))).rejects.toMatchObject({ name });
    await expect(auroraGlobalFailover.start(actionContext(component, { mode: 'planned' }))).rejects.toMatchObject({ name });
  });

  it('fails the action when, at a check, nothing is in flight and the target is still a secondary (cancelled)', async () => {
    const ctx = actionContext(component);
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
    await expect(auroraGlobalFailover.check(ctx, { operation: 'failover', dataLossAllowed: true })).rejects.toMatchObject({
      name: 'ActionFailedError',
    });
    expect(rds).not.toHaveReceivedCommand(FailoverGlobalClusterCommand);
  });

  describe('split-brain guard (unplanned) and beforeOneWay', () => {
    const cluster = (Status: string) => ({ DBClusters: [{ DBClusterIdentifier: 'orders-tokyo', DBClusterArn: TOKYO, Status }] });

    it('reads the old writer in its region by ARN with a 5 s abortSignal, then calls beforeOneWay right before the failover', async () => {
      // Prepare
      const events: string[] = [];
      const hook = vi.fn(async (step: string) => {
        events.push(`beforeOneWay:${step}`);
      });
      const ctx = actionContext(component, { mode: 'unplanned', beforeOneWay: hook });
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
      rds.on(FailoverGlobalClusterCommand).callsFake(() => {
        events.push('FailoverGlobalCluster');
        return {};
      });
      // Act
      await auroraGlobalFailover.start(ctx);
      // Assess
      expect(rds).toHaveReceivedCommandExactlyOnceWith(DescribeDBClustersCommand, { DBClusterIdentifier: TOKYO });
      const probe = rds.commandCalls(DescribeDBClustersCommand)[0]!;
      expect(await probe.thisValue.config.region()).toBe('ap-northeast-1');
      expect((probe.args as unknown[])[1]).toMatchObject({ abortSignal: expect.any(AbortSignal) });
      expect(hook).toHaveBeenCalledExactlyOnceWith('FailoverGlobalCluster');
      expect(events).toEqual(['beforeOneWay:FailoverGlobalCluster', 'FailoverGlobalCluster']);
    });

    it('planned: no guard read; beforeOneWay("SwitchoverGlobalCluster") right before the switchover', async () => {
      const events: string[] = [];
      const ctx = actionContext(component, { mode: 'planned', beforeOneWay: async (step) => void events.push(`beforeOneWay:${step}`) });
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
      rds.on(SwitchoverGlobalClusterCommand).callsFake(() => {
        events.push('SwitchoverGlobalCluster');
        return {};
      });
      await auroraGlobalFailover.start(ctx);
      expect(events).toEqual(['beforeOneWay:SwitchoverGlobalCluster', 'SwitchoverGlobalCluster']);
      expect(rds).not.toHaveReceivedCommand(DescribeDBClustersCommand);
    });

    it('old writer answers and is available: SplitBrainRiskError, no failover, no hook', async () => {
      const hook = vi.fn(async () => undefined);
      const ctx = actionContext(component, { mode: 'unplanned', beforeOneWay: hook });
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
      rds.on(DescribeDBClustersCommand).resolves(cluster('available'));
      await expect(auroraGlobalFailover.start(ctx)).rejects.toMatchObject({
        name: 'SplitBrainRiskError',
        message: expect.stringContaining(`old writer ${TOKYO} in ap-northeast-1 is available and may accept writes`),
      });
      expect(hook).not.toHaveBeenCalled();
      expect(rds).not.toHaveReceivedCommand(FailoverGlobalClusterCommand);
    });

    it('old writer available, force: FailoverGlobalCluster with AllowDataLoss, sent once across re-runs', async () => {
      const ctx = actionContext(component, { mode: 'unplanned', force: true });
      rds.on(DescribeGlobalClustersCommand)
        .resolvesOnce({ GlobalClusters: [globalCluster()] })
        .resolves({ GlobalClusters: [globalCluster({ failoverState: toOsaka('failing-over', true) })] });
      rds.on(DescribeDBClustersCommand).resolves(cluster('available'));
      rds.on(FailoverGlobalClusterCommand).resolves({});
      const first = await auroraGlobalFailover.start(ctx);
      const rerun = await auroraGlobalFailover.start(ctx);
      expect(rds).toHaveReceivedCommandExactlyOnceWith(FailoverGlobalClusterCommand, { GlobalClusterIdentifier: 'orders-global', TargetDbClusterIdentifier: OSAKA, AllowDataLoss: true });
      expect(first.observations).toMatchObject({ operation: 'failover', dataLossAllowed: true, oldWriter: 'available (forced)' });
      expect(rerun).toMatchObject({ done: false, status: 'failing-over toward the target' });
      expect(rds).toHaveReceivedCommandTimes(DescribeDBClustersCommand, 1);
    });

    it.each(['stopped', 'stopping'])('old writer %s: fails over without force', async (status) => {
      const ctx = actionContext(component, { mode: 'unplanned' });
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
      rds.on(DescribeDBClustersCommand).resolves(cluster(status));
      rds.on(FailoverGlobalClusterCommand).resolves({});
      expect((await auroraGlobalFailover.start(ctx)).observations).toMatchObject({ oldWriter: status });
      expect(rds).toHaveReceivedCommandTimes(FailoverGlobalClusterCommand, 1);
    });

    it.each([
      ['an aborted request (5 s)', Object.assign(new Error('Request aborted'), { name: 'AbortError' }), 'unreachable'],
      ['HTTP 503', Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }), 'unreachable'],
      ['DBClusterNotFoundFault', new DBClusterNotFoundFault({ message: 'not found', $metadata: { httpStatusCode: 404 } }), 'not found'],
    ])('old writer read fails with %s: fails over', async (_case, error, oldWriter) => {
      const ctx = actionContext(component, { mode: 'unplanned' });
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
      rds.on(DescribeDBClustersCommand).rejects(error);
      rds.on(FailoverGlobalClusterCommand).resolves({});
      expect((await auroraGlobalFailover.start(ctx)).observations).toMatchObject({ oldWriter });
      expect(rds).toHaveReceivedCommandTimes(FailoverGlobalClusterCommand, 1);
    });

    it('old writer read throttled: AwsThrottlingError (retried), no failover; any other error fails closed', async () => {
      const ctx = actionContext(component, { mode: 'unplanned' });
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
      rds.on(DescribeDBClustersCommand)
        .rejectsOnce(throttled())
        .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
      await expect(auroraGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });
      await expect(auroraGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining("can't tell whether the old writer") });
      expect(rds).not.toHaveReceivedCommand(FailoverGlobalClusterCommand);
    });

    it('sends no failover when beforeOneWay throws', async () => {
      const abort = new RecoveryAbortedError('trigger alarm is back to OK');
      const ctx = actionContext(component, { mode: 'unplanned', beforeOneWay: vi.fn().mockRejectedValue(abort) });
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
      await expect(auroraGlobalFailover.start(ctx)).rejects.toBe(abort);
      expect(rds).not.toHaveReceivedCommand(FailoverGlobalClusterCommand);
    });

    it.each([
      ['done', globalCluster({ osakaWrites: true })],
      ['under way', globalCluster({ failoverState: toOsaka('pending', true) })],
    ])('calls neither the guard nor the hook when the failover is already %s', async (_case, gc) => {
      const hook = vi.fn(async () => undefined);
      const ctx = actionContext(component, { mode: 'unplanned', beforeOneWay: hook });
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [gc] });
      await auroraGlobalFailover.start(ctx);
      expect(hook).not.toHaveBeenCalled();
      expect(rds).not.toHaveReceivedCommand(DescribeDBClustersCommand);
    });

    it('is done only when exactly one member writes and it is the target', async () => {
      const ctx = actionContext(component, { mode: 'unplanned' });
      const bothWrite: GlobalCluster = {
        ...globalCluster({ osakaWrites: true }),
        GlobalClusterMembers: [{ DBClusterArn: TOKYO, IsWriter: true }, { DBClusterArn: OSAKA, IsWriter: true }],
      };
      rds.on(DescribeGlobalClustersCommand)
        .resolvesOnce({ GlobalClusters: [bothWrite] })
        .resolvesOnce({ GlobalClusters: [bothWrite] })
        .resolves({ GlobalClusters: [globalCluster({ osakaWrites: true })] });
      const started = await auroraGlobalFailover.start(ctx);
      const two = await auroraGlobalFailover.check(ctx, started.state);
      const one = await auroraGlobalFailover.check(ctx, two.state);
      expect(started).toMatchObject({ done: false, status: 'the target writes, and so do 1 other member(s)', observations: { writers: 2 } });
      expect(two).toMatchObject({ done: false, observations: { writers: 2 } });
      expect(one).toMatchObject({ done: true, status: 'the target is the writer', observations: { writers: 1 } });
      expect(rds).not.toHaveReceivedCommand(FailoverGlobalClusterCommand);
    });
  });

  describe('the writes a failover gives up (RPO): the target\'s AuroraGlobalDBRPOLag, else AuroraGlobalDBReplicationLag', () => {
    it('unplanned: reads both metrics of the target cluster in one GetMetricData, as of the incident, in the secondary region, before the failover', async () => {
      // Prepare
      const events: string[] = [];
      const ctx = actionContext(component, { mode: 'unplanned', beforeOneWay: async (step) => void events.push(`beforeOneWay:${step}`) });
      cloudwatch.on(GetMetricDataCommand).callsFake(() => {
        events.push('GetMetricData');
        // Newest first, as asked; the RPO lag wins over the replication lag.
        return lagData([['2026-11-29T00:59:00Z', 1250], ['2026-11-29T00:58:00Z', 90]], [['2026-11-29T00:59:00Z', 400]]);
      });
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
      rds.on(FailoverGlobalClusterCommand).callsFake(() => {
        events.push('FailoverGlobalCluster');
        return {};
      });
      // Act
      const progress = await auroraGlobalFailover.start(ctx);
      // Assess
      expect(events).toEqual(['GetMetricData', 'beforeOneWay:FailoverGlobalCluster', 'FailoverGlobalCluster']);
      expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
      const metric = (MetricName: string) => ({ Namespace: 'AWS/RDS', MetricName, Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'orders-osaka' }] });
      expect(cloudwatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input).toEqual({
        StartTime: new Date(INCIDENT.getTime() - 10 * 60_000),
        EndTime: INCIDENT,
        ScanBy: 'TimestampDescending',
        MetricDataQueries: [
          { Id: 'replicaLag', ReturnData: true, MetricStat: { Metric: metric('AuroraGlobalDBRPOLag'), Period: 60, Stat: 'Maximum' } },
          { Id: 'replicaLag2', ReturnData: true, MetricStat: { Metric: metric('AuroraGlobalDBReplicationLag'), Period: 60, Stat: 'Maximum' } },
        ],
      });
      expect(await cloudwatch.call(0).thisValue.config.region()).toBe('ap-northeast-3');
      expect(progress.observations).toEqual({
        operation: 'failover',
        dataLossAllowed: true,
        oldWriter: 'unreachable',
        writers: 1,
        replicaLagSeconds: 1.25,
        replicaLagMetric: 'AuroraGlobalDBRPOLag',
        replicaLagNote: null,
        replicaLagSource: 'replication lag lost at the failover (CloudWatch AuroraGlobalDBRPOLag of the target as of the incident)',
      });
    });

    it('takes AuroraGlobalDBReplicationLag when there is no RPO lag (Aurora MySQL before 3.04.0 / 2.12.0), and keeps it through the checks', async () => {
      const ctx = actionContext(component, { mode: 'unplanned' });
      cloudwatch.on(GetMetricDataCommand).resolves(lagData([], [['2026-11-29T00:59:00Z', 3500]]));
      rds.on(DescribeGlobalClustersCommand)
        .resolvesOnce({ GlobalClusters: [globalCluster()] })
        .resolves({ GlobalClusters: [globalCluster({ osakaWrites: true })] });
      rds.on(FailoverGlobalClusterCommand).resolves({});
      const started = await auroraGlobalFailover.start(ctx);
      const done = await auroraGlobalFailover.check(ctx, started.state);
      const lag = {
        replicaLagSeconds: 3.5,
        replicaLagMetric: 'AuroraGlobalDBReplicationLag',
        replicaLagNote: null,
        replicaLagSource: 'replication lag lost at the failover (CloudWatch AuroraGlobalDBReplicationLag of the target as of the incident)',
      };
      expect(started.observations).toMatchObject(lag);
      expect(done).toMatchObject({ done: true, observations: { operation: 'failover', writers: 1, ...lag } });
    });

    it.each([
      ['neither metric has data', lagData([], []), 'no AuroraGlobalDBRPOLag data in the last 10 minutes; no AuroraGlobalDBReplicationLag data in the last 10 minutes'],
      ['the RPO lag is -1 (replication not active)', lagData([['2026-11-29T00:59:00Z', -1]], [['2026-11-29T00:59:00Z', 400]]), 'AuroraGlobalDBRPOLag is -1: replication not active'],
    ])('fails over all the same when %s, the lag unknown with the reason', async (_case, data, reason) => {
      const ctx = actionContext(component, { mode: 'unplanned' });
      cloudwatch.on(GetMetricDataCommand).resolves(data);
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
      rds.on(FailoverGlobalClusterCommand).resolves({});
      const progress = await auroraGlobalFailover.start(ctx);
      expect(rds).toHaveReceivedCommandTimes(FailoverGlobalClusterCommand, 1);
      expect(progress.observations).toMatchObject({ replicaLagSeconds: null, replicaLagNote: reason, replicaLagSource: null });
    });

    it('fails over all the same when CloudWatch refuses the read (never holds up the failover)', async () => {
      const ctx = actionContext(component, { mode: 'unplanned' });
      cloudwatch.on(GetMetricDataCommand).rejects(throttled());
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
      rds.on(FailoverGlobalClusterCommand).resolves({});
      const progress = await auroraGlobalFailover.start(ctx);
      expect(rds).toHaveReceivedCommandTimes(FailoverGlobalClusterCommand, 1);
      expect(progress.observations).toMatchObject({ replicaLagSeconds: null, replicaLagMetric: null, replicaLagNote: 'GetMetricData failed: AwsThrottlingError' });
    });

    it('planned: a switchover loses nothing (Aurora syncs the secondary first): 0, without reading CloudWatch', async () => {
      const ctx = actionContext(component, { mode: 'planned' });
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
      rds.on(SwitchoverGlobalClusterCommand).resolves({});
      const progress = await auroraGlobalFailover.start(ctx);
      expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
      expect(progress.observations).toMatchObject({
        operation: 'switchover',
        replicaLagSeconds: 0,
        replicaLagMetric: null,
        replicaLagNote: 'switchover: Aurora brings the secondary in sync before it switches',
        replicaLagSource: 'switchover (Aurora brings the secondary in sync before it switches: no write lost)',
      });
    });

    it('a start that finds the operation under way reads nothing and says the lag was not measured', async () => {
      const ctx = actionContext(component, { mode: 'unplanned' });
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster({ failoverState: toOsaka('failing-over', true) })] });
      const progress = await auroraGlobalFailover.start(ctx);
      expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
      expect(progress.observations).toMatchObject({ replicaLagSeconds: null, replicaLagNote: 'not measured: the failover or switchover was already done or under way', replicaLagSource: null });
    });

    it('an old writer found up is refused before any lag read (SplitBrainRiskError)', async () => {
      const ctx = actionContext(component, { mode: 'unplanned' });
      tokyoAvailable();
      rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
      await expect(auroraGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'SplitBrainRiskError' });
      expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
    });
  });
});
