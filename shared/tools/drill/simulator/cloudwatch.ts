import { createHash } from 'node:crypto';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListAlarmMuteRulesCommand,
  type DescribeAlarmsCommandInput,
  type GetMetricDataCommandInput,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { simulateClient } from './intercept.ts';
import type { ComponentOf } from '../../../plan/schema.ts';
import { auroraMemberOf, instanceKey, rdsStateOf } from './rds.ts';
import { s3DurationMs, s3ReplicationRule } from './s3.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, planAccount, type DurationTable, type World } from './world.ts';

export const CLOUDWATCH_DURATIONS: DurationTable = {
  'cloudwatch.rds-metric-delay': {
    seconds: 60,
    source: 'RDS User Guide (rds-metrics): RDS sends its metrics to CloudWatch every minute; a minute\'s datapoint is readable once that minute is over',
  },
  'cloudwatch.elb-metric-delay': {
    seconds: 60,
    source: 'ELB User Guide (load-balancer-cloudwatch-metrics): with requests flowing, Elastic Load Balancing "measures and sends its metrics in 60-second ' +
      'intervals"; assumption: a minute\'s datapoint is readable once that minute is over',
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

// ---- metric math -----------------------------------------------------------------------------------------

/**
 * A metric math expression, parsed (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html,
 * "Metric math syntax and functions"): numbers, the other queries' ids, the arithmetic operators + - * / ^ (^ binds
 * tighter than * and /, and to the right), unary minus, parentheses, and function calls. Written by hand, a small
 * recursive-descent parser: the grammar is this small, and the expression libraries installed (jsep, a transitive
 * dependency) parse JavaScript, whose ^ is XOR with the wrong precedence, through a process-wide mutable parser
 * that the drill's own Step Functions runtime (JSONPath filters) shares.
 */
export type MathNode =
  | { kind: 'number'; value: number }
  | { kind: 'id'; name: string }
  | { kind: 'unary'; op: '-' | '+'; arg: MathNode }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '^'; left: MathNode; right: MathNode }
  | { kind: 'call'; name: string; args: MathNode[] };

/** A scalar, or a time series: value by timestamp (ms). */
export type MathValue = number | Map<number, number>;

/** An expression the simulator cannot evaluate (syntax, an unknown id, an unsupported function): GetMetricData answers ValidationError. */
export class MetricMathError extends Error {
  override readonly name = 'MetricMathError';
}

/** The functions the simulator evaluates; any other is refused as unsupported (CloudWatch has many more). */
export const SUPPORTED_MATH_FUNCTIONS = ['FILL'] as const;

type Token = { kind: 'number'; value: number; at: number } | { kind: 'name'; value: string; at: number } | { kind: 'op'; value: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const number = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
  const name = /[A-Za-z_][A-Za-z0-9_]*/y;
  let at = 0;
  while (at < text.length) {
    const ch = text[at]!;
    if (/\s/.test(ch)) {
      at += 1;
      continue;
    }
    number.lastIndex = at;
    name.lastIndex = at;
    const m = number.exec(text) ?? name.exec(text);
    if (m) {
      tokens.push(/^[\d.]/.test(m[0]) ? { kind: 'number', value: Number(m[0]), at } : { kind: 'name', value: m[0], at });
      at += m[0].length;
    } else if ('+-*/^(),'.includes(ch)) {
      tokens.push({ kind: 'op', value: ch, at });
      at += 1;
    } else {
      throw new MetricMathError(`unexpected ${JSON.stringify(ch)} at character ${at + 1}`);
    }
  }
  return tokens;
}

/** Parses a metric math expression, or throws MetricMathError naming what is wrong and where. */
export function parseMetricMath(text: string): MathNode {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const isOp = (value: string) => peek()?.kind === 'op' && peek()?.value === value;
  const where = () => (peek() ? `${JSON.stringify(String(peek()!.value))} at character ${peek()!.at + 1}` : 'the end of the expression');
  const expect = (value: string) => {
    if (!isOp(value)) throw new MetricMathError(`expected "${value}", found ${where()}`);
    i += 1;
  };

  // expression := term (("+" | "-") term)*;  term := unary (("*" | "/") unary)*
  function expression(): MathNode {
    let left = term();
    while (isOp('+') || isOp('-')) {
      const op = tokens[i++]!.value as '+' | '-';
      left = { kind: 'binary', op, left, right: term() };
    }
    return left;
  }
  function term(): MathNode {
    let left = unary();
    while (isOp('*') || isOp('/')) {
      const op = tokens[i++]!.value as '*' | '/';
      left = { kind: 'binary', op, left, right: unary() };
    }
    return left;
  }
  // unary := ("-" | "+") unary | power;  power := primary ("^" unary)?  (so -2^2 is -(2^2), 2^3^2 is 2^(3^2))
  function unary(): MathNode {
    if (isOp('-') || isOp('+')) {
      const op = tokens[i++]!.value as '-' | '+';
      return { kind: 'unary', op, arg: unary() };
    }
    const base = primary();
    if (isOp('^')) {
      i += 1;
      return { kind: 'binary', op: '^', left: base, right: unary() };
    }
    return base;
  }
  // primary := number | name | name "(" [expression ("," expression)*] ")" | "(" expression ")"
  function primary(): MathNode {
    const token = peek();
    if (!token) throw new MetricMathError('the expression ends too early');
    if (token.kind === 'number') {
      i += 1;
      return { kind: 'number', value: token.value };
    }
    if (token.kind === 'name') {
      i += 1;
      if (!isOp('(')) return { kind: 'id', name: token.value };
      i += 1;
      const args: MathNode[] = [];
      if (!isOp(')')) {
        args.push(expression());
        while (isOp(',')) {
          i += 1;
          args.push(expression());
        }
      }
      expect(')');
      return { kind: 'call', name: token.value, args };
    }
    if (token.value === '(') {
      i += 1;
      const inner = expression();
      expect(')');
      return inner;
    }
    throw new MetricMathError(`unexpected ${where()}`);
  }

  if (tokens.length === 0) throw new MetricMathError('the expression is empty');
  const node = expression();
  if (i < tokens.length) throw new MetricMathError(`unexpected ${where()}`);
  return node;
}

/** The query ids an expression refers to (FILL's REPEAT keyword is not one). */
export function mathIds(node: MathNode): string[] {
  switch (node.kind) {
    case 'number': return [];
    case 'id': return [node.name];
    case 'unary': return mathIds(node.arg);
    case 'binary': return [...mathIds(node.left), ...mathIds(node.right)];
    case 'call': return node.args.flatMap((a, i) => (node.name === 'FILL' && i === 1 && a.kind === 'id' && a.name === 'REPEAT' ? [] : mathIds(a)));
  }
}

const OPERATORS: Record<'+' | '-' | '*' | '/' | '^', (a: number, b: number) => number> = {
  '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b, '/': (a, b) => a / b, '^': (a, b) => a ** b,
};

/**
 * Applies an operator per timestamp. Between two series, only the timestamps both have give a value; a result that
 * is not a finite number (x / 0) gives none at that timestamp. (Assumptions: CloudWatch documents neither for
 * GetMetricData; FILL is its documented remedy for gaps.)
 */
function combine(a: MathValue, b: MathValue, f: (x: number, y: number) => number): MathValue {
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  const out = new Map<number, number>();
  const times = typeof a === 'number' ? [...(b as Map<number, number>).keys()] : [...a.keys()].filter((t) => typeof b === 'number' || b.has(t));
  for (const t of times) {
    const v = f(typeof a === 'number' ? a : a.get(t)!, typeof b === 'number' ? b : b.get(t)!);
    if (Number.isFinite(v)) out.set(t, v);
  }
  return out;
}

/**
 * Evaluates a parsed expression: `series(id)` gives a query's values, `grid` the timestamps of the queried window
 * (FILL fills those). FILL(series, value | REPEAT): a missing timestamp takes the value, or the latest value before it
 * (none before the first). Any other function is a MetricMathError naming it as unsupported by the simulator.
 */
export function evaluateMetricMath(node: MathNode, series: (id: string) => MathValue, grid: readonly number[]): MathValue {
  const ev = (n: MathNode): MathValue => evaluateMetricMath(n, series, grid);
  switch (node.kind) {
    case 'number': return node.value;
    case 'id': return series(node.name);
    case 'unary': return node.op === '-' ? combine(ev(node.arg), -1, (x, y) => x * y) : ev(node.arg);
    case 'binary': return combine(ev(node.left), ev(node.right), OPERATORS[node.op]);
    case 'call': {
      if (node.name !== 'FILL') {
        throw new MetricMathError(`the function ${node.name} is not supported by the drill's simulated CloudWatch (it evaluates numbers, query ids, + - * / ^, parentheses and ${SUPPORTED_MATH_FUNCTIONS.join(', ')})`);
      }
      const [target, with_] = node.args;
      if (node.args.length !== 2 || !target || !with_) throw new MetricMathError(`FILL takes 2 arguments (a series and a value or REPEAT), not ${node.args.length}`);
      const values = ev(target);
      if (typeof values === 'number') return values;
      const repeat = with_.kind === 'id' && with_.name === 'REPEAT';
      const fill = repeat ? undefined : ev(with_);
      const out = new Map<number, number>();
      let last: number | undefined;
      for (const t of [...new Set([...grid, ...values.keys()])].sort((a, b) => a - b)) {
        const own = values.get(t);
        const v = own ?? (repeat ? last : typeof fill === 'number' ? fill : fill?.get(t));
        if (v !== undefined) out.set(t, v);
        if (own !== undefined) last = own;
      }
      return out;
    }
  }
}

// ---- baselines of the metrics the `metric` checks read ---------------------------------------------------

/** How a simulated metric's statistics spread around its per-minute value. */
type Spread = 'latency' | 'steady';
/**
 * A well-known metric's simulated per-minute value in steady state, between `low` and `high` (varying
 * deterministically by minute and dimensions). A `count` is a number of events in the minute: its Sum and SampleCount
 * are the count, Minimum, Maximum, Average and percentiles 1, and a minute without any is not reported (ALB's count
 * metrics: "Reporting criteria: There is a nonzero value"; "Minimum, Maximum, and Average all return 1",
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html). A `gauge`
 * (a measurement) is reported every minute: Average the value, the other statistics spread around it.
 */
export interface MetricBaseline { kind: 'count' | 'gauge'; low: number; high: number; spread: Spread; unit: string; source: string }

/** AWS/ApplicationELB: the recovered service's load balancer, in steady state (assumptions: a modest, healthy web service). */
export const ALB_BASELINES: Readonly<Record<string, MetricBaseline>> = {
  RequestCount: { kind: 'count', low: 1100, high: 1300, spread: 'steady', unit: 'Count', source: 'assumption: about 1200 requests a minute (20 per second)' },
  HTTPCode_Target_5XX_Count: { kind: 'count', low: 0, high: 2, spread: 'steady', unit: 'Count', source: 'assumption: 0 to 2 target 5xx a minute (under 0.2 % of requests); minutes without any are not reported' },
  HTTPCode_ELB_5XX_Count: { kind: 'count', low: 0, high: 0, spread: 'steady', unit: 'Count', source: 'assumption: the load balancer itself answers no 5xx (so the metric is not reported)' },
  HTTPCode_Target_2XX_Count: { kind: 'count', low: 1080, high: 1280, spread: 'steady', unit: 'Count', source: 'assumption: nearly every request succeeds' },
  TargetResponseTime: { kind: 'gauge', low: 0.08, high: 0.15, spread: 'latency', unit: 'Seconds', source: 'assumption: 80 to 150 ms on average; p95 about twice, p99 three times that' },
  HealthyHostCount: { kind: 'gauge', low: 2, high: 2, spread: 'steady', unit: 'Count', source: 'assumption: two healthy targets' },
  UnHealthyHostCount: { kind: 'gauge', low: 0, high: 0, spread: 'steady', unit: 'Count', source: 'assumption: no unhealthy target' },
};
/** AWS/RDS: the simulated databases, in steady state (assumptions: a moderately loaded PostgreSQL instance). */
export const RDS_BASELINES: Readonly<Record<string, MetricBaseline>> = {
  ReadLatency: { kind: 'gauge', low: 0.001, high: 0.004, spread: 'latency', unit: 'Seconds', source: 'assumption: 1 to 4 ms per read I/O (gp3/io1 storage)' },
  WriteLatency: { kind: 'gauge', low: 0.001, high: 0.004, spread: 'latency', unit: 'Seconds', source: 'assumption: 1 to 4 ms per write I/O' },
  CPUUtilization: { kind: 'gauge', low: 25, high: 45, spread: 'steady', unit: 'Percent', source: 'assumption: 25 to 45 %' },
  DatabaseConnections: { kind: 'gauge', low: 40, high: 60, spread: 'steady', unit: 'Count', source: 'assumption: 40 to 60 connections (a connection pool per service task)' },
};
/** Any other metric of those two namespaces: a steady 1 (an assumption, so that a plan's other metric has data; what it means is the plan's). */
export const DEFAULT_BASELINE: MetricBaseline = { kind: 'gauge', low: 1, high: 1, spread: 'steady', unit: 'None', source: 'assumption: a steady 1 for a metric the simulator does not model' };

/**
 * The `error-spike` fault, from the incident on in the recovery (secondary) region: each ALB 5XX count
 * (HTTPCode_Target_5XX_Count, HTTPCode_ELB_5XX_Count) is a quarter of the minute's RequestCount, and
 * TargetResponseTime ten times its steady value.
 */
export const ERROR_SPIKE = { fiveXxShareOfRequests: 0.25, responseTimeFactor: 10 } as const;

/** Percentile → factor of the per-minute value, interpolated linearly (Minimum is p0, Maximum p100). Assumptions. */
const SPREADS: Record<Spread, [number, number][]> = {
  latency: [[0, 0.4], [50, 0.9], [90, 1.6], [95, 2], [99, 3], [100, 4]],
  steady: [[0, 0.85], [50, 1], [90, 1.08], [95, 1.1], [99, 1.14], [100, 1.15]],
};
function spreadFactor(spread: Spread, percentile: number): number {
  const table = SPREADS[spread];
  const upper = table.findIndex(([p]) => p >= percentile);
  if (upper <= 0) return table[0]![1];
  const [p0, f0] = table[upper - 1]!;
  const [p1, f1] = table[upper]!;
  return f0 + ((f1 - f0) * (percentile - p0)) / (p1 - p0);
}

/** A deterministic number in [0, 1) for a metric's dimensions at a minute. */
function jitter(seed: string, minute: number): number {
  return parseInt(createHash('sha256').update(`${seed}@${minute}`).digest('hex').slice(0, 8), 16) / 0x1_0000_0000;
}

/**
 * CloudWatch as the actions and checks read it: GetMetricData for AWS/RDS ReplicaLag of a simulated read
 * replica, one datapoint per period from the replica's creation until its promotion starts (a promoted
 * instance is no longer a replica and reports no ReplicaLag), growing from the incident when it took the
 * replica's source down (replicaLagAfterCut); AWS/RDS AuroraGlobalDBReplicationLag and AuroraGlobalDBRPOLag (the
 * same series: an assumption) of a global database's secondary cluster (auroraLagSeries); and the AWS/S3
 * replication metrics of the simulated buckets' rules (S3_REPLICATION_METRICS).
 *
 * For the `metric` checks: the well-known metrics of the recovered service's load balancer (AWS/ApplicationELB,
 * ALB_BASELINES) and of the simulated databases (AWS/RDS, RDS_BASELINES; any other metric of the two namespaces
 * DEFAULT_BASELINE), one datapoint per period (aligned on StartTime rounded down to the minute, as CloudWatch rounds
 * a StartTime of the last 15 days) for each period in [StartTime, EndTime) that has a minute over
 * (cloudwatch.elb-metric-delay, cloudwatch.rds-metric-delay), in whichever region is asked (the primary does not
 * answer during the drill's region outage: service.ts `answer`). AWS/RDS metrics naming a DBInstanceIdentifier or
 * DBClusterIdentifier exist only for a simulated database of that region, while it runs (not while the incident keeps
 * it down). A period's value aggregates its minutes: Sum and SampleCount add up, Minimum and Maximum are the extremes,
 * Average the mean weighted by samples, a percentile the largest minute's (an approximation). The `error-spike` fault
 * changes the recovery region's ALB metrics from the incident on (ERROR_SPIKE). Metric math expressions are evaluated
 * per timestamp (parseMetricMath, evaluateMetricMath); one the simulator cannot evaluate fails the request with
 * ValidationError, as CloudWatch answers a malformed expression (assumption: the message is the simulator's own).
 * Any other metric answers Complete with no datapoints.
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

  const delayMs = (key: 'cloudwatch.rds-metric-delay' | 'cloudwatch.elb-metric-delay' | 'cloudwatch.s3-replication-metric-delay') =>
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
    // The RPO lag (user transactions) is modelled as the replication lag: the same series, the same value.
    const auroraLag = rdsMetric === 'AuroraGlobalDBReplicationLag' || rdsMetric === 'AuroraGlobalDBRPOLag';
    const id = rdsMetric === 'ReplicaLag' ? dimension('DBInstanceIdentifier') : auroraLag ? dimension('DBClusterIdentifier') : undefined;
    const base = { Id: query.Id, Label: query.Label ?? stat?.Metric?.MetricName ?? query.Id, StatusCode: 'Complete' as const, Messages: [] };
    const replica = rdsMetric === 'ReplicaLag' && id ? lagSeries(region, id) : undefined;
    const aurora = auroraLag && id ? auroraLagSeries(region, id) : undefined;
    if (rdsMetric !== 'ReplicaLag' && !auroraLag) return baselineResult(query, input, region) ?? { ...base, Timestamps: [], Values: [] };
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

  const spiking = (region: string, t: number) =>
    region === world.secondary && world.faults.some((f) => f.kind === 'error-spike') && t >= (world.incidentAt ?? -Infinity);

  /**
   * Whether the database that AWS/RDS dimensions name publishes metrics at `t` in the region: a simulated instance
   * (or an Aurora cluster's member instance) or cluster of the region, once created and not while the incident keeps
   * it down; any other dimensions (none, EngineName…) always.
   */
  function rdsPublishes(region: string, dimension: (name: string) => string | undefined, t: number): boolean {
    const rds = rdsStateOf(world);
    const downAt = (down: boolean) => down && world.incidentAt !== undefined && t >= world.incidentAt && !world.outageOver(t);
    const clusters = [...(rds?.globals.values() ?? [])].flatMap((g) => g.members).filter((arn) => arn.split(':')[3] === region).map((arn) => arn.slice(arn.lastIndexOf(':') + 1));
    const clusterUp = (id: string) => clusters.includes(id) && !downAt(region === world.primary && world.primaryDown);
    const instance = dimension('DBInstanceIdentifier');
    if (instance !== undefined) {
      const db = rds?.instances.get(instanceKey(region, instance));
      if (db) return t >= db.createdAt && !downAt(db.down === true);
      const cluster = clusters.find((c) => auroraMemberOf(c) === instance);
      return cluster !== undefined && clusterUp(cluster);
    }
    const cluster = dimension('DBClusterIdentifier');
    return cluster === undefined || clusterUp(cluster);
  }

  /**
   * One minute of a modelled metric: its value for the statistic and how many samples it stands for; undefined when
   * nothing is reported that minute (a count of zero).
   */
  function minuteOf(name: string, baseline: MetricBaseline, stat: string, seed: string, spike: boolean, t: number): { value: number; samples: number } | undefined {
    const minute = Math.floor(t / 60_000);
    const draw = (b: MetricBaseline, metric: string) => b.low + (b.high - b.low) * jitter(`${seed}/${metric}`, minute);
    const requests = Math.round(draw(ALB_BASELINES.RequestCount!, 'RequestCount'));
    const fiveXx = (metric: 'HTTPCode_Target_5XX_Count' | 'HTTPCode_ELB_5XX_Count') =>
      (spike ? Math.round(requests * ERROR_SPIKE.fiveXxShareOfRequests) : Math.round(draw(ALB_BASELINES[metric]!, metric)));
    const percentile = /^p(\d{1,2}(?:\.\d{1,2})?|100)$/.exec(stat)?.[1];
    if (baseline.kind === 'count') {
      const count = name === 'RequestCount' ? requests
        : name === 'HTTPCode_Target_5XX_Count' || name === 'HTTPCode_ELB_5XX_Count' ? fiveXx(name)
          // The successes are what the 5xx leave of the requests (the 4xx and 3xx are not modelled).
          : name === 'HTTPCode_Target_2XX_Count' ? requests - fiveXx('HTTPCode_Target_5XX_Count') - fiveXx('HTTPCode_ELB_5XX_Count')
            : Math.round(draw(baseline, name));
      if (count <= 0) return undefined;
      return { value: stat === 'Sum' || stat === 'SampleCount' ? count : 1, samples: count };
    }
    const value = draw(baseline, name) * (spike && name === 'TargetResponseTime' ? ERROR_SPIKE.responseTimeFactor : 1);
    // TargetResponseTime is measured per request; the RDS metrics are one sample a minute.
    const samples = name === 'TargetResponseTime' ? requests : 1;
    switch (stat) {
      case 'Average': return { value, samples };
      case 'Sum': return { value: value * samples, samples };
      case 'SampleCount': return { value: samples, samples };
      case 'Minimum': return { value: value * spreadFactor(baseline.spread, 0), samples };
      case 'Maximum': return { value: value * spreadFactor(baseline.spread, 100), samples };
      default:
        if (percentile === undefined) throw awsError('UnsupportedBySimulator', `the drill's simulated GetMetricData computes Average, Sum, SampleCount, Minimum, Maximum and pNN, not ${stat}`, 400);
        return { value: value * spreadFactor(baseline.spread, Number(percentile)), samples };
    }
  }

  /**
   * A modelled metric's datapoints (AWS/ApplicationELB, AWS/RDS): one per period from StartTime rounded down to the
   * minute, each aggregating the period's minutes that are over (the metric's delay) and reported. Undefined for
   * any other namespace.
   */
  function baselineResult(query: MetricDataQuery, input: GetMetricDataCommandInput, region: string): MetricDataResult | undefined {
    const stat = query.MetricStat;
    const namespace = stat?.Metric?.Namespace;
    const name = stat?.Metric?.MetricName ?? '';
    if (namespace !== 'AWS/ApplicationELB' && namespace !== 'AWS/RDS') return undefined;
    const baseline = (namespace === 'AWS/ApplicationELB' ? ALB_BASELINES[name] : RDS_BASELINES[name]) ?? DEFAULT_BASELINE;
    const base = { Id: query.Id, Label: query.Label ?? name, StatusCode: 'Complete' as const, Messages: [] };
    if (!input.StartTime || !input.EndTime) return { ...base, Timestamps: [], Values: [] };
    const dims = [...(stat?.Metric?.Dimensions ?? [])].sort((a, b) => (a.Name ?? '').localeCompare(b.Name ?? ''));
    const dimension = (n: string) => dims.find((d) => d.Name === n)?.Value;
    const seed = `${region}/${namespace}/${dims.map((d) => `${d.Name}=${d.Value}`).join(',')}`;
    const statName = stat?.Stat ?? 'Average';
    const period = Math.max(60, stat?.Period ?? 60) * 1000;
    const readable = world.now() - delayMs(namespace === 'AWS/RDS' ? 'cloudwatch.rds-metric-delay' : 'cloudwatch.elb-metric-delay');
    const points: { t: number; v: number }[] = [];
    for (const t of periodsOf(input, period)) {
      const minutes: { value: number; samples: number }[] = [];
      for (let u = t; u < t + period && u <= readable; u += 60_000) {
        if (namespace === 'AWS/RDS' && !rdsPublishes(region, dimension, u)) continue;
        const m = minuteOf(name, baseline, statName, seed, namespace === 'AWS/ApplicationELB' && spiking(region, u), u);
        if (m) minutes.push(m);
      }
      if (minutes.length === 0) continue;
      const values = minutes.map((m) => m.value);
      const v = statName === 'Sum' || statName === 'SampleCount' ? values.reduce((a, b) => a + b, 0)
        : statName === 'Minimum' ? Math.min(...values)
          : statName === 'Average' ? minutes.reduce((a, m) => a + m.value * m.samples, 0) / minutes.reduce((a, m) => a + m.samples, 0)
            : Math.max(...values);
      points.push({ t, v });
    }
    if (input.ScanBy !== 'TimestampAscending') points.reverse(); // default: newest first
    return { ...base, Timestamps: points.map((p) => new Date(p.t)), Values: points.map((p) => p.v) };
  }

  /** The periods of the queried window: from StartTime rounded down to the minute, every `period` ms before EndTime. */
  function periodsOf(input: GetMetricDataCommandInput, period: number): number[] {
    const times: number[] = [];
    if (!input.StartTime || !input.EndTime) return times;
    for (let t = Math.floor(input.StartTime.getTime() / 60_000) * 60_000; t < input.EndTime.getTime() && times.length < MAX_DATAPOINTS; t += period) times.push(t);
    return times;
  }

  /**
   * Every query's result (a metric, or an expression over the others), and the ones to return (ReturnData not false).
   * An expression that cannot be evaluated, an id no query has, a reference cycle, or a query with neither MetricStat
   * nor Expression fails the request with ValidationError.
   */
  function metricData(input: GetMetricDataCommandInput, region: string): MetricDataResult[] {
    const queries = input.MetricDataQueries ?? [];
    const byId = new Map(queries.map((q) => [q.Id ?? '', q]));
    const invalid = (q: MetricDataQuery, why: string) => awsError('ValidationError', `Error in expression ${q.Id ?? '?'}: ${why}`, 400);
    const results = new Map<string, MetricDataResult>();
    const evaluating = new Set<string>();
    const firstPeriod = queries.find((q) => q.MetricStat)?.MetricStat?.Period;
    function resultOf(q: MetricDataQuery): MetricDataResult {
      const id = q.Id ?? '';
      const known = results.get(id);
      if (known) return known;
      if (q.MetricStat) {
        const r = result(q, input, region);
        results.set(id, r);
        return r;
      }
      if (!q.Expression) throw awsError('ValidationError', `The parameter MetricDataQueries.member.${queries.indexOf(q) + 1} must contain either MetricStat or Expression.`, 400);
      if (evaluating.has(id)) throw invalid(q, `the expression refers to itself (through ${[...evaluating].join(', ')})`);
      evaluating.add(id);
      let value: MathValue;
      try {
        const node = parseMetricMath(q.Expression);
        const unknown = mathIds(node).filter((x) => !byId.has(x));
        if (unknown.length > 0) throw new MetricMathError(`unknown query id ${unknown.join(', ')}`);
        const grid = periodsOf(input, Math.max(60, q.Period ?? firstPeriod ?? 60) * 1000).filter((t) => t <= world.now() - 60_000);
        value = evaluateMetricMath(node, (ref) => {
          const r = resultOf(byId.get(ref)!);
          return new Map((r.Timestamps ?? []).map((t, i) => [t.getTime(), r.Values?.[i] ?? Number.NaN]));
        }, grid);
        if (typeof value === 'number') value = new Map(grid.map((t) => [t, value as number]));
      } catch (error) {
        if (error instanceof MetricMathError) throw invalid(q, error.message);
        throw error;
      } finally {
        evaluating.delete(id);
      }
      const points = [...value.entries()].sort(([a], [b]) => (input.ScanBy === 'TimestampAscending' ? a - b : b - a));
      const r: MetricDataResult = {
        Id: id, Label: q.Label ?? id, StatusCode: 'Complete', Messages: [], Timestamps: points.map(([t]) => new Date(t)), Values: points.map(([, v]) => v),
      };
      results.set(id, r);
      return r;
    }
    // Every query is evaluated (a bad expression fails the request even when its ReturnData is false).
    queries.forEach(resultOf);
    return queries.filter((q) => q.ReturnData !== false).map(resultOf);
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
  // The trigger alarm's re-read (shared/run/alarm-guard.ts) also lists its ACTIVE alarm mute rules
  // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListAlarmMuteRules.html): the simulated
  // account has none (a stub so that the re-read answers; muted and suppressed alarms are not modelled here).
  answer(world, SIM, stub, ListAlarmMuteRulesCommand, () => ({ AlarmMuteRuleSummaries: [] }));
  answer(world, SIM, stub, GetMetricDataCommand, (input: GetMetricDataCommandInput, region) => ({ MetricDataResults: metricData(input, region), Messages: [] }));

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
