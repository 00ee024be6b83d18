import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMPONENT_TYPES } from '../../../../shared/components/registry.ts';
import { InvalidInputError } from '../../../../shared/errors.ts';
import { PROBE_TIMEOUT_MS } from '../../../../shared/aws/reachability.ts';
import { parseInject } from '../../../../shared/tools/drill/inject.ts';
import { drillReportSchema } from '../../../../shared/tools/drill/report-schema.ts';
import type { DrillReport } from '../../../../shared/tools/drill/report.ts';
import { runDrill, type ProgressStep } from '../../../../shared/tools/drill/run-drill.ts';
import { DEFAULT_DURATIONS } from '../../../../shared/tools/drill/simulator/index.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import { recoveryOrder } from '../../../../shared/plan/recovery-order.ts';
import type { Plan } from '../../../../shared/plan/schema.ts';
import { lockKey } from '../../../../shared/state/keys.ts';
import { cli, ROOT } from '../../../support/cli.ts';

/**
 * The drill's approval gate (`--inject approve|approve:force|reject|approval-timeout`, approve by
 * default) and the resume of a failed run (`--inject resume`), end to end: the deployable state
 * machine with the real handlers against the simulated account and the local state table.
 */

const EXAMPLE = path.join(ROOT, 'examples/dataset-platform.plan.yml');
const SECOND = path.join(ROOT, 'test/fixtures/plans/second-shape.plan.yml');
/** Simulated start of the console-started drills (the incident is time-to-detect earlier). */
const START = new Date('2026-11-29T09:30:00.000Z');
const seconds = (key: string) => DEFAULT_DURATIONS[key]!.seconds;
const DETECTION_SECONDS = seconds('detection.time-to-detect');
const APPROVAL_SECONDS = seconds('approval.operator-response');
const RESUME_SECONDS = seconds('resume.operator-delay');
/** A replica promotion, as RDS goes through it: modifying, the backup it takes (backups turned on), the reboot. */
const PROMOTION_SECONDS = seconds('rds.promote-read-replica') + seconds('rds.promote-read-replica-backup') + seconds('rds.promote-read-replica-reboot');
/** In a region outage the read of the old primary before promoting is not answered and ends at its 5 s bound. */
const PROBE_SECONDS = PROBE_TIMEOUT_MS / 1000;
const INCIDENT = START.getTime() - DETECTION_SECONDS * 1000;
const PRIMARY_ARN = 'arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db';
const ISOLATION_GROUP = 'sg-0fe0ce0000000001a';

// ---- running a drill ------------------------------------------------------------------------------------

/** A DynamoDB command the run sent to the local state table, and how it ended. */
interface TableCall {
  command: string;
  input: { Key?: Record<string, unknown>; ExpressionAttributeValues?: Record<string, unknown>; ExpressionAttributeNames?: Record<string, string> };
  settled: 'fulfilled' | 'rejected' | 'incomplete';
}

interface Drilled {
  plan: Plan;
  report: DrillReport;
  steps: ProgressStep[];
  table: TableCall[];
}

/**
 * runDrill, recording every call to the local state table: the drill routes each DynamoDB client's send
 * through the SDK's generic Client#send (shared/tools/local/dynamodb.ts), which is spied on here.
 */
async function drill(planFile: string, scenario: string, inject: string[] = []): Promise<Drilled> {
  const plan = await loadPlanFile(planFile);
  const steps: ProgressStep[] = [];
  const smithyClient = Object.getPrototypeOf(DynamoDBClient.prototype) as { send: (command: unknown, ...rest: unknown[]) => Promise<unknown> };
  const send = vi.spyOn(smithyClient, 'send');
  try {
    const report = await runDrill({
      plan,
      planFile,
      scenario,
      faults: inject.map((spec) => parseInject(spec, plan)),
      startAt: START,
      onProgress: (step) => steps.push(step),
    });
    const table = send.mock.calls.map(([command], i): TableCall => {
      const c = command as { constructor: { name: string }; input: TableCall['input'] };
      const settled = send.mock.settledResults[i]?.type;
      return { command: c.constructor.name, input: c.input, settled: settled === 'fulfilled' || settled === 'rejected' ? settled : 'incomplete' };
    });
    return { plan, report, steps, table };
  } finally {
    send.mockRestore();
  }
}

const memo = new Map<string, Promise<Drilled>>();
/** Each drill runs once; several tests read its report. */
function drilled(planFile: string, scenario: string, inject: string[] = []): Promise<Drilled> {
  const key = [planFile, scenario, ...inject].join(' ');
  let run = memo.get(key);
  if (!run) {
    run = drill(planFile, scenario, inject);
    memo.set(key, run);
  }
  return run;
}

// ---- what a report says -------------------------------------------------------------------------------

interface FinalState {
  rds: { instances: Record<string, Record<string, { status: string; replicaOf: string | null; securityGroups: string[] }>> };
  'route53-recovery-cluster': { routingControls: Record<string, { state: 'On' | 'Off'; updates: number }> };
  ssm: { parameters: Record<string, Record<string, { value: string | null; version: number }>> };
  ecs: Record<string, Record<string, { desiredCount: number; runningCount: number }>>;
  autoscaling: Record<string, Record<string, { desiredCapacity: number }>>;
}
const finalState = (report: DrillReport) => report.finalState as unknown as FinalState;
const oldPrimary = (report: DrillReport) => finalState(report).rds.instances['ap-northeast-1']!['dataset-db']!;
const replica = (report: DrillReport) => finalState(report).rds.instances['ap-northeast-3']!['dataset-db-osaka']!;
const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);
const component = (report: DrillReport, id: string) => {
  const found = report.components.find((c) => c.id === id);
  if (!found) throw new Error(`report has no component ${id}`);
  return found;
};
const tier = (report: DrillReport, id: string) => {
  const found = report.tiers.find((t) => t.id === id);
  if (!found) throw new Error(`report has no tier ${id}`);
  return found;
};
/** The approval requests (with the task token): plain SNS. The stage's stakeholder notices go to chat and never carry the token. */
const approvalNotices = (report: DrillReport) => report.notifications.filter((n) => n.stage === 'approval-needed' && n.channel === 'sns');
const approvalSteps = (steps: ProgressStep[]) => steps.filter((s) => s.state === 'Request Recovery Approval');
const gateEnteredAt = (steps: ProgressStep[]) => ms(approvalSteps(steps).find((s) => s.status.startsWith('waiting'))?.at);
/** The recovery lock's writes: taken (`:scenario`) and given back (`:outcome`), by which execution. */
const lockWrites = (run: Drilled) =>
  run.table
    .filter((c) => c.command === 'UpdateCommand' && JSON.stringify(c.input.Key) === JSON.stringify(lockKey(run.plan.name)))
    .map((c) => {
      const values = c.input.ExpressionAttributeValues ?? {};
      const names = Object.values(c.input.ExpressionAttributeNames ?? {});
      return { kind: ':outcome' in values ? 'release' : ':scenario' in values ? 'acquire' : names.includes('confirmedAt') ? 'confirm' : 'other', by: values[':me'], outcome: values[':outcome'], settled: c.settled };
    });

/** Nothing of the example plan's region-outage was changed: the replica is a replica, no tier-1 change was made. */
function expectRegionOutageUntouched(report: DrillReport): void {
  expect(replica(report)).toMatchObject({ status: 'available', replicaOf: PRIMARY_ARN });
  const state = finalState(report);
  expect(state.ecs['ap-northeast-3']?.['dataset-platform-osaka/auth']).toMatchObject({ desiredCount: 0 });
  expect(Object.values(state['route53-recovery-cluster'].routingControls).map((c) => c.updates)).toEqual([0, 0]);
  expect(state.ssm.parameters['ap-northeast-3']?.['/dataset-platform/storage/bucket']).toMatchObject({ value: 'dataset-platform-datasets-tokyo', version: 1 });
}

let scratch: string;
/** The example plan with core-database fenced by isolation (security groups) instead of a stop. */
let isolatePlan: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'dr-autopilot-approval-'));
  const text = readFileSync(EXAMPLE, 'utf8');
  const changed = text.replace('fencing: { method: stop }', `fencing: { method: isolate, isolationSecurityGroupIds: [${ISOLATION_GROUP}] }`);
  expect(changed, 'the example plan fences core-database with a stop').not.toBe(text);
  isolatePlan = path.join(scratch, 'dataset-platform-isolate.plan.yml');
  writeFileSync(isolatePlan, changed);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// ---- the gate, approved -------------------------------------------------------------------------------

describe('approval gate: approved by default after approval.operator-response', () => {
  it('region-outage waits at the gate before tier 1 for the approver, then recovers; the approval is in the report', async () => {
    // Prepare / Act
    const { report, steps } = await drilled(EXAMPLE, 'region-outage');
    // Assess
    expect(drillReportSchema.safeParse(report).success).toBe(true);
    expect(report.outcome).toBe('recovered');
    const gate = gateEnteredAt(steps);
    expect(gate).toBe(START.getTime());
    const approvedAt = new Date(gate + APPROVAL_SECONDS * 1000).toISOString();
    expect(report.approval).toEqual({
      required: true,
      decision: { approved: true, by: 'drill approver', force: false, reason: null, at: approvedAt },
      error: null,
    });
    expect(approvalSteps(steps).map((s) => [s.at, s.status])).toEqual([
      [START.toISOString(), 'waiting for approval of the one-way steps'],
      [approvedAt, 'approved by drill approver'],
    ]);
    // Nothing of tier 1 started before the approval.
    const tier1 = report.components.filter((c) => c.tier === 'tier-1');
    expect(tier1.map((c) => c.startedAt)).toEqual(tier1.map(() => approvedAt));
    expect(steps.filter((s) => s.component && ms(s.at) < ms(approvedAt))).toEqual([]);
    // The promoted replica is the one writer.
    expect(replica(report)).toMatchObject({ status: 'available', replicaOf: null });
    expect(oldPrimary(report).status).toBe('stopped');
  });

  it('publishes one approval-needed notice to the internal audience: the replica lag, the one-way step and an approve command with a token', async () => {
    // Prepare / Act
    const { report } = await drilled(EXAMPLE, 'region-outage');
    // Assess
    const notices = approvalNotices(report);
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    expect(notice).toMatchObject({ audience: 'internal', channel: 'sns', subject: expect.stringContaining('region-outage') });
    expect(notice!.body).toMatch(/replica lag \d+(\.\d+)? s/);
    expect(notice!.body).toContain('core-database (rds-replica-promotion, tier-1)');
    const approve = /dr-autopilot approve --region ap-northeast-3 --token '([^']+)'/.exec(notice!.body);
    expect(approve, 'approve command').not.toBeNull();
    expect(approve![1]!.length).toBeGreaterThan(8);
    // The same token rejects.
    expect(notice!.body).toContain(`dr-autopilot reject --region ap-northeast-3 --token '${approve![1]}'`);
  });

  it('database-failure (unplanned) waits for the approval before promoting', async () => {
    // Prepare / Act
    const { report, steps } = await drilled(EXAMPLE, 'database-failure');
    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.approval).toMatchObject({ required: true, decision: { by: 'drill approver', force: false } });
    expect(approvalNotices(report)).toHaveLength(1);
    expect(component(report, 'core-database').startedAt).toBe(new Date(START.getTime() + APPROVAL_SECONDS * 1000).toISOString());
    expect(tier(report, 'tier-1').achievedMinutes).toBe((DETECTION_SECONDS + APPROVAL_SECONDS + PROMOTION_SECONDS) / 60);
    expect(approvalSteps(steps)).toHaveLength(2);
  });

  it('a planned switchover (web-shop) does not wait, though it holds a one-way step: starting it was the decision', async () => {
    // Prepare
    const plan = await loadPlanFile(SECOND);
    const scenario = plan.scenarios.find((s) => s.id === 'planned-switchover')!;
    expect(scenario.mode).toBe('planned');
    expect(recoveryOrder(plan, scenario.id).tiers.flatMap((t) => t.components).some((c) => COMPONENT_TYPES[c.type].oneWay !== null)).toBe(true);
    // Act
    const { report, steps } = await drilled(SECOND, 'planned-switchover');
    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.approval).toEqual({ required: false, decision: null, error: null });
    expect(approvalNotices(report)).toEqual([]);
    expect(approvalSteps(steps)).toEqual([]);
    // The first tier starts as soon as the run does.
    expect(Math.min(...report.components.map((c) => ms(c.startedAt)))).toBe(START.getTime());
  });
});

// ---- the gate, denied -----------------------------------------------------------------------------------

describe('--inject reject: the approver rejects the failover', () => {
  it('ends the run aborted before any change: every component not started, the replica still a replica', async () => {
    // Prepare / Act
    const { report, steps } = await drilled(EXAMPLE, 'region-outage', ['reject']);
    // Assess
    expect(drillReportSchema.safeParse(report).success).toBe(true);
    expect(report.outcome).toBe('aborted');
    expect(report.reason).toMatch(/^approval before tier-1 \(core-database\) was denied: .*reject/);
    expect(report.approval).toMatchObject({ required: true, decision: null, error: { name: 'ApprovalDeniedError' } });
    expect(report.components.length).toBeGreaterThan(0);
    expect(report.components.every((c) => c.status === 'not-started' && c.startedAt === null && c.attempts === 0)).toBe(true);
    expect(report.tiers.every((t) => t.status === 'not-started' && t.achievedMinutes === null)).toBe(true);
    expect(steps.filter((s) => s.component)).toEqual([]);
    expectRegionOutageUntouched(report);
    // The run ended when the approver answered.
    expect(report.executions).toEqual([expect.objectContaining({ outcome: 'aborted', resumeOf: null, reason: report.reason })]);
    expect(ms(report.executions![0]!.finishedAt) - gateEnteredAt(steps)).toBe(APPROVAL_SECONDS * 1000);
  });

  it('gives the recovery lock back, recording the run as aborted', async () => {
    // Prepare / Act
    const run = await drilled(EXAMPLE, 'region-outage', ['reject']);
    // Assess
    const writes = lockWrites(run);
    expect(writes.map((w) => [w.kind, w.outcome, w.settled])).toEqual([
      ['acquire', undefined, 'fulfilled'],
      ['release', 'aborted', 'fulfilled'],
    ]);
    expect(writes[1]!.by).toBe(writes[0]!.by);
    expect(String(writes[0]!.by)).toContain(run.report.executions![0]!.name);
  });

  it('the progress does not report the denied gate as approved', async () => {
    // Prepare / Act
    const { steps } = await drilled(EXAMPLE, 'region-outage', ['reject']);
    // Assess
    const statuses = approvalSteps(steps).map((s) => s.status);
    expect(statuses[0]).toBe('waiting for approval of the one-way steps');
    expect(statuses.filter((s) => s.startsWith('approved'))).toEqual([]);
    expect(statuses.at(-1)).toContain('ApprovalDeniedError');
  });

  it('exits 1 through the CLI and says why', async () => {
    // Act
    const run = await cli('drill', '--plan', 'examples/dataset-platform.plan.yml', '--scenario', 'database-failure', '--inject', 'reject', '--report-dir', path.join(scratch, 'reject'));
    // Assess
    expect(run.code).toBe(1);
    expect(run.out).toContainEqual(expect.stringMatching(/^ABORTED: dataset-platform \/ database-failure — approval before tier-1 \(core-database\) was denied: /));
  });
});

describe('--inject approval-timeout: nobody answers the gate', () => {
  it('ends the run aborted when the plan\'s approval timeout passes: no answer is a denial', async () => {
    // Prepare
    const plan = await loadPlanFile(EXAMPLE);
    const scenario = plan.scenarios.find((s) => s.id === 'region-outage')!;
    const timeoutMinutes = scenario.approval.timeoutMinutes ?? plan.safety.approvalTimeoutMinutes;
    // Act
    const { report, steps } = await drilled(EXAMPLE, 'region-outage', ['approval-timeout']);
    // Assess
    expect(drillReportSchema.safeParse(report).success).toBe(true);
    expect(report.outcome).toBe('aborted');
    expect(report.reason).toBe(`approval before tier-1 (core-database) was not given within ${timeoutMinutes} min: no answer is a denial`);
    expect(report.approval).toMatchObject({ required: true, decision: null, error: { name: 'States.Timeout' } });
    expect(report.components.every((c) => c.status === 'not-started')).toBe(true);
    expectRegionOutageUntouched(report);
    // It waited the timeout after the gate, and no longer (the last states take no simulated time).
    const waited = ms(report.executions![0]!.finishedAt) - gateEnteredAt(steps);
    expect(waited).toBeGreaterThanOrEqual(timeoutMinutes * 60_000);
    expect(waited).toBeLessThanOrEqual(timeoutMinutes * 60_000 + 60_000);
    const statuses = approvalSteps(steps).map((s) => s.status);
    expect(statuses.filter((s) => s.startsWith('approved'))).toEqual([]);
    expect(statuses.at(-1)).toContain('States.Timeout');
  });

  it('gives the recovery lock back', async () => {
    // Prepare / Act
    const run = await drilled(EXAMPLE, 'region-outage', ['approval-timeout']);
    // Assess
    expect(lockWrites(run).map((w) => [w.kind, w.outcome, w.settled])).toEqual([
      ['acquire', undefined, 'fulfilled'],
      ['release', 'aborted', 'fulfilled'],
    ]);
  });
});

// ---- approved with force, the old primary still up ----------------------------------------------------------

describe('--inject approve:force with --inject primary-writable: the old primary is up', () => {
  it('with fencing.method isolate: the run isolates the old primary, then promotes the replica: one writer', async () => {
    // Prepare / Act
    const { report, steps } = await drilled(isolatePlan, 'region-outage', ['approve:force', 'primary-writable']);
    // Assess
    expect(drillReportSchema.safeParse(report).success).toBe(true);
    expect(report.approval).toMatchObject({ required: true, decision: { by: 'drill approver', force: true }, error: null });
    expect(approvalSteps(steps).at(-1)?.status).toBe('approved by drill approver with force');
    expect(report.outcome).toBe('recovered');
    expect(component(report, 'core-database')).toMatchObject({ status: 'recovered', error: null, lastStatus: expect.stringContaining('old primary isolated') });
    // Fenced first (its security groups replaced by the isolation group), promoted after: it is up but admits no traffic.
    expect(oldPrimary(report)).toMatchObject({ status: 'available', securityGroups: [ISOLATION_GROUP] });
    expect(replica(report)).toMatchObject({ status: 'available', replicaOf: null });
    const db = steps.filter((s) => s.component === 'core-database').map((s) => s.status);
    const fenced = db.findIndex((s) => s.startsWith('ModifyDBInstance sent to the old primary'));
    const promoted = db.findIndex((s) => s.startsWith('promotion requested'));
    expect(fenced, db.join('\n')).toBeGreaterThanOrEqual(0);
    expect(promoted, db.join('\n')).toBeGreaterThan(fenced);
  });

  it('with the example plan\'s fencing.method stop: RDS can\'t stop a primary that has a read replica, so even force refuses (SplitBrainRiskError) and no second writer appears', async () => {
    // Prepare / Act
    const { report } = await drilled(EXAMPLE, 'region-outage', ['approve:force', 'primary-writable']);
    // Assess
    expect(report.approval).toMatchObject({ decision: { force: true } });
    expect(report.outcome).toBe('failed');
    expect(component(report, 'core-database')).toMatchObject({
      status: 'failed',
      error: { name: 'SplitBrainRiskError', message: expect.stringMatching(/even with --force .*can't stop an instance that has read replicas/) },
    });
    expect(report.tiers.slice(1).every((t) => t.status === 'not-started')).toBe(true);
    expect(oldPrimary(report)).toMatchObject({ status: 'available', replicaOf: null });
    expect(replica(report)).toMatchObject({ replicaOf: PRIMARY_ARN });
  });
});

// ---- resume ----------------------------------------------------------------------------------------------

describe('--inject fail:web-application --inject resume: a failed run is resumed', () => {
  const INJECT = ['fail:web-application', 'resume'];

  it('the first execution fails at tier 2; the second, with resumeOf, recovers the incident', async () => {
    // Prepare / Act
    const { report } = await drilled(EXAMPLE, 'region-outage', INJECT);
    // Assess
    expect(drillReportSchema.safeParse(report).success).toBe(true);
    expect(report).toMatchObject({ outcome: 'recovered', reason: null, faults: ['{"kind":"fail","component":"web-application"}', '{"kind":"resume"}'] });
    expect(report.executions).toHaveLength(2);
    const [first, second] = report.executions!;
    expect(first).toMatchObject({ resumeOf: null, outcome: 'failed', reason: expect.stringMatching(/^tier tier-2 failed: web-application \(ActionFailedError: /) });
    expect(second).toMatchObject({ resumeOf: expect.stringMatching(new RegExp(`^arn:aws:states:ap-northeast-3:\\d{12}:execution:[^:]+:${first!.name}$`)), outcome: 'recovered', reason: null });
    expect(second!.name).not.toBe(first!.name);
    // The operator takes resume.operator-delay to remove the cause and resume.
    expect(ms(second!.startedAt) - ms(first!.finishedAt)).toBe(RESUME_SECONDS * 1000);
    expect(report.components.every((c) => c.status === 'recovered' && c.error === null)).toBe(true);
    expect(finalState(report).ecs['ap-northeast-3']?.['dataset-platform-osaka/web']).toMatchObject({ desiredCount: 4, runningCount: 4 });
  });

  it('carries over what the first execution recovered: tier 1 keeps its times and is not run again', async () => {
    // Prepare / Act
    const { report, steps } = await drilled(EXAMPLE, 'region-outage', INJECT);
    // Assess
    const [first, second] = report.executions!;
    const resumedAt = ms(second!.startedAt);
    const carried = report.components.filter((c) => ms(c.finishedAt) <= ms(first!.finishedAt));
    expect(carried.map((c) => c.id).sort()).toEqual(['api-gateway', 'authentication', 'batch-processing', 'cache-server', 'core-database', 'dataset-storage']);
    for (const c of carried) {
      // Started once, in the first execution; nothing of it happened in the second.
      expect(steps.filter((s) => s.component === c.id && s.state === 'Start Recovery Action'), c.id).toHaveLength(1);
      expect(steps.filter((s) => s.component === c.id && ms(s.at) >= resumedAt), c.id).toEqual([]);
    }
    // One promotion, one approval: the resumed run has no one-way step left, so no gate.
    expect(steps.filter((s) => s.component === 'core-database' && s.status.startsWith('promotion requested'))).toHaveLength(1);
    expect(approvalNotices(report)).toHaveLength(1);
    expect(report.approval).toMatchObject({ required: false, decision: null });
    // The failed component ran again in the second execution; in the first, nothing more was reported of it once it failed.
    expect(ms(component(report, 'web-application').startedAt)).toBeGreaterThanOrEqual(resumedAt);
    const web = steps.filter((s) => s.component === 'web-application' && ms(s.at) < resumedAt).map((s) => s.status);
    expect(web.filter((s) => s.startsWith('failed: '))).toEqual(['failed: ActionFailedError']);
    expect(web.at(-1), web.join('\n')).toBe('failed: ActionFailedError');
    expect(replica(report)).toMatchObject({ status: 'available', replicaOf: null });
    expect(oldPrimary(report).status).toBe('stopped');
    // The promotion's RPO, measured in the first execution, stays in the incident's report: the replica's lag at the incident
    // (see drill.test.ts), within the 15 min target.
    expect(report.rpo.find((p) => p.dataClass === 'transaction')).toMatchObject({ met: true, source: expect.stringContaining('replica lag') });
  });

  it('each execution takes the recovery lock and gives it back; the resume is not held back by the cooldown', async () => {
    // Prepare / Act
    const run = await drilled(EXAMPLE, 'region-outage', INJECT);
    // Assess
    const writes = lockWrites(run);
    // The first execution takes the lock, confirms it still holds it right before its one-way step (the promotion;
    // never taking it again), and releases it failed; the resume has no one-way step left: take, release.
    expect(writes.map((w) => [w.kind, w.outcome, w.settled])).toEqual([
      ['acquire', undefined, 'fulfilled'],
      ['confirm', undefined, 'fulfilled'],
      ['release', 'failed', 'fulfilled'],
      ['acquire', undefined, 'fulfilled'],
      ['release', 'recovered', 'fulfilled'],
    ]);
    const [first, second] = run.report.executions!;
    expect(writes.map((w) => String(w.by).split(':').at(-1))).toEqual([first!.name, first!.name, first!.name, second!.name, second!.name]);
  });

  it('measures every tier from the original incident start, the resume delay included', async () => {
    // Prepare / Act
    const { report } = await drilled(EXAMPLE, 'region-outage', INJECT);
    // Assess
    expect(report.startedAt).toBe(new Date(INCIDENT).toISOString());
    for (const t of report.tiers) expect(t.achievedMinutes, t.id).toBe(Math.round(((ms(t.finishedAt) - INCIDENT) / 60_000) * 100) / 100);
    expect(tier(report, 'tier-1').achievedMinutes).toBe(Math.round(((DETECTION_SECONDS + APPROVAL_SECONDS + PROBE_SECONDS + PROMOTION_SECONDS) / 60) * 100) / 100);
    const [first, second] = report.executions!;
    // Tier 2 finished in the resumed execution: after the first one ended and the operator's delay.
    expect(ms(tier(report, 'tier-2').finishedAt)).toBeGreaterThanOrEqual(ms(second!.startedAt));
    expect(tier(report, 'tier-2').achievedMinutes! * 60_000).toBeGreaterThanOrEqual(ms(first!.finishedAt) + RESUME_SECONDS * 1000 - INCIDENT);
    expect(report.tiers.every((t) => t.status === 'recovered' && t.met === true)).toBe(true);
  });
});

// ---- bad input ---------------------------------------------------------------------------------------------

describe('approval and resume faults: bad input', () => {
  it('two answers to the gate (approve and reject): exit 2 naming --inject, nothing runs', async () => {
    // Prepare
    const dir = path.join(scratch, 'two-answers');
    // Act
    const run = await cli('drill', '--plan', 'examples/dataset-platform.plan.yml', '--scenario', 'region-outage', '--inject', 'approve', '--inject', 'reject', '--report-dir', dir);
    // Assess
    expect(run.code).toBe(2);
    expect(run.out).toEqual([]);
    expect(run.err).toEqual([expect.stringMatching(/^dr-autopilot drill: --inject: .*at most one of approve, approve:force, reject, approval-timeout/)]);
    expect(existsSync(dir)).toBe(false);
  });

  it('runDrill refuses two answers to the gate with InvalidInputError on the inject field', async () => {
    // Prepare
    const plan = await loadPlanFile(EXAMPLE);
    // Act
    const drilling = runDrill({ plan, planFile: EXAMPLE, scenario: 'region-outage', startAt: START, faults: [parseInject('approve:force', plan), parseInject('approval-timeout', plan)] });
    // Assess
    await expect(drilling).rejects.toBeInstanceOf(InvalidInputError);
    await expect(drilling).rejects.toMatchObject({ details: { field: 'inject' }, message: expect.stringContaining('--inject') });
  });

  it.each([
    ['approve:x', 'approve takes nothing or "force"'],
    ['approve:force:now', 'approve takes nothing or "force"'],
    ['reject:now', 'reject takes no arguments'],
    ['approval-timeout:5', 'approval-timeout takes no arguments'],
    ['resume:1', 'resume takes no arguments'],
  ])('--inject %s: exit 2 naming the problem', async (spec, message) => {
    // Prepare
    const dir = path.join(scratch, `bad-${spec.replace(/\W+/g, '-')}`);
    // Act
    const run = await cli('drill', '--plan', 'examples/dataset-platform.plan.yml', '--scenario', 'region-outage', '--inject', spec, '--report-dir', dir);
    // Assess
    expect(run.code).toBe(2);
    expect(run.out).toEqual([]);
    expect(run.err[0]?.split('\n')[0]).toBe(`dr-autopilot drill: --inject ${spec}: ${message}`);
    // The accepted forms are listed, the approval answers and resume among them.
    expect(run.err.join('\n')).toMatch(/approve:force[\s\S]*reject[\s\S]*approval-timeout[\s\S]*resume/);
    expect(existsSync(dir)).toBe(false);
  });
});
