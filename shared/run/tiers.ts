import { array, lazy, looseObject, optional, unknown } from 'zod/mini';
import { InvalidInputError } from '../errors.ts';
import { blocking, describeFailures } from '../checks/run.ts';
import { causeMessage } from './cause.ts';
import { outcomeFields } from './component-outcome.ts';
import { measureRpo } from './rpo.ts';
import { typed } from './task-input.ts';
import { componentOutcome, runStateFields } from './task-schemas.ts';
import type { ApprovalDecision, ComponentOutcome, ComponentResult, RunState, RunSummary, RunSummaryOutput, TierResult, TierTask } from './types.ts';

export { runState } from './task-schemas.ts';

/**
 * The run's state as Record Tier Outcome receives it: the whole state, with the tier the Map ran
 * (`current`, from Select Next Tier) and its components' results (`tierResults`, the Map's output).
 * Whether the results match the tier is recordTier's to check (it needs the tier).
 */
export type TierOutcomeInput = RunState & { tierResults: ComponentOutcome[]; current?: unknown };
export const tierOutcomeInput = lazy(() =>
  typed<TierOutcomeInput>()(looseObject({ ...runStateFields(), tierResults: array(componentOutcome), current: optional(unknown()) })),
);

const minutesBetween = (from: string, to: string) => Math.round(((Date.parse(to) - Date.parse(from)) / 60_000) * 100) / 100;

function minIso(values: (string | null)[]): string | null {
  const present = values.filter((v): v is string => v !== null).sort();
  return present[0] ?? null;
}

function maxIso(values: (string | null)[]): string | null {
  const present = values.filter((v): v is string => v !== null).sort();
  return present.at(-1) ?? null;
}

function tierResult(run: RunState['run'], tier: TierTask, components: ComponentOutcome[]): TierResult {
  const failed = components.some((c) => c.status !== 'recovered');
  const finishedAt = maxIso(components.map((c) => c.finishedAt));
  const achievedMinutes = !failed && finishedAt ? minutesBetween(run.incidentStartedAt, finishedAt) : null;
  return {
    id: tier.id,
    order: tier.order,
    rtoTargetMinutes: tier.rtoTargetMinutes,
    achievedMinutes,
    met: achievedMinutes === null ? false : achievedMinutes <= tier.rtoTargetMinutes,
    status: failed ? 'failed' : 'recovered',
    startedAt: minIso(components.map((c) => c.startedAt)),
    finishedAt,
  };
}

/**
 * Records the outcome of the tier just run (`componentResults`, the Map's output) and decides what
 * comes next: the following tier only when every component of this one recovered.
 */
export function recordTier(state: RunState, componentResults: ComponentOutcome[]): RunState {
  const tier = state.tiers[state.tierIndex];
  if (!tier) throw new InvalidInputError(`tierIndex: ${state.tierIndex} is outside the run's ${state.tierCount} tiers`, { field: 'tierIndex' });
  if (!Array.isArray(componentResults) || componentResults.length !== tier.components.length) {
    throw new InvalidInputError(`tierResults: expected ${tier.components.length} component results for ${tier.id}`, { field: 'tierResults' });
  }
  const expected = new Set(tier.components.map((c) => c.id));
  const stray = componentResults.filter((c) => !expected.has(c?.id));
  if (stray.length > 0 || new Set(componentResults.map((c) => c.id)).size !== expected.size) {
    throw new InvalidInputError(
      `tierResults: expected one result for each of ${[...expected].join(', ')}; got ${componentResults.map((c) => c?.id).join(', ')}`,
      { field: 'tierResults' },
    );
  }
  // A resumed run: components of this tier recovered by an earlier run count towards it.
  const all = [...(state.carried ?? []).filter((c) => c.tier === tier.id), ...componentResults];
  const result = tierResult(state.run, tier, all);
  const tierIndex = state.tierIndex + 1;
  const status = result.status === 'failed' ? 'failed' : tierIndex >= state.tierCount ? 'recovered' : 'running';
  return {
    ...state,
    tierIndex,
    status,
    results: {
      tiers: [...state.results.tiers, result],
      components: [...state.results.components, ...all],
    },
  };
}

/** Why the run did not recover: the failed tier and its failed components, then the tiers never started. */
function failureReason(failedTier: TierResult | undefined, failed: ComponentOutcome[], notStarted: TierResult[]): string {
  const what = failedTier ? `tier ${failedTier.id} failed` : 'the run did not finish';
  const components = failed.map((c) => (c.error ? `${c.id} (${c.error.name}${c.error.message ? `: ${c.error.message}` : ''})` : `${c.id} (failed)`));
  return [
    `${what}${components.length ? `: ${components.join('; ')}` : ''}`,
    ...(notStarted.length ? [`not started: ${notStarted.map((t) => t.id).join(', ')}`] : []),
  ].join('; ');
}

/** A component's full result as the state table holds it, with the run that recorded it. */
export type RecordedResult = ComponentResult & { executionId?: string };

/**
 * A component's full result: the state table's record when this run (or, for a carried component, the
 * run that recovered it) wrote it, else its outcome with nothing observed (an outcome that could not be
 * recorded: Mark Component Unrecorded).
 */
function fullResult(outcome: ComponentOutcome, recorded: RecordedResult | undefined, run: RunState['run'], carried: boolean): ComponentResult {
  if (recorded && (carried ? recorded.status === 'recovered' : recorded.executionId === run.executionId)) {
    const { executionId, ...result } = recorded;
    return carried && executionId ? { ...result, observations: { ...result.observations, recoveredBy: executionId } } : result;
  }
  return { ...outcome, attempts: outcome.attempts ?? 0, polls: 0, lastStatus: null, observations: {}, error: outcome.error, verification: [] };
}

/**
 * The run's summary: every tier and component, the ones never reached included, with the outcome.
 * `recorded`: the components' full results from the state table (by id), for their checks and
 * observations (the run's state carries each component's outcome only).
 */
export function summariseRun(state: RunState, now: Date, recorded: ReadonlyMap<string, RecordedResult> = new Map()): RunSummary {
  const done = new Set(state.results.tiers.map((t) => t.id));
  const notStartedTiers: TierResult[] = state.tiers
    .filter((t) => !done.has(t.id))
    .map((t) => ({
      id: t.id,
      order: t.order,
      rtoTargetMinutes: t.rtoTargetMinutes,
      achievedMinutes: null,
      met: false,
      status: 'not-started',
      startedAt: null,
      finishedAt: null,
    }));
  const notStartedComponents: ComponentResult[] = state.tiers
    .filter((t) => !done.has(t.id))
    .flatMap((t) => t.components.map((c) => ({ ...c, tier: t.id })))
    .map((c) => ({
      id: c.id,
      tier: c.tier,
      type: c.type,
      status: 'not-started',
      startedAt: null,
      finishedAt: null,
      attempts: 0,
      polls: 0,
      lastStatus: null,
      observations: {},
      error: null,
      verification: [],
    }));
  // Recovered by an earlier run of the incident, in a tier this run did not reach: still recovered.
  const carriedNotReached = (state.carried ?? []).filter((c) => !done.has(c.tier));
  const failedComponents = state.results.components.filter((c) => c.status === 'failed');
  const recovered = state.status === 'recovered' && failedComponents.length === 0;
  const failedTier = state.results.tiers.find((t) => t.status === 'failed');
  const approvalStop = approvalOutcome(state);
  // The final verification (after the last tier): a failed system check fails a run that recovered every tier.
  const systemChecks = state.verification?.results ?? [];
  const verificationError = state.verification?.error;
  const systemFailure = !recovered
    ? null
    : verificationError
      ? `final verification could not run: ${verificationError.Error}${verificationError.Cause ? `: ${causeMessage(verificationError.Cause)}` : ''}`
      : blocking(systemChecks).length > 0
        ? `final verification failed: ${describeFailures(systemChecks)}`
        : null;
  const outcome: RunSummary['outcome'] =
    recovered && !systemFailure
      ? 'recovered'
      : recovered
        ? 'failed'
        : (approvalStop?.outcome ?? (failedComponents.some((c) => c.error?.name === 'RecoveryAbortedError') ? 'aborted' : 'failed'));
  // A tier's task lists only what this run recovers (prepare leaves carried components out): no overlap.
  const carriedIds = new Set((state.carried ?? []).map((c) => c.id));
  const components = [
    ...[...state.results.components, ...carriedNotReached].map((c) => fullResult(c, recorded.get(c.id), state.run, carriedIds.has(c.id))),
    ...notStartedComponents,
  ];
  return {
    plan: state.run.plan,
    scenario: state.run.scenario,
    mode: state.run.mode,
    outcome,
    reason: outcome === 'recovered' ? null : (systemFailure ?? approvalStop?.reason ?? failureReason(failedTier, failedComponents, notStartedTiers)),
    startedAt: state.run.incidentStartedAt,
    finishedAt: now.toISOString(),
    trigger: state.run.trigger,
    incidentId: state.run.incidentId ?? state.run.executionId,
    resumeOf: state.run.resumeOf ?? null,
    approval: state.approval
      ? { required: state.approval.required, decision: decisionOf(state.approval.decision), error: state.approval.error ? { name: state.approval.error.Error, message: causeMessage(state.approval.error.Cause) } : null }
      : null,
    tiers: [...state.results.tiers, ...notStartedTiers],
    components,
    checks: [...components.flatMap((c) => c.verification ?? []), ...systemChecks],
    rpo: measureRpo(state, components),
  };
}

/** What a check's result says of it without its detail and observations. */
const checkRef = ({ component, name, type, status, advisory }: RunSummary['checks'][number]) => ({ component, name, type, status, advisory });

/**
 * The execution's output: the summary with each component's outcome and each check's status (their
 * observations and details are in the state table), so it fits Step Functions' 256 KiB whatever the
 * plan's size.
 */
export function summaryOutput(summary: RunSummary): RunSummaryOutput {
  return {
    ...summary,
    components: summary.components.map(outcomeFields),
    checks: summary.checks.map(checkRef),
  };
}

/** The approver's answer as recorded (the answer may carry more keys, e.g. a manual step's confirmedBy). */
function decisionOf(decision: ApprovalDecision | null): ApprovalDecision | null {
  if (!decision) return null;
  const { by, force, reason, at } = decision;
  return { approved: true, by: String(by ?? 'unknown'), force: force === true, reason: reason ?? null, at: String(at ?? '') };
}

/**
 * The approval gate stopped the run: a denial or no answer in time ends it `aborted` (nothing one-way
 * was done); a request that could not be made fails it.
 */
function approvalOutcome(state: RunState): { outcome: 'aborted' | 'failed'; reason: string } | null {
  const error = state.approval?.error;
  if (!error) return null;
  const tier = state.tiers[state.approval.tierIndex]?.id ?? 'the first one-way step';
  const what = `approval before ${tier} (${state.approval.oneWayComponents.join(', ')})`;
  if (error.Error === 'ApprovalDeniedError') return { outcome: 'aborted', reason: `${what} was denied: ${causeMessage(error.Cause)}` };
  if (error.Error === 'States.Timeout') {
    return { outcome: 'aborted', reason: `${what} was not given within ${Math.round(state.approval.timeoutSeconds / 60)} min: no answer is a denial` };
  }
  return { outcome: 'failed', reason: `${what} could not be requested: ${error.Error}${error.Cause ? `: ${causeMessage(error.Cause)}` : ''}` };
}
