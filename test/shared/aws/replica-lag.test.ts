import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  lagAsOf,
  auroraGlobalDataLossMetrics,
  auroraGlobalLagMetric,
  auroraGlobalRpoLagMetric,
  clusterIdentifierFromArn,
  rdsReplicaLagMetric,
  readPreferredReplicationLag,
  readReplicationLag,
} from '../../../shared/aws/replica-lag.ts';

const cloudwatch = mockClient(CloudWatchClient);
const NOW = new Date('2026-11-29T01:05:00.000Z');
const TARGET_ARN = 'arn:aws:rds:ap-northeast-3:123456789012:cluster:orders-osaka';

const lagData = (points: [string, number][], StatusCode: 'Complete' | 'PartialData' | 'Forbidden' = 'Complete'): GetMetricDataCommandOutput => ({
  $metadata: {},
  MetricDataResults: [{ Id: 'replicaLag', StatusCode, Timestamps: points.map(([t]) => new Date(t)), Values: points.map(([, v]) => v) }],
});
const logger = () => ({ warn: vi.fn() });

describe('readReplicationLag', () => {
  beforeEach(() => cloudwatch.reset());
  afterEach(() => cloudwatch.reset());

  it('asks GetMetricData for the maximum per minute over the last 10 minutes, newest first', async () => {
    // Prepare
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T01:04:00Z', 4]]));
    // Act
    const lag = await readReplicationLag(new CloudWatchClient({ region: 'ap-northeast-3' }), logger(), NOW, rdsReplicaLagMetric('dataset-db-osaka'));
    // Assess
    expect(lag).toEqual({ seconds: 4, reason: null });
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
    expect(cloudwatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input).toEqual({
      StartTime: new Date('2026-11-29T00:55:00.000Z'),
      EndTime: NOW,
      ScanBy: 'TimestampDescending',
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
  });

  it('takes the newest timestamp whatever the order of the datapoints', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T01:03:00Z', 3], ['2026-11-29T01:04:00Z', 7], ['2026-11-29T01:02:00Z', 9]]));
    expect(await readReplicationLag(new CloudWatchClient({}), logger(), NOW, rdsReplicaLagMetric('r'))).toEqual({ seconds: 7, reason: null });
  });

  it('reads AuroraGlobalDBReplicationLag of the secondary cluster (from its ARN) and converts milliseconds to seconds', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T01:04:00Z', 1250], ['2026-11-29T01:03:00Z', 90]]));
    const lag = await readReplicationLag(new CloudWatchClient({}), logger(), NOW, auroraGlobalLagMetric(TARGET_ARN));
    expect(lag).toEqual({ seconds: 1.25, reason: null });
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      MetricDataQueries: [expect.objectContaining({
        MetricStat: {
          Metric: { Namespace: 'AWS/RDS', MetricName: 'AuroraGlobalDBReplicationLag', Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'orders-osaka' }] },
          Period: 60,
          Stat: 'Maximum',
        },
      })],
    });
  });

  it.each([
    ['the newest value is -1', lagData([['2026-11-29T01:03:00Z', 2], ['2026-11-29T01:04:00Z', -1]]), 'ReplicaLag is -1: replication not active'],
    ['there are no datapoints', lagData([]), 'no ReplicaLag data in the last 10 minutes'],
    ['there is no result at all', { $metadata: {} }, 'no ReplicaLag data in the last 10 minutes'],
    ['CloudWatch refuses the query', lagData([], 'Forbidden'), 'no ReplicaLag data in the last 10 minutes (GetMetricData status Forbidden)'],
  ])('gives null with a reason when %s', async (_case, data, reason) => {
    cloudwatch.on(GetMetricDataCommand).resolves(data as GetMetricDataCommandOutput);
    expect(await readReplicationLag(new CloudWatchClient({}), logger(), NOW, rdsReplicaLagMetric('r'))).toEqual({ seconds: null, reason });
  });

  it.each([
    ['throttled', Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }), 'AwsThrottlingError'],
    ['denied', Object.assign(new Error('not authorized to perform cloudwatch:GetMetricData'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }), 'AccessDenied'],
  ])('never throws: a %s read gives null with "GetMetricData failed: <name>" and a warning', async (_case, error, name) => {
    cloudwatch.on(GetMetricDataCommand).rejects(error);
    const log = logger();
    const lag = await readReplicationLag(new CloudWatchClient({}), log, NOW, auroraGlobalLagMetric(TARGET_ARN));
    expect(lag).toEqual({ seconds: null, reason: `GetMetricData failed: ${name}` });
    expect(log.warn).toHaveBeenCalledWith('Could not read AuroraGlobalDBReplicationLag', expect.objectContaining({
      metric: 'AuroraGlobalDBReplicationLag',
      dimensions: { DBClusterIdentifier: 'orders-osaka' },
      errorName: name,
    }));
  });

  it('gives up on a read that does not answer in time (TimeoutError)', async () => {
    // A client that only ends when the abort signal fires, as the SDK does.
    const hanging = {
      send: (_command: unknown, options: { abortSignal: AbortSignal }) =>
        new Promise((_resolve, reject) => options.abortSignal.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })))),
    } as unknown as CloudWatchClient;
    const lag = await readReplicationLag(hanging, logger(), NOW, rdsReplicaLagMetric('r'), { timeoutMs: 20 });
    expect(lag).toEqual({ seconds: null, reason: 'GetMetricData failed: TimeoutError' });
  });
});

describe('readPreferredReplicationLag: the first of several lag metrics that has a datapoint', () => {
  beforeEach(() => cloudwatch.reset());
  afterEach(() => cloudwatch.reset());

  /** One result per query Id: [Id, [time, value][]]. */
  const results = (...byId: [string, [string, number][]][]): GetMetricDataCommandOutput => ({
    $metadata: {},
    MetricDataResults: byId.map(([Id, points]) => ({ Id, StatusCode: 'Complete', Timestamps: points.map(([t]) => new Date(t)), Values: points.map(([, v]) => v) })),
  });
  const metric = (MetricName: string) => ({ Namespace: 'AWS/RDS', MetricName, Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'orders-osaka' }] });

  it('asks for every metric in one GetMetricData (queries replicaLag, replicaLag2) and takes the first with data', async () => {
    // Prepare
    cloudwatch.on(GetMetricDataCommand).resolves(results(['replicaLag', [['2026-11-29T01:04:00Z', 1250]]], ['replicaLag2', [['2026-11-29T01:04:00Z', 400]]]));
    // Act
    const lag = await readPreferredReplicationLag(new CloudWatchClient({}), logger(), NOW, auroraGlobalDataLossMetrics(TARGET_ARN));
    // Assess
    expect(lag).toEqual({ seconds: 1.25, reason: null, metricName: 'AuroraGlobalDBRPOLag' });
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 1);
    expect(cloudwatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input).toEqual({
      StartTime: new Date('2026-11-29T00:55:00.000Z'),
      EndTime: NOW,
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        { Id: 'replicaLag', ReturnData: true, MetricStat: { Metric: metric('AuroraGlobalDBRPOLag'), Period: 60, Stat: 'Maximum' } },
        { Id: 'replicaLag2', ReturnData: true, MetricStat: { Metric: metric('AuroraGlobalDBReplicationLag'), Period: 60, Stat: 'Maximum' } },
      ],
    });
  });

  it('matches results by Id, whatever their order, and falls back to the next metric when the first has no data', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves(results(['replicaLag2', [['2026-11-29T01:03:00Z', 90], ['2026-11-29T01:04:00Z', 700]]], ['replicaLag', []]));
    expect(await readPreferredReplicationLag(new CloudWatchClient({}), logger(), NOW, auroraGlobalDataLossMetrics(TARGET_ARN)))
      .toEqual({ seconds: 0.7, reason: null, metricName: 'AuroraGlobalDBReplicationLag' });
  });

  it('lets the first metric with a datapoint decide: -1 is "replication not active", the next metric is not read in its place', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves(results(['replicaLag', [['2026-11-29T01:04:00Z', -1]]], ['replicaLag2', [['2026-11-29T01:04:00Z', 400]]]));
    expect(await readPreferredReplicationLag(new CloudWatchClient({}), logger(), NOW, auroraGlobalDataLossMetrics(TARGET_ARN)))
      .toEqual({ seconds: null, reason: 'AuroraGlobalDBRPOLag is -1: replication not active', metricName: 'AuroraGlobalDBRPOLag' });
  });

  it('gives every metric\'s reason when none has data', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ $metadata: {}, MetricDataResults: [{ Id: 'replicaLag', StatusCode: 'PartialData', Timestamps: [], Values: [] }] });
    expect(await readPreferredReplicationLag(new CloudWatchClient({}), logger(), NOW, auroraGlobalDataLossMetrics(TARGET_ARN))).toEqual({
      seconds: null,
      reason: 'no AuroraGlobalDBRPOLag data in the last 10 minutes (GetMetricData status PartialData); no AuroraGlobalDBReplicationLag data in the last 10 minutes',
      metricName: null,
    });
  });

  it('never throws: an error reading them gives null and one warning naming both metrics', async () => {
    cloudwatch.on(GetMetricDataCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const log = logger();
    expect(await readPreferredReplicationLag(new CloudWatchClient({}), log, NOW, auroraGlobalDataLossMetrics(TARGET_ARN)))
      .toEqual({ seconds: null, reason: 'GetMetricData failed: AccessDenied', metricName: null });
    expect(log.warn).toHaveBeenCalledExactlyOnceWith('Could not read AuroraGlobalDBRPOLag, AuroraGlobalDBReplicationLag', expect.objectContaining({
      metric: 'AuroraGlobalDBRPOLag, AuroraGlobalDBReplicationLag',
      dimensions: { DBClusterIdentifier: 'orders-osaka' },
      errorName: 'AccessDenied',
    }));
  });

  it('reads nothing when given no metric', async () => {
    expect(await readPreferredReplicationLag(new CloudWatchClient({}), logger(), NOW, [])).toEqual({ seconds: null, reason: 'no replication lag metric to read', metricName: null });
    expect(cloudwatch).not.toHaveReceivedAnyCommand();
  });
});

describe('the Aurora data-loss metrics', () => {
  it('are AuroraGlobalDBRPOLag then AuroraGlobalDBReplicationLag of the secondary cluster, in milliseconds', () => {
    const of = (MetricName: string) => ({ namespace: 'AWS/RDS', metricName: MetricName, unit: 'Milliseconds', dimensions: [{ Name: 'DBClusterIdentifier', Value: 'orders-osaka' }] });
    expect(auroraGlobalRpoLagMetric(TARGET_ARN)).toEqual(of('AuroraGlobalDBRPOLag'));
    expect(auroraGlobalDataLossMetrics('orders-osaka')).toEqual([of('AuroraGlobalDBRPOLag'), of('AuroraGlobalDBReplicationLag')]);
  });
});

describe('clusterIdentifierFromArn', () => {
  it('takes the ARN’s last segment and leaves a plain identifier alone', () => {
    expect(clusterIdentifierFromArn(TARGET_ARN)).toBe('orders-osaka');
    expect(clusterIdentifierFromArn('orders-osaka')).toBe('orders-osaka');
  });
});

describe('lagAsOf: which moment\'s replication lag is the data at risk', () => {
  const incident = new Date('2026-11-29T01:00:00.000Z');
  const now = new Date('2026-11-29T01:30:00.000Z');
  it('is the incident in an unplanned run: the lag read later also counts the time the primary has been gone', () => {
    expect(lagAsOf('unplanned', incident, now)).toEqual(incident);
  });
  it('is now in a planned run: the primary is up and the lag is what the switchover waits for', () => {
    expect(lagAsOf('planned', incident, now)).toEqual(now);
  });
  it('is never in the future: an incident dated after now reads now', () => {
    expect(lagAsOf('unplanned', new Date('2026-11-29T02:00:00.000Z'), now)).toEqual(now);
  });
});
