import type { CheckResult } from '../checks/types.ts';
import type { ComponentResult, RpoResult, RunSummary, TierResult } from '../run/types.ts';

/**
 * report.json of a run: the contract in README.md#offline-drill ("Report"). A deployed run's report
 * (mode `run`, written to S3 by Summarise Run) and a drill's (mode `drill`, which adds what the
 * simulation knows: shared/tools/drill/report.ts) share it, and shared/report/render.ts renders both as Markdown and HTML
 * (shared/report/render.ts).
 */
export interface RunReport {
  plan: string;
  scenario: string;
  mode: 'drill' | 'run';
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
  /** The approval gate of the last execution. */
  approval?: RunSummary['approval'];
  /** A deployed run: its execution (`$$.Execution.Id`). */
  executionId?: string;
  /** The runs of this plan before this one, newest first, and this one: achieved RTO and RPO against the targets (trend.ts). */
  trend?: TrendEntry[];
}

/** One run in the trend: what it achieved per tier and per data class. */
export interface TrendEntry {
  startedAt: string;
  scenario: string;
  mode: RunReport['mode'];
  outcome: RunReport['outcome'];
  tiers: { id: string; rtoTargetMinutes: number; achievedMinutes: number | null; met: boolean | null }[];
  rpo: { dataClass: string; targetMinutes: number; measuredMinutes: number | null; met: boolean | null }[];
}
