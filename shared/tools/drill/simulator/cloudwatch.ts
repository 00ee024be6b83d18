import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type DescribeAlarmsCommandInput,
  type GetMetricDataCommandInput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { instanceKey, rdsStateOf } from './rds.ts';
import { s3DurationMs, s3ReplicationRule } from './s3.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { planAccount, type DurationTable, type World } from './world.ts';

export const CLOUDWATCH_DURATIONS: DurationTable = {
  'cloudwatch.rds-metric-delay': {
    seconds: 60,
    source: 'RDS User Guide (rds-metrics): RDS sends its metrics to CloudWatch every minute; a minute\'s datapoint is readable once that minute is over',
  },
  'cloudwatch.s3-replication-metric-delay': {
    seconds: 60,
    source: 'S3 User Guide (repl-metrics): replication metrics show "minute-by-minute progress", delivered on a best-effort basis; assumption: a minute\'s ' +
      'datapoint is readable once that minute is over',
  },
};

/**
 * The simulated S3 replication metrics of every Enabled rule (AWS/S3, dimensions SourceBucket, DestinationBucket,
 * RuleId; published in the destination bucket's region, S3 User Guide "Using S3 Replication metrics"):
 * ReplicationLatency is s3.replication-latency (30 s) throughout, OperationsPendingReplication a steady few.
 */
export const S3_REPLICATION_METRICS = {
  pendingOperations: 4,
  source: 'assumption: a steady trickle of writes leaves about 4 operations in flight at the 30 s replication latency (s3.replication-latency); ' +
    'no published figure. Both metrics are reported every minute for the rule, also when nothing is written (S3 UG: still published if replication doesn\'t occur).',
} as const;

/** At most this many datapoints per query, as GetMetricData returns (100,800). */
const MAX_DATAPOINTS = 100_800;

const SIM: ServiceSimulation = { service: 'cloudwatch', throttleError: 'Throttling' };

/** A small, steady, deterministic replication lag in seconds (1–4 s), varying by minute and instance. */
export function replicaLagAt(instanceId: string, minute: number): number {
  const salt = [...instanceId].reduce((sum, ch) => sum + ch.charCodeAt(0), 0);
  return 1 + ((minute * 7 + salt) % 4);
}

/**
 * CloudWatch as the actions and checks read it: GetMetricData for AWS/RDS ReplicaLag of a simulated read
 * replica, one datapoint per period from the replica's creation until its promotion starts (a promoted
 * instance is no longer a replica and reports no ReplicaLag), and for the AWS/S3 replication metrics of the
 * simulated buckets' rules (S3_REPLICATION_METRICS). Any other metric answers Complete with no datapoints.
 */
export function simulateCloudWatch(world: World): SimulatedService {
  const stub = mockClient(CloudWatchClient);

  /** [from, until) during which the instance reported ReplicaLag, or undefined when it never did. */
  function lagSpan(region: string, id: string): { from: number; until: number } | undefined {
    const db = rdsStateOf(world)?.instances.get(instanceKey(region, id));
    if (!db?.source) return undefined;
    return { from: db.createdAt, until: db.promotion?.at ?? Infinity };
  }

  const delayMs = (key: 'cloudwatch.rds-metric-delay' | 'cloudwatch.s3-replication-metric-delay') =>
    (world.durations[key] ? world.durationMs(key) : (CLOUDWATCH_DURATIONS[key]?.seconds ?? 60) * 1000);

  /** AWS/S3 ReplicationLatency and OperationsPendingReplication of a simulated rule, asked in its destination's region. */
  function s3Replication(query: NonNullable<GetMetricDataCommandInput['MetricDataQueries']>[number], input: GetMetricDataCommandInput, region: string): MetricDataResult | undefined {
    const metric = query.MetricStat?.Metric;
    if (metric?.Namespace !== 'AWS/S3' || (metric.MetricName !== 'ReplicationLatency' && metric.MetricName !== 'OperationsPendingReplication')) return undefined;
    const dim = (name: string) => metric.Dimensions?.find((d) => d.Name === name)?.Value ?? '';
    const base = { Id: query.Id, Label: query.Label ?? metric.MetricName, StatusCode: 'Complete' as const, Messages: [] };
    const rule = s3ReplicationRule(world, dim('SourceBucket'), dim('DestinationBucket'), dim('RuleId'));
    if (!rule || rule.destinationRegion !== region || !input.StartTime || !input.EndTime) return { ...base, Timestamps: [], Values: [] };
    const value = metric.MetricName === 'ReplicationLatency' ? s3DurationMs(world, 's3.replication-latency', rule.component) / 1000 : S3_REPLICATION_METRICS.pendingOperations;
    const period = Math.max(60, query.MetricStat?.Period ?? 60) * 1000;
    const readable = world.now() - delayMs('cloudwatch.s3-replication-metric-delay');
    const times: number[] = [];
    for (let t = Math.ceil(input.StartTime.getTime() / period) * period; t < input.EndTime.getTime() && t <= readable && times.length < MAX_DATAPOINTS; t += period) times.push(t);
    if (input.ScanBy !== 'TimestampAscending') times.reverse(); // default: newest first
    return { ...base, Timestamps: times.map((t) => new Date(t)), Values: times.map(() => value) };
  }

  function result(query: NonNullable<GetMetricDataCommandInput['MetricDataQueries']>[number], input: GetMetricDataCommandInput, region: string): MetricDataResult {
    const s3 = s3Replication(query, input, region);
    if (s3) return s3;
    const stat = query.MetricStat;
    const id = stat?.Metric?.Dimensions?.find((d) => d.Name === 'DBInstanceIdentifier')?.Value;
    const lag = stat?.Metric?.Namespace === 'AWS/RDS' && stat.Metric.MetricName === 'ReplicaLag' && id ? lagSpan(region, id) : undefined;
    const base = { Id: query.Id, Label: query.Label ?? stat?.Metric?.MetricName ?? query.Id, StatusCode: 'Complete' as const, Messages: [] };
    if (!lag || !id || !input.StartTime || !input.EndTime) return { ...base, Timestamps: [], Values: [] };
    const period = Math.max(60, stat?.Period ?? 60) * 1000;
    // A datapoint is readable once its minute is over; StartTime is inclusive, EndTime exclusive.
    const readable = world.now() - delayMs('cloudwatch.rds-metric-delay');
    const points: { t: number; v: number }[] = [];
    for (let t = Math.ceil(input.StartTime.getTime() / period) * period; t < input.EndTime.getTime(); t += period) {
      if (t >= lag.from && t < lag.until && t <= readable) points.push({ t, v: replicaLagAt(id, Math.floor(t / 60_000)) });
    }
    if (input.ScanBy !== 'TimestampAscending') points.reverse(); // default: newest first
    return { ...base, Timestamps: points.map((p) => new Date(p.t)), Values: points.map((p) => p.v) };
  }

  /** The plan's trigger alarms (composite, evaluated in the recovery region): ALARM from the incident, OK after an `alarm-ok` fault. */
  function triggerAlarm(name: string) {
    const since = world.incidentAt ?? 0;
    const flap = world.faults.find((f) => f.kind === 'alarm-ok');
    const okAt = flap?.kind === 'alarm-ok' ? since + flap.afterMinutes * 60_000 : Infinity;
    const ok = world.now() >= okAt;
    return {
      AlarmName: name,
      AlarmArn: `arn:aws:cloudwatch:${world.secondary}:${planAccount(world.plan, '123456789012')}:alarm:${name}`,
      StateValue: ok ? ('OK' as const) : ('ALARM' as const),
      StateReason: ok ? 'All child alarms are OK (simulated: --inject alarm-ok)' : 'Child alarms in ALARM (simulated incident)',
      StateUpdatedTimestamp: new Date(ok ? okAt : since),
      AlarmRule: `ALARM("${name}-signal-a") AND ALARM("${name}-signal-b")`,
    };
  }
  const triggers = new Set(world.plan.scenarios.flatMap((s) => s.triggers.alarms));

  refuseOthers(SIM, stub);
  answer(world, SIM, stub, DescribeAlarmsCommand, (input: DescribeAlarmsCommandInput, region) => {
    // Trigger alarms live in the recovery region; without AlarmTypes only metric alarms are returned
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
    const names = (input.AlarmNames ?? []).filter((n) => triggers.has(n) && region === world.secondary);
    const composite = input.AlarmTypes?.includes('CompositeAlarm') ?? false;
    return { CompositeAlarms: composite ? names.map(triggerAlarm) : [], MetricAlarms: [] };
  });
  answer(world, SIM, stub, GetMetricDataCommand, (input: GetMetricDataCommandInput, region) => ({
    MetricDataResults: (input.MetricDataQueries ?? []).filter((q) => q.ReturnData !== false).map((q) => result(q, input, region)),
    Messages: [],
  }));

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => {
      const replicas = [...(rdsStateOf(world)?.instances.values() ?? [])].filter((db) => db.source);
      const now = world.now();
      return {
        replicaLag: Object.fromEntries(replicas.map((db) => {
          const reporting = (db.promotion?.at ?? Infinity) > now;
          return [`${db.region}/${db.id}`, reporting ? replicaLagAt(db.id, Math.floor(now / 60_000)) : null];
        })),
      };
    },
  };
}
