import type { CheckResult } from '../../checks/types.ts';
import type { LimitUse } from './limits.ts';
import type { ComponentResult, RpoResult, RunSummary, TierResult } from '../../run/types.ts';

/** report.json: the contract in README.md#offline-drill ("Report"), plus what the drill adds. */
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
  /** RPO per data class, measured from the recovered data (the run summary's). */
  rpo: RpoResult[];
  /** Every integrity check: each component's, then the final verification's. */
  checks: CheckResult[];
  notifications: { stage: string; audience: string; language: string; channel: string; subject: string; body: string }[];
  stateTransitions: number;
  /**
   * Step Functions' limits as the run used them (the largest per execution): the largest state input
   * or output (limit 262,144 bytes) and where, and the history events (limit 25,000). A run that passed
   * one failed as Step Functions fails it (shared/tools/drill/limits.ts).
   */
  limits: LimitUse;
  /** The injected faults and how the run met them. */
  faults: string[];
  /** Each simulated resource's state at the end. */
  finalState: Record<string, unknown>;
  /** The incident's executions, the first first (more than one when a failed run was resumed). */
  executions?: { name: string; resumeOf: string | null; outcome: 'recovered' | 'failed' | 'aborted'; reason: string | null; startedAt: string; finishedAt: string }[];
  /** The approval gate of the last execution. */
  approval?: RunSummary['approval'];
}
