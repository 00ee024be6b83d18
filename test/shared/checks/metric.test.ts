import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatNumber, METRIC_CHECKS, metricDataQueries } from '../../../shared/checks/metric.ts';
import { metric } from '../../../shared/checks/schema.ts';
import { checkContext } from '../../support/check-context.ts';

const cw = mockClient(CloudWatchClient);
const PRIMARY = 'ap-northeast-1';
const SECONDARY = 'ap-northeast-3';
const INCIDENT = new Date('2026-11-29T09:30:00.000Z');
/** The check runs at 10:10 UTC: its 5-minute window is [10:05, 10:10). */
const NOW = new Date('2026-11-29T10:10:00.000Z');
const START = new Date('2026-11-29T10:05:00.000Z');
const LB = 'app/dataset-api-osaka/50dc6c495c0c9188';

/** The check's context at `now` (NOW by default), in a run whose incident started at INCIDENT. */
const context = (now = NOW) => checkContext({ now, run: { incidentStartedAt: INCIDENT.toISOString() } });
const regionsCalled = () => Promise.all(cw.calls().map((c) => (c.thisValue as { config: { region(): Promise<string> } }).config.region()));
/** A result of query `id`: one datapoint a minute from `from` (10:05 by default). */
const series = (id: string, values: number[], from = START.getTime(), extra: Partial<MetricDataResult> = {}): MetricDataResult => ({
  Id: id, Label: id, StatusCode: 'Complete', Timestamps: values.map((_, i) => new Date(from + i * 60_000)), Values: values, ...extra,
});

/** 100 × 5xx / requests of the load balancer, as a plan writes it. */
const errorRate = (over: Record<string, unknown> = {}) => metric.parse({
  type: 'metric', name: 'error-rate', comparison: 'LessThanOrEqualToThreshold', threshold: 1,
  queries: [
    { id: 'errors', namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: { LoadBalancer: LB }, stat: 'Sum' },
    { id: 'requests', namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { LoadBalancer: LB }, stat: 'Sum' },
    { id: 'rate', expression: '100 * FILL(errors, 0) / requests' },
  ],
  ...over,
});
/** p95 of the target response time, unnamed: the detail names the query. */
const latency = (over: Record<string, unknown> = {}) => metric.parse({
  type: 'metric', comparison: 'LessThanThreshold', threshold: 0.5, periodSeconds: 300, windowMinutes: 15,
  queries: [{ id: 'p95', namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions: { LoadBalancer: LB }, stat: 'p95' }],
  ...over,
});

describe('metric check', () => {
  beforeEach(() => cw.reset());
  afterEach(() => cw.reset());

  it('sends every query with the check\'s period, ReturnData only for the last, over [now - windowMinutes, now) ascending, in the check\'s region', async () => {
    // Prepare
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('rate', [0.1, 0.4, 0, 0.25, 0.2])] });
    // Act
    const outcome = await METRIC_CHECKS.metric(context(), errorRate());
    // Assess
    const dimensions = [{ Name: 'LoadBalancer', Value: LB }];
    expect(cw).toHaveReceivedCommandExactlyOnceWith(GetMetricDataCommand, {
      StartTime: START, EndTime: NOW, ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        { Id: 'errors', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: dimensions }, Period: 60, Stat: 'Sum' }, ReturnData: false },
        { Id: 'requests', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: dimensions }, Period: 60, Stat: 'Sum' }, ReturnData: false },
        { Id: 'rate', Expression: '100 * FILL(errors, 0) / requests', ReturnData: true },
      ],
    });
    expect(cw.call(0).args[0].input).not.toHaveProperty('NextToken');
    expect(await regionsCalled()).toEqual([SECONDARY]);
    expect(outcome).toEqual({
      status: 'passed',
      detail: `metric error-rate in ${SECONDARY}: all 5 datapoints from 10:05 to 10:10 UTC ≤ 1 (max 0.4)`,
      observations: {
        region: SECONDARY, query: 'rate', comparison: 'LessThanOrEqualToThreshold', threshold: 1, windowStart: START.toISOString(), windowEnd: NOW.toISOString(),
        datapoints: 5, breaching: 0, worstValue: 0.4, worstAt: '2026-11-29T10:06:00.000Z',
      },
    });
  });

  it('a single metric is sent with ReturnData true, its period and statistic; region primary asks the primary region', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('p95', [0.21, 0.3, 0.28], new Date('2026-11-29T09:55:00Z').getTime())] });
    const outcome = await METRIC_CHECKS.metric(context(), latency({ region: 'primary' }));
    expect(cw).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: new Date('2026-11-29T09:55:00.000Z'), EndTime: NOW,
      MetricDataQueries: [{
        Id: 'p95', ReturnData: true,
        MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', Dimensions: [{ Name: 'LoadBalancer', Value: LB }] }, Period: 300, Stat: 'p95' },
      }],
    });
    expect(await regionsCalled()).toEqual([PRIMARY]);
    expect(outcome.detail).toBe(`metric p95 in ${PRIMARY}: all 3 datapoints from 09:55 to 10:10 UTC < 0.5 (max 0.3)`);
    expect(metricDataQueries(latency()).map((q) => q.ReturnData)).toEqual([true]);
  });

  it('fails naming how many datapoints breach, the window and the worst one', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('rate', [0.2, 24.5, 25, 0.9, 3])] });
    const outcome = await METRIC_CHECKS.metric(context(), errorRate());
    expect(outcome).toEqual({
      status: 'failed',
      detail: `metric error-rate in ${SECONDARY}: 3 of 5 datapoints from 10:05 to 10:10 UTC breach LessThanOrEqualToThreshold 1 (worst 25 at 10:07:00Z)`,
      observations: expect.objectContaining({ datapoints: 5, breaching: 3, worstValue: 25, worstAt: '2026-11-29T10:07:00.000Z', threshold: 1 }),
    });
  });

  it.each([
    ['LessThanThreshold', 0.5, [0.1, 0.5], 'failed', '1 of 2 datapoints from 10:05 to 10:10 UTC breach LessThanThreshold 0.5 (worst 0.5 at 10:06:00Z)'],
    ['LessThanOrEqualToThreshold', 0.5, [0.1, 0.5], 'passed', 'all 2 datapoints from 10:05 to 10:10 UTC ≤ 0.5 (max 0.5)'],
    ['GreaterThanOrEqualToThreshold', 2, [3, 2, 4], 'passed', 'all 3 datapoints from 10:05 to 10:10 UTC ≥ 2 (min 2)'],
    ['GreaterThanThreshold', 2, [3, 2, 1], 'failed', '2 of 3 datapoints from 10:05 to 10:10 UTC breach GreaterThanThreshold 2 (worst 1 at 10:07:00Z)'],
    ['GreaterThanThreshold', 2, [2.5], 'passed', 'the only datapoint from 10:05 to 10:10 UTC > 2 (min 2.5)'],
  ] as const)('%s %s over %j: %s', async (comparison, threshold, values, status, detail) => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('hosts', [...values])] });
    const spec = metric.parse({ type: 'metric', comparison, threshold, queries: [{ id: 'hosts', namespace: 'AWS/ApplicationELB', metricName: 'HealthyHostCount', stat: 'Minimum' }] });
    expect(await METRIC_CHECKS.metric(context(), spec)).toMatchObject({ status, detail: `metric hosts in ${SECONDARY}: ${detail}` });
  });

  it('follows NextToken, compares the datapoints of every page, in time order whatever the page order', async () => {
    cw.on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [series('rate', [0.5, 30], START.getTime() + 3 * 60_000, { StatusCode: 'PartialData' })], NextToken: 'page-2' })
      .resolves({ MetricDataResults: [series('rate', [0.1, 0.2, 0.3])] });
    const outcome = await METRIC_CHECKS.metric(context(), errorRate());
    expect(cw).toHaveReceivedCommandTimes(GetMetricDataCommand, 2);
    expect(cw).toHaveReceivedNthCommandWith(GetMetricDataCommand, 2, { NextToken: 'page-2', StartTime: START, EndTime: NOW, ScanBy: 'TimestampAscending' });
    expect(outcome.detail).toBe(`metric error-rate in ${SECONDARY}: 1 of 5 datapoints from 10:05 to 10:10 UTC breach LessThanOrEqualToThreshold 1 (worst 30 at 10:09:00Z)`);
  });

  it('no datapoint in the window: failed by default, passed with missingData passed; the window shows seconds when now is not a whole minute', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('rate', [])], Messages: [] });
    expect(await METRIC_CHECKS.metric(context(), errorRate())).toEqual({
      status: 'failed',
      detail: `metric error-rate in ${SECONDARY}: no datapoints from 10:05 to 10:10 UTC (missingData: failed)`,
      observations: {
        region: SECONDARY, query: 'rate', comparison: 'LessThanOrEqualToThreshold', threshold: 1, windowStart: START.toISOString(), windowEnd: NOW.toISOString(),
        datapoints: 0, breaching: 0, worstValue: null, worstAt: null, missingData: 'failed',
      },
    });
    const later = new Date(NOW.getTime() + 23_000);
    expect(await METRIC_CHECKS.metric(context(later), errorRate({ missingData: 'passed' }))).toMatchObject({
      status: 'passed', detail: `metric error-rate in ${SECONDARY}: no datapoints from 10:05:23 to 10:10:23 UTC (missingData: passed)`,
    });
    // The operation's own messages are passed on.
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [], Messages: [{ Code: 'MaxMetricsExceeded', Value: 'Maximum number of allowed metrics exceeded' }] });
    expect((await METRIC_CHECKS.metric(context(), errorRate())).detail)
      .toBe(`metric error-rate in ${SECONDARY}: no datapoints from 10:05 to 10:10 UTC (missingData: failed); CloudWatch says: MaxMetricsExceeded: Maximum number of allowed metrics exceeded`);
  });

  it.each(['InternalError', 'Forbidden'] as const)('a result with StatusCode %s fails naming it and its messages', async (StatusCode) => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('rate', [0.1], START.getTime(), { StatusCode, Messages: [{ Code: StatusCode, Value: 'no access to AWS/ApplicationELB' }] })] });
    expect(await METRIC_CHECKS.metric(context(), errorRate())).toEqual({
      status: 'failed',
      detail: `metric error-rate in ${SECONDARY}: GetMetricData answered ${StatusCode} for query rate: ${StatusCode}: no access to AWS/ApplicationELB`,
      observations: expect.objectContaining({ statusCode: StatusCode, messages: [`${StatusCode}: no access to AWS/ApplicationELB`] }),
    });
  });

  it('Throttling is rethrown as AwsThrottlingError; a ValidationError fails naming GetMetricData and the error', async () => {
    cw.on(GetMetricDataCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    await expect(METRIC_CHECKS.metric(context(), errorRate())).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });
    cw.on(GetMetricDataCommand).rejects(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }));
    await expect(METRIC_CHECKS.metric(context(), errorRate())).rejects.toMatchObject({ name: 'AwsTransientError', retryable: true });
    cw.on(GetMetricDataCommand).rejects(Object.assign(new Error('Error in expression rate: Unrecognized function FOO'), { name: 'ValidationError', $metadata: { httpStatusCode: 400 } }));
    expect(await METRIC_CHECKS.metric(context(), errorRate())).toEqual({
      status: 'failed',
      detail: `GetMetricData for metric error-rate in ${SECONDARY}: ValidationError (Error in expression rate: Unrecognized function FOO)`,
      observations: expect.objectContaining({ api: 'GetMetricData', awsError: 'ValidationError' }),
    });
  });

  it('formats numbers without floating-point noise', () => {
    expect([0.1 + 0.2, 25, 0.000123456789, 1234567.8, -2.5].map(formatNumber)).toEqual(['0.3', '25', '0.000123457', '1234570', '-2.5']);
  });
});
