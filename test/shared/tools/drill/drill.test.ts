import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillCommand } from '../../../../shared/tools/drill/command.ts';
import { parseInject } from '../../../../shared/tools/drill/inject.ts';
import { renderHtml, renderMarkdown } from '../../../../shared/tools/drill/render.ts';
import { drillReportSchema } from '../../../../shared/tools/drill/report-schema.ts';
import type { DrillReport } from '../../../../shared/tools/drill/report.ts';
import { runDrill, type ProgressStep } from '../../../../shared/tools/drill/run-drill.ts';
import { PROBE_TIMEOUT_MS } from '../../../../shared/aws/reachability.ts';
import { criticalOperationSeconds, DEFAULT_DURATIONS } from '../../../../shared/tools/drill/simulator/index.ts';
import { World } from '../../../../shared/tools/drill/simulator/world.ts';
import { COMPONENT_TYPES } from '../../../../shared/components/registry.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import { recoveryOrder } from '../../../../shared/plan/recovery-order.ts';
import type { Component, ComponentOf, Plan } from '../../../../shared/plan/schema.ts';
import { alarmEvent } from '../../../support/alarm-event.ts';

/**
 * End-to-end drills: the deployable state machine with the real handlers against the simulated
 * account, for the example plan, a plan of another shape, and injected faults. Each drill runs once
 * (memoised) and several tests read its report; the last block checks what every report must satisfy.
 */

const EXAMPLE = fileURLToPath(new URL('../../../../examples/dataset-platform.plan.yml', import.meta.url));
const SECOND = fileURLToPath(new URL('../../../fixtures/plans/second-shape.plan.yml', import.meta.url));
/** A plan whose primary region is us-east-1, where Route 53's control plane is too. */
const US_EAST_1 = fileURLToPath(new URL('../../../fixtures/plans/us-east-1-primary.plan.yml', import.meta.url));
/** Simulated start of the console-started drills (the incident is time-to-detect earlier). */
const START = new Date('2026-11-29T09:30:00.000Z');
/** A console-started drill dates the incident this long before the run starts (0 when not modelled). */
const DETECTION_SECONDS = DEFAULT_DURATIONS['detection.time-to-detect']?.seconds ?? 0;
/** How long the drill's approver takes to answer the approval gate (unplanned scenarios with a one-way step). */
const APPROVAL_SECONDS = DEFAULT_DURATIONS['approval.operator-response']!.seconds;
/** A replica promotion, as RDS goes through it: modifying, the backup it takes (backups turned on), the reboot. */
const PROMOTION_SECONDS = ['rds.promote-read-replica', 'rds.promote-read-replica-backup', 'rds.promote-read-replica-reboot']
  .reduce((sum, key) => sum + DEFAULT_DURATIONS[key]!.seconds, 0);
/** In a region outage each read of the old primary is not answered and ends at its 5 s bound. */
const PROBE_SECONDS = PROBE_TIMEOUT_MS / 1000;
/** Minutes as the report rounds them. */
const minutes = (seconds: number) => Math.round((seconds / 60) * 100) / 100;


// ---- the drills -----------------------------------------------------------------------------------

interface RunSpec {
  plan: string;
  scenario?: string;
  event?: unknown;
  inject?: string[];
  /** Through `drillCommand` (exit code, report files) instead of runDrill. */
  viaCommand?: boolean;
}

interface Run {
  spec: RunSpec;
  plan: Plan;
  report: DrillReport;
  steps: ProgressStep[];
  /** drillCommand only: exit code, printed lines and the report files. */
  command?: { code: number; out: string[]; err: string[]; json: string; md: string; html: string };
}

const RUNS = {
  'dataset-platform region-outage': { plan: EXAMPLE, scenario: 'region-outage' },
  'dataset-platform database-failure': { plan: EXAMPLE, scenario: 'database-failure' },
  'dataset-platform storage-failure': { plan: EXAMPLE, scenario: 'storage-failure' },
  'web-shop planned-switchover': { plan: SECOND, scenario: 'planned-switchover' },
  'web-shop region-failover (alarm)': { plan: SECOND, event: alarmEvent('web-shop-ireland-down', 'ALARM', '2026-11-29T09:30:00.000+0000', 'eu-central-1') },
  'web-shop catalogue-corruption': { plan: SECOND, scenario: 'catalogue-corruption' },
  'dataset-platform region-outage throttle:rds:3': { plan: EXAMPLE, scenario: 'region-outage', inject: ['throttle:rds:3'] },
  'web-shop region-failover throttle:autoscaling:6': { plan: SECOND, scenario: 'region-failover', inject: ['throttle:autoscaling:6'] },
  'web-shop region-failover throttle:autoscaling:2': { plan: SECOND, scenario: 'region-failover', inject: ['throttle:autoscaling:2'] },
  'dataset-platform region-outage fail:core-database': { plan: EXAMPLE, scenario: 'region-outage', inject: ['fail:core-database'], viaCommand: true },
  'dataset-platform region-outage fail:development-environment': { plan: EXAMPLE, scenario: 'region-outage', inject: ['fail:development-environment'] },
  'web-shop region-failover fail:warm-caches': { plan: SECOND, scenario: 'region-failover', inject: ['fail:warm-caches'] },
  'dataset-platform region-outage slow:core-database:3': { plan: EXAMPLE, scenario: 'region-outage', inject: ['slow:core-database:3'] },
  // The approval gate and resume (test/shared/tools/drill/approval-and-resume.test.ts): here for what every report satisfies.
  'dataset-platform region-outage reject': { plan: EXAMPLE, scenario: 'region-outage', inject: ['reject'], viaCommand: true },
  'dataset-platform region-outage fail:web-application resume': { plan: EXAMPLE, scenario: 'region-outage', inject: ['fail:web-application', 'resume'] },
  // us-east-1 lost with Route 53's control plane: routing controls recover DNS, a record change cannot.
  'checkout region-outage control-plane-down:route53': { plan: US_EAST_1, scenario: 'region-outage', inject: ['control-plane-down:route53'] },
  'checkout region-outage-record-mode control-plane-down:route53': { plan: US_EAST_1, scenario: 'region-outage-record-mode', inject: ['control-plane-down:route53'] },
} satisfies Record<string, RunSpec>;
type RunName = keyof typeof RUNS;

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'dr-autopilot-drill-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const runs = new Map<RunName, Promise<Run>>();

async function execute(name: RunName): Promise<Run> {
  const spec: RunSpec = RUNS[name];
  const plan = await loadPlanFile(spec.plan);
  if (!spec.viaCommand) {
    const steps: ProgressStep[] = [];
    const report = await runDrill({
      plan,
      planFile: spec.plan,
      scenario: spec.scenario,
      event: spec.event,
      faults: (spec.inject ?? []).map((s) => parseInject(s, plan)),
      startAt: START,
      onProgress: (step) => steps.push(step),
    });
    return { spec, plan, report, steps };
  }
  const dir = path.join(scratch, name.replace(/[^a-z0-9]+/gi, '-'));
  const out: string[] = [];
  const err: string[] = [];
  const code = await drillCommand(
    { plan: spec.plan, scenario: spec.scenario, inject: spec.inject ?? [], reportDir: dir },
    { out: (line) => out.push(line), err: (line) => err.push(line) },
  );
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8');
  const json = read('report.json');
  return { spec, plan, report: JSON.parse(json) as DrillReport, steps: [], command: { code, out, err, json, md: read('report.md'), html: read('report.html') } };
}

/** The drill's result, run on first use. */
function drill(name: RunName): Promise<Run> {
  let run = runs.get(name);
  if (!run) {
    run = execute(name);
    runs.set(name, run);
  }
  return run;
}

// ---- what a report says -----------------------------------------------------------------------------

const component = (report: DrillReport, id: string) => {
  const found = report.components.find((c) => c.id === id);
  if (!found) throw new Error(`report has no component ${id}: ${report.components.map((c) => c.id).join(', ')}`);
  return found;
};
const tier = (report: DrillReport, id: string) => {
  const found = report.tiers.find((t) => t.id === id);
  if (!found) throw new Error(`report has no tier ${id}`);
  return found;
};
const ms = (iso: string | null) => (iso === null ? Number.NaN : Date.parse(iso));
/** When the run itself started (the first component's start): after the incident by the time to detect it. */
const runStartOf = (report: DrillReport) => Math.min(...report.components.filter((c) => c.startedAt).map((c) => ms(c.startedAt)));
const scenarioOf = (run: Run) => {
  const found = run.plan.scenarios.find((s) => s.id === run.report.scenario);
  if (!found) throw new Error(`plan ${run.plan.name} has no scenario ${run.report.scenario}`);
  return found;
};

/** The simulators' snapshots (simulator/*.ts snapshot()), as far as these tests read them. */
interface S3Entry { versionId: string; lastModified: string; etag?: string; content?: string; deleteMarker?: boolean }
interface FinalState {
  rds: {
    instances: Record<string, Record<string, { status: string; replicaOf: string | null; backupRetentionPeriod: number; restoredTo?: string }>>;
    globalClusters: Record<string, { writer: string; members: string[]; failoverState: string | null }>;
  };
  route53: {
    hostedZones: Record<string, { dnsAnswers: Record<string, string[]> }>;
    healthChecks: Record<string, { inverted: boolean; disabled: boolean; healthy: boolean }>;
    changes: Record<string, string>;
  };
  'route53-recovery-cluster': { routingControls: Record<string, { state: 'On' | 'Off'; updates: number }> };
  s3: { buckets: Record<string, { region: string; objects?: Record<string, S3Entry[]> }> };
  ssm: { parameters: Record<string, Record<string, { value: string | null; version: number }>> };
  backup: { restoreJobs: Record<string, { region: string; status: string; createdResourceArn: string | null }> };
  ecs: Record<string, Record<string, { desiredCount: number; runningCount: number; pendingCount: number; rolloutState: string }>>;
  autoscaling: Record<string, Record<string, { minSize: number; desiredCapacity: number; instances: { lifecycleState: string; healthStatus: string }[] }>>;
  elasticache: Record<string, { status: string; primary: string | null; members: { id: string; role: string; status: string }[] }>;
  lambda: Record<string, Record<string, { invocations: { functionError: string | null }[] }>>;
}
const finalState = (report: DrillReport) => report.finalState as unknown as FinalState;
const dnsKey = (c: ComponentOf<'route53-failover'>) => `${c.params.recordName.toLowerCase().replace(/\.$/, '')} ${c.params.recordType}`;
const functionName = (nameOrArn: string) => (nameOrArn.includes(':function:') ? nameOrArn.split(':function:')[1]!.split(':')[0]! : nameOrArn);
const confirmationRequested = (report: DrillReport, id: string) =>
  report.notifications.some((n) => n.stage === 'confirmation-needed' && n.subject.includes(id));

/**
 * The versions the run wrote to a key: a restore writes copies of older versions, newest first in S3's
 * write order, each with the content of the version copied (the simulation's hash of its bytes: an ETag may differ for the same bytes). (Told by content, not by time: an alarm-started
 * drill seeds the damage after the incident, which is then also after the run's start.)
 */
function copiesOf(entries: S3Entry[]): { written: S3Entry[]; before: S3Entry[] } {
  let n = 0;
  while (n < entries.length && entries.slice(n + 1).some((older) => !older.deleteMarker && older.content === entries[n]!.content)) n += 1;
  return { written: entries.slice(0, n), before: entries.slice(n) };
}

/**
 * An s3-version-restore bucket after the run: under the prefix, every key that had a version at the
 * point in time has that version's content (ETag) as its latest version, copied once when it had
 * changed and not at all when it had not; keys not there at that time, and everything outside the
 * prefix, were not written by the run. Returns how many keys the run restored.
 */
function expectObjectsAtPointInTime(c: ComponentOf<'s3-version-restore'>, state: FinalState, report: DrillReport): number {
  const pointInTime = c.params.pointInTime === 'before-incident' ? ms(report.startedAt) : Date.parse(c.params.pointInTime);
  const objects = state.s3.buckets[c.params.bucket]?.objects ?? {};
  expect(Object.keys(objects).length, `${c.params.bucket} has objects`).toBeGreaterThan(0);
  let restored = 0;
  for (const [key, entries] of Object.entries(objects)) {
    const { written, before } = copiesOf(entries);
    const atPointInTime = before.find((e) => ms(e.lastModified) <= pointInTime);
    if (!key.startsWith(c.params.prefix) || !atPointInTime || atPointInTime.deleteMarker) {
      expect(written, `${key}: not to be written`).toEqual([]);
      continue;
    }
    expect(entries[0], `${key}: latest version`).toMatchObject({ content: atPointInTime.content });
    expect(entries[0]?.deleteMarker, `${key}: latest is not a delete marker`).toBeUndefined();
    // Copied once when its latest version before the run was not the one at the point in time.
    expect(written, `${key}: copies`).toHaveLength(before[0] === atPointInTime ? 0 : 1);
    restored += written.length;
  }
  return restored;
}

/** Each component's resources as recovered, from the simulators' final state. */
function expectRecovered(c: Component, run: Run): void {
  const { report, plan } = run;
  const state = finalState(report);
  const { primary, secondary } = plan.regions;
  switch (c.type) {
    case 'rds-replica-promotion':
      expect(state.rds.instances[secondary]?.[c.params.replicaDbInstanceIdentifier], c.id).toMatchObject({
        status: 'available', replicaOf: null, backupRetentionPeriod: c.params.backupRetentionPeriod,
      });
      // The drill's incident stopped the old primary: one writer, the promoted replica.
      expect(state.rds.instances[primary]?.[c.params.primaryDbInstanceIdentifier]?.status, c.id).toBe('stopped');
      break;
    case 'aurora-global-failover':
      expect(state.rds.globalClusters[c.params.globalClusterIdentifier], c.id).toMatchObject({ writer: c.params.targetDbClusterArn, failoverState: null });
      break;
    case 'rds-point-in-time-restore': {
      const grid = c.params.granularityMinutes * 60_000;
      const incident = ms(report.startedAt);
      const restoredTo = c.params.restoreTo === 'latest' ? undefined : new Date(Math.ceil(incident / grid) * grid - grid).toISOString();
      expect(state.rds.instances[plan.regions[c.params.region]]?.[c.params.targetDbInstanceIdentifier], c.id).toMatchObject({
        status: 'available', replicaOf: null, ...(restoredTo ? { restoredTo } : {}),
      });
      break;
    }
    case 'route53-failover': {
      const answer = state.route53.hostedZones[c.params.hostedZoneId]?.dnsAnswers[dnsKey(c)];
      if (c.params.expectedAnswer) expect(answer, c.id).toEqual(c.params.expectedAnswer);
      if (c.params.mode === 'routing-control') {
        const controls = state['route53-recovery-cluster'].routingControls;
        expect(controls[c.params.primaryRoutingControlArn!], c.id).toMatchObject({ state: 'Off' });
        expect(controls[c.params.secondaryRoutingControlArn!], c.id).toMatchObject({ state: 'On' });
      } else if (c.params.mode === 'health-check') {
        // Route 53 failed over on its own: the check was never inverted or disabled.
        expect(state.route53.healthChecks[c.params.primaryHealthCheckId!], c.id).toMatchObject({ inverted: false, disabled: false, healthy: false });
      } else {
        expect(Object.values(state.route53.changes), c.id).not.toHaveLength(0);
        expect(Object.values(state.route53.changes).every((s) => s === 'INSYNC'), c.id).toBe(true);
      }
      break;
    }
    case 's3-failover':
      expect(state.ssm.parameters[secondary]?.[c.params.parameterName], c.id).toMatchObject({ value: c.params.replicaBucket, version: 2 });
      break;
    case 's3-version-restore':
      expectObjectsAtPointInTime(c, state, report);
      break;
    case 'backup-restore': {
      const jobs = Object.values(state.backup.restoreJobs);
      expect(jobs, c.id).toHaveLength(1);
      expect(jobs[0], c.id).toMatchObject({ region: secondary, status: 'COMPLETED', createdResourceArn: expect.stringMatching(new RegExp(`^arn:aws:[a-z-]+:${secondary}:`)) });
      break;
    }
    case 'ecs-scale':
      expect(state.ecs[secondary]?.[`${c.params.cluster}/${c.params.service}`], c.id).toMatchObject({
        desiredCount: c.params.desiredCount, runningCount: c.params.desiredCount, pendingCount: 0, rolloutState: 'COMPLETED',
      });
      break;
    case 'ec2-asg-scale': {
      const group = state.autoscaling[secondary]?.[c.params.autoScalingGroupName];
      expect(group, c.id).toMatchObject({ minSize: c.params.minSize, desiredCapacity: c.params.desiredCapacity });
      expect(group?.instances, c.id).toHaveLength(c.params.desiredCapacity);
      expect(group?.instances.every((i) => i.lifecycleState === 'InService' && i.healthStatus === 'Healthy'), c.id).toBe(true);
      break;
    }
    case 'elasticache-global-failover': {
      const group = state.elasticache[c.params.globalReplicationGroupId];
      expect(group, c.id).toMatchObject({ status: 'available', primary: c.params.secondaryReplicationGroupId });
      expect(group?.members.every((m) => m.status === 'associated'), c.id).toBe(true);
      break;
    }
    case 'lambda-invoke':
      // Invoked once, and the function did not fail.
      expect(state.lambda[plan.regions[c.params.region]]?.[functionName(c.params.functionName)]?.invocations, c.id).toEqual([
        expect.objectContaining({ functionError: null }),
      ]);
      break;
    case 'manual':
      expect(confirmationRequested(report, c.id), `${c.id}: confirmation requested`).toBe(true);
      break;
  }
}

/** A component the run did not recover (outside the scenario, or never started) is left as it was. */
function expectUntouched(c: Component, run: Run): void {
  const { report, plan } = run;
  const state = finalState(report);
  const { primary, secondary } = plan.regions;
  switch (c.type) {
    case 'rds-replica-promotion':
      expect(state.rds.instances[secondary]?.[c.params.replicaDbInstanceIdentifier]?.replicaOf, c.id).toContain(`:db:${c.params.primaryDbInstanceIdentifier}`);
      break;
    case 'aurora-global-failover':
      expect(state.rds.globalClusters[c.params.globalClusterIdentifier]?.writer, c.id).toMatch(new RegExp(`^arn:aws:rds:${primary}:`));
      break;
    case 'rds-point-in-time-restore':
      expect(state.rds.instances[plan.regions[c.params.region]]?.[c.params.targetDbInstanceIdentifier], c.id).toBeUndefined();
      break;
    case 'route53-failover':
      if (c.params.mode === 'routing-control') {
        // The routing controls hold the traffic on the primary, outage or not.
        const controls = state['route53-recovery-cluster'].routingControls;
        expect(controls[c.params.primaryRoutingControlArn!], c.id).toMatchObject({ state: 'On', updates: 0 });
        expect(controls[c.params.secondaryRoutingControlArn!], c.id).toMatchObject({ state: 'Off', updates: 0 });
        expect(state.route53.hostedZones[c.params.hostedZoneId]?.dnsAnswers[dnsKey(c)], c.id).not.toEqual(c.params.expectedAnswer);
      } else if (c.params.mode === 'health-check') {
        // Nothing changes the check; DNS follows the primary's real health (Route 53's own failover).
        expect(state.route53.healthChecks[c.params.primaryHealthCheckId!], c.id).toMatchObject({ inverted: false, disabled: false });
      } else {
        expect(state.route53.hostedZones[c.params.hostedZoneId]?.dnsAnswers[dnsKey(c)], c.id).not.toEqual(c.params.expectedAnswer);
      }
      break;
    case 's3-failover':
      expect(state.ssm.parameters[secondary]?.[c.params.parameterName], c.id).toMatchObject({ value: c.params.primaryBucket, version: 1 });
      break;
    case 's3-version-restore': {
      const objects = Object.values(state.s3.buckets[c.params.bucket]?.objects ?? {});
      expect(objects.length, `${c.id}: the bucket is seeded`).toBeGreaterThan(0);
      expect(objects.flatMap((entries) => copiesOf(entries).written), c.id).toEqual([]);
      break;
    }
    case 'backup-restore':
      expect(state.backup.restoreJobs, c.id).toEqual({});
      break;
    case 'ecs-scale':
      expect(state.ecs[secondary]?.[`${c.params.cluster}/${c.params.service}`], c.id).toMatchObject({ desiredCount: 0, runningCount: 0 });
      break;
    case 'ec2-asg-scale':
      expect(state.autoscaling[secondary]?.[c.params.autoScalingGroupName], c.id).toMatchObject({ desiredCapacity: 0, instances: [] });
      break;
    case 'elasticache-global-failover':
      expect(state.elasticache[c.params.globalReplicationGroupId]?.primary, c.id).not.toBe(c.params.secondaryReplicationGroupId);
      break;
    case 'lambda-invoke':
      expect(state.lambda[plan.regions[c.params.region]]?.[functionName(c.params.functionName)]?.invocations, c.id).toEqual([]);
      break;
    case 'manual':
      expect(confirmationRequested(report, c.id), `${c.id}: no confirmation requested`).toBe(false);
      break;
  }
}

/** Every recovered component's resources as recovered, every other one's as they were. */
function expectFinalState(run: Run): void {
  for (const c of run.plan.components) {
    const status = run.report.components.find((r) => r.id === c.id)?.status;
    if (status === 'recovered') expectRecovered(c, run);
    else if (status === undefined || status === 'not-started') expectUntouched(c, run);
  }
}

/**
 * The approval gate the plan gives a scenario: required (explicitly, or by default for an unplanned
 * scenario) when one of its components is one-way, before the tier holding the first one; the run
 * waits there for the approver (APPROVAL_SECONDS). -1: no wait.
 */
function approvalGate(plan: Plan, scenarioId: string): { required: boolean; tierIndex: number } {
  const scenario = plan.scenarios.find((s) => s.id === scenarioId)!;
  const tierIndex = recoveryOrder(plan, scenarioId).tiers.findIndex((t) => t.components.some((c) => COMPONENT_TYPES[c.type].oneWay !== null));
  const required = tierIndex >= 0 && (scenario.approval.required ?? scenario.mode === 'unplanned');
  return { required, tierIndex: required ? tierIndex : -1 };
}

/**
 * The simulated duration that bounds a component. criticalOperationSeconds (simulator/index.ts) always
 * counts an Aurora failover; a planned run switches over, which takes 'rds.aurora-global-switchover'.
 */
function criticalSeconds(world: World, c: Component, mode: 'planned' | 'unplanned'): number {
  if (c.type === 'aurora-global-failover' && mode === 'planned') return world.durationMs('rds.aurora-global-switchover', c.id) / 1000;
  return criticalOperationSeconds(world, c);
}

/**
 * Each tier's achieved RTO is the critical path: the time to detect (console starts), the approver's
 * answer before the gated tier (unplanned scenarios with a one-way step), then per tier the longest
 * critical operation of its components, and no tier takes longer than that plus one check interval
 * of its components (the poll that sees it done). Minutes are rounded to 0.01 (0.6 s).
 */
function expectCriticalPath(run: Run, detectionSeconds: number): void {
  const { plan, report } = run;
  const faults = (run.spec.inject ?? []).map((s) => parseInject(s, plan));
  const world = new World(plan, { durations: DEFAULT_DURATIONS, faults });
  const mode = scenarioOf(run).mode;
  const order = recoveryOrder(plan, report.scenario);
  const gate = approvalGate(plan, report.scenario);
  expect(report.tiers.map((t) => t.id)).toEqual(order.tiers.map((t) => t.id));
  expect(report.approval?.required, 'approval required').toBe(gate.required);
  // The first component starts after the detection, and after the approval when the first tier is the gated one.
  expect((runStartOf(report) - ms(report.startedAt)) / 1000, 'run start after the incident').toBe(detectionSeconds + (gate.tierIndex === 0 ? APPROVAL_SECONDS : 0));
  let critical = detectionSeconds;
  let previous = detectionSeconds;
  for (const [index, t] of order.tiers.entries()) {
    if (index === gate.tierIndex) {
      // The gated tier starts once the approver has answered: the wait counts towards RTO, not to the tier's own duration.
      critical += APPROVAL_SECONDS;
      previous += APPROVAL_SECONDS;
    }
    const longest = Math.max(...t.components.map((c) => criticalSeconds(world, c, mode)));
    const interval = Math.max(...t.components.map((c) => c.checkIntervalSeconds));
    critical += longest;
    const achievedSeconds = (tier(report, t.id).achievedMinutes ?? Number.NaN) * 60;
    expect(achievedSeconds, `${t.id}: achieved vs critical path ${critical} s`).toBeGreaterThanOrEqual(critical - 0.6);
    expect(achievedSeconds - previous, `${t.id}: its own duration vs its longest operation ${longest} s + one check (${interval} s)`).toBeLessThanOrEqual(longest + interval + 0.6);
    previous = achievedSeconds;
  }
}

// ---- 1. the example plan's scenarios ------------------------------------------------------------

describe('drill of the example plan (dataset-platform)', () => {
  it.each(['region-outage', 'database-failure', 'storage-failure'] as const)('%s: recovered, every resource in its final state', async (scenario) => {
    // Prepare / Act
    const run = await drill(`dataset-platform ${scenario}`);
    // Assess
    expect(run.report).toMatchObject({ plan: 'dataset-platform', scenario, mode: 'drill', outcome: 'recovered', reason: null, faults: [] });
    expect(run.report.components.map((c) => c.id).sort()).toEqual(recoveryOrder(run.plan, scenario).tiers.flatMap((t) => t.components.map((c) => c.id)).sort());
    expect(run.report.components.every((c) => c.status === 'recovered' && c.attempts === 1 && c.error === null && c.retries.length === 0)).toBe(true);
    expect(run.report.tiers.every((t) => t.status === 'recovered' && t.met === true)).toBe(true);
    expectFinalState(run);
  });

  it.each(['region-outage', 'database-failure', 'storage-failure'] as const)('%s: each tier achieves its critical path (within one check)', async (scenario) => {
    // Prepare / Act
    const run = await drill(`dataset-platform ${scenario}`);
    // Assess
    expectCriticalPath(run, DETECTION_SECONDS);
  });

  it('region-outage: tier by tier, 10 min for the approval, 15 min to promote the replica (5 s to find the old primary silent), 3 to launch instances, 2 h to restore EFS, 30 min for the operators', async () => {
    // Prepare / Act
    const { report } = await drill('dataset-platform region-outage');
    // Assess: the figures the critical path gives with the default durations. Tier 1 ends when its last check began; that
    // check reads the old primary once more (5 s, not answered) before tier 2 starts.
    expect(report.approval).toMatchObject({ required: true, decision: { approved: true, by: 'drill approver', force: false }, error: null });
    const tier1 = DETECTION_SECONDS + APPROVAL_SECONDS + PROBE_SECONDS + PROMOTION_SECONDS;
    const tier2 = tier1 + PROBE_SECONDS + 3 * 60;
    expect(report.tiers.map((t) => [t.id, t.achievedMinutes])).toEqual([
      ['tier-1', minutes(tier1)], ['tier-2', minutes(tier2)], ['tier-3', minutes(tier2 + 120 * 60)], ['tier-4', minutes(tier2 + 150 * 60)],
    ]);
    // RPO of the promoted replica: its ReplicaLag as of the incident. With the source region down since then, PostgreSQL's
    // ReplicaLag (now - last replayed commit) grows by the 30 min until the promotion; the data lost is only the lag at the
    // incident, a few seconds, and that is what the action records (lagAsOf) and shared/run/rpo.ts reports.
    const transaction = report.rpo.find((p) => p.dataClass === 'transaction');
    expect(transaction).toMatchObject({ met: true, source: expect.stringContaining('replica lag') });
    expect(transaction?.measuredMinutes).toBeGreaterThan(0);
    expect(transaction?.measuredMinutes).toBeLessThan(1);
  });

  it('storage-failure: every object under the prefix is back at its version at the incident, and some had to be copied', async () => {
    // Prepare / Act
    const run = await drill('dataset-platform storage-failure');
    // Assess
    const restore = run.plan.components.find((c): c is ComponentOf<'s3-version-restore'> => c.id === 'dataset-restore')!;
    const restored = expectObjectsAtPointInTime(restore, finalState(run.report), run.report);
    expect(restored).toBeGreaterThan(0);
    expect(component(run.report, 'dataset-restore').lastStatus).toContain(`${restored} restored`);
  });

  it('database-failure: only the database is recovered; the rest of the account is left as it was', async () => {
    // Prepare / Act
    const run = await drill('dataset-platform database-failure');
    // Assess
    expect(run.report.components.map((c) => c.id)).toEqual(['core-database']);
    const state = finalState(run.report);
    expect(Object.values(state['route53-recovery-cluster'].routingControls).map((c) => c.updates)).toEqual([0, 0]);
    expect(state.ssm.parameters['ap-northeast-3']?.['/dataset-platform/storage/bucket']?.value).toBe('dataset-platform-datasets-tokyo');
  });
});

// ---- 2. a plan of another shape -------------------------------------------------------------------

describe('drill of a plan of another shape (web-shop, Ireland -> Frankfurt)', () => {
  it('validates', async () => {
    // Act
    const plan = await loadPlanFile(SECOND);
    // Assess
    expect(plan).toMatchObject({ name: 'web-shop', regions: { primary: 'eu-west-1', secondary: 'eu-central-1' } });
    expect(plan.tiers).toHaveLength(3);
    expect(new Set(plan.components.map((c) => c.type))).toEqual(
      new Set(['aurora-global-failover', 'rds-point-in-time-restore', 'ec2-asg-scale', 'lambda-invoke', 'route53-failover', 's3-version-restore']),
    );
  });

  it.each(['web-shop planned-switchover', 'web-shop region-failover (alarm)', 'web-shop catalogue-corruption'] as const)(
    '%s: recovered, every resource in its final state, each tier on its critical path',
    async (name) => {
      // Prepare / Act
      const run = await drill(name);
      // Assess
      expect(run.report).toMatchObject({ plan: 'web-shop', outcome: 'recovered', reason: null });
      expect(run.report.components.length).toBeGreaterThan(0);
      expect(run.report.components.every((c) => c.status === 'recovered' && c.error === null)).toBe(true);
      expectFinalState(run);
      // An alarm start measures from the alarm's state change: no time to detect is added.
      expectCriticalPath(run, run.spec.event === undefined ? DETECTION_SECONDS : 0);
    },
  );

  it('planned-switchover switches Aurora over (no data loss) and leaves the ledger and the catalogue alone', async () => {
    // Prepare / Act
    const run = await drill('web-shop planned-switchover');
    // Assess
    expect(run.report.components.map((c) => c.id).sort()).toEqual(['order-workers', 'orders-db', 'storefront-dns', 'warm-caches']);
    const started = run.steps.find((s) => s.component === 'orders-db' && s.state === 'Start Recovery Action');
    expect(started?.status).toBe('switchover requested');
    expect(tier(run.report, 'data').achievedMinutes).toBe(DETECTION_SECONDS / 60 + 2);
  });

  it('region-failover from the alarm fails Aurora over, restores the ledger to the hour before the incident and measures its RPO', async () => {
    // Prepare / Act
    const run = await drill('web-shop region-failover (alarm)');
    // Assess
    expect(run.report).toMatchObject({ scenario: 'region-failover', startedAt: '2026-11-29T09:30:00.000Z' });
    const started = run.steps.find((s) => s.component === 'orders-db' && s.state === 'Start Recovery Action');
    expect(started?.status).toBe('failover requested');
    expect(finalState(run.report).rds.instances['eu-central-1']?.['shop-ledger-fra']).toMatchObject({ restoredTo: '2026-11-29T09:00:00.000Z' });
    expect(run.report.rpo).toEqual(expect.arrayContaining([{ dataClass: 'ledger', targetMinutes: 60, measuredMinutes: 30, met: true, source: 'ledger-db: point in time restored', uncertaintyMinutes: null, replicaLagMinutes: null }]));
    // The data tier (holding the Aurora failover) waits for the approver, then for the hour-long restore;
    // the record change follows two tiers later.
    const approval = APPROVAL_SECONDS / 60;
    expect(run.report.tiers.map((t) => [t.id, t.achievedMinutes])).toEqual([['data', approval + 60], ['compute', approval + 63], ['traffic', approval + 64]]);
  });

  it('catalogue-corruption copies back the damaged catalogue files only', async () => {
    // Prepare / Act
    const run = await drill('web-shop catalogue-corruption');
    // Assess
    const restore = run.plan.components.find((c): c is ComponentOf<'s3-version-restore'> => c.id === 'catalogue-restore')!;
    expect(expectObjectsAtPointInTime(restore, finalState(run.report), run.report)).toBeGreaterThan(0);
    // More than one page of 25 versions was listed: the restore went on from check to check.
    expect(run.steps.filter((s) => s.component === 'catalogue-restore' && s.state === 'Check Recovery Action').length).toBeGreaterThan(1);
  });
});

// ---- 3. injected faults ---------------------------------------------------------------------------

describe('drill with injected faults', () => {
  it.each([
    ['dataset-platform region-outage throttle:rds:3', 'core-database', '{"kind":"throttle","service":"rds","calls":3}'],
    ['web-shop region-failover throttle:autoscaling:6', 'order-workers', '{"kind":"throttle","service":"autoscaling","calls":6}'],
  ] as const)('%s: the calls throttled past the SDK\'s 3 attempts are retried by the state machine and recorded on %s; the run still recovers', async (name, id, fault) => {
    // Prepare / Act
    const run = await drill(name);
    // Assess
    expect(run.report).toMatchObject({ outcome: 'recovered', faults: [fault] });
    const throttled = component(run.report, id);
    expect(throttled.status).toBe('recovered');
    expect(throttled.retries.length).toBeGreaterThan(0);
    expect(throttled.retries.every((r) => r.error === 'AwsThrottlingError')).toBe(true);
    expect(throttled.attempts).toBeGreaterThan(1);
    expect(throttled.attempts).toBe(1 + throttled.retries.filter((r) => r.state === 'Start Recovery Action').length);
    expect(run.report.components.filter((c) => c.id !== id).every((c) => c.retries.length === 0 && c.attempts === 1)).toBe(true);
    expect(run.steps.some((s) => s.component === id && s.status === 'retry 1 after AwsThrottlingError')).toBe(true);
    expectFinalState(run);
  });

  it('throttle:autoscaling:2: the SDK\'s own retries absorb two throttled attempts; no task is retried', async () => {
    // Prepare / Act
    const run = await drill('web-shop region-failover throttle:autoscaling:2');
    // Assess
    expect(run.report.outcome).toBe('recovered');
    expect(run.report.faults).toEqual(['{"kind":"throttle","service":"autoscaling","calls":2}']);
    expect(component(run.report, 'order-workers')).toMatchObject({ status: 'recovered', attempts: 1, retries: [] });
    expect(run.report.components.every((c) => c.retries.length === 0)).toBe(true);
  });

  it('fail:core-database (tier 1): the run fails with our error name, later tiers are not started, exit code 1', async () => {
    // Prepare / Act
    const run = await drill('dataset-platform region-outage fail:core-database');
    // Assess
    expect(run.command?.code).toBe(1);
    expect(run.command?.out).toContainEqual(expect.stringMatching(/^FAILED: dataset-platform \/ region-outage — tier tier-1 failed: core-database \(ActionFailedError: /));
    expect(run.report).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/^tier tier-1 failed: core-database \(ActionFailedError: .*\); not started: tier-2, tier-3, tier-4$/) });
    expect(component(run.report, 'core-database')).toMatchObject({ status: 'failed', error: { name: 'ActionFailedError', message: expect.stringContaining('dataset-db-osaka') } });
    expect(component(run.report, 'authentication').status).toBe('recovered');
    expect(run.report.tiers.map((t) => [t.id, t.status, t.achievedMinutes])).toEqual([
      ['tier-1', 'failed', null], ['tier-2', 'not-started', null], ['tier-3', 'not-started', null], ['tier-4', 'not-started', null],
    ]);
    const later = run.report.components.filter((c) => c.tier !== 'tier-1');
    expect(later.map((c) => c.id)).toEqual(recoveryOrder(run.plan, 'region-outage').tiers.slice(1).flatMap((t) => t.components.map((c) => c.id)));
    expect(later.every((c) => c.status === 'not-started' && c.startedAt === null && c.attempts === 0)).toBe(true);
    expect(finalState(run.report).rds.instances['ap-northeast-3']?.['dataset-db-osaka']?.status).toBe('failed');
    expectFinalState(run);
  });

  it('fail:warm-caches (tier 2 of 3, another plan): the custom step fails, the traffic tier is not started', async () => {
    // Prepare / Act
    const run = await drill('web-shop region-failover fail:warm-caches');
    // Assess
    expect(run.report.outcome).toBe('failed');
    expect(component(run.report, 'warm-caches')).toMatchObject({ status: 'failed', error: { name: 'CustomStepFailedError' } });
    expect(run.report.tiers.map((t) => [t.id, t.status])).toEqual([['data', 'recovered'], ['compute', 'failed'], ['traffic', 'not-started']]);
    expect(component(run.report, 'storefront-dns').status).toBe('not-started');
    expectFinalState(run);
  });

  it('fail on a manual step: the operator rejects it, ApprovalDeniedError', async () => {
    // Prepare / Act
    const run = await drill('dataset-platform region-outage fail:development-environment');
    // Assess
    expect(run.report).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('development-environment (ApprovalDeniedError') });
    expect(component(run.report, 'development-environment')).toMatchObject({ status: 'failed', error: { name: 'ApprovalDeniedError' } });
    expect(component(run.report, 'test-environment').status).toBe('recovered');
    expect(run.report.tiers.map((t) => t.status)).toEqual(['recovered', 'recovered', 'recovered', 'failed']);
    expect(run.steps).toContainEqual(expect.objectContaining({ component: 'development-environment', state: 'Request Operator Confirmation', status: 'failed: ApprovalDeniedError' }));
  });

  it('slow:core-database:3: tier 1 takes three times the promotion, and every later tier is that much later', async () => {
    // Prepare / Act
    const baseline = await drill('dataset-platform region-outage');
    const run = await drill('dataset-platform region-outage slow:core-database:3');
    // Assess
    expect(run.report.outcome).toBe('recovered');
    // Every phase of the promotion (modifying, backing-up, rebooting) is slowed; the old primary's 5 s probe is not.
    const extraMinutes = (2 * PROMOTION_SECONDS) / 60;
    expect(run.report.tiers.map((t) => t.achievedMinutes)).toEqual(baseline.report.tiers.map((t) => (t.achievedMinutes ?? Number.NaN) + extraMinutes));
    expect(ms(component(run.report, 'core-database').finishedAt) - ms(component(run.report, 'core-database').startedAt)).toBe((PROBE_SECONDS + 3 * PROMOTION_SECONDS) * 1000);
    expectCriticalPath(run, DETECTION_SECONDS);
  });
});

// ---- a region outage of us-east-1, where Route 53's control plane is ---------------------------------

describe('drill of a plan whose primary is us-east-1, the Route 53 control plane down with it (control-plane-down:route53)', () => {
  it('routing-control mode recovers DNS through the ARC cluster: the us-east-1 endpoint times out, the next one sets the controls, DNS follows; its verification is reported as not done', async () => {
    // Prepare / Act
    const run = await drill('checkout region-outage control-plane-down:route53');
    // Assess
    expect(run.report).toMatchObject({ plan: 'checkout', scenario: 'region-outage', outcome: 'recovered', reason: null, faults: ['{"kind":"control-plane-down","service":"route53"}'] });
    expect(component(run.report, 'api-dns')).toMatchObject({ status: 'recovered', error: null, attempts: 1, retries: [] });
    const starts = run.steps.filter((s) => s.component === 'api-dns' && s.state === 'Start Recovery Action');
    expect(starts.map((s) => s.status)).toEqual(['routing controls set (primary Off, secondary On) on us-west-2; were primary On, secondary Off']);
    expect(component(run.report, 'api-dns').lastStatus).toMatch(
      // The control plane does not answer: the read's own 5 s bound ends it (before the client's 3 attempts of 3 s would).
      /^routing controls: primary Off, secondary On; DNS not verified: TestDNSAnswer: the Route 53 control plane \(us-east-1\) did not answer \(AbortError: Request aborted\)$/,
    );
    // The data plane failed over: the final state's DNS answer is the secondary's (expectFinalState), the controls Off/On.
    expectFinalState(run);
    expect(finalState(run.report).route53.hostedZones.Z0CHECKOUT00001?.dnsAnswers['api.checkout.example.com CNAME']).toEqual(['api-us-west-2.checkout.example.com']);
  });

  it('record mode cannot: every attempt meets the silent us-east-1 control plane, and the run fails with an error naming routing-control mode', async () => {
    // Prepare / Act
    const run = await drill('checkout region-outage-record-mode control-plane-down:route53');
    // Assess
    expect(run.report).toMatchObject({
      outcome: 'failed',
      reason: expect.stringMatching(/^tier traffic failed: status-dns \(AwsTransientError: the Route 53 control plane \(us-east-1\) did not answer ListResourceRecordSets/),
    });
    const status = component(run.report, 'status-dns');
    expect(status).toMatchObject({ status: 'failed', error: { name: 'AwsTransientError', message: expect.stringContaining('mode routing-control fails over on the ARC data plane without it') } });
    // Retried as a transient error (the control plane may come back), then given up.
    expect(status.retries.length).toBeGreaterThan(0);
    expect(status.retries.every((r) => r.error === 'AwsTransientError')).toBe(true);
    const state = finalState(run.report);
    expect(state.route53.changes).toEqual({});
    expect(state.route53.hostedZones.Z0CHECKOUT00001?.dnsAnswers['status.checkout.example.com A']).toEqual(['192.0.2.10']);
  });
});

// ---- 4 and 5. what every report satisfies -----------------------------------------------------------

describe.each(Object.keys(RUNS) as RunName[])('report of %s', (name) => {
  it('starts no component of a tier before the previous tier\'s last component finished', async () => {
    // Prepare / Act
    const { report, steps } = await drill(name);
    // Assess
    const tiers = [...report.tiers].sort((a, b) => a.order - b.order);
    for (let i = 1; i < tiers.length; i++) {
      const previous = report.components.filter((c) => c.tier === tiers[i - 1]!.id);
      const current = report.components.filter((c) => c.tier === tiers[i]!.id && c.startedAt !== null);
      if (current.length === 0) continue;
      const previousFinished = Math.max(...previous.map((c) => ms(c.finishedAt)));
      expect(previousFinished, `${tiers[i - 1]!.id} finished`).not.toBeNaN();
      expect(ms(tiers[i - 1]!.finishedAt)).toBe(previousFinished);
      for (const c of current) expect(ms(c.startedAt), `${c.id} (${c.tier}) started`).toBeGreaterThanOrEqual(previousFinished);
      // The progress steps agree: nothing of this tier happened before.
      for (const s of steps.filter((x) => x.tier === tiers[i]!.id)) expect(ms(s.at), `${s.component ?? s.tier} ${s.state}`).toBeGreaterThanOrEqual(previousFinished);
    }
  });

  it('validates against drillReportSchema (report.json)', async () => {
    // Prepare
    const run = await drill(name);
    const json = run.command?.json ?? JSON.stringify(run.report);
    // Act
    const parsed = drillReportSchema.safeParse(JSON.parse(json));
    // Assess
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it('renders report.md with the tier table and a mermaid gantt, and a self-contained report.html with an SVG', async () => {
    // Prepare
    const { report, command } = await drill(name);
    // Act
    const md = command?.md ?? renderMarkdown(report);
    const html = command?.html ?? renderHtml(report);
    // Assess
    expect(md).toContain('| tier | order | RTO target (min) | achieved (min) | met | status |');
    for (const t of report.tiers) expect(md).toContain(`| ${t.id} | ${t.order} | ${t.rtoTargetMinutes} | ${t.achievedMinutes ?? '—'} |`);
    const timed = report.components.filter((x) => x.startedAt && x.finishedAt);
    const gantt = /```mermaid\ngantt\n([\s\S]*?)\n```/.exec(md);
    // A run that started no component (an approval denied) has no timeline.
    if (timed.length === 0) expect(md).not.toContain('```mermaid');
    else expect(gantt, 'mermaid gantt block').not.toBeNull();
    for (const c of timed) expect(gantt![1]).toContain(`  ${c.id} :`);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=/i);
  });
});

// A compile-time check (tsc): what runDrill returns is what the schema describes.
const _reportMatchesSchema: z.input<typeof drillReportSchema> = {} as DrillReport;
