import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../shared/aws/clients.ts';
import { InvalidInputError } from '../../../shared/errors.ts';
import type { Plan } from '../../../shared/plan/schema.ts';
import { approvalRequest, MAX_MESSAGE_BYTES, requestApproval, type ApprovalDeps, type ApprovalRequest } from '../../../shared/run/approval.ts';
import { componentTask } from '../../../shared/run/component-task.ts';
import { parseTaskInput } from '../../../shared/run/task-input.ts';
import type { ApprovalState, ComponentTask, RunState, TierTask } from '../../../shared/run/types.ts';
import { consoleStart, EXECUTION_ID, exampleRun, loadExamplePlan, silentLogger } from './fixtures.ts';

const sns = mockClient(SNSClient);
const cloudwatch = mockClient(CloudWatchClient);
const TOPIC = 'arn:aws:sns:ap-northeast-3:123456789012:dr-autopilot-prod-internal';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf3h+kq/token==';
const NOW = new Date('2026-11-29T05:00:00.000Z');
const AURORA_TARGET = 'arn:aws:rds:ap-northeast-3:123456789012:cluster:orders-osaka';

const lagData = (points: [string, number][]): GetMetricDataCommandOutput => ({
  $metadata: {},
  MetricDataResults: [{ Id: 'replicaLag', StatusCode: 'Complete', Timestamps: points.map(([t]) => new Date(t)), Values: points.map(([, v]) => v) }],
});
const dimensionOf = (input: unknown) =>
  (input as { MetricDataQueries: { MetricStat: { Metric: { MetricName: string; Dimensions: { Value: string }[] } } }[] }).MetricDataQueries[0]!.MetricStat.Metric;
/** ReplicaLag of dataset-db-osaka (seconds) and AuroraGlobalDBReplicationLag of orders-osaka (milliseconds). */
const lagByMetric = (rdsSeconds: number, auroraMs: number) =>
  cloudwatch.on(GetMetricDataCommand).callsFake((input) => {
    const metric = dimensionOf(input);
    return lagData([['2026-11-29T04:59:00Z', metric.MetricName === 'ReplicaLag' ? rdsSeconds : auroraMs]]);
  });

/** Components the example plan does not have, by id: the approval's deps resolve them as Load Component Definition would. */
const notInPlan = new Map<string, ComponentTask>();
const known = (task: ComponentTask): ComponentTask => {
  notInPlan.set(task.id, task);
  return task;
};

/** An Aurora global database component, as its branch works on it (the example plan has none). */
const auroraComponent = (tier: string): ComponentTask => known({
  checks: [],
  id: 'orders-database',
  name: 'Orders database (Aurora global database)',
  type: 'aurora-global-failover',
  rpoClass: 'transaction',
  timeoutMinutes: 30,
  checkIntervalSeconds: 30,
  params: { globalClusterIdentifier: 'orders-global', targetDbClusterArn: AURORA_TARGET },
  tier,
  timeoutSeconds: 1800,
});

const gate = (over: Partial<ApprovalState> = {}): ApprovalState => ({
  required: true,
  tierIndex: 0,
  timeoutSeconds: 1800,
  oneWayComponents: ['core-database'],
  decision: null,
  error: null,
  ...over,
});

let plan: Plan;
let outage: RunState;
let storage: RunState;

const deps = (over: Partial<ApprovalDeps> = {}): ApprovalDeps => ({
  sns: new SNSClient({}),
  clients: createAwsClients(),
  logger: silentLogger(),
  now: () => NOW,
  rpoClasses: plan.rpoClasses,
  componentTask: (id) => notInPlan.get(id) ?? componentTask(plan, 'region-outage', id),
  ...over,
});
const request = (over: Partial<ApprovalRequest> = {}): ApprovalRequest => ({ run: outage.run, tiers: outage.tiers, approval: gate(), taskToken: TOKEN, ...over });
const published = () => sns.commandCalls(PublishCommand)[0]!.args[0].input;
/** The request as request-approval passes it: parsed at the edge (lambdaHandler), a bad one refused there. */
const ask = (input: unknown) => Promise.resolve().then(() => requestApproval(deps(), TOPIC, parseTaskInput(approvalRequest, input)));

describe('requestApproval', () => {
  beforeAll(async () => {
    plan = await loadExamplePlan();
    outage = await exampleRun(consoleStart({ mode: 'unplanned' }));
    storage = await exampleRun(consoleStart({ scenario: 'storage-failure', mode: 'unplanned' }));
  });
  beforeEach(() => {
    sns.reset();
    cloudwatch.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  });
  afterEach(() => {
    sns.reset();
    cloudwatch.reset();
  });

  it('publishes one message to the internal topic: what will happen, the lag at risk, the deadline and the answer commands', async () => {
    // Prepare
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T04:58:00Z', 30], ['2026-11-29T04:59:00Z', 12]]));
    // Act
    const out = await requestApproval(deps(), TOPIC, request());
    // Assess
    expect(out).toEqual({ messageId: 'msg-1', dataAtRisk: [{ component: 'core-database', type: 'rds-replica-promotion', replicaLagSeconds: 12, note: null }] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: '[dr-autopilot] Approval needed: region-outage failover of dataset-platform',
      Message: [
        'Approval needed before a one-way recovery step of dataset-platform.',
        'Scenario: region-outage - Region outage (Tokyo unavailable) (unplanned failover, severity critical)',
        'Started by: oncall@example.com (console): Tokyo unavailable since 09:40 JST',
        `Incident start: 2026-11-29T01:05:00.000Z   Run: ${EXECUTION_ID}`,
        '',
        'What will happen:',
        'The run waits before tier-1 (tier 1 of 4: Tier 1 (highest): authentication, core database, API gateway); approved, it recovers core-database, authentication, api-gateway.',
        'One-way steps the approval covers (they cannot be undone), in recovery order:',
        '  - core-database (rds-replica-promotion, tier-1): promotes read replica dataset-db-osaka (ap-northeast-3) to a standalone writer; replication from dataset-db (ap-northeast-1) ends for good; then the old primary is fenced (stop) where its region answers. ' +
          'FENCING NOT PROVEN if dataset-db (ap-northeast-1) cannot be reached at the step, as in a region outage: the promotion goes on, and dataset-db may still accept writes when its region comes back; ' +
          'this run does not wait for its region, and a re-protect run fences it (stop) once its region answers: until then, fence it yourself if writes can reach it',
        '',
        'What it costs (data at risk, read at 2026-11-29T05:00:00.000Z):',
        '  - core-database: replica lag 12 s now; writes from about the last 12 s may be lost [RPO target 15 min, class transaction]',
        '',
        'Deadline: 2026-11-29T05:30:00.000Z (30 min from now).',
        'No answer by then is a denial: the run stops before tier-1 and makes none of these one-way changes.',
        '',
        'How to answer (from a shell with AWS credentials for this account):',
        `  Approve:  npx dr-autopilot approve --region ap-northeast-3 --token '${TOKEN}'`,
        '  Approve with force - only if the old primary may still be up: a primary found up is fenced first (isolated), an Aurora failover goes on, then the run continues; for core-database (fencing is not "isolate") force cannot fence first and the step is still refused:',
        `            npx dr-autopilot approve --region ap-northeast-3 --token '${TOKEN}' --force --reason '…'`,
        `  Reject:   npx dr-autopilot reject --region ap-northeast-3 --token '${TOKEN}' --reason '…'`,
      ].join('\n'),
      MessageAttributes: {
        audience: { DataType: 'String', StringValue: 'internal' },
        stage: { DataType: 'String', StringValue: 'approval-needed' },
        scenario: { DataType: 'String', StringValue: 'region-outage' },
        severity: { DataType: 'String', StringValue: 'critical' },
      },
    });
    // The lag is read where the replica is: the secondary region.
    expect(await cloudwatch.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(dimensionOf(cloudwatch.call(0).args[0].input)).toEqual({ Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'dataset-db-osaka' }] });
  });

  it('reads the lag of every one-way database component (RDS seconds, Aurora milliseconds) and flags a lag over the RPO target', async () => {
    const tiers: TierTask[] = outage.tiers.map((t, i) => (i === 0 ? { ...t, components: [...t.components, auroraComponent(t.id)] } : t));
    lagByMetric(1200, 350);
    const out = await requestApproval(deps(), TOPIC, request({ tiers, approval: gate({ oneWayComponents: ['core-database', 'orders-database'] }) }));
    expect(out.dataAtRisk).toEqual([
      { component: 'core-database', type: 'rds-replica-promotion', replicaLagSeconds: 1200, note: null },
      { component: 'orders-database', type: 'aurora-global-failover', replicaLagSeconds: 0.35, note: null },
    ]);
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 2);
    const message = published().Message!;
    expect(message).toContain('\n  - core-database: replica lag 1200 s (20 min) now; writes from about the last 1200 s (20 min) may be lost - OVER the RPO target [RPO target 15 min, class transaction]\n');
    expect(message).toContain('\n  - orders-database: replica lag 0.35 s now; writes from about the last 0.35 s may be lost [RPO target 15 min, class transaction]\n');
    expect(message).toContain(
      '\n  - orders-database (aurora-global-failover, tier-1): fails Aurora global cluster orders-global over to orders-osaka (ap-northeast-3) with data loss allowed; writes not yet replicated are lost. FENCING NOT PROVEN',
    );
  });

  it('says a planned Aurora switchover waits for the secondary to catch up', async () => {
    const tiers: TierTask[] = [{ ...outage.tiers[0]!, components: [auroraComponent('tier-1')] }];
    lagByMetric(0, 800);
    const out = await requestApproval(deps(), TOPIC, request({ run: { ...outage.run, mode: 'planned' }, tiers, approval: gate({ oneWayComponents: ['orders-database'] }) }));
    expect(out.dataAtRisk).toEqual([
      { component: 'orders-database', type: 'aurora-global-failover', replicaLagSeconds: 0.8, note: 'switchover: the secondary catches up first, no data loss expected' },
    ]);
    expect(published().Subject).toBe('[dr-autopilot] Approval needed: region-outage switchover of dataset-platform');
    expect(published().Message).toContain('switches Aurora global cluster orders-global over to orders-osaka (ap-northeast-3) as the writer');
    expect(published().Message).toContain('(planned switchover, severity critical)');
  });

  it('names the bucket and prefix an S3 version restore overwrites, and the point in time, without reading any lag', async () => {
    const out = await requestApproval(deps(), TOPIC, request({ run: storage.run, tiers: storage.tiers, approval: gate({ oneWayComponents: ['dataset-restore'] }) }));
    const note =
      'no replication lag: the current objects under s3://dataset-platform-datasets-tokyo/datasets/ (ap-northeast-1) are overwritten by their versions as of 2026-11-29T01:05:00.000Z; changes made since then stop being current';
    expect(out.dataAtRisk).toEqual([{ component: 'dataset-restore', type: 's3-version-restore', replicaLagSeconds: null, note }]);
    expect(cloudwatch).not.toHaveReceivedAnyCommand();
    expect(published().Message).toContain(`\n  - dataset-restore: ${note} [RPO target 60 min, class user]\n`);
    expect(published().Message).toContain('puts every object under s3://dataset-platform-datasets-tokyo/datasets/ (ap-northeast-1) back to its newest version at or before 2026-11-29T01:05:00.000Z');
    expect(published().Subject).toBe('[dr-autopilot] Approval needed: storage-failure failover of dataset-platform');
  });

  it('still publishes when the lag cannot be read, saying it is unknown and why', async () => {
    cloudwatch.on(GetMetricDataCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    const out = await requestApproval(deps(), TOPIC, request());
    expect(out.dataAtRisk).toEqual([{ component: 'core-database', type: 'rds-replica-promotion', replicaLagSeconds: null, note: 'GetMetricData failed: AwsThrottlingError' }]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(published().Message).toContain(
      '\n  - core-database: replica lag unknown (GetMetricData failed: AwsThrottlingError); data at risk unknown [RPO target 15 min, class transaction]\n',
    );
    expect(published().Message).toContain(`npx dr-autopilot approve --region ap-northeast-3 --token '${TOKEN}'`);
  });

  it('states only the RPO class when the plan’s targets are not known', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([]));
    await requestApproval(deps({ rpoClasses: undefined }), TOPIC, request());
    expect(published().Message).toContain('\n  - core-database: replica lag unknown (no ReplicaLag data in the last 10 minutes); data at risk unknown [RPO class transaction]\n');
  });

  it('keeps the subject under 100 characters and the message within 256 KB for the longest names and a huge plan', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T04:59:00Z', 3]]));
    const longId = (n: number) => `c${String(n).padStart(5, '0')}${'x'.repeat(57)}`; // ids are at most 63 characters
    const base = componentTask(plan, 'region-outage', outage.tiers[0]!.components[0]!.id);
    const many = Array.from({ length: 2000 }, (_, n) => known({ ...base, id: longId(n), name: 'N'.repeat(5000) }));
    const tiers: TierTask[] = [{ ...outage.tiers[0]!, name: 'T'.repeat(10_000), components: many }];
    const run = { ...outage.run, scenario: `s${'y'.repeat(62)}`, plan: `p${'z'.repeat(62)}` };
    await requestApproval(deps(), TOPIC, request({ run, tiers, approval: gate({ oneWayComponents: many.map((c) => c.id) }) }));
    const input = published();
    expect(input.Subject!.length).toBeLessThan(100);
    expect(input.Subject).toMatch(/^\[dr-autopilot\] Approval needed: sy+\.\.\. failover of pz+\.\.\.$/);
    expect(Buffer.byteLength(input.Message!, 'utf8')).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(input.Message).toMatch(/\.\.\. and \d+ more one-way component\(s\)/);
    expect(input.Message).toContain('Deadline: 2026-11-29T05:30:00.000Z');
    expect(input.Message).toContain(`npx dr-autopilot reject --region ap-northeast-3 --token '${TOKEN}' --reason '…'`);
  });

  it('opens a retried request (Step Functions retried the task: a new token) by saying it replaces the earlier one, whose token no longer answers', async () => {
    // Prepare
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T04:59:00Z', 12]]));
    await requestApproval(deps(), TOPIC, request());
    const first = published().Message!;
    sns.resetHistory();
    // Act: the second attempt ($$.State.RetryCount 1), with the token of that attempt.
    await ask(request({ attempt: 1, taskToken: 'second-attempt-token' }));
    // Assess: the same request, under a first line that voids the earlier one; the commands carry the new token only.
    expect(published().Message).toBe(
      [
        "REPLACES AN EARLIER REQUEST (attempt 2): this approval request replaces any earlier approval request for the same step; the earlier token no longer answers (Step Functions accepts only this request's token). Answer with the commands below.",
        '',
        first.replaceAll(TOKEN, 'second-attempt-token'),
      ].join('\n'),
    );
    expect(published().Subject).toBe('[dr-autopilot] Approval needed: region-outage failover of dataset-platform');
  });

  it('says nothing of an earlier request on the first attempt (RetryCount 0)', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T04:59:00Z', 12]]));
    await ask(request({ attempt: 0 }));
    expect(published().Message).toMatch(/^Approval needed before a one-way recovery step of dataset-platform\.\n/);
    expect(published().Message).not.toContain('REPLACES');
  });

  it.each([
    ['a negative attempt', { attempt: -1 }, 'attempt'],
    ['a fractional attempt', { attempt: 1.5 }, 'attempt'],
    ['a missing task token', { taskToken: '' }, 'taskToken'],
    ['no one-way components', { approval: gate({ oneWayComponents: [] }) }, 'approval.oneWayComponents'],
    ['a one-way component that is not in the run', { approval: gate({ oneWayComponents: ['no-such-db'] }) }, 'approval.oneWayComponents'],
    ['a waiting tier that is not in the run', { approval: gate({ tierIndex: 9 }) }, 'approval.tierIndex'],
    ['no timeout', { approval: gate({ timeoutSeconds: 0 }) }, 'approval.timeoutSeconds'],
  ])('rejects %s with InvalidInputError naming the field, reading and publishing nothing', async (_case, over, field) => {
    const asking = ask(request(over as Partial<ApprovalRequest>));
    await expect(asking).rejects.toBeInstanceOf(InvalidInputError);
    await expect(asking).rejects.toMatchObject({ details: { field }, message: expect.stringContaining(`${field}:`) });
    expect(sns).not.toHaveReceivedAnyCommand();
    expect(cloudwatch).not.toHaveReceivedAnyCommand();
  });

  it('rejects a request without approval state', async () => {
    const { approval: _approval, ...rest } = request();
    await expect(ask(rest)).rejects.toMatchObject({ name: 'InvalidInputError', details: { field: 'approval' } });
    expect(sns).not.toHaveReceivedAnyCommand();
  });
});
