import { InvalidInputError } from '../errors.ts';
import type { ComponentResult, RunState, RunSummary, TierResult, TierTask } from './types.ts';

const minutesBetween = (from: string, to: string) => Math.round(((Date.parse(to) - Date.parse(from)) / 60_000) * 100) / 100;

function minIso(values: (string | null)[]): string | null {
  const present = values.filter((v): v is string => v !== null).sort();
  return present[0] ?? null;
}

function maxIso(values: (string | null)[]): string | null {
  const present = values.filter((v): v is string => v !== null).sort();
  return present.at(-1) ?? null;
}

function tierResult(run: RunState['run'], tier: TierTask, components: ComponentResult[]): TierResult {
  const failed = components.some((c) => c.status !== 'recovered');
  const finishedAt = maxIso(components.map((c) => c.finishedAt));
  const achievedMinutes = !failed && finishedAt ? minutesBetween(run.startedAt, finishedAt) : null;
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
export function recordTier(state: RunState, componentResults: ComponentResult[]): RunState {
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
  const result = tierResult(state.run, tier, componentResults);
  const tierIndex = state.tierIndex + 1;
  const status = result.status === 'failed' ? 'failed' : tierIndex >= state.tierCount ? 'recovered' : 'running';
  return {
    ...state,
    tierIndex,
    status,
    results: {
      tiers: [...state.results.tiers, result],
      components: [...state.results.components, ...componentResults],
    },
  };
}

/** Why the run did not recover: the failed tier and its failed components, then the tiers never started. */
function failureReason(failedTier: TierResult | undefined, failed: ComponentResult[], notStarted: TierResult[]): string {
  const what = failedTier ? `tier ${failedTier.id} failed` : 'the run did not finish';
  const components = failed.map((c) => (c.error ? `${c.id} (${c.error.name}${c.error.message ? `: ${c.error.message}` : ''})` : `${c.id} (failed)`));
  return [
    `${what}${components.length ? `: ${components.join('; ')}` : ''}`,
    ...(notStarted.length ? [`not started: ${notStarted.map((t) => t.id).join(', ')}`] : []),
  ].join('; ');
}

/** The run's output: every tier and component, the ones never reached included, with the outcome. */
export function summariseRun(state: RunState, now: Date): RunSummary {
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
    .flatMap((t) => t.components)
    .map((c) => ({
      id: c.id,
      tier: c.tier,
      type: c.type,
      status: 'not-started',
      startedAt: null,
      finishedAt: null,
      attempts: 0,
      checks: 0,
      lastStatus: null,
      observations: {},
      error: null,
    }));
  const failedComponents = state.results.components.filter((c) => c.status === 'failed');
  const recovered = state.status === 'recovered' && failedComponents.length === 0;
  const failedTier = state.results.tiers.find((t) => t.status === 'failed');
  return {
    plan: state.run.plan,
    scenario: state.run.scenario,
    mode: state.run.mode,
    outcome: recovered ? 'recovered' : failedComponents.some((c) => c.error?.name === 'RecoveryAbortedError') ? 'aborted' : 'failed',
    reason: recovered ? null : failureReason(failedTier, failedComponents, notStartedTiers),
    startedAt: state.run.startedAt,
    finishedAt: now.toISOString(),
    trigger: state.run.trigger,
    tiers: [...state.results.tiers, ...notStartedTiers],
    components: [...state.results.components, ...notStartedComponents],
  };
}
