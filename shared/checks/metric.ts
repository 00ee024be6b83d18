import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput, type MessageData, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { JsonObject } from '../components/types.ts';
import { awsCall, refusedDetail } from './aws-call.ts';
import type { CheckOf } from './schema.ts';
import type { CheckOutcome, CheckRunner } from './types.ts';

/**
 * The `metric` check: one CloudWatch GetMetricData request (following NextToken) over the window
 * [now − windowMinutes, now), compared with the plan's threshold. The state machine waits windowMinutes
 * after the recovery before it verifies (a Step Functions Wait), so the window lies after the recovery:
 * this runner never sleeps.
 *
 * GetMetricData (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html):
 * StartTime is inclusive, EndTime exclusive; only the queries with ReturnData true are returned, so every
 * query but the last (the one compared; the others feed its expression) is sent with ReturnData false.
 * Each MetricDataResult has a StatusCode, Complete, PartialData (more with NextToken), InternalError or
 * Forbidden (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataResult.html).
 *
 * Errors: throttling and 5xx are rethrown as retryable; any other AWS error (a ValidationError for a bad
 * expression, AccessDenied…) is a failed outcome naming GetMetricData and the error; a result's
 * InternalError or Forbidden status is a failed outcome naming it, with its Messages.
 */

type Comparison = CheckOf<'metric'>['comparison'];

/** Each comparison: its sign for the detail, whether a value meets it, and which extreme is the worst datapoint. */
export const COMPARISONS: Record<Comparison, { sign: string; meets: (value: number, threshold: number) => boolean; worst: 'max' | 'min' }> = {
  LessThanOrEqualToThreshold: { sign: '≤', meets: (v, t) => v <= t, worst: 'max' },
  LessThanThreshold: { sign: '<', meets: (v, t) => v < t, worst: 'max' },
  GreaterThanOrEqualToThreshold: { sign: '≥', meets: (v, t) => v >= t, worst: 'min' },
  GreaterThanThreshold: { sign: '>', meets: (v, t) => v > t, worst: 'min' },
};

/**
 * The GetMetricData queries of a check, in the plan's order: a metric and statistic (every one with the
 * check's period) or a metric math expression; ReturnData true for the last query only.
 */
export function metricDataQueries(spec: CheckOf<'metric'>): MetricDataQuery[] {
  return spec.queries.map((q, i): MetricDataQuery => {
    const ReturnData = i === spec.queries.length - 1;
    if ('expression' in q) return { Id: q.id, Expression: q.expression, ReturnData };
    return {
      Id: q.id,
      MetricStat: {
        Metric: { Namespace: q.namespace, MetricName: q.metricName, Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })) },
        Period: spec.periodSeconds,
        Stat: q.stat,
      },
      ReturnData,
    };
  });
}

/** A number for people: at most 6 significant digits, without floating-point noise (0.30000000000000004 → 0.3). */
export const formatNumber = (value: number): string => String(Number(value.toPrecision(6)));
/** 10:05, or 10:05:23 when the time is not a whole minute (UTC). */
const clock = (at: Date) => at.toISOString().slice(11, at.getUTCSeconds() === 0 && at.getUTCMilliseconds() === 0 ? 16 : 19);
const messagesOf = (messages: MessageData[] | undefined) => (messages ?? []).map((m) => [m.Code, m.Value].filter(Boolean).join(': ')).filter(Boolean);
const plural = (n: number) => `${n} datapoint${n === 1 ? '' : 's'}`;

type Point = { at: Date; value: number };

const metric: CheckRunner<'metric'> = async (ctx, spec): Promise<CheckOutcome> => {
  const region = ctx.run.regions[spec.region];
  const end = new Date(ctx.now.getTime());
  const start = new Date(end.getTime() - spec.windowMinutes * 60_000);
  const queries = metricDataQueries(spec);
  const compared = queries[queries.length - 1]!.Id!;
  const what = `metric ${spec.name ?? compared} in ${region}`;
  const window = `from ${clock(start)} to ${clock(end)} UTC`;
  const base: JsonObject = {
    region, query: compared, comparison: spec.comparison, threshold: spec.threshold, windowStart: start.toISOString(), windowEnd: end.toISOString(),
  };
  const cloudwatch = ctx.clients.get(CloudWatchClient, region);

  const points: Point[] = [];
  const operationMessages: string[] = [];
  let NextToken: string | undefined;
  do {
    const input = { MetricDataQueries: queries, StartTime: start, EndTime: end, ScanBy: 'TimestampAscending' as const, ...(NextToken ? { NextToken } : {}) };
    const answer = await awsCall(() => cloudwatch.send(new GetMetricDataCommand(input)));
    if (!answer.ok) {
      return { status: 'failed', detail: refusedDetail('GetMetricData', `for ${what}`, answer), observations: { ...base, api: 'GetMetricData', awsError: answer.awsError } };
    }
    const out: GetMetricDataCommandOutput = answer.value;
    operationMessages.push(...messagesOf(out.Messages));
    for (const result of out.MetricDataResults ?? []) {
      if (result.Id !== compared) continue;
      if (result.StatusCode === 'InternalError' || result.StatusCode === 'Forbidden') {
        const messages = messagesOf(result.Messages);
        return {
          status: 'failed',
          detail: `${what}: GetMetricData answered ${result.StatusCode} for query ${compared}${messages.length > 0 ? `: ${messages.join('; ')}` : ''}`,
          observations: { ...base, statusCode: result.StatusCode, messages },
        };
      }
      (result.Timestamps ?? []).forEach((at, i) => {
        const value = result.Values?.[i];
        if (value !== undefined) points.push({ at, value });
      });
    }
    NextToken = out.NextToken;
  } while (NextToken);
  points.sort((a, b) => a.at.getTime() - b.at.getTime());

  if (points.length === 0) {
    const said = operationMessages.length > 0 ? `; CloudWatch says: ${operationMessages.join('; ')}` : '';
    return {
      status: spec.missingData,
      detail: `${what}: no datapoints ${window} (missingData: ${spec.missingData})${said}`,
      observations: { ...base, datapoints: 0, breaching: 0, worstValue: null, worstAt: null, missingData: spec.missingData },
    };
  }
  const rule = COMPARISONS[spec.comparison];
  // The worst datapoint: the highest for an upper bound, the lowest for a lower bound (the first such, in time).
  const worst = points.reduce((w, p) => ((rule.worst === 'max' ? p.value > w.value : p.value < w.value) ? p : w));
  const breaching = points.filter((p) => !rule.meets(p.value, spec.threshold));
  const observations: JsonObject = { ...base, datapoints: points.length, breaching: breaching.length, worstValue: worst.value, worstAt: worst.at.toISOString() };
  if (breaching.length > 0) {
    return {
      status: 'failed',
      detail: `${what}: ${breaching.length} of ${plural(points.length)} ${window} breach ${spec.comparison} ${formatNumber(spec.threshold)} ` +
        `(worst ${formatNumber(worst.value)} at ${worst.at.toISOString().slice(11, 19)}Z)`,
      observations,
    };
  }
  return {
    status: 'passed',
    detail: `${what}: ${points.length === 1 ? 'the only datapoint' : `all ${plural(points.length)}`} ${window} ${rule.sign} ${formatNumber(spec.threshold)} ` +
      `(${rule.worst} ${formatNumber(worst.value)})`,
    observations,
  };
};

export const METRIC_CHECKS: { metric: CheckRunner<'metric'> } = { metric };
