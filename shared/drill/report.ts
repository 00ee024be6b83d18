import type { Plan } from '../plan/schema.ts';
import type { ComponentResult, RunSummary, TierResult } from '../run/types.ts';

/** report.json: the contract in ../shared/design/contracts.md, plus what the drill adds. */
export interface DrillReport {
  plan: string;
  scenario: string;
  mode: 'drill';
  outcome: 'recovered' | 'failed' | 'aborted' | 'ignored';
  reason: string | null;
  startedAt: string;
  finishedAt: string;
  tiers: (Pick<TierResult, 'id' | 'order' | 'rtoTargetMinutes' | 'achievedMinutes' | 'met' | 'status' | 'startedAt' | 'finishedAt'>)[];
  components: (Pick<ComponentResult, 'id' | 'tier' | 'type' | 'status' | 'startedAt' | 'finishedAt' | 'attempts' | 'error'> & {
    lastStatus: string | null;
    retries: { state: string; error: string; at: string }[];
  })[];
  rpo: { dataClass: string; targetMinutes: number; measuredMinutes: number | null; met: boolean | null; source: string }[];
  checks: { component: string; name: string; status: 'passed' | 'failed'; detail: string }[];
  notifications: { stage: string; audience: string; language: string; channel: string; subject: string; body: string }[];
  stateTransitions: number;
  /** The injected faults and how the run met them. */
  faults: string[];
  /** Each simulated resource's state at the end. */
  finalState: Record<string, unknown>;
  /** The incident's executions, the first first (more than one when a failed run was resumed). */
  executions?: { name: string; resumeOf: string | null; outcome: 'recovered' | 'failed' | 'aborted'; reason: string | null; startedAt: string; finishedAt: string }[];
  /** The approval gate of the last execution. */
  approval?: RunSummary['approval'];
}

const minutes = (from: string, to: string) => Math.round(((Date.parse(to) - Date.parse(from)) / 60_000) * 100) / 100;

/**
 * RPO per data class from what the recovered data shows: replica lag at promotion, the age of the
 * restore point before the incident. Several components of one class: the worst one counts.
 */
export function measuredRpo(plan: Plan, summary: RunSummary, observations: Map<string, Record<string, unknown>>): DrillReport['rpo'] {
  const byClass = new Map<string, { minutes: number; source: string }>();
  for (const component of plan.components) {
    const result = summary.components.find((c) => c.id === component.id);
    if (!component.rpoClass || result?.status !== 'recovered') continue;
    const obs = observations.get(component.id) ?? {};
    let measured: { minutes: number; source: string } | undefined;
    if (typeof obs.replicaLagSecondsAtPromotion === 'number') {
      measured = { minutes: obs.replicaLagSecondsAtPromotion / 60, source: `${component.id}: replica lag at promotion (CloudWatch ReplicaLag)` };
    } else if (typeof obs.recoveryPointCreatedAt === 'string') {
      measured = { minutes: minutes(obs.recoveryPointCreatedAt, summary.startedAt), source: `${component.id}: age of the recovery point restored` };
    } else if (typeof obs.restoredTo === 'string' && obs.restoredTo !== 'latest') {
      measured = { minutes: minutes(obs.restoredTo, summary.startedAt), source: `${component.id}: point in time restored` };
    }
    if (!measured) continue;
    const previous = byClass.get(component.rpoClass);
    if (!previous || measured.minutes > previous.minutes) byClass.set(component.rpoClass, measured);
  }
  return Object.entries(plan.rpoClasses)
    .filter(([id]) => plan.components.some((c) => c.rpoClass === id && summary.components.some((r) => r.id === c.id)))
    .map(([id, cls]) => {
      const m = byClass.get(id);
      const measuredMinutes = m ? Math.round(m.minutes * 100) / 100 : null;
      return {
        dataClass: id,
        targetMinutes: cls.targetMinutes,
        measuredMinutes,
        met: measuredMinutes === null ? null : measuredMinutes <= cls.targetMinutes,
        source: m?.source ?? 'not measured in this run',
      };
    });
}
