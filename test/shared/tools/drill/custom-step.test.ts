import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInject } from '../../../../shared/tools/drill/inject.ts';
import type { DrillReport } from '../../../../shared/tools/drill/report.ts';
import { runDrill, type ProgressStep } from '../../../../shared/tools/drill/run-drill.ts';
import { criticalOperationSeconds, DEFAULT_DURATIONS } from '../../../../shared/tools/drill/simulator/index.ts';
import { World } from '../../../../shared/tools/drill/simulator/world.ts';
import { loadPlanFile, parsePlan } from '../../../../shared/plan/load.ts';

/**
 * A custom step that runs for minutes (issue 10): the state machine's start task has 90 s
 * (serverless.yml) and the LambdaClient 60 s (shared/aws/clients.ts), so `invocation: async` invokes
 * the customer's function as an Event and polls the result it reports in an SSM parameter
 * (shared/components/lambda-invoke/recover.ts). Its time counts in RTO, a retry or a resumed run never
 * invokes it twice, and a synchronous step that long fails after 60 s, invoked once.
 */

const START = new Date('2026-11-29T09:30:00.000Z');
const FUNCTION = 'shop-warm-caches';
const RESULT = '/web-shop/dr/warm-caches-result';
const REGION = 'eu-central-1';
/** The customer's function runs for 10 minutes in every drill here. */
const STEP_SECONDS = 600;
const DURATIONS = { 'lambda.custom-step': { seconds: STEP_SECONDS, source: 'test: a 10-minute cache warm-up' } };
const PUT_SECONDS = DEFAULT_DURATIONS['ssm.put-parameter']!.seconds;
const INTERVAL = 10;

/** A one-component plan: the cache warm-up, asynchronous or not, with its deadline. */
function planYaml({ invocation, timeoutMinutes }: { invocation: 'sync' | 'async'; timeoutMinutes: number }): string {
  const result = invocation === 'async' ? `\n      invocation: async\n      resultParameterName: ${RESULT}` : '';
  return `apiVersion: dr-autopilot/v1
name: custom-step
description: One long custom step (a 10-minute cache warm-up by the customer's function)

regions:
  primary: eu-west-1
  secondary: ${REGION}

rtoClasses:
  gold: { targetMinutes: 60, description: "Caches (1 h)" }

tiers:
  - id: caches
    name: Caches
    order: 1
    rtoClass: gold
    components: [warm-caches]

components:
  - id: warm-caches
    name: Cache warm-up (customer function)
    type: lambda-invoke
    timeoutMinutes: ${timeoutMinutes}
    checkIntervalSeconds: ${INTERVAL}
    params:
      region: secondary
      functionName: ${FUNCTION}${result}
      payload: { catalogues: [de, fr, en] }

scenarios:
  - id: region-failover
    name: Ireland unavailable
    mode: unplanned
    severity: critical
    tiers: [caches]

stakeholders:
  audiences:
    - id: operations
      kind: internal
      groups: [on-call engineers]
      topic: internal
      languages: [en]
`;
}

interface Drilled {
  report: DrillReport;
  steps: ProgressStep[];
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'dr-autopilot-custom-step-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function drill(name: string, options: { invocation: 'sync' | 'async'; timeoutMinutes: number; inject?: string[] }): Promise<Drilled> {
  const file = path.join(scratch, `${name}.plan.yml`);
  writeFileSync(file, planYaml(options));
  const plan = await loadPlanFile(file);
  const steps: ProgressStep[] = [];
  const report = await runDrill({
    plan,
    planFile: file,
    scenario: 'region-failover',
    faults: (options.inject ?? []).map((s) => parseInject(s, plan)),
    durations: DURATIONS,
    startAt: START,
    onProgress: (step) => steps.push(step),
  });
  return { report, steps };
}

type Invocation = { at: string; invocationType: string; durationMs: number; functionError: string | null; idempotencyKey: string | null };
const invocations = (report: DrillReport) =>
  (report.finalState.lambda as Record<string, Record<string, { invocations: Invocation[] }>>)[REGION]?.[FUNCTION]?.invocations ?? [];
const resultParameter = (report: DrillReport) =>
  (report.finalState.ssm as { parameters: Record<string, Record<string, { value: string | null; version: number }>> }).parameters[REGION]?.[RESULT];
const warmCaches = (report: DrillReport) => report.components.find((c) => c.id === 'warm-caches')!;
const seconds = (from: string | null, to: string | null) => (Date.parse(to ?? '') - Date.parse(from ?? '')) / 1000;

describe('drill: a 10-minute custom step (lambda-invoke)', () => {
  it('counts the step\'s run time in the critical path the drill\'s RTO is compared with (bench:drill, drill.test.ts)', () => {
    // Prepare
    const plan = parsePlan(planYaml({ invocation: 'async', timeoutMinutes: 15 }), 'custom-step.yml');
    const world = new World(plan, { durations: { ...DEFAULT_DURATIONS, ...DURATIONS } });
    // Act / Assess
    expect(criticalOperationSeconds(world, plan.components.find((c) => c.id === 'warm-caches')!)).toBe(STEP_SECONDS);
  });

  it('asynchronous: recovers; the component finishes when the function reports, 10 min after its start, and the tier\'s RTO counts it', async () => {
    // Prepare / Act
    const { report, steps } = await drill('async', { invocation: 'async', timeoutMinutes: 15 });
    // Assess
    expect(report).toMatchObject({ outcome: 'recovered', reason: null });
    const c = warmCaches(report);
    expect(c).toMatchObject({ status: 'recovered', attempts: 1, error: null, retries: [] });
    // The function reports (one SSM write) after its 10 minutes; the next check sees it.
    const took = seconds(c.startedAt, c.finishedAt);
    expect(took).toBeGreaterThanOrEqual(STEP_SECONDS + PUT_SECONDS);
    expect(took).toBeLessThanOrEqual(STEP_SECONDS + PUT_SECONDS + INTERVAL);
    expect(c.lastStatus).toBe(`${FUNCTION} reported SUCCEEDED for warm-caches:${report.startedAt}`);
    expect(report.tiers[0]!.achievedMinutes! * 60).toBeGreaterThanOrEqual(seconds(report.startedAt, c.startedAt) + STEP_SECONDS);
    // One invocation, an Event, with the incident's key; polled while it ran.
    expect(invocations(report)).toEqual([
      { at: c.startedAt, invocationType: 'Event', durationMs: STEP_SECONDS * 1000, functionError: null, idempotencyKey: `warm-caches:${report.startedAt}` },
    ]);
    expect(steps.filter((s) => s.component === 'warm-caches' && s.state === 'Check Recovery Action').length).toBeGreaterThan(STEP_SECONDS / INTERVAL - 1);
    expect(JSON.parse(resultParameter(report)?.value ?? 'null')).toMatchObject({ idempotencyKey: `warm-caches:${report.startedAt}`, status: 'SUCCEEDED' });
  });

  it('asynchronous, the first Invoke throttled past the SDK\'s 3 attempts: the start task is retried and the function is invoked once', async () => {
    // Prepare / Act
    const { report } = await drill('async-throttled', { invocation: 'async', timeoutMinutes: 15, inject: ['throttle:lambda:3'] });
    // Assess
    expect(report.outcome).toBe('recovered');
    expect(warmCaches(report).retries).toEqual([expect.objectContaining({ state: 'Start Recovery Action', error: 'AwsThrottlingError' })]);
    expect(invocations(report)).toHaveLength(1);
  });

  it('asynchronous, past a 5-minute deadline: ActionTimedOutError; the resumed run finds the step SUCCEEDED and does not invoke it again', async () => {
    // Prepare / Act
    const { report } = await drill('async-resumed', { invocation: 'async', timeoutMinutes: 5, inject: ['resume'] });
    // Assess
    expect(report.executions?.map((e) => e.outcome)).toEqual(['failed', 'recovered']);
    expect(report.executions?.[0]?.reason).toContain('ActionTimedOutError');
    expect(report.outcome).toBe('recovered');
    const c = warmCaches(report);
    expect(c.lastStatus).toBe(`${FUNCTION} already reported SUCCEEDED for warm-caches:${report.startedAt}: not invoked again`);
    expect(invocations(report)).toHaveLength(1);
  });

  it('synchronous: the invoke has no answer within the LambdaClient\'s 60 s, the step fails with CustomStepFailedError and is invoked once (no retry runs it again)', async () => {
    // Prepare / Act
    const { report } = await drill('sync', { invocation: 'sync', timeoutMinutes: 15 });
    // Assess
    expect(report.outcome).toBe('failed');
    const c = warmCaches(report);
    expect(c).toMatchObject({ status: 'failed', attempts: 1, retries: [], error: { name: 'CustomStepFailedError', message: expect.stringContaining('did not answer within 60 s') } });
    expect(invocations(report)).toEqual([expect.objectContaining({ invocationType: 'RequestResponse', durationMs: STEP_SECONDS * 1000 })]);
  });
});
