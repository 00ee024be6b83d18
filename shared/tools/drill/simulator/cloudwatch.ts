import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type DescribeAlarmsCommandInput,
  type GetMetricDataCommandInput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { simulateClient } from './intercept.ts';
import type { ComponentOf } from '../../../plan/schema.ts';
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
 * The ReplicaLag a replica reports at `t` (ms) once its source stopped sending changes at `cutAt` (the
 * incident took the source down: stopped, or its region unreachable), by engine, as the RDS User Guide
 * defines the metric:
 * - PostgreSQL: `extract(epoch from now() - pg_last_xact_replay_timestamp())`
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PostgreSQL.Replication.ReadReplicas.Monitor.html):
 *   nothing is replayed after the cut, so the lag grows with the time since it, from the lag it had then;
 * - MySQL and MariaDB: Seconds_Behind_Master, NULL when the replica is not connected to its source, published
 *   as -1, "replication is currently not active"
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_MySQL.Replication.ReadReplicas.Monitor.html).
 */
export function replicaLagAfterCut(instanceId: string, engine: string, cutAt: number, t: number, lagAtCut = replicaLagAt(instanceId, Math.floor(cutAt / 60_000))): number {
  if (/^(mysql|mariadb)/.test(engine)) return -1;
  return lagAtCut + Math.max(0, t - cutAt) / 1000;
}

/**
 * A small, steady Aurora global database replication lag in milliseconds (100–400 ms): Aurora replicates to
 * secondary Regions "with typical latency of under a second"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html).
 */
export function auroraGlobalLagAt(clusterId: string, minute: number): number {
  return replicaLagAt(clusterId, minute) * 100;
}

/**
 * CloudWatch as the actions and checks read it: GetMetricData for AWS/RDS ReplicaLag of a simulated read
 * replica, one datapoint per period from the replica's creation until its promotion starts (a promoted
 * instance is no longer a replica and reports no ReplicaLag), growing from the incident when it took the
 * replica's source down (replicaLagAfterCut); AWS/RDS AuroraGlobalDBReplicationLag of a global database's
 * secondary cluster (auroraLagSeries); and the AWS/S3 replication metrics of the simulated buckets' rules
 * (S3_REPLICATION_METRICS). Any other metric answers Complete with no datapoints.
 *
 * The `replica-lag` drift (readiness, before any incident) sets the lag of its component's metric: the
 * rds-replica-promotion replica's ReplicaLag reads `seconds` (and after a cut grows from there), the
 * aurora-global-failover target's AuroraGlobalDBReplicationLag `seconds` × 1000 ms, an s3-failover pair's
 * ReplicationLatency (primary to replica bucket) `seconds`, at every datapoint.
 */
export function simulateCloudWatch(world: World): SimulatedService {
  const stub = simulateClient(CloudWatchClient);

  /**
   * A replica's ReplicaLag series: [from, until) during which it reported the metric (until its promotion
   * starts), its engine, and when its source stopped sending changes (`cutAt`): the incident, when it took the
   * source down (its databases stopped, or its region unreachable); never with the primary-writable fault.
   */
  function lagSeries(region: string, id: string): { from: number; until: number; engine: string; cutAt: number; driftSeconds?: number } | undefined {
    const rds = rdsStateOf(world);
    const db = rds?.instances.get(instanceKey(region, id));
    if (!db?.source) return undefined;
    const source = [...(rds?.instances.values() ?? [])].find((d) => d.arn === db.source);
    const incident = world.incidentAt;
    const cut = incident !== undefined && (source?.down || world.regionDown(db.source.split(':')[3] ?? '', incident)) ? incident : Infinity;
    const drift = world.drifted('replica-lag', world.ownerOf('rds', region, id));
    return { from: db.createdAt, until: db.promotion?.at ?? Infinity, engine: db.engine, cutAt: cut, ...(drift ? { driftSeconds: drift.seconds } : {}) };
  }
  const lagValue = (id: string, series: { engine: string; cutAt: number; driftSeconds?: number }, t: number) => {
    const before = (at: number) => series.driftSeconds ?? replicaLagAt(id, Math.floor(at / 60_000));
    return t >= series.cutAt ? replicaLagAfterCut(id, series.engine, series.cutAt, t, before(series.cutAt)) : before(t);
  };

  /**
   * An Aurora global database's secondary cluster (its DBClusterIdentifier, asked in its region): its
   * AuroraGlobalDBReplicationLag series until a failover or switchover toward it starts (it then becomes the
   * writer); none for the writer. What Aurora publishes while the primary Region does not answer is not
   * documented (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-monitoring.html
   * lists the metric only): assumed missing from the incident on, when it took the primary down.
   */
  function auroraLagSeries(region: string, clusterId: string): { until: number; driftMs?: number } | undefined {
    for (const g of rdsStateOf(world)?.globals.values() ?? []) {
      const arn = g.members.find((m) => m.split(':')[3] === region && m.endsWith(`:cluster:${clusterId}`));
      const seededWriter = g.members[0]; // the primary region's cluster: a writer, no lag
      if (!arn || arn === seededWriter) continue;
      const promoted = g.started.find((x) => x.to === arn)?.at ?? Infinity;
      const cut = world.incidentAt !== undefined && world.primaryDown ? world.incidentAt : Infinity;
      const drift = world.drifted('replica-lag', g.component);
      return { until: Math.min(promoted, cut), ...(drift ? { driftMs: drift.seconds * 1000 } : {}) };
    }
    return undefined;
  }

  /** The `replica-lag` drift of the s3-failover component replicating `source` to `destination`, in seconds. */
  function s3LatencyDrift(source: string, destination: string): number | undefined {
    const pair = world.plan.components.find((c): c is ComponentOf<'s3-failover'> =>
      c.type === 's3-failover' && c.params.primaryBucket === source && c.params.replicaBucket === destination);
    return world.drifted('replica-lag', pair?.id)?.seconds;
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
    const value = metric.MetricName === 'ReplicationLatency'
      ? s3LatencyDrift(dim('SourceBucket'), dim('DestinationBucket')) ?? s3DurationMs(world, 's3.replication-latency', rule.component) / 1000
      : S3_REPLICATION_METRICS.pendingOperations;
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
    const dimension = (name: string) => stat?.Metric?.Dimensions?.find((d) => d.Name === name)?.Value;
    const rdsMetric = stat?.Metric?.Namespace === 'AWS/RDS' ? stat.Metric.MetricName : undefined;
    const id = rdsMetric === 'ReplicaLag' ? dimension('DBInstanceIdentifier') : rdsMetric === 'AuroraGlobalDBReplicationLag' ? dimension('DBClusterIdentifier') : undefined;
    const base = { Id: query.Id, Label: query.Label ?? stat?.Metric?.MetricName ?? query.Id, StatusCode: 'Complete' as const, Messages: [] };
    const replica = rdsMetric === 'ReplicaLag' && id ? lagSeries(region, id) : undefined;
    const aurora = rdsMetric === 'AuroraGlobalDBReplicationLag' && id ? auroraLagSeries(region, id) : undefined;
    if ((!replica && !aurora) || !id || !input.StartTime || !input.EndTime) return { ...base, Timestamps: [], Values: [] };
    const period = Math.max(60, stat?.Period ?? 60) * 1000;
    // A datapoint is readable once its minute is over; StartTime is inclusive, EndTime exclusive.
    const readable = world.now() - delayMs('cloudwatch.rds-metric-delay');
    const points: { t: number; v: number }[] = [];
    for (let t = Math.ceil(input.StartTime.getTime() / period) * period; t < input.EndTime.getTime(); t += period) {
      if (t > readable) continue;
      // ReplicaLag after the cut: the period's largest value, at its end (the metric grows through it).
      if (replica && t >= replica.from && t < replica.until) points.push({ t, v: lagValue(id, replica, t + period > replica.cutAt ? t + period : t) });
      if (aurora && t < aurora.until) points.push({ t, v: aurora.driftMs ?? auroraGlobalLagAt(id, Math.floor(t / 60_000)) });
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
          const series = lagSeries(db.region, db.id);
          return [`${db.region}/${db.id}`, series && series.until > now ? lagValue(db.id, series, now) : null];
        })),
      };
    },
  };
}
