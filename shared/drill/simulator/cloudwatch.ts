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
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { planAccount, type DurationTable, type World } from './world.ts';

export const CLOUDWATCH_DURATIONS: DurationTable = {
  'cloudwatch.rds-metric-delay': {
    seconds: 60,
    source: 'RDS User Guide (rds-metrics): RDS sends its metrics to CloudWatch every minute; a minute\'s datapoint is readable once that minute is over',
  },
};

const SIM: ServiceSimulation = { service: 'cloudwatch', throttleError: 'Throttling' };

/** A small, steady, deterministic replication lag in seconds (1–4 s), varying by minute and instance. */
export function replicaLagAt(instanceId: string, minute: number): number {
  const salt = [...instanceId].reduce((sum, ch) => sum + ch.charCodeAt(0), 0);
  return 1 + ((minute * 7 + salt) % 4);
}

/**
 * CloudWatch as the actions read it: GetMetricData for AWS/RDS ReplicaLag of a simulated read replica, one
 * datapoint per period from the replica's creation until its promotion starts (a promoted instance is no
 * longer a replica and reports no ReplicaLag). Any other metric answers Complete with no datapoints.
 */
export function simulateCloudWatch(world: World): SimulatedService {
  const stub = mockClient(CloudWatchClient);

  /** [from, until) during which the instance reported ReplicaLag, or undefined when it never did. */
  function lagSpan(region: string, id: string): { from: number; until: number } | undefined {
    const db = rdsStateOf(world)?.instances.get(instanceKey(region, id));
    if (!db?.source) return undefined;
    return { from: db.createdAt, until: db.promotion?.at ?? Infinity };
  }

  function result(query: NonNullable<GetMetricDataCommandInput['MetricDataQueries']>[number], input: GetMetricDataCommandInput, region: string): MetricDataResult {
    const stat = query.MetricStat;
    const id = stat?.Metric?.Dimensions?.find((d) => d.Name === 'DBInstanceIdentifier')?.Value;
    const lag = stat?.Metric?.Namespace === 'AWS/RDS' && stat.Metric.MetricName === 'ReplicaLag' && id ? lagSpan(region, id) : undefined;
    const base = { Id: query.Id, Label: query.Label ?? stat?.Metric?.MetricName ?? query.Id, StatusCode: 'Complete' as const, Messages: [] };
    if (!lag || !id || !input.StartTime || !input.EndTime) return { ...base, Timestamps: [], Values: [] };
    const period = Math.max(60, stat?.Period ?? 60) * 1000;
    // A datapoint is readable once its minute is over; StartTime is inclusive, EndTime exclusive.
    const readable = world.now() - world.durationMs('cloudwatch.rds-metric-delay');
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
    // Trigger alarms live in the recovery region; without AlarmTypes only metric alarms are returned (aws-behaviour.md §2).
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
