import type { Logger } from '@aws-lambda-powertools/logger';
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { LagMetricSpec } from '../components/definition.ts';
import { classifyError } from '../errors.ts';

// The metric builders live apart, SDK-free, for the one-way facets; re-exported for the readers.
export { auroraGlobalDataLossMetrics, auroraGlobalLagMetric, auroraGlobalRpoLagMetric, clusterIdentifierFromArn, rdsReplicaLagMetric } from './lag-metrics.ts';

/**
 * The moment whose replication lag is the data at risk. In an unplanned run the primary may have
 * stopped writing at the incident: what cannot reach the replica any more is what it lagged then,
 * while the metric read now also counts the time since (a replica's ReplicaLag grows while its source
 * is unreachable: RDS User Guide, "Monitoring read replication"). In a planned run the primary is up
 * and the lag now is what a switchover waits for.
 */
export function lagAsOf(mode: 'planned' | 'unplanned', incidentStartedAt: Date, now: Date): Date {
  return mode === 'unplanned' && incidentStartedAt.getTime() < now.getTime() ? incidentStartedAt : now;
}

/** The newest lag in seconds, or null with the reason it is not known. */
export interface LagReading {
  seconds: number | null;
  reason: string | null;
}

/** How far back the newest datapoint is looked for. */
export const LAG_WINDOW_MINUTES = 10;
/** A lag read that has not answered by then is given up: reading the lag never holds up a recovery. */
export const LAG_READ_TIMEOUT_MS = 5_000;

const toSeconds = (value: number, unit: LagMetricSpec['unit']) => (unit === 'Milliseconds' ? value / 1000 : value);

/**
 * The error's name for people: our retryable classes (AwsThrottlingError, AwsTransientError…) as
 * classified, anything else by the name AWS gave it (AccessDeniedException says more than
 * UnexpectedStateError); a read we gave up on is a TimeoutError.
 */
function errorName(error: unknown, signal: AbortSignal, timeoutMs: number): { name: string; message: string } {
  if (signal.aborted) return { name: 'TimeoutError', message: `no answer within ${timeoutMs} ms` };
  const classified = classifyError(error);
  const raw = error instanceof Error ? error.name : 'Error';
  return { name: classified.name === 'UnexpectedStateError' ? raw : classified.name, message: classified.message };
}

/** One metric's query in a GetMetricData request: `replicaLag`, then `replicaLag2`, `replicaLag3`… */
const queryId = (i: number) => (i === 0 ? 'replicaLag' : `replicaLag${i + 1}`);

/** The newest usable datapoint of one query's result, or undefined when it has none. */
function newestPoint(result: MetricDataResult | undefined): { t: number; v: number } | undefined {
  const values = result?.Values ?? [];
  // Newest timestamp wins whatever order the datapoints come in.
  return (result?.Timestamps ?? [])
    .map((t, i) => ({ t: new Date(t).getTime(), v: values[i] }))
    .filter((p): p is { t: number; v: number } => typeof p.v === 'number' && Number.isFinite(p.v) && !Number.isNaN(p.t))
    .sort((a, b) => b.t - a.t)[0];
}

/** Why a metric gave no datapoint: none in the window, or GetMetricData's status for it. */
function noData(metric: LagMetricSpec, result: MetricDataResult | undefined): string {
  const status = result?.StatusCode;
  const why = status && status !== 'Complete' ? ` (GetMetricData status ${status})` : '';
  return `no ${metric.metricName} data in the last ${LAG_WINDOW_MINUTES} minutes${why}`;
}

/** A lag read of several metrics: the reading and the metric it came from (null when none gave a datapoint). */
export interface PreferredLagReading extends LagReading {
  metricName: string | null;
}

/**
 * The newest datapoint (maximum per minute) over the last 10 minutes of the first of `metrics` (in order
 * of preference) that has one, in one GetMetricData request (a query per metric: `replicaLag`,
 * `replicaLag2`…). That metric decides: a negative value means replication is not active (null with the
 * reason), and a later metric is not read in its place. None with a datapoint, or any error reading them,
 * gives null with the reasons (an error is logged as a warning): the lag is a fact for people and
 * reports, and reading it must never block a recovery (a read is given up after `timeoutMs`, default 5 s).
 */
export async function readPreferredReplicationLag(
  cloudwatch: CloudWatchClient,
  logger: Pick<Logger, 'warn'>,
  now: Date,
  metrics: readonly LagMetricSpec[],
  options: { timeoutMs?: number } = {},
): Promise<PreferredLagReading> {
  if (metrics.length === 0) return { seconds: null, reason: 'no replication lag metric to read', metricName: null };
  const names = metrics.map((m) => m.metricName).join(', ');
  const timeoutMs = options.timeoutMs ?? LAG_READ_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(now.getTime() - LAG_WINDOW_MINUTES * 60_000),
        EndTime: now,
        ScanBy: 'TimestampDescending',
        MetricDataQueries: metrics.map((metric, i) => ({
          Id: queryId(i),
          ReturnData: true,
          MetricStat: {
            Metric: { Namespace: metric.namespace, MetricName: metric.metricName, Dimensions: metric.dimensions.map((d) => ({ Name: d.Name, Value: d.Value })) },
            Period: 60,
            Stat: 'Maximum',
          },
        })),
      }),
      { abortSignal: signal },
    );
    const results = out.MetricDataResults ?? [];
    // By Id (CloudWatch does not promise the order of the results); by position only for a result without one.
    const resultOf = (i: number) => results.find((r) => r.Id === queryId(i)) ?? (metrics.length === 1 || results[i]?.Id === undefined ? results[i] : undefined);
    const reasons: string[] = [];
    for (const [i, metric] of metrics.entries()) {
      const newest = newestPoint(resultOf(i));
      if (!newest) {
        reasons.push(noData(metric, resultOf(i)));
        continue;
      }
      if (newest.v < 0) return { seconds: null, reason: `${metric.metricName} is ${newest.v}: replication not active`, metricName: metric.metricName };
      return { seconds: toSeconds(newest.v, metric.unit), reason: null, metricName: metric.metricName };
    }
    return { seconds: null, reason: reasons.join('; '), metricName: null };
  } catch (error) {
    const err = errorName(error, signal, timeoutMs);
    // `message` is a reserved Powertools key: the error's text goes in errorMessage.
    logger.warn(`Could not read ${names}`, {
      metric: names,
      dimensions: Object.fromEntries(metrics.flatMap((m) => m.dimensions.map((d) => [d.Name, d.Value]))),
      errorName: err.name,
      errorMessage: err.message,
    });
    return { seconds: null, reason: `GetMetricData failed: ${err.name}`, metricName: null };
  }
}

/**
 * The newest datapoint (maximum per minute) of a replication-lag metric over the last 10 minutes.
 * A negative value means replication is not active; no datapoint, or any error reading it, gives
 * null with a reason (an error is logged as a warning): the lag is a fact for people and reports,
 * and reading it must never block a recovery (a read is given up after `timeoutMs`, default 5 s).
 */
export async function readReplicationLag(
  cloudwatch: CloudWatchClient,
  logger: Pick<Logger, 'warn'>,
  now: Date,
  metric: LagMetricSpec,
  options: { timeoutMs?: number } = {},
): Promise<LagReading> {
  const { seconds, reason } = await readPreferredReplicationLag(cloudwatch, logger, now, [metric], options);
  return { seconds, reason };
}
