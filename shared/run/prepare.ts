import { lazy, minLength, object, refine, string, unknown, type output } from 'zod/mini';
import { InvalidInputError } from '../errors.ts';
import { findScenario, movesActiveRegion, recoveryOrder, scenarioForAlarm } from '../plan/recovery-order.ts';
import type { Plan, Scenario } from '../plan/schema.ts';
import type { IncidentRecord } from '../state/run-records.ts';
import { parseExecutionInput, type StartRequest } from './input.ts';
import { parseTaskInput } from './task-input.ts';
import './schema-messages.ts';
import { outcomeOf } from './component-outcome.ts';
import { inScenario, metricWindowSeconds } from './component-task.ts';
import type { ApprovalState, ComponentOutcome, RunDirection, RunState, TierTask } from './types.ts';

/** The state machine's own TimeoutSeconds: after it an execution is surely over, so its lock may be taken over. */
export const EXECUTION_TIMEOUT_SECONDS = 172_800;

/** An earlier run of the same incident, as the state table has it (a console start with `resumeOf`). */
export type PreviousIncident = IncidentRecord;


/** Clock skew tolerated between an alarm's state time and the execution's start. */
const ALARM_CLOCK_SKEW_MS = 60_000;

export interface PrepareInput {
  input: unknown;
  executionId: string;
  /** The execution's start time ($$.Execution.StartTime): the incident's start for a console run. */
  executionStartedAt: string;
}

/**
 * Prepare Run's input (Parameters `{ input: $, executionId: $$.Execution.Id, executionStartedAt:
 * $$.Execution.StartTime }`). The execution input itself is a console start or an alarm, told apart by
 * its keys: parseExecutionInput parses it into the start request, naming a bad field in its own terms
 * (e.g. `reason`, not `input.reason`). zod/mini's transform would carry that step inside the schema,
 * but adds ≈ 2.8 KiB to a bundle at its size target (scripts/bench-bundles.ts).
 */
export const prepareInput = lazy(() =>
  object({
    input: unknown(),
    executionId: string().check(minLength(1)),
    executionStartedAt: string().check(refine((v) => !Number.isNaN(Date.parse(v)), { message: 'not a timestamp' })),
  }),
);

/** Prepare Run's input with the execution input parsed into the start request: what layOutRun lays the run out from. */
export interface PreparedInput {
  request: StartRequest;
  executionId: string;
  executionStartedAt: string;
}

/** The parsed task input → the prepared input (parseExecutionInput: InvalidInputError naming the field of the execution input). */
export function withStartRequest({ input, executionId, executionStartedAt }: output<typeof prepareInput>): PreparedInput {
  return { request: parseExecutionInput(input), executionId, executionStartedAt };
}

/**
 * Validates the execution input against the packaged plan and lays out the run: the scenario's tiers
 * in order with their components. Changes nothing in AWS. Bad input → InvalidInputError naming the field.
 * `oneWayTypes`: the plan's component types whose recovery is a one-way step (shared/components/load.ts
 * `oneWayTypes`), loaded by the caller so this stays synchronous; the approval gate stops before them.
 * `unprovenFencingTypes` (shared/components/load.ts `unprovenFencingTypes`): the one-way types that cannot prove
 * an unreachable old primary fenced; an unplanned run holding one always waits for approval.
 */
export function prepareRun(
  plan: Plan,
  input: PrepareInput,
  previous: PreviousIncident | undefined,
  oneWayTypes: ReadonlySet<string>,
  activeRegion: string | null = null,
  unprovenFencingTypes: ReadonlySet<string> = new Set(),
): RunState {
  return layOutRun(plan, withStartRequest(parseTaskInput(prepareInput, input)), previous, oneWayTypes, activeRegion, unprovenFencingTypes);
}

/**
 * The run's direction from where the system runs now (the state table's active region; null: the plan's
 * primary). A recovery starts from the primary and a failback from the secondary; anything else is
 * refused before any change (InvalidInputError naming `scenario`). A re-protect protects wherever the
 * system runs.
 */
export function runDirection(plan: Plan, scenario: Scenario, activeRegion: string | null): RunDirection {
  const active = activeRegion ?? plan.regions.primary;
  if (active !== plan.regions.primary && active !== plan.regions.secondary) {
    throw new InvalidInputError(`scenario: the state table says the system runs in ${active}, which is neither region of plan "${plan.name}"; correct or delete its active-region record (README "Re-protect and failback")`, { field: 'scenario' });
  }
  const reverse = active === plan.regions.secondary;
  const others = (stage: Scenario['stage']) => plan.scenarios.filter((s) => s.stage === stage).map((s) => s.id);
  if (scenario.stage === 'recover' && reverse) {
    const failbacks = others('failback');
    throw new InvalidInputError(
      `scenario: "${scenario.id}" recovers from ${plan.regions.primary}, and the system runs in ${plan.regions.secondary} since a recovery moved it there; ` +
        (failbacks.length ? `fail back first (scenario ${failbacks.join(' or ')})` : 'add a failback scenario (stage failback) to the plan and run it first'),
      { field: 'scenario' },
    );
  }
  if (scenario.stage === 'failback' && !reverse) {
    throw new InvalidInputError(`scenario: "${scenario.id}" fails back to ${plan.regions.primary}, where the system already runs (no recovery moved it to ${plan.regions.secondary})`, { field: 'scenario' });
  }
  return reverse ? 'reverse' : 'forward';
}

/**
 * Whether the run waits for a person's approval before its first one-way step. The plan decides: the
 * scenario's `approval.required`, else its mode (an unplanned scenario is a failover a person confirms;
 * starting a planned one was the decision). A console start's `mode` can add the gate (`unplanned` on a
 * planned scenario) but never take it away: `mode: planned` on an unplanned scenario still runs as a
 * switchover, and still waits for the approval. Refusing such a start would be the other choice; it is
 * not taken because a planned test of an unplanned scenario is legitimate (the test programme starts
 * exactly that), and the gate, not the refusal, is what protects the one-way step. A plan that wants
 * such tests to run unattended says so in the scenario (`approval.required: false`), where it is reviewed.
 */
export function approvalRequired(scenario: Scenario, mode: Scenario['mode']): boolean {
  return scenario.approval.required ?? (scenario.mode === 'unplanned' || mode === 'unplanned');
}

/** prepareRun for an input parsed already (the prepare-run function parses it at the edge). */
export function layOutRun(
  plan: Plan,
  { request, executionId, executionStartedAt }: PreparedInput,
  previous: PreviousIncident | undefined,
  oneWayTypes: ReadonlySet<string>,
  activeRegion: string | null = null,
  unprovenFencingTypes: ReadonlySet<string> = new Set(),
): RunState {
  let scenarioId = request.scenario;
  if (request.alarmName) {
    const triggered = scenarioForAlarm(plan, request.alarmName);
    if (!triggered) {
      throw new InvalidInputError(`alarmName: alarm "${request.alarmName}" triggers no scenario of plan "${plan.name}"`, {
        field: 'alarmName',
      });
    }
    scenarioId = triggered.id;
  }
  const scenario = findScenario(plan, scenarioId ?? '');
  const direction = runDirection(plan, scenario, activeRegion);
  const order = recoveryOrder(plan, scenario.id);
  const executionStart = Date.parse(executionStartedAt);
  let startedAt = new Date(executionStart).toISOString();
  if (request.incidentStartedAt !== undefined) {
    const incident = Date.parse(request.incidentStartedAt);
    // An operator's incidentStartedAt cannot be later than the start they asked for. An alarm's state
    // time comes from CloudWatch's clock, not Step Functions': allow a little skew, never a start
    // later than the execution's (RTO is measured from here).
    const tolerance = request.trigger.kind === 'alarm' ? ALARM_CLOCK_SKEW_MS : 0;
    if (incident > executionStart + tolerance) {
      const field = request.incidentStartedAtField ?? 'incidentStartedAt';
      throw new InvalidInputError(`${field}: ${request.incidentStartedAt} is after the execution started (${executionStartedAt})`, { field });
    }
    startedAt = new Date(Math.min(incident, executionStart)).toISOString();
  }
  if (request.resumeOf !== undefined) {
    if (!previous) throw new InvalidInputError(`resumeOf: no run ${request.resumeOf} is recorded for this plan`, { field: 'resumeOf' });
    if (previous.plan !== plan.name) {
      throw new InvalidInputError(`resumeOf: ${request.resumeOf} is a run of plan "${previous.plan}", not "${plan.name}"`, { field: 'resumeOf' });
    }
    if (previous.scenario !== scenario.id) {
      throw new InvalidInputError(`scenario: the run to resume recovered "${previous.scenario}"; resume it with "scenario": "${previous.scenario}"`, { field: 'scenario' });
    }
    // The incident began when the first run said it did: RTO covers the whole incident.
    startedAt = previous.incidentStartedAt;
  }
  // Components an earlier run of this incident recovered are carried over, not run again.
  const inOrder = order.tiers.flatMap((t) => t.components.map((c) => c.id));
  const carried: ComponentOutcome[] = (previous?.components ?? [])
    .filter((c) => c.status === 'recovered' && inOrder.includes(c.id))
    .sort((a, b) => inOrder.indexOf(a.id) - inOrder.indexOf(b.id))
    .map(outcomeOf);
  const done = new Set(carried.map((c) => c.id));
  const tiers: TierTask[] = order.tiers.map((tier) => ({
    ...tier,
    components: tier.components.filter((c) => !done.has(c.id)).map((c) => ({ id: c.id, type: c.type })),
  }));
  const gateTier = tiers.findIndex((t) => t.components.some((c) => oneWayTypes.has(c.type)));
  const mode = request.mode ?? scenario.mode;
  const approval: ApprovalState = {
    // An unplanned step that goes on past an old primary that does not answer cannot prove it fenced: a person
    // decides, whatever the scenario says (shared/components/<type>/one-way.ts fencingUnprovenWhenUnreachable).
    required: gateTier >= 0 && (approvalRequired(scenario, mode) || (mode === 'unplanned' && tiers.some((t) => t.components.some((c) => unprovenFencingTypes.has(c.type))))),
    tierIndex: gateTier,
    timeoutSeconds: (scenario.approval.timeoutMinutes ?? plan.safety.approvalTimeoutMinutes) * 60,
    oneWayComponents: tiers.flatMap((t) => t.components.filter((c) => oneWayTypes.has(c.type)).map((c) => c.id)),
    decision: null,
    error: null,
  };
  return {
    run: {
      executionId,
      incidentId: previous?.incidentId ?? executionId,
      resumeOf: request.resumeOf ?? null,
      plan: plan.name,
      scenario: scenario.id,
      scenarioName: scenario.name,
      // An alarm start uses the scenario's mode; a console start says which (planned = switchover).
      mode,
      severity: scenario.severity,
      trigger: request.trigger,
      incidentStartedAt: startedAt,
      regions: direction === 'reverse' ? { primary: plan.regions.secondary, secondary: plan.regions.primary } : plan.regions,
      stage: scenario.stage,
      direction,
      movesActiveRegion: movesActiveRegion(plan, scenario),
    },
    tiers,
    tierIndex: 0,
    tierCount: tiers.length,
    approval,
    lock: {
      cooldownMinutes: plan.safety.cooldownMinutes,
      // A resume continues the same incident: the cooldown between incidents does not apply to it. Nor
      // to a re-protect or failback: planned, started by a person (never an alarm), so not a flap; the
      // run that follows a failback is held by the cooldown, as after any recovery.
      ignoreCooldown: request.ignoreCooldown === true || request.resumeOf !== undefined || scenario.stage !== 'recover',
      expiresAt: new Date(executionStart + EXECUTION_TIMEOUT_SECONDS * 1000).toISOString(),
    },
    carried,
    verification: systemVerification(plan.verification.checks.filter((c) => inScenario(c, scenario.id))),
    rpo: {
      targets: Object.fromEntries(Object.entries(plan.rpoClasses).map(([id, c]) => [id, c.targetMinutes])),
      classOf: Object.fromEntries(plan.components.filter((c) => c.rpoClass !== undefined).map((c) => [c.id, c.rpoClass!])),
    },
    status: 'running',
    results: { tiers: [], components: [] },
  };
}

/** The final verification's checks, and the wait before them for their metric checks' windows. */
function systemVerification(checks: Plan['verification']['checks']): RunState['verification'] {
  return { checks, results: null, metricWindowSeconds: metricWindowSeconds(checks) };
}
