import type { LimitUse } from './limits.ts';
import type { RunReport } from '../../report/types.ts';
import type { RunReportLink } from '../../run/types.ts';

/** report.json of a drill: a run's report (shared/report/types.ts) plus what the simulation knows. */
export interface DrillReport extends RunReport {
  mode: 'drill';
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
  /** Where Summarise Run wrote the run's report (JSON, Markdown, HTML) in the (simulated) report bucket, as a deployed run does. */
  runReport?: RunReportLink;
  /** The incident's executions, the first first (more than one when a failed run was resumed); `ignored`: a deferred alarm start that cleared. */
  executions?: { name: string; resumeOf: string | null; outcome: 'recovered' | 'failed' | 'aborted' | 'ignored'; reason: string | null; startedAt: string; finishedAt: string }[];
  /** `--then`: the re-protect and failback runs after the drilled one, in order (one that did not recover ends the list). */
  followUps?: DrillFollowUp[];
}

/** One `--then` run: a re-protect or failback of the plan, in the same simulated account. */
export interface DrillFollowUp {
  scenario: string;
  stage: 'reprotect' | 'failback';
  execution: string;
  outcome: 'recovered' | 'failed' | 'aborted';
  reason: string | null;
  startedAt: string;
  finishedAt: string;
  tiers: RunReport['tiers'];
  components: RunReport['components'];
  checks: RunReport['checks'];
}
