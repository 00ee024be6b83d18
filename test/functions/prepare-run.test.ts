import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand, ListAlarmMuteRulesCommand } from '@aws-sdk/client-cloudwatch';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/prepare-run.ts';
import type { ComponentResult, RunState } from '../../shared/run/types.ts';
import { recordComponentResult, recordRunStart } from '../../shared/state/run-records.ts';
import { COMPILED_PLAN_PATH, compilePlan, writeCompiledPlan } from '../../shared/tools/deploy/compiled-plan.ts';
import { startDynalite, useStateTable, type LocalDynamo } from '../support/dynalite.ts';
import { silentLogger } from '../shared/run/fixtures.ts';
import { alarmEvent, compiledExamplePlan, consoleStart, CORE_DB_ALARM, EXAMPLE_PLAN_FILE, EXECUTION_ID, EXECUTION_START } from '../shared/run/fixtures.ts';
import { lambdaContext, withLogs } from './lambda.ts';

const context = lambdaContext('prepare-run');
/** Prepare Run's output for a run that goes ahead (a deferred alarm start that cleared returns `triggerCleared` instead). */
async function prepared(...args: Parameters<typeof handler>): Promise<RunState> {
  const out = await handler(...args);
  if ('triggerCleared' in out) throw new Error(`expected a run, got triggerCleared: ${out.triggerCleared.reason}`);
  return out;
}
const event = (input: unknown, executionStartedAt = EXECUTION_START) => ({ input, executionId: EXECUTION_ID, executionStartedAt });
let dir: string;
let local: LocalDynamo;
/** The example plan, compiled: the packaged plan PLAN_FILE points at. */
let packaged: { file: string; remove(): void };

describe('functions/prepare-run', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dr-prepare-'));
    local = await startDynalite();
    packaged = await compiledExamplePlan();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    packaged?.remove();
    await local.stop();
  });
  beforeEach(() => {
    process.env.PLAN_FILE = packaged.file;
    useStateTable(local);
  });
  afterEach(() => {
    delete process.env.PLAN_FILE;
    delete process.env.LAMBDA_TASK_ROOT;
    vi.unstubAllEnvs();
  });

  it('records the run in the state table under its incident, with a pointer from its execution', async () => {
    // Act
    const state = await prepared(event(consoleStart()), context);
    // Assess
    const pointer = await local.ddb.send(new GetCommand({ TableName: local.tableName, Key: { id: `execution#${EXECUTION_ID}`, sk: 'run' } }));
    expect(pointer.Item).toMatchObject({ incidentId: EXECUTION_ID, plan: 'dataset-platform', scenario: 'region-outage', incidentStartedAt: EXECUTION_START });
    expect(state.run).toMatchObject({ incidentId: EXECUTION_ID, resumeOf: null });
    expect(state.lock).toEqual({ cooldownMinutes: 60, ignoreCooldown: false, expiresAt: '2026-12-01T01:05:00.000Z' });
  });

  it('resumes an incident: carries over what the earlier run recovered, keeps its start, and ignores the cooldown', async () => {
    // Prepare: an earlier run of region-outage recovered tier 1 and failed in tier 2.
    const first = `${EXECUTION_ID}-first`;
    const deps = { ddb: local.ddb, tableName: local.tableName, now: () => new Date(), logger: silentLogger() };
    await recordRunStart(deps, { incidentId: first, executionId: first, plan: 'dataset-platform', scenario: 'region-outage', incidentStartedAt: '2026-11-29T00:40:00.000Z' });
    const result = (id: string, tier: string, status: ComponentResult['status']): ComponentResult => ({
      id, tier, type: 'x', status, startedAt: '2026-11-29T00:45:00.000Z', finishedAt: '2026-11-29T00:55:00.000Z', attempts: 1, polls: 1, lastStatus: null, observations: {}, error: null, verification: [],
    });
    for (const [id, tier, status] of [['core-database', 'tier-1', 'recovered'], ['authentication', 'tier-1', 'recovered'], ['api-gateway', 'tier-1', 'recovered'], ['cache-server', 'tier-2', 'failed']] as const) {
      await recordComponentResult(deps, { incidentId: first, executionId: first, result: result(id, tier, status) });
    }
    // Act
    const state = await prepared(event(consoleStart({ mode: 'unplanned', resumeOf: first })), context);
    // Assess
    expect(state.run).toMatchObject({ incidentId: first, resumeOf: first, incidentStartedAt: '2026-11-29T00:40:00.000Z' });
    // The state carries their outcomes; their full results (who recovered them) stay in the state table.
    expect(state.carried.map((c) => [c.id, c.tier, c.status])).toEqual([
      ['core-database', 'tier-1', 'recovered'], ['authentication', 'tier-1', 'recovered'], ['api-gateway', 'tier-1', 'recovered'],
    ]);
    expect(Object.keys(state.carried[0]!).sort()).toEqual(['attempts', 'error', 'finishedAt', 'id', 'startedAt', 'status', 'tier', 'type']);
    expect(state.tiers[0]!.components).toEqual([]);
    expect(state.tiers[1]!.components.map((c) => c.id)).toContain('cache-server');
    // The promotion (the scenario's only one-way step) was done: nothing is left to approve.
    expect(state.approval).toMatchObject({ required: false, tierIndex: -1, oneWayComponents: [] });
    expect(state.lock.ignoreCooldown).toBe(true);
  });

  it('refuses to resume an execution the state table does not know, naming resumeOf', async () => {
    const unknown = 'arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:never-ran';
    await expect(handler(event(consoleStart({ resumeOf: unknown })), context)).rejects.toMatchObject({ name: 'InvalidInputError', details: { field: 'resumeOf' } });
  });

  it('reads the plan from PLAN_FILE and returns the run state', async () => {
    // Act
    const state = await prepared(event(consoleStart()), context);
    // Assess
    expect(state.run).toMatchObject({ executionId: EXECUTION_ID, plan: 'dataset-platform', scenario: 'region-outage', mode: 'planned', incidentStartedAt: EXECUTION_START });
    expect(state.tiers.map((t) => t.id)).toEqual(['tier-1', 'tier-2', 'tier-3', 'tier-4']);
    expect(state).toMatchObject({ tierIndex: 0, tierCount: 4, status: 'running', results: { tiers: [], components: [] } });
  });

  it('resolves a relative PLAN_FILE against LAMBDA_TASK_ROOT', async () => {
    const taskRoot = path.join(dir, 'task');
    writeCompiledPlan(path.join(taskRoot, COMPILED_PLAN_PATH), await compilePlan(EXAMPLE_PLAN_FILE));
    process.env.LAMBDA_TASK_ROOT = taskRoot;
    process.env.PLAN_FILE = COMPILED_PLAN_PATH;
    const state = await prepared(event(consoleStart()), context);
    expect(state.run.plan).toBe('dataset-platform');
  });

  it('reads another plan when PLAN_FILE points at another compiled plan', async () => {
    // Prepare
    await handler(event(consoleStart()), context);
    const other = path.join(dir, 'other.plan.yml');
    writeFileSync(other, readFileSync(EXAMPLE_PLAN_FILE, 'utf8').replace('name: dataset-platform', 'name: other-platform'));
    const compiled = path.join(dir, 'other.plan.json');
    writeCompiledPlan(compiled, await compilePlan(other));
    process.env.PLAN_FILE = compiled;
    // Act
    const state = await prepared(event(consoleStart()), context);
    // Assess
    expect(state.run.plan).toBe('other-platform');
  });

  it('starts the scenario an alarm event triggers', async () => {
    const state = await prepared(event(alarmEvent(CORE_DB_ALARM), '2019-10-02T17:04:42.000Z'), context);
    expect(state.run).toMatchObject({ scenario: 'database-failure', trigger: { kind: 'alarm', by: CORE_DB_ALARM }, incidentStartedAt: '2019-10-02T17:04:40.989Z' });
  });

  describe('a deferred alarm start (the suppressor\'s wait period has passed)', () => {
    const cloudwatch = mockClient(CloudWatchClient);
    const REGION_DOWN = 'dataset-platform-tokyo-region-down';
    const deferred = {
      trigger: 'alarm',
      alarmName: REGION_DOWN,
      alarmArn: `arn:aws:cloudwatch:ap-northeast-3:123456789012:alarm:${REGION_DOWN}`,
      stateChangedAt: '2026-11-29T01:00:04.989Z',
      reason: 'two signals',
      deferUntil: '2026-11-29T01:02:04.989Z',
      deferReason: 'wait period',
    };
    beforeEach(() => {
      cloudwatch.reset();
      cloudwatch.on(ListAlarmMuteRulesCommand).resolves({ AlarmMuteRuleSummaries: [] });
    });
    afterAll(() => cloudwatch.restore());

    it('goes on when the alarm is still ALARM and no longer suppressed, measuring from the alarm', async () => {
      // Prepare
      cloudwatch.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ AlarmName: REGION_DOWN, StateValue: 'ALARM' }] });
      // Act
      const state = await prepared(event(deferred, '2026-11-29T01:00:05.000Z'), context);
      // Assess
      expect(state.run).toMatchObject({ scenario: 'region-outage', incidentStartedAt: '2026-11-29T01:00:04.989Z', trigger: { kind: 'alarm', by: REGION_DOWN } });
      expect(cloudwatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: [REGION_DOWN], AlarmTypes: ['CompositeAlarm', 'MetricAlarm'] });
    });

    it.each([
      ['back to OK', { StateValue: 'OK' as const, StateUpdatedTimestamp: new Date('2026-11-29T01:01:30Z') }, `trigger alarm ${REGION_DOWN} is back to OK (since 2026-11-29T01:01:30.000Z) after the suppressor's wait period (until 2026-11-29T01:02:04.989Z)`],
      ['suppressed by the maintenance window', { StateValue: 'ALARM' as const, ActionsSuppressedBy: 'Alarm' as const, ActionsSuppressor: 'dataset-platform-maintenance-window' }, `trigger alarm ${REGION_DOWN}'s actions are suppressed (Alarm by suppressor alarm dataset-platform-maintenance-window): a maintenance window after the suppressor's wait period (until 2026-11-29T01:02:04.989Z)`],
    ])('starts nothing and records nothing when the alarm is %s', async (_, alarm, reason) => {
      // Prepare
      cloudwatch.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ AlarmName: REGION_DOWN, ...alarm }] });
      // Act
      const out = await handler({ ...event(deferred, '2026-11-29T01:00:05.000Z'), executionId: `${EXECUTION_ID}-cleared` }, context);
      // Assess
      expect(out).toEqual({ triggerCleared: { stage: 'trigger-cleared', plan: 'dataset-platform', alarmName: REGION_DOWN, scenario: 'region-outage', alarmAt: '2026-11-29T01:00:04.989Z', reason, by: 'ActionsSuppressor' in alarm ? alarm.ActionsSuppressor : REGION_DOWN } });
      const pointer = await local.ddb.send(new GetCommand({ TableName: local.tableName, Key: { id: `execution#${EXECUTION_ID}-cleared`, sk: 'run' } }));
      expect(pointer.Item).toBeUndefined();
    });
  });

  it.each([
    ['reason', consoleStart({ reason: 'x' })],
    ['scenario', consoleStart({ scenario: 'meteor-strike' })],
    ['alarmName', alarmEvent('not-a-trigger')],
    ['detail.state.value', { ...alarmEvent(), detail: { ...alarmEvent().detail, state: { ...alarmEvent().detail.state, value: 'OK' } } }],
    ['(input)', 'region-outage'],
  ])('fails with an error named InvalidInputError that names %s', async (field, input) => {
    const running = handler(event(input, '2026-11-29T01:05:00.000Z'), context);
    await expect(running).rejects.toMatchObject({ name: 'InvalidInputError', details: { field } });
    await expect(running).rejects.toThrow(field);
  });

  it('fails with PlanValidationError when the packaged plan is invalid', async () => {
    // The broken plan packaged as JSON but not compiled (no format): the functions refuse it.
    const broken = path.join(dir, 'broken.plan.json');
    writeFileSync(broken, JSON.stringify({ apiVersion: 'dr-autopilot/v1', name: 'broken' }));
    process.env.PLAN_FILE = broken;
    await expect(handler(event(consoleStart()), context)).rejects.toMatchObject({ name: 'PlanValidationError' });
  });

  describe('logs', () => {
    const marker = 'operator-note-7f3a9';

    it.each([
      ['POWERTOOLS_LOG_LEVEL=INFO', {}],
      ['POWERTOOLS_LOGGER_LOG_EVENT=true', { POWERTOOLS_LOGGER_LOG_EVENT: 'true' }],
    ])('say what was prepared but never the whole event (%s)', async (_, extraEnv) => {
      // Prepare
      const logs = await withLogs({ POWERTOOLS_LOG_LEVEL: 'INFO', PLAN_FILE: packaged.file, ...extraEnv }, () => import('../../functions/prepare-run.ts'));
      try {
        // Act
        await logs.module.handler(event(consoleStart({ reason: `failover drill ${marker}` })), context);
        await expect(logs.module.handler(event(consoleStart({ reason: `x`, requestedBy: marker })), context)).rejects.toMatchObject({ name: 'InvalidInputError' });
        // Assess
        const lines = logs.lines();
        const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(records.map((r) => r.message)).toEqual(['Run recorded', 'Run prepared', 'Task failed']);
        expect(records[1]).toMatchObject({ level: 'INFO', execution: EXECUTION_ID, plan: 'dataset-platform', scenario: 'region-outage', function_request_id: 'req-prepare-run' });
        expect(records[2]).toMatchObject({ level: 'ERROR', errorName: 'InvalidInputError', retryable: false, errorMessage: expect.stringContaining('reason:') });
        expect(lines.join('\n')).not.toContain(marker);
        expect(lines.join('\n')).not.toContain('Lambda invocation event');
      } finally {
        logs.restore();
      }
    });
  });
});
