import type { PlanIssue } from '../errors.ts';
import { COMPONENT_TYPES } from '../components/registry.ts';
import { componentTask } from '../run/component-task.ts';
import { prepareRun } from '../run/prepare.ts';
import { reversedComponents } from './direction.ts';
import { summaryOutput } from '../run/tiers.ts';
import type { ComponentOutcome, ComponentRef } from '../run/types.ts';
import type { CheckResult } from '../checks/result.ts';
import { recoveryOrder } from './recovery-order.ts';
import type { Plan } from './schema.ts';

/**
 * Step Functions passes each state at most 256 KiB of input and output
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html); a run whose state grows
 * past it fails with States.DataLimitExceeded, in the middle of a recovery. The run's state names its
 * components (id and type) and carries each one's outcome, not its definition or its checks' details
 * (Load Component Definition reads the definition from the packaged plan; full results are in the state
 * table), so it grows by about 0.2 KiB per component; a very large plan can still pass the limit. `validate` (and packaging) refuse such a plan before it is deployed: this estimates
 * the largest state of every scenario from the state the first task really builds (prepareRun) plus
 * generously sized results, and the drill measures the real figure (shared/tools/drill/limits.ts).
 */
export const STATE_PAYLOAD_LIMIT_BYTES = 262_144;

/** An execution's history holds at most this many events (same page as the payload limit). */
export const HISTORY_EVENTS_LIMIT = 25_000;

/** UTF-8 bytes of a value as Step Functions passes it (JSON). */
export const payloadBytes = (value: unknown): number => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8'));

/**
 * Strings somewhat longer than the real ones (a status line, a check's detail, an observation), so the
 * estimate errs high without refusing plans that fit: it reads 1.01 times the drill's measurement for
 * the example plan (7,648 against 7,576 bytes) and 1.007 times for 300 services with checks (81,910
 * against 81,371).
 */
const LONG = 'x'.repeat(100);
const ISO = '2026-01-01T00:00:00.000Z';

/** A recovered component's outcome (a failed component stops the later tiers, so the largest state is a recovery's). */
function generousOutcome(component: ComponentRef, tier: string): ComponentOutcome {
  return { id: component.id, tier, type: component.type, status: 'recovered', startedAt: ISO, finishedAt: ISO, attempts: 99, error: null };
}

/**
 * Check types whose detail and observations run longer than LONG, in characters (somewhat above what the
 * example's drill writes: a VPN names both tunnels and the BGP peers, a metric its window and worst datapoint).
 */
const LONGER_RESULTS: Partial<Record<string, { detail: number; observations: number }>> = {
  'vpn-connection': { detail: 340, observations: 660 },
  'security-settings': { detail: 300, observations: 380 },
  metric: { detail: 140, observations: 360 },
  'load-balancer': { detail: 130, observations: 290 },
  's3-objects': { detail: 170, observations: 360 },
  's3-bucket': { detail: 150, observations: 250 },
  's3-replication-rpo': { detail: 280, observations: 210 },
  'dns-answer': { detail: 115, observations: 170 },
};

/** A check's result with a long detail and observations, as Verify Component returns it. */
const generousCheck = (component: string, name: string, type: string): CheckResult => {
  const size = LONGER_RESULTS[type];
  const detail = size ? 'x'.repeat(size.detail) : LONG;
  // {"a":"…"} is 8 characters more than the string.
  const observations = { a: size ? 'x'.repeat(size.observations - 8) : LONG };
  return { component, name, type: type as CheckResult['type'], advisory: false, status: 'passed', detail, observations, checkedAt: ISO };
};

/** The estimated largest state of a run of the scenario, in bytes, and the state where it is reached. */
export function largestStateEstimate(plan: Plan, scenario: string): { bytes: number; at: string } {
  const oneWay = new Set(Object.values(COMPONENT_TYPES).filter((d) => d.oneWay !== null).map((d) => d.type));
  const state = prepareRun(
    plan,
    {
      input: { scenario, mode: plan.scenarios.find((s) => s.id === scenario)?.mode ?? 'unplanned', reason: LONG, requestedBy: LONG },
      executionId: `arn:aws:states:${plan.regions.secondary}:123456789012:execution:${LONG}`,
      executionStartedAt: ISO,
    },
    undefined,
    oneWay,
    // A failback runs only while the system runs in the secondary; a re-protect is estimated there too (its components reversed).
    plan.scenarios.find((s) => s.id === scenario)?.stage === 'recover' ? null : plan.regions.secondary,
  );
  const reversed = state.run.direction === 'reverse' ? reversedComponents(plan) : undefined;
  const outcomes = state.tiers.map((t) => t.components.map((c) => generousOutcome(c, t.id)));
  const checks = [
    ...state.tiers.flatMap((t) => t.components.flatMap((c) => componentTask(plan, scenario, c.id, reversed).checks.map((k) => generousCheck(c.id, k.name ?? k.type, k.type)))),
    ...state.verification.checks.map((k) => generousCheck('', k.name ?? k.type, k.type)),
  ];
  const candidates: { bytes: number; at: string }[] = [
    // Before the last tier's Record Tier Outcome: every earlier tier's outcomes in the state, the last
    // tier's beside them as the Map's output.
    {
      at: 'Recover Tier Components (output)',
      bytes: payloadBytes({ ...state, current: { run: state.run, tier: state.tiers.at(-1) }, results: { ...state.results, components: outcomes.slice(0, -1).flat() }, tierResults: outcomes.at(-1) ?? [] }),
    },
    // After the final verification: every component's outcome in the state, the system checks' results beside them.
    {
      at: 'Verify System (output)',
      bytes: payloadBytes({
        ...state,
        results: {
          tiers: state.tiers.map((t) => ({ id: t.id, order: t.order, rtoTargetMinutes: t.rtoTargetMinutes, achievedMinutes: 9999, met: true, status: 'recovered', startedAt: ISO, finishedAt: ISO })),
          components: outcomes.flat(),
        },
        verification: { ...state.verification, results: state.verification.checks.map((k) => generousCheck('', k.name ?? k.type, k.type)) },
      }),
    },
    // The execution's output: every component's outcome and every check's status.
    {
      at: 'Summarise Run (output)',
      bytes: payloadBytes(summaryOutput({
        plan: plan.name, scenario, mode: state.run.mode, outcome: 'recovered', reason: LONG, startedAt: ISO, finishedAt: ISO, trigger: state.run.trigger,
        incidentId: state.run.incidentId, resumeOf: null, approval: null,
        tiers: state.tiers.map((t) => ({ id: t.id, order: t.order, rtoTargetMinutes: t.rtoTargetMinutes, achievedMinutes: 9999, met: true, status: 'recovered', startedAt: ISO, finishedAt: ISO })),
        components: outcomes.flat().map((o) => ({ ...o, attempts: 99, polls: 999, lastStatus: LONG, observations: { a: LONG }, verification: [] })),
        checks,
        rpo: Object.keys(plan.rpoClasses).map((dataClass) => ({ dataClass, targetMinutes: 9999, measuredMinutes: 9999, met: true, source: LONG, uncertaintyMinutes: 9999, replicaLagMinutes: 9999 })),
      })),
    },
    // A component's branch after its checks ran: its definition, its action and its checks' results.
    ...state.tiers.flatMap((t) => t.components.map((c) => {
      const task = componentTask(plan, scenario, c.id, reversed);
      const action = { startedAt: ISO, deadline: ISO, done: true, nextCheckSeconds: 999, status: LONG, state: { a: LONG }, observations: { a: LONG }, attempts: 99, polls: 999, awaitingConfirmation: false };
      return { at: `Verify Component (output, ${c.id})`, bytes: payloadBytes({ run: state.run, component: task, approval: state.approval, action, verification: { checks: task.checks.map((k) => generousCheck(c.id, k.name ?? k.type, k.type)) } }) };
    })),
  ];
  return candidates.reduce((a, b) => (b.bytes > a.bytes ? b : a));
}

/*
 * History events of a run (statemachines/failover.asl.json), counted as a real execution's history has
 * them (shared/tools/drill/limits.ts historyEventsOf): a Lambda Task is 5 (Entered, Scheduled, Started,
 * Succeeded, Exited), any other state 2 (Entered, Exited), a Map 4 and 2 per item.
 */
const TASK = 5;
const STATE = 2;
/**
 * The run's own states: start, Prepare Run, the lock, the notices, Verify System, Summarise Run, the end,
 * and the Choices before Prepare Run (Is Trigger Deferred), after it (Is Trigger Still Firing) and before
 * Verify System (Is System Metric Window Due).
 */
const RUN_EVENTS = 2 + 7 * TASK + 5 * STATE;
/** A tier: Select Next Tier, Is Approval Due, the Map, Record Tier Outcome, Notify Tier Outcome, Is Another Tier Due. */
const TIER_EVENTS = 3 * STATE + 4 + 2 * TASK;
/** A component whose action is done when started: its Map item, Load, Start, Route, Record (and Verify with checks). */
const COMPONENT_MIN_EVENTS = 2 + 3 * TASK + STATE;
/** Each poll of an action that is not done at once: Wait, Check, Is Action Done. */
const POLL_EVENTS = 2 * STATE + TASK;

/**
 * A run's history events: at least `min` (every action done as soon as it starts, no retry), and
 * `typical` with one poll per component (what the drill measures for actions that take one wait:
 * 35 events a component with checks).
 */
export function historyEventsEstimate(plan: Plan, scenario: string): { min: number; typical: number } {
  const tiers = recoveryOrder(plan, scenario).tiers;
  let min = RUN_EVENTS + tiers.length * TIER_EVENTS;
  let typical = min;
  for (const c of tiers.flatMap((t) => t.components)) {
    // Verify Component and the Choice before it (Is Metric Window Due), and the Wait when the component has metric checks.
    const checks = c.checks.filter((k) => k.onlyInScenarios === undefined || k.onlyInScenarios.includes(scenario));
    const verify = checks.length > 0 ? TASK + STATE + (checks.some((k) => k.type === 'metric') ? STATE : 0) : 0;
    min += COMPONENT_MIN_EVENTS + verify;
    typical += COMPONENT_MIN_EVENTS + verify + POLL_EVENTS;
  }
  return { min, typical };
}

/** Every scenario whose run would pass the payload limit, as plan issues naming the scenario. */
export function limitIssues(plan: Plan): PlanIssue[] {
  const fix = 'recover fewer components per scenario (split the scenario, or the system into plans of its own)';
  const kib = (n: number) => `${Math.round(n / 1024)} KiB`;
  return plan.scenarios.flatMap((scenario, i) => {
    const issues: PlanIssue[] = [];
    const { bytes: estimate, at } = largestStateEstimate(plan, scenario.id);
    if (estimate > STATE_PAYLOAD_LIMIT_BYTES) {
      issues.push({
        path: `scenarios.${i}`,
        message: `a run of "${scenario.id}" would carry about ${kib(estimate)} of state at ${at}, over Step Functions' ${kib(STATE_PAYLOAD_LIMIT_BYTES)} per state (States.DataLimitExceeded): ${fix}`,
      });
    }
    const { min } = historyEventsEstimate(plan, scenario.id);
    if (min > HISTORY_EVENTS_LIMIT) {
      issues.push({
        path: `scenarios.${i}`,
        message: `a run of "${scenario.id}" would take at least ${min.toLocaleString('en-US')} history events, over Step Functions' ${HISTORY_EVENTS_LIMIT.toLocaleString('en-US')} per execution: ${fix}`,
      });
    }
    return issues;
  });
}

/** Scenarios whose run fits only if its actions need few polls: a warning, not an error (validate prints it). */
export function historyWarnings(plan: Plan): PlanIssue[] {
  return plan.scenarios.flatMap((scenario, i) => {
    const { min, typical } = historyEventsEstimate(plan, scenario.id);
    if (min > HISTORY_EVENTS_LIMIT || typical <= HISTORY_EVENTS_LIMIT) return [];
    return [{
      path: `scenarios.${i}`,
      message:
        `a run of "${scenario.id}" takes about ${typical.toLocaleString('en-US')} history events with one check of each action ` +
        `(at least ${min.toLocaleString('en-US')}), over Step Functions' ${HISTORY_EVENTS_LIMIT.toLocaleString('en-US')} per execution: it fails unless most actions are done at once; split the scenario`,
    }];
  });
}
