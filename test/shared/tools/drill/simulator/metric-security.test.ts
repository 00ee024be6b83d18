import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DescribeKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig } from '../../../../../shared/aws/clients.ts';
import { loadCheck } from '../../../../../shared/checks/index.ts';
import { METRIC_CHECKS } from '../../../../../shared/checks/metric.ts';
import { runChecks } from '../../../../../shared/checks/run.ts';
import { checkSpec, type CheckSpec } from '../../../../../shared/checks/schema.ts';
import { SECURITY_SETTINGS_CHECKS } from '../../../../../shared/checks/security-settings.ts';
import {
  ALB_BASELINES, CLOUDWATCH_DURATIONS, ERROR_SPIKE, evaluateMetricMath, mathIds, MetricMathError, parseMetricMath, RDS_BASELINES, type MathValue,
} from '../../../../../shared/tools/drill/simulator/cloudwatch.ts';
import { databaseSecurityGroupId } from '../../../../../shared/tools/drill/simulator/ec2.ts';
import { installSimulatedAccount, type SimulatedAccount } from '../../../../../shared/tools/drill/simulator/index.ts';
import { databaseKmsKeyArn } from '../../../../../shared/tools/drill/simulator/rds.ts';
import type { Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Component, Plan } from '../../../../../shared/plan/schema.ts';
import { checkContext, drillCheckOptions } from '../../../../support/check-context.ts';

const INCIDENT = new Date('2026-11-29T01:00:00.000Z');
/** The checks run 40 minutes after the incident: their 5-minute window is [01:35, 01:40). */
const START = new Date(INCIDENT.getTime() + 40 * 60_000);
const PRIMARY = 'ap-northeast-1';
const SECONDARY = 'ap-northeast-3';
const ACCOUNT = '123456789012';
const DB = 'dataset-db-osaka';
const LB = 'app/dataset-api-osaka/50dc6c495c0c9188';
const SECRETS_KEY = `arn:aws:kms:${SECONDARY}:${ACCOUNT}:key/mrk-0c1d2e3f40516273849a5b6c7d8e9f00`;
const DATASETS_ALIAS = `arn:aws:kms:${SECONDARY}:${ACCOUNT}:alias/datasets`;
const MINUTE = 60_000;

const alb = (metricName: string, stat: string, id: string) => ({ id, namespace: 'AWS/ApplicationELB', metricName, dimensions: { LoadBalancer: LB }, stat });
/** The recovered service's error rate (100 × target 5xx / requests, a minute without 5xx counting as 0) and p95 latency; the database's security. */
const SYSTEM_CHECKS = [
  {
    type: 'metric', name: 'error-rate', comparison: 'LessThanOrEqualToThreshold', threshold: 1,
    queries: [alb('HTTPCode_Target_5XX_Count', 'Sum', 'errors'), alb('RequestCount', 'Sum', 'requests'), { id: 'rate', expression: '100 * FILL(errors, 0) / requests' }],
  },
  { type: 'metric', name: 'p95-latency', comparison: 'LessThanThreshold', threshold: 0.5, queries: [alb('TargetResponseTime', 'p95', 'p95')] },
];
const DATABASE_CHECKS = [{ type: 'security-settings', dbInstanceIdentifier: DB, kmsKeyArns: [SECRETS_KEY, DATASETS_ALIAS] }];
const ORDERS = `arn:aws:rds:${SECONDARY}:${ACCOUNT}:cluster:orders-osaka`;
/** An Aurora global database beside the example's components, its recovered cluster checked too. */
const aurora = {
  id: 'orders-database', name: 'Orders database (Aurora global)', type: 'aurora-global-failover', timeoutMinutes: 30, expectedSeconds: 60, checkIntervalSeconds: 10,
  params: { globalClusterIdentifier: 'orders-global', targetDbClusterArn: ORDERS },
  checks: [{ type: 'security-settings', dbClusterIdentifier: 'orders-osaka' }],
};

let plan: Plan;
let account: SimulatedAccount | undefined;
const parse = (specs: unknown[]) => specs.map((s) => checkSpec.parse(s));
const check = <T extends CheckSpec['type']>(type: T, index = 0) =>
  [...plan.components.flatMap((c) => c.checks), ...plan.verification.checks].filter((c): c is Extract<CheckSpec, { type: T }> => c.type === type)[index]!;

const context = () => checkContext(drillCheckOptions(plan));
/** The account on simulated time from START; the incident took the whole primary region down. */
const onClock = <T>(work: () => Promise<T>, faults: Fault[] = [], at = START) => withVirtualClock(at, async () => {
  account = installSimulatedAccount(plan, { faults, incidentAt: INCIDENT.getTime(), primaryDown: true, regionOutage: true });
  return work();
});
const errorOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.name);
const cloudwatch = (region = SECONDARY) => new CloudWatchClient(clientConfig(CloudWatchClient, region));
const kms = (region = SECONDARY) => new KMSClient(clientConfig(KMSClient, region));
const stat = (Id: string, MetricName: string, Stat: string, Period = 60, Namespace = 'AWS/ApplicationELB', dimensions: Record<string, string> = { LoadBalancer: LB }): MetricDataQuery => ({
  Id, MetricStat: { Metric: { Namespace, MetricName, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) }, Period, Stat },
});
/** GetMetricData over [from, to) ascending, the first result's datapoints as [ISO minute, value]. */
async function points(queries: MetricDataQuery[], from: number, to: number, region = SECONDARY, extra: Partial<GetMetricDataCommandInput> = {}) {
  const out = await cloudwatch(region).send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(from), EndTime: new Date(to), ScanBy: 'TimestampAscending', ...extra }));
  const r = out.MetricDataResults?.[0];
  return { results: out.MetricDataResults ?? [], points: (r?.Timestamps ?? []).map((t, i) => [t.toISOString().slice(11, 16), r?.Values?.[i] ?? Number.NaN] as const) };
}

describe('the metric and security-settings checks against the simulated account', () => {
  beforeAll(async () => {
    const example = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
    plan = {
      ...example,
      components: [
        ...example.components.map((c) => ({ ...c, checks: c.id === 'core-database' ? parse(DATABASE_CHECKS) : [] }) as Component),
        { ...aurora, checks: parse(aurora.checks) } as Component,
      ],
      verification: { checks: parse(SYSTEM_CHECKS) },
    };
  });
  afterEach(() => {
    account?.restore();
    account = undefined;
  });

  describe('the real runners', () => {
    it('by default: the error rate and p95 latency hold in the recovered region, and the database\'s security settings pass (through the check registry)', async () => {
      // Act
      const results = await onClock(() => runChecks(context(), [check('metric', 0), check('metric', 1), check('security-settings')], loadCheck));
      // Assess
      const [rate, latency, security] = results;
      expect(rate).toMatchObject({ name: 'error-rate', status: 'passed', detail: expect.stringMatching(/^metric error-rate in ap-northeast-3: all 5 datapoints from 01:35 to 01:40 UTC ≤ 1 \(max 0\.\d+\)$/) });
      expect(Number(rate?.observations.worstValue)).toBeLessThan(0.2); // at most 2 errors in 1100 requests
      expect(latency).toMatchObject({ name: 'p95-latency', status: 'passed', detail: expect.stringMatching(/^metric p95-latency in ap-northeast-3: all 5 datapoints from 01:35 to 01:40 UTC < 0\.5 \(max 0\.\d+\)$/) });
      expect(Number(latency?.observations.worstValue)).toBeGreaterThanOrEqual(ALB_BASELINES.TargetResponseTime!.low * 2);
      expect(Number(latency?.observations.worstValue)).toBeLessThanOrEqual(ALB_BASELINES.TargetResponseTime!.high * 2);
      expect(security).toMatchObject({
        name: 'security-settings', status: 'passed',
        detail: `${DB} in ${SECONDARY}: storage encrypted, not publicly accessible, no security group opens port 5432 to 0.0.0.0/0 or ::/0 (${databaseSecurityGroupId(SECONDARY, DB)}), 3 KMS keys Enabled`,
        observations: { kmsKeys: { [databaseKmsKeyArn(ACCOUNT, SECONDARY, DB)]: 'Enabled', [SECRETS_KEY]: 'Enabled', [DATASETS_ALIAS]: 'Enabled' } },
      });
      // Every call went to the recovered region (the primary region is down).
      expect(new Set(account?.world.calls.map((c) => `${c.service} ${c.command} ${c.region} ${c.error ?? 'ok'}`))).toEqual(new Set([
        `cloudwatch GetMetricData ${SECONDARY} ok`, `rds DescribeDBInstances ${SECONDARY} ok`, `ec2 DescribeSecurityGroups ${SECONDARY} ok`, `kms DescribeKey ${SECONDARY} ok`,
      ]));
    });

    it('under error-spike the error rate (about 25 %) and the p95 latency fail, naming the breaching datapoints and the worst', async () => {
      const [rate, latency] = await onClock(async () => [
        await METRIC_CHECKS.metric(context(), check('metric', 0)),
        await METRIC_CHECKS.metric(context(), check('metric', 1)),
      ], [{ kind: 'error-spike' }]);
      expect(rate).toMatchObject({
        status: 'failed',
        detail: expect.stringMatching(/^metric error-rate in ap-northeast-3: 5 of 5 datapoints from 01:35 to 01:40 UTC breach LessThanOrEqualToThreshold 1 \(worst 2[45](\.\d+)? at 01:3\d:00Z\)$/),
      });
      expect(Number(rate?.observations?.worstValue)).toBeCloseTo(100 * ERROR_SPIKE.fiveXxShareOfRequests, 0);
      expect(latency).toMatchObject({
        status: 'failed',
        detail: expect.stringMatching(/^metric p95-latency in ap-northeast-3: 5 of 5 datapoints from 01:35 to 01:40 UTC breach LessThanThreshold 0\.5 \(worst [12](\.\d+)? at 01:3\d:00Z\)$/),
      });
    });

    it('under open-security-group the security-settings check fails naming the group and 0.0.0.0/0', async () => {
      const outcome = await onClock(() => SECURITY_SETTINGS_CHECKS['security-settings'](context(), check('security-settings')), [{ kind: 'open-security-group' }]);
      expect(outcome).toMatchObject({
        status: 'failed',
        detail: `${DB} in ${SECONDARY}: security group ${databaseSecurityGroupId(SECONDARY, DB)} (${DB}-db) opens tcp 5432 to 0.0.0.0/0`,
        observations: { openToTheWorld: [`security group ${databaseSecurityGroupId(SECONDARY, DB)} (${DB}-db) opens tcp 5432 to 0.0.0.0/0`] },
      });
    });

    it('an Aurora cluster: DescribeDBClusters and its member by db-cluster-id; passes by default, names its group under open-security-group', async () => {
      const group = databaseSecurityGroupId(SECONDARY, 'orders-osaka');
      const passed = await onClock(() => SECURITY_SETTINGS_CHECKS['security-settings'](context(), check('security-settings', 1)));
      expect(passed).toEqual({
        status: 'passed',
        detail: `orders-osaka in ${SECONDARY}: storage encrypted, not publicly accessible, no security group opens port 5432 to 0.0.0.0/0 or ::/0 (${group}), ` +
          `KMS key ${databaseKmsKeyArn(ACCOUNT, SECONDARY, 'orders-osaka')} Enabled`,
        observations: {
          region: SECONDARY, database: 'orders-osaka', kind: 'cluster', storageEncrypted: true, publiclyAccessible: [], port: 5432, securityGroups: [group], openToTheWorld: [],
          kmsKeys: { [databaseKmsKeyArn(ACCOUNT, SECONDARY, 'orders-osaka')]: 'Enabled' }, members: ['orders-osaka-instance-1'],
        },
      });
      account?.restore();
      const failed = await onClock(() => SECURITY_SETTINGS_CHECKS['security-settings'](context(), check('security-settings', 1)), [{ kind: 'open-security-group' }]);
      expect(failed.detail).toBe(`orders-osaka in ${SECONDARY}: security group ${group} (orders-osaka-db) opens tcp 5432 to 0.0.0.0/0`);
    });

    it('the primary region does not answer during the outage: a check there is retried (AwsTransientError), not failed', async () => {
      await onClock(async () => {
        await expect(METRIC_CHECKS.metric(context(), { ...check('metric', 1), region: 'primary' })).rejects.toMatchObject({ name: 'AwsTransientError', retryable: true });
        await expect(SECURITY_SETTINGS_CHECKS['security-settings'](context(), { ...check('security-settings'), region: 'primary' }))
          .rejects.toMatchObject({ name: 'AwsTransientError', retryable: true });
      });
    });
  });

  describe('simulated CloudWatch metrics', () => {
    it('ALB counts: RequestCount every minute that is over, a 5xx count only in minutes that have some; the ELB 5xx count never', async () => {
      expect(CLOUDWATCH_DURATIONS['cloudwatch.elb-metric-delay']).toMatchObject({ seconds: 60, source: expect.stringContaining('60-second') });
      await onClock(async () => {
        const now = Date.now();
        // [now − 10 min, now + 1 min): the minute under way is not readable yet, nor is the future.
        const requests = await points([stat('r', 'RequestCount', 'Sum')], now - 10 * MINUTE, now + MINUTE);
        expect(requests.points.map(([t]) => t)).toEqual(['01:30', '01:31', '01:32', '01:33', '01:34', '01:35', '01:36', '01:37', '01:38', '01:39']);
        expect(requests.points.every(([, v]) => v >= ALB_BASELINES.RequestCount!.low && v <= ALB_BASELINES.RequestCount!.high && Number.isInteger(v))).toBe(true);
        const errors = await points([stat('e', 'HTTPCode_Target_5XX_Count', 'Sum')], now - 60 * MINUTE, now);
        expect(errors.points.length).toBeGreaterThan(0);
        expect(errors.points.length).toBeLessThan(60);
        expect(errors.points.every(([, v]) => v === 1 || v === 2)).toBe(true);
        expect((await points([stat('e', 'HTTPCode_ELB_5XX_Count', 'Sum')], now - 60 * MINUTE, now)).points).toEqual([]);
        // A count's Average, Minimum and Maximum are 1 (ELB's documented statistics).
        expect((await points([stat('r', 'RequestCount', 'Average')], now - 5 * MINUTE, now)).points.map(([, v]) => v)).toEqual([1, 1, 1, 1, 1]);
        // 5-minute periods add the minutes up; StartTime is rounded down to the minute; the default order is newest first.
        const perMinute = (await points([stat('r', 'RequestCount', 'Sum')], now - 10 * MINUTE, now)).points.map(([, v]) => v);
        const five = await cloudwatch().send(new GetMetricDataCommand({ MetricDataQueries: [stat('r', 'RequestCount', 'Sum', 300)], StartTime: new Date(now - 10 * MINUTE + 25_000), EndTime: new Date(now) }));
        expect(five.MetricDataResults?.[0]?.Timestamps?.map((t) => t.toISOString().slice(11, 16))).toEqual(['01:35', '01:30']);
        expect(five.MetricDataResults?.[0]?.Values).toEqual([perMinute.slice(5).reduce((a, b) => a + b), perMinute.slice(0, 5).reduce((a, b) => a + b)]);
      });
    });

    it('RDS metrics of a database of the region only, while it runs: the recovered replica yes, an unknown one no, the stopped primary not from the incident on', async () => {
      // The primary region answers (no region outage) but the incident stopped its database.
      await withVirtualClock(START, async () => {
        account = installSimulatedAccount(plan, { incidentAt: INCIDENT.getTime(), primaryDown: true, regionOutage: false });
        const now = Date.now();
        const cpu = (region: string, id: string) => points([stat('c', 'CPUUtilization', 'Average', 60, 'AWS/RDS', { DBInstanceIdentifier: id })], INCIDENT.getTime() - 3 * MINUTE, now, region);
        const osaka = (await cpu(SECONDARY, DB)).points;
        expect(osaka).toHaveLength(43); // 00:57 to 01:39: the minute under way (01:40) is not over
        expect(osaka.every(([, v]) => v >= RDS_BASELINES.CPUUtilization!.low && v <= RDS_BASELINES.CPUUtilization!.high)).toBe(true);
        expect((await cpu(SECONDARY, 'no-such-db')).points).toEqual([]);
        expect((await cpu(PRIMARY, DB)).points).toEqual([]);
        expect((await cpu(PRIMARY, 'dataset-db')).points.map(([t]) => t)).toEqual(['00:57', '00:58', '00:59']);
        // Latency: p99 above the average, within the documented spread.
        const read = async (s: string) => (await points([stat('l', 'ReadLatency', s, 60, 'AWS/RDS', { DBInstanceIdentifier: DB })], now - 2 * MINUTE, now)).points.map(([, v]) => v);
        const [average, p99] = [await read('Average'), await read('p99')];
        expect(p99.map((v, i) => v / average[i]!)).toEqual([expect.closeTo(3, 6), expect.closeTo(3, 6)]);
      });
    });

    it('error-spike changes the recovered region from the incident on only: 5xx a quarter of the requests, response time ten times', async () => {
      await onClock(async () => {
        const now = Date.now();
        const rate = [stat('e', 'HTTPCode_Target_5XX_Count', 'Sum'), stat('r', 'RequestCount', 'Sum'), { Id: 'rate', Expression: 'e / r' }].map((q, i) => ({ ...q, ReturnData: i === 2 }));
        const spiked = (await points(rate, INCIDENT.getTime() - 3 * MINUTE, INCIDENT.getTime() + 3 * MINUTE)).points;
        expect(spiked.slice(3).map(([t, v]) => [t, v])).toEqual([['01:00', expect.closeTo(0.25, 2)], ['01:01', expect.closeTo(0.25, 2)], ['01:02', expect.closeTo(0.25, 2)]]);
        expect(spiked.slice(0, 3).every(([, v]) => v < 0.01)).toBe(true);
        const slow = (await points([stat('t', 'TargetResponseTime', 'Average')], now - 2 * MINUTE, now)).points;
        expect(slow.every(([, v]) => v >= 10 * ALB_BASELINES.TargetResponseTime!.low && v <= 10 * ALB_BASELINES.TargetResponseTime!.high)).toBe(true);
      }, [{ kind: 'error-spike' }]);
    });

    it('expressions: only ReturnData queries are returned; an unsupported function, an unknown id or bad syntax is a ValidationError naming it; the primary region does not answer', async () => {
      await onClock(async () => {
        const now = Date.now();
        const queries = (expression: string) => [{ ...stat('r', 'RequestCount', 'Sum'), ReturnData: false }, { Id: 'x', Expression: expression }];
        const doubled = await points(queries('r * 2 + 1'), now - 3 * MINUTE, now);
        expect(doubled.results.map((r) => r.Id)).toEqual(['x']);
        const plain = (await points([stat('r', 'RequestCount', 'Sum')], now - 3 * MINUTE, now)).points;
        expect(doubled.points).toEqual(plain.map(([t, v]) => [t, v * 2 + 1]));
        const refusal = (expression: string) => points(queries(expression), now - 3 * MINUTE, now).then(() => null, (e: Error) => ({ name: e.name, message: e.message }));
        expect(await refusal('ANOMALY_DETECTION_BAND(r, 2)')).toEqual({
          name: 'ValidationError',
          message: 'Error in expression x: the function ANOMALY_DETECTION_BAND is not supported by the drill\'s simulated CloudWatch (it evaluates numbers, query ids, + - * / ^, parentheses and FILL)',
        });
        expect(await refusal('r / m9')).toEqual({ name: 'ValidationError', message: 'Error in expression x: unknown query id m9' });
        expect(await refusal('r * (2')).toEqual({ name: 'ValidationError', message: 'Error in expression x: expected ")", found the end of the expression' });
        expect(await errorOf(points(queries('r'), now - 3 * MINUTE, now, PRIMARY))).toBe('TimeoutError');
      });
    });
  });

  describe('simulated KMS', () => {
    it('DescribeKey: every database key and the plan\'s keys, by ARN, id, alias ARN or alias name, Enabled customer managed keys; others not found', async () => {
      await onClock(async () => {
        const describe = async (KeyId: string, region = SECONDARY) => (await kms(region).send(new DescribeKeyCommand({ KeyId }))).KeyMetadata;
        const own = databaseKmsKeyArn(ACCOUNT, SECONDARY, DB);
        expect(await describe(own)).toEqual({
          AWSAccountId: ACCOUNT, KeyId: own.slice(own.lastIndexOf('/') + 1), Arn: own, CreationDate: new Date(0), Enabled: true, Description: 'simulated customer managed key',
          KeyUsage: 'ENCRYPT_DECRYPT', KeyState: 'Enabled', Origin: 'AWS_KMS', KeyManager: 'CUSTOMER', CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT', KeySpec: 'SYMMETRIC_DEFAULT',
          EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'], MultiRegion: false,
        });
        expect(await describe(own.slice(own.lastIndexOf('/') + 1))).toMatchObject({ Arn: own });
        expect(await describe(SECRETS_KEY)).toMatchObject({ KeyId: 'mrk-0c1d2e3f40516273849a5b6c7d8e9f00', MultiRegion: true, KeyState: 'Enabled' });
        const aliased = await describe(DATASETS_ALIAS);
        expect(aliased).toMatchObject({ Arn: expect.stringMatching(new RegExp(`^arn:aws:kms:${SECONDARY}:${ACCOUNT}:key/[0-9a-f-]{36}$`)), Description: 'simulated customer managed key (alias/datasets)' });
        expect(await describe('alias/datasets')).toEqual(aliased);
        const refusal = (KeyId: string) => kms().send(new DescribeKeyCommand({ KeyId })).then(() => null, (e: Error) => ({ name: e.name, message: e.message }));
        expect(await refusal(`arn:aws:kms:${SECONDARY}:${ACCOUNT}:key/00000000-0000-4000-8000-000000000000`)).toEqual({
          name: 'NotFoundException', message: `Key 'arn:aws:kms:${SECONDARY}:${ACCOUNT}:key/00000000-0000-4000-8000-000000000000' does not exist`,
        });
        expect(await refusal('alias/nope')).toEqual({ name: 'NotFoundException', message: "Alias 'alias/nope' is not found." });
        // A key of the primary region is not found in the secondary, and the primary does not answer.
        expect(await refusal(databaseKmsKeyArn(ACCOUNT, PRIMARY, 'dataset-db'))).toMatchObject({ name: 'NotFoundException' });
        expect(await errorOf(describe(databaseKmsKeyArn(ACCOUNT, PRIMARY, 'dataset-db'), PRIMARY))).toBe('TimeoutError');
        expect(await errorOf(kms().send(new ListKeysCommand({})))).toBe('UnsupportedBySimulator');
        expect(account?.snapshot().kms).toMatchObject({ keys: { [SECONDARY]: { [own]: 'Enabled', [SECRETS_KEY]: 'Enabled' }, [PRIMARY]: { [databaseKmsKeyArn(ACCOUNT, PRIMARY, 'dataset-db')]: 'Enabled' } } });
      });
    });

    it('a throttle:kms fault fails the first attempt with ThrottlingException; the SDK retries it', async () => {
      await onClock(async () => {
        const out = await kms().send(new DescribeKeyCommand({ KeyId: SECRETS_KEY }));
        expect(out.$metadata.attempts).toBe(2);
        expect(account?.world.calls.filter((c) => c.service === 'kms').map((c) => c.error ?? null)).toEqual(['ThrottlingException', null]);
      }, [{ kind: 'throttle', service: 'kms', calls: 1 }]);
    });
  });
});

describe('metric math (the simulator\'s evaluator)', () => {
  const scalar = (text: string) => evaluateMetricMath(parseMetricMath(text), () => Number.NaN, []);
  const series = (entries: [number, number][]) => new Map(entries);
  const entries = (v: MathValue) => (typeof v === 'number' ? v : [...v.entries()]);

  it('numbers, + - * / ^ with their precedence, unary minus, parentheses', () => {
    expect(['1 + 2 * 3', '(1 + 2) * 3', '10 / 4 - 1', '1 - 2 - 3', '2 ^ 3 ^ 2', '-2 ^ 2', '-(2 + 3) * 2', '2 * -3', '.5 + 1.5e1', '100*(3/4)'].map(scalar))
      .toEqual([7, 9, 1.5, -4, 512, -4, -10, -6, 15.5, 75]);
  });

  it('between series, the timestamps both have; with a scalar, every timestamp; a division by zero gives no value there', () => {
    const values: Record<string, MathValue> = { a: series([[1, 10], [2, 20], [3, 30]]), b: series([[2, 4], [3, 0], [4, 1]]) };
    const ev = (text: string) => entries(evaluateMetricMath(parseMetricMath(text), (id) => values[id]!, [1, 2, 3, 4]));
    expect(ev('a / b')).toEqual([[2, 5]]);
    expect(ev('100 * a / 10')).toEqual([[1, 100], [2, 200], [3, 300]]);
    expect(ev('-a + b')).toEqual([[2, -16], [3, -30]]);
  });

  it('FILL(series, value | REPEAT) fills the window\'s grid', () => {
    const values: Record<string, MathValue> = { a: series([[2, 5], [4, 7]]) };
    const ev = (text: string) => entries(evaluateMetricMath(parseMetricMath(text), (id) => values[id]!, [1, 2, 3, 4, 5]));
    expect(ev('FILL(a, 0)')).toEqual([[1, 0], [2, 5], [3, 0], [4, 7], [5, 0]]);
    expect(ev('FILL(a, REPEAT)')).toEqual([[2, 5], [3, 5], [4, 7], [5, 7]]);
    expect(mathIds(parseMetricMath('FILL(errors, REPEAT) / requests'))).toEqual(['errors', 'requests']);
  });

  it('refuses what it cannot evaluate, naming it', () => {
    const refusal = (text: string) => {
      try {
        evaluateMetricMath(parseMetricMath(text), () => series([[1, 1]]), [1]);
        return null;
      } catch (error) {
        expect(error).toBeInstanceOf(MetricMathError);
        return (error as Error).message;
      }
    };
    expect(refusal('')).toBe('the expression is empty');
    expect(refusal('1 +')).toBe('the expression ends too early');
    expect(refusal('1 2')).toBe('unexpected "2" at character 3');
    expect(refusal('a $ b')).toBe('unexpected "$" at character 3');
    expect(refusal('(a + 1')).toBe('expected ")", found the end of the expression');
    expect(refusal('FILL(a)')).toBe('FILL takes 2 arguments (a series and a value or REPEAT), not 1');
    expect(refusal('SUM(METRICS())')).toMatch(/^the function SUM is not supported by the drill's simulated CloudWatch/);
  });
});
