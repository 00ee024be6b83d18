import type { Plan } from '../../../shared/plan/schema.ts';
import { recordTier, summariseRun } from '../../../shared/run/tiers.ts';
import type { ComponentResult, RunState, RunSummary } from '../../../shared/run/types.ts';
import { consoleStart, exampleRun, failedResult, loadExamplePlan, recoveredResult } from '../run/fixtures.ts';

export { loadExamplePlan };

/** The example run's incident start (EXECUTION_START): 10:05 JST. */
export const INCIDENT = '2026-11-29T01:05:00.000Z';
export const minutesAfter = (minutes: number) => new Date(Date.parse(INCIDENT) + minutes * 60_000);
export const INTERNAL_TOPIC = 'arn:aws:sns:ap-northeast-3:123456789012:dr-autopilot-prod-internal';
export const EXTERNAL_TOPIC = 'arn:aws:sns:ap-northeast-3:123456789012:dr-autopilot-prod-external';

/** The example plan's region-outage run, started from the console (unplanned, critical). */
export function regionOutage(): Promise<RunState> {
  return exampleRun(consoleStart({ mode: 'unplanned', reason: 'Tokyo unavailable since 09:40 JST' }));
}

/** Every component of the run's current tier recovered, finishing `minutes` after the incident. */
export function tierRecovered(state: RunState, minutes: number): { state: RunState; results: ComponentResult[] } {
  const tier = state.tiers[state.tierIndex]!;
  const results = tier.components.map((c) => recoveredResult(c, minutesAfter(1).toISOString(), minutesAfter(minutes).toISOString()));
  return { state: recordTier(state, results), results };
}

/** The current tier with `failing` failed (the others recovered). */
export function tierFailed(state: RunState, failing: string, minutes: number, error = { name: 'ActionFailedError', message: 'restore-error' }) {
  const tier = state.tiers[state.tierIndex]!;
  const at = minutesAfter(minutes).toISOString();
  const results = tier.components.map((c) => (c.id === failing ? failedResult(c, minutesAfter(1).toISOString(), at, error) : recoveredResult(c, minutesAfter(1).toISOString(), at)));
  return { state: recordTier(state, results), results };
}

/** A run that recovered all four tiers (at 38, 95, 150 and 300 minutes) and summarised 310 minutes in. */
export async function completedSummary(): Promise<RunSummary> {
  let state = await regionOutage();
  for (const minutes of [38, 95, 150, 300]) state = tierRecovered(state, minutes).state;
  return summariseRun(state, minutesAfter(310));
}

/** A run whose core database failed in tier 1. */
export async function failedSummary(): Promise<RunSummary> {
  const state = tierFailed(await regionOutage(), 'core-database', 42, { name: 'ActionFailedError', message: 'instance dataset-db-osaka went to incompatible-restore' }).state;
  return summariseRun(state, minutesAfter(45));
}

/** The approval before tier 1 was denied. */
export async function abortedSummary(): Promise<RunSummary> {
  const state = await regionOutage();
  state.approval = { ...state.approval, error: { Error: 'ApprovalDeniedError', Cause: 'Tokyo is back: no failover' } };
  return summariseRun(state, minutesAfter(12));
}

export const audiencesOf = (plan: Plan) => plan.stakeholders.audiences;
