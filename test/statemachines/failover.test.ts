import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand, ListAlarmMuteRulesCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand, type Service } from '@aws-sdk/client-ecs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApprovalDeniedError } from '../../shared/errors.ts';
import { routeDynamoDb, startLocalDynamoDb, type LocalDynamoDb } from '../../shared/tools/local/dynamodb.ts';
import { functionHandlers } from '../../shared/tools/local/handlers.ts';
import { runLocal } from '../../shared/tools/local/state-machine.ts';
import { withVirtualClock } from '../../shared/tools/local/virtual-clock.ts';
import type { RunSummaryOutput as RunSummary } from '../../shared/run/types.ts';
import { recordedResults } from '../../shared/state/run-records.ts';
import { stateDocumentClient } from '../../shared/state/table.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { packagedPlan } from '../../shared/runtime/plan.ts';
import { preloadPlanModules } from '../../shared/tools/local/preload.ts';
import { compilePlan, writeCompiledPlan } from '../../shared/tools/deploy/compiled-plan.ts';

// A plan of three tiers: two ECS services in parallel, then one more, then a manual step.
const plan = {
  apiVersion: 'dr-autopilot/v1',
  name: 'sm-test',
  regions: { primary: 'eu-west-1', secondary: 'eu-central-1' },
  rtoClasses: { fast: { targetMinutes: 30 }, slow: { targetMinutes: 120 } },
  tiers: [
    { id: 'tier-a', name: 'A', order: 1, rtoClass: 'fast', components: ['svc-a', 'svc-b'] },
    { id: 'tier-b', name: 'B', order: 2, rtoClass: 'slow', dependsOn: ['tier-a'], components: ['svc-c'] },
    { id: 'tier-c', name: 'C', order: 3, rtoClass: 'slow', dependsOn: ['tier-b'], components: ['docs'] },
  ],
  components: [
    { id: 'svc-a', name: 'A', type: 'ecs-scale', timeoutMinutes: 20, params: { cluster: 'dr', service: 'a', desiredCount: 2 } },
    { id: 'svc-b', name: 'B', type: 'ecs-scale', timeoutMinutes: 20, params: { cluster: 'dr', service: 'b', desiredCount: 1 } },
    {
      id: 'svc-c', name: 'C', type: 'ecs-scale', timeoutMinutes: 20, params: { cluster: 'dr', service: 'c', desiredCount: 3 },
      checks: [{ type: 'http', url: 'https://svc-c.example.com/health', bodyContains: 'ok' }, { type: 'http', name: 'svc-c-metrics', url: 'https://svc-c.example.com/metrics', advisory: true }],
    },
    { id: 'docs', name: 'Docs', type: 'manual', timeoutMinutes: 60, params: { instructions: 'Rebuild the docs site.' } },
  ],
  scenarios: [{ id: 'outage', name: 'Outage', mode: 'unplanned', severity: 'critical', tiers: ['tier-a', 'tier-b', 'tier-c'], triggers: { alarms: ['sm-test-outage'] } }],
  stakeholders: { audiences: [{ id: 'ops', kind: 'internal', groups: ['operations'], topic: 'internal' }] },
  verification: { checks: [{ type: 'http', name: 'site', url: 'https://www.example.com/', bodyContains: 'welcome' }] },
};

/** The `stage` attribute of every SNS Publish, in order. */
const stagesPublished = () =>
  sns.commandCalls(PublishCommand).map((c) => (c.args[0].input.MessageAttributes as Record<string, { StringValue?: string }>).stage?.StringValue);

/** The recovered services as the checks see them over HTTP: URL → status and body (default 200 "ok welcome"). */
let answers: Record<string, { status: number; body: string }> = {};
const fakeFetch = (async (url: string | URL | Request) => {
  const answer = answers[String(url)] ?? { status: 200, body: 'ok welcome' };
  return new Response(answer.body, { status: answer.status });
}) as typeof globalThis.fetch;

const START = new Date('2026-11-29T02:00:00.000Z');
const INPUT = { scenario: 'outage', mode: 'unplanned', reason: 'drill of the state machine', requestedBy: 'sre@example.com' };
const ecs = mockClient(ECSClient);
const sns = mockClient(SNSClient);
const cloudwatch = mockClient(CloudWatchClient);
let dir: string;
/** A fresh state table per test (lock, cooldown and run records start empty). */
let dynamodb: LocalDynamoDb;
let routed: { restore(): void };

/** ECS services whose running count reaches the desired count `startSeconds` after UpdateService. */
function simulateEcs(startSeconds: Record<string, number>, throttleUpdates: Record<string, number> = {}) {
  const services = new Map<string, { desired: number; scaledAt: number | null }>();
  const throttled = { ...throttleUpdates };
  ecs.on(UpdateServiceCommand).callsFake((input: { service: string; desiredCount: number }) => {
    if ((throttled[input.service] ?? 0) > 0) {
      throttled[input.service]! -= 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    }
    services.set(input.service, { desired: input.desiredCount, scaledAt: Date.now() });
    return {};
  });
  ecs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => {
    const name = input.services[0]!;
    const svc = services.get(name) ?? { desired: 0, scaledAt: null };
    const ready = svc.scaledAt !== null && Date.now() - svc.scaledAt >= (startSeconds[name] ?? 60) * 1000;
    const service: Service = {
      serviceName: name,
      status: 'ACTIVE',
      desiredCount: svc.desired,
      runningCount: ready ? svc.desired : 0,
      deployments: [{ status: 'PRIMARY', rolloutState: ready ? 'COMPLETED' : 'IN_PROGRESS' }],
    };
    return { services: [service] };
  });
}

/** The components' full results the run recorded in the state table. */
function fullResults(executionId: string) {
  const ddb = stateDocumentClient(new DynamoDBClient({ endpoint: dynamodb.endpoint, region: 'eu-central-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  return recordedResults({ ddb, tableName: dynamodb.tableName, now: () => new Date(), logger: new Logger({ logLevel: 'SILENT' }) }, executionId);
}

interface Outcome {
  status: 'succeeded' | 'failed';
  output?: RunSummary;
  error?: { name: string; cause: string };
  events: { type: string; state?: string; timestamp: number }[];
  /**
   * Summarise Run's output. A failed run's cause is the same summary through States.JsonToString,
   * which aws-local-stepfunctions 3.0 strips of backslashes (a quote in a check's detail breaks it).
   */
  summary?: RunSummary;
}

async function run(input: unknown, answer?: (state: string) => Promise<unknown>, executionName = 'test-run', startAt = START): Promise<Outcome> {
  await packagedPlan(); // loaded before the clock is faked: no file I/O during the run
  await preloadPlanModules(await packagedPlan());
  return withVirtualClock(startAt, async () => {
    const execution = runLocal(input, {
      region: 'eu-central-1',
      handlers: functionHandlers({ fetch: fakeFetch, postgres: null }),
      executionName,
      answerTaskToken: answer ? (state) => answer(state) : undefined,
    });
    const events: Outcome['events'] = [];
    let summary: RunSummary | undefined;
    const collecting = (async () => {
      for await (const e of execution.eventLogs) {
        events.push({ type: e.type, state: 'state' in e ? e.state.name : undefined, timestamp: e.timestamp });
        if (e.type === 'StateExited' && e.state.name === 'Summarise Run') summary = e.state.output as unknown as RunSummary;
      }
    })();
    try {
      const output = (await execution.result) as unknown as RunSummary;
      await collecting;
      return { status: 'succeeded', output, events, summary };
    } catch (error) {
      await collecting.catch(() => undefined);
      // ExecutionError wraps the Fail state's error: its name is the Error, its message the Cause.
      const failure = ((error as Error).cause ?? error) as Error;
      return { status: 'failed', error: { name: failure.name, cause: failure.message }, events, summary };
    }
  });
}

describe('failover state machine (the deployable definition in aws-local-stepfunctions)', () => {
  beforeAll(async () => {
    // The plan as packaging compiles it (validated, defaults applied) is what the handlers read.
    dir = mkdtempSync(path.join(tmpdir(), 'dr-sm-'));
    writeFileSync(path.join(dir, 'plan.yml'), stringify(plan));
    writeCompiledPlan(path.join(dir, 'plan.json'), await compilePlan(path.join(dir, 'plan.yml')));
    process.env.PLAN_FILE = path.join(dir, 'plan.json');
    process.env.INTERNAL_TOPIC_ARN = 'arn:aws:sns:eu-central-1:000000000000:dr-internal';
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    delete process.env.PLAN_FILE;
  });
  beforeEach(async () => {
    ecs.reset();
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    answers = {};
    dynamodb = await startLocalDynamoDb('dr-sm-test-state', 'eu-central-1');
    routed = routeDynamoDb(dynamodb.endpoint, 'eu-central-1');
    process.env.STATE_TABLE_NAME = dynamodb.tableName;
  });
  afterEach(async () => {
    ecs.reset();
    sns.reset();
    routed.restore();
    await dynamodb.stop();
  });

  it('verifies a recovered component with its checks: a failed check fails it and stops later tiers; an advisory one is only reported', async () => {
    // Prepare
    simulateEcs({ a: 60, b: 60, c: 60 });
    answers['https://svc-c.example.com/health'] = { status: 503, body: 'starting' };
    answers['https://svc-c.example.com/metrics'] = { status: 500, body: '' };
    // Act
    const outcome = await run(INPUT, async () => ({ confirmedBy: 'ops' }));
    // Assess
    expect(outcome).toMatchObject({ status: 'failed', error: { name: 'RecoveryFailedError' } });
    const summary = outcome.summary!;
    const svcC = summary.components.find((c) => c.id === 'svc-c')!;
    expect(svcC.status).toBe('failed');
    expect(svcC.error).toMatchObject({ name: 'IntegrityCheckFailedError', message: expect.stringContaining('svc-c: http failed: GET https://svc-c.example.com/health') });
    // The output names each check and its status; its detail is in the state table.
    expect(summary.checks.filter((c) => c.component === 'svc-c').map((c) => [c.name, c.status, c.advisory])).toEqual([['http', 'failed', false], ['svc-c-metrics', 'failed', true]]);
    const recorded = await fullResults(summary.incidentId);
    expect(recorded.get('svc-c')!.verification.map((c) => [c.name, c.status, c.detail.slice(0, 40)])).toEqual([
      ['http', 'failed', 'GET https://svc-c.example.com/health: st'], ['svc-c-metrics', 'failed', 'GET https://svc-c.example.com/metrics: s'],
    ]);
    expect(summary.components.find((c) => c.id === 'docs')!.status).toBe('not-started');
    expect(outcome.events.map((e) => e.state)).not.toContain('Verify System');
  });

  it('runs the final verification after the last tier: a failed system check fails a run whose tiers all recovered', async () => {
    // Prepare
    simulateEcs({ a: 60, b: 60, c: 60 });
    answers['https://www.example.com/'] = { status: 200, body: 'maintenance' };
    // Act
    const outcome = await run(INPUT, async () => ({ confirmedBy: 'ops' }));
    // Assess
    expect(outcome).toMatchObject({ status: 'failed', error: { name: 'RecoveryFailedError' } });
    const summary = outcome.summary!;
    expect(summary.tiers.every((t) => t.status === 'recovered')).toBe(true);
    expect(summary.reason).toBe('final verification failed: site failed: GET https://www.example.com/: body does not contain "welcome"');
    expect(summary.checks.map((c) => [c.component, c.name, c.status])).toEqual([
      ['svc-c', 'http', 'passed'],
      ['svc-c', 'svc-c-metrics', 'passed'],
      [null, 'site', 'failed'],
    ]);
  });

  it('one recovery at a time: a second execution while the first holds the lock ends with RecoveryInProgressError, changes nothing and tells operations', async () => {
    // Prepare: the first run waits on its manual step (tier C) while a second one starts.
    simulateEcs({ a: 60, b: 60, c: 60 });
    let second: Outcome | undefined;
    // Act
    const first = await run(INPUT, async () => {
      // The first run holds the lock while its operator works: start another execution now (same simulated clock).
      ecs.resetHistory();
      const execution = runLocal(INPUT, { region: 'eu-central-1', handlers: functionHandlers({ fetch: fakeFetch, postgres: null }), executionName: 'second-run' });
      try {
        await execution.result;
        second = { status: 'succeeded', events: [] };
      } catch (error) {
        const failure = ((error as Error).cause ?? error) as Error;
        second = { status: 'failed', error: { name: failure.name, cause: failure.message }, events: [] };
      }
      return { confirmedBy: 'ops' };
    });
    // Assess
    expect(first.status).toBe('succeeded');
    expect(second).toMatchObject({ status: 'failed', error: { name: 'RecoveryInProgressError' } });
    expect(second!.error!.cause).toContain('test-run');
    // Nothing was scaled by the second run, and operations were told.
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:eu-central-1:000000000000:dr-internal',
      MessageAttributes: expect.objectContaining({ stage: { DataType: 'String', StringValue: 'recovery-refused' } }),
    });
  });

  it('cooldown: a run right after the previous one ended is refused (RecoveryCooldownError); with ignoreCooldown it runs', async () => {
    // Prepare
    simulateEcs({ a: 60, b: 60, c: 60 });
    const firstRun = await run(INPUT, async () => ({ confirmedBy: 'ops' }), 'first-run');
    expect(firstRun.status).toBe('succeeded');
    const ended = Date.parse(firstRun.output!.finishedAt);
    // Act: 10 minutes later (the plan's cooldown is the default 60 min).
    const refused = await run(INPUT, async () => ({ confirmedBy: 'ops' }), 'second-run', new Date(ended + 10 * 60_000));
    const overridden = await run({ ...INPUT, ignoreCooldown: true }, async () => ({ confirmedBy: 'ops' }), 'third-run', new Date(ended + 11 * 60_000));
    // Assess
    expect(refused).toMatchObject({ status: 'failed', error: { name: 'RecoveryCooldownError' } });
    expect(refused.error!.cause).toMatch(/60 min/);
    expect(refused.events.map((e) => e.state).filter(Boolean)).not.toContain('Select Next Tier');
    expect(overridden.status).toBe('succeeded');
  });

  it('recovers tier by tier, the components of a tier in parallel, and measures RTO from the incident', async () => {
    // Prepare
    simulateEcs({ a: 300, b: 120, c: 600 });
    // Act
    const outcome = await run(INPUT, async () => ({ confirmedBy: 'ops' }));
    // Assess
    expect(outcome.status).toBe('succeeded');
    const summary = outcome.output!;
    expect(summary.outcome).toBe('recovered');
    const byId = Object.fromEntries(summary.components.map((c) => [c.id, c]));
    // svc-a and svc-b start together; svc-c only after both finished; docs after svc-c.
    expect(byId['svc-a']!.startedAt).toBe(START.toISOString());
    expect(byId['svc-b']!.startedAt).toBe(START.toISOString());
    const tierAEnd = [byId['svc-a']!.finishedAt!, byId['svc-b']!.finishedAt!].sort().at(-1)!;
    expect(byId['svc-c']!.startedAt! >= tierAEnd).toBe(true);
    expect(byId['docs']!.startedAt! >= byId['svc-c']!.finishedAt!).toBe(true);
    // svc-a: first check at its expected time (120 s default), then every 30 s until running at +300 s.
    expect(byId['svc-a']!.finishedAt).toBe(new Date(START.getTime() + 300_000).toISOString());
    expect(summary.tiers.map((t) => [t.id, t.status, t.achievedMinutes, t.met])).toEqual([
      ['tier-a', 'recovered', 5, true],
      ['tier-b', 'recovered', 15, true],
      ['tier-c', 'recovered', 15, true],
    ]);
    expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 3);
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { cluster: 'dr', service: 'c', desiredCount: 3 });
    // One confirmation request; the stakeholder notices of each stage, in both languages of the one audience.
    expect(stagesPublished()).toEqual([
      'run-started', 'run-started',
      'tier-recovered', 'tier-recovered',
      'tier-recovered', 'tier-recovered',
      'confirmation-needed',
      'tier-recovered', 'tier-recovered',
      'run-completed', 'run-completed',
    ]);
    // The output carries outcomes; the confirmation is in the component's full result in the state table.
    expect(Object.keys(byId['docs']!).sort()).toEqual(['attempts', 'error', 'finishedAt', 'id', 'startedAt', 'status', 'tier', 'type']);
    expect((await fullResults(summary.incidentId)).get('docs')!.observations).toEqual({ confirmation: { confirmedBy: 'ops' } });
  });

  describe('a deferred alarm start (its suppressor\'s wait period)', () => {
    const ALARM = 'sm-test-outage';
    const deferred = {
      trigger: 'alarm', alarmName: ALARM, alarmArn: `arn:aws:cloudwatch:eu-central-1:123456789012:alarm:${ALARM}`,
      stateChangedAt: START.toISOString(), reason: 'two signals',
      deferUntil: new Date(START.getTime() + 120_000).toISOString(), deferReason: 'wait period of 120 s',
    };
    const waited = (outcome: Outcome) => outcome.events.find((e) => e.type === 'StateExited' && e.state === 'Wait For Suppressor Wait Period');
    beforeEach(() => {
      cloudwatch.reset();
      cloudwatch.on(ListAlarmMuteRulesCommand).resolves({ AlarmMuteRuleSummaries: [] });
    });
    afterAll(() => cloudwatch.restore());

    it('waits in Step Functions until the wait period has passed, then recovers when the alarm is still ALARM', async () => {
      // Prepare
      simulateEcs({ a: 60, b: 60, c: 60 });
      cloudwatch.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ AlarmName: ALARM, StateValue: 'ALARM' }] });
      // Act
      const outcome = await run(deferred, async () => ({ confirmedBy: 'ops' }), 'deferred-alarm');
      // Assess: the run starts after the wait, and its RTO counts from the alarm.
      expect(waited(outcome)?.timestamp).toBe(START.getTime() + 120_000);
      expect(outcome.output).toMatchObject({ outcome: 'recovered', startedAt: START.toISOString() });
      expect(outcome.output!.components.find((c) => c.id === 'svc-a')!.startedAt).toBe(new Date(START.getTime() + 120_000).toISOString());
      // svc-a and svc-b are running at their first check, 120 s after the start: 4 min from the alarm.
      expect(outcome.output!.tiers[0]).toMatchObject({ id: 'tier-a', achievedMinutes: 4 });
      expect(stagesPublished()[0]).toBe('run-started');
    });

    it('starts nothing when the alarm went back to OK during the wait: no lock, no AWS change, an internal notice', async () => {
      // Prepare
      simulateEcs({ a: 60, b: 60, c: 60 });
      cloudwatch.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ AlarmName: ALARM, StateValue: 'OK', StateUpdatedTimestamp: new Date(START.getTime() + 60_000) }] });
      // Act
      const outcome = await run(deferred, undefined, 'deferred-cleared');
      // Assess
      expect(outcome.status).toBe('succeeded');
      expect(outcome.output).toMatchObject({ triggerCleared: { stage: 'trigger-cleared', alarmName: ALARM, scenario: 'outage', alarmAt: START.toISOString() } });
      expect(outcome.events.filter((e) => e.type === 'StateEntered').map((e) => e.state)).toEqual([
        'Is Trigger Deferred', 'Wait For Suppressor Wait Period', 'Prepare Run', 'Is Trigger Still Firing', 'Notify Trigger Cleared', 'Trigger Cleared',
      ]);
      expect(ecs).not.toHaveReceivedAnyCommand();
      expect(stagesPublished()).toEqual(['trigger-cleared', 'trigger-cleared']);
      // Nothing holds the plan: a console run can start at once.
      const next = await run(INPUT, async () => ({ confirmedBy: 'ops' }), 'after-cleared', new Date(START.getTime() + 300_000));
      expect(next.output?.outcome).toBe('recovered');
    });
  });

  it('stops later tiers when a component fails and ends failed with the results so far', async () => {
    simulateEcs({ a: 60, b: 60, c: 60 });
    const notFound = Object.assign(new Error('Service not found.'), { name: 'ServiceNotFoundException', $metadata: { httpStatusCode: 400 } });
    ecs.on(UpdateServiceCommand, { service: 'c' }).rejects(notFound);
    const outcome = await run(INPUT);
    expect(outcome.status).toBe('failed');
    expect(outcome.error!.name).toBe('RecoveryFailedError');
    const summary = outcome.summary!;
    expect(summary.outcome).toBe('failed');
    expect(summary.components.map((c) => [c.id, c.status, c.error?.name ?? null])).toEqual([
      ['svc-a', 'recovered', null],
      ['svc-b', 'recovered', null],
      ['svc-c', 'failed', 'ResourceNotFoundError'],
      ['docs', 'not-started', null],
    ]);
    expect(summary.tiers.map((t) => t.status)).toEqual(['recovered', 'failed', 'not-started']);
    expect(summary.reason).toContain('tier tier-b failed: svc-c (ResourceNotFoundError');
    // No manual step was reached; operations hear of the escalation and the failed run.
    expect(stagesPublished()).toEqual(['run-started', 'run-started', 'tier-recovered', 'tier-recovered', 'component-failed', 'component-failed', 'run-failed', 'run-failed']);
  });

  it('retries throttled calls with backoff and still recovers', async () => {
    simulateEcs({ a: 60, b: 60, c: 60 }, { a: 2 });
    const outcome = await run(INPUT, async () => ({ confirmedBy: 'ops' }));
    expect(outcome.status).toBe('succeeded');
    const retried = outcome.events.filter((e) => e.type === 'StateRetried' && e.state === 'Start Recovery Action');
    expect(retried).toHaveLength(2);
    expect(outcome.output!.components.find((c) => c.id === 'svc-a')!.status).toBe('recovered');
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { service: 'a', desiredCount: 2 });
    expect(ecs.commandCalls(UpdateServiceCommand, { service: 'a' })).toHaveLength(3);
  });

  it('fails a component that does not recover within its timeout (ActionTimedOutError)', async () => {
    simulateEcs({ a: 60, b: 99_999, c: 60 });
    const outcome = await run(INPUT);
    expect(outcome.status).toBe('failed');
    const summary = outcome.summary!;
    const b = summary.components.find((c) => c.id === 'svc-b')!;
    expect(b.error?.name).toBe('ActionTimedOutError');
    // The deadline is start + 20 min: the last check lands on it, not later.
    expect(b.finishedAt).toBe(new Date(START.getTime() + 20 * 60_000).toISOString());
    expect(ecs).not.toHaveReceivedCommandWith(UpdateServiceCommand, { service: 'c' });
  });

  it('fails a manual step the operator rejects', async () => {
    simulateEcs({ a: 60, b: 60, c: 60 });
    const outcome = await run(INPUT, async () => {
      throw new ApprovalDeniedError('docs site cannot be rebuilt yet');
    });
    expect(outcome.status).toBe('failed');
    const summary = outcome.summary!;
    expect(summary.components.find((c) => c.id === 'docs')!.error).toEqual({ name: 'ApprovalDeniedError', message: 'docs site cannot be rebuilt yet' });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: 'arn:aws:sns:eu-central-1:000000000000:dr-internal' });
  });

  it('ends at once with InvalidInputError naming the field, before any AWS call', async () => {
    simulateEcs({});
    const outcome = await run({ scenario: 'outage', mode: 'unplanned', reason: 'x' });
    expect(outcome.status).toBe('failed');
    expect(outcome.error!.name).toBe('InvalidInputError');
    expect(outcome.error!.cause).toContain('reason');
    expect(ecs).not.toHaveReceivedAnyCommand();
    expect(sns).not.toHaveReceivedAnyCommand();
  });
});
