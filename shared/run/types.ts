import type { Json, JsonObject } from '../components/types.ts';
import type { TierRun } from '../plan/recovery-order.ts';
import type { Component } from '../plan/schema.ts';
import type { CheckSpec } from '../checks/schema.ts';
import type { CheckResult } from '../checks/result.ts';
import type { RunTrigger } from './input.ts';

/** Facts about the run every state carries (`$.run` in the state machine). */
export interface RunContext {
  executionId: string;
  /** The incident this run recovers: its first execution's id (a resume carries the earlier run's). */
  incidentId: string;
  /** The execution this run resumes, or null. */
  resumeOf: string | null;
  plan: string;
  scenario: string;
  scenarioName: string;
  mode: 'planned' | 'unplanned';
  severity: 'critical' | 'high' | 'medium' | 'low';
  trigger: RunTrigger;
  /** The incident's start (the alarm's state change, or the console's incidentStartedAt or start): RTO is measured from here. */
  incidentStartedAt: string;
  /**
   * The run's regions: `primary` is where the system runs as the run starts, `secondary` the other. In
   * the forward direction the plan's; in the reverse direction (the system runs in the plan's secondary) swapped.
   */
  regions: { primary: string; secondary: string };
  /** The scenario's stage (plan `scenarios[].stage`): recover, reprotect or failback. */
  stage: RunStage;
  /** reverse: the system ran in the plan's secondary region as the run started; its components run reversed (shared/plan/direction.ts). */
  direction: RunDirection;
  /** A recovered run moves the system to `regions.secondary` (the state table records it). */
  movesActiveRegion: boolean;
}

export type RunStage = 'recover' | 'reprotect' | 'failback';
export type RunDirection = 'forward' | 'reverse';

/** A component as the state machine carries it: the plan's definition plus its tier and timeout in seconds. */
/**
 * `metricWindowSeconds`: the wait before its verification, for its metric checks (component-task.ts).
 * `oneWayTier`: its tier holds a one-way step (Load Component Definition): an alarm-started run re-reads
 * the trigger alarm before any step of that tier, not only before the one-way command.
 */
export type ComponentTask = Component & { tier: string; timeoutSeconds: number; metricWindowSeconds?: number; oneWayTier?: boolean };

/**
 * A component as the run's state names it: its id and type. Its definition stays in the packaged
 * plan: Load Component Definition reads it at the start of the component's branch, so the state does
 * not grow with what the plan says of each component.
 */
export interface ComponentRef {
  id: string;
  type: string;
}

/** A tier of the run's recovery order, its components named (`$.tiers[]`). */
export type TierTask = Omit<TierRun, 'components'> & { components: ComponentRef[] };

/** `$.action` inside a component's branch: where its recovery action stands. */
export interface ActionRecord {
  startedAt: string;
  /** startedAt + the component's timeoutMinutes: past it, the check fails with ActionTimedOutError. */
  deadline: string;
  done: boolean;
  nextCheckSeconds: number;
  status: string;
  state: JsonObject;
  observations: JsonObject;
  /** Start invocations, retries included. */
  attempts: number;
  polls: number;
  /** manual components: the run waits for an operator's confirmation (task token). */
  awaitingConfirmation: boolean;
  finishedAt?: string;
}

export type ComponentStatus = 'recovered' | 'failed' | 'skipped' | 'not-started';

export interface ComponentResult {
  id: string;
  tier: string;
  type: string;
  status: ComponentStatus;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  polls: number;
  lastStatus: string | null;
  observations: JsonObject;
  error: { name: string; message: string } | null;
  /** The integrity checks run after the component recovered (the plan's `checks`). */
  verification: CheckResult[];
}

/**
 * A component's outcome as the run's state carries it (the Map's output, `$.results.components`,
 * `$.carried`): what the tiers, the notices and the summary decide on. The full result (observations,
 * checks) is in the state table (state/run-records.ts), where Summarise Run reads it.
 */
export type ComponentOutcome = Pick<ComponentResult, 'id' | 'tier' | 'type' | 'status' | 'startedAt' | 'finishedAt' | 'attempts' | 'error'>;

/** A check's result as the run's output names it: which, whose and how it went (the details are in the state table). */
export type CheckOutcomeRef = Pick<CheckResult, 'component' | 'name' | 'type' | 'status' | 'advisory'>;

/** RPO achieved for one data class: measured from the recovered data, against the plan's target. */
export interface RpoResult {
  dataClass: string;
  targetMinutes: number;
  measuredMinutes: number | null;
  met: boolean | null;
  source: string;
  /** ± how precise the measurement is (a heartbeat's interval). */
  uncertaintyMinutes: number | null;
  /** The replica lag recorded at promotion, to compare with the measured figure. */
  replicaLagMinutes: number | null;
}

export interface TierResult {
  id: string;
  order: number;
  rtoTargetMinutes: number;
  /** From the incident's start to the moment the tier's last component was recovered. */
  achievedMinutes: number | null;
  met: boolean | null;
  status: 'recovered' | 'failed' | 'not-started';
  startedAt: string | null;
  finishedAt: string | null;
}

/** The operator's answer to the approval gate (the output of `dr-autopilot approve`). */
export interface ApprovalDecision {
  approved: true;
  by: string;
  /** Approved knowing the old primary may be up: split-brain guards fence it and go on. */
  force: boolean;
  reason: string | null;
  at: string;
}

/** `$.approval`: the run's approval gate before its first one-way step. */
export interface ApprovalState {
  /** The scenario needs approval and has a one-way step. */
  required: boolean;
  /** Index of the tier that waits (the one holding the first one-way step); -1 when none. */
  tierIndex: number;
  /** No answer within this many seconds is a denial. */
  timeoutSeconds: number;
  /** The one-way components the approval covers, in recovery order. */
  oneWayComponents: string[];
  decision: ApprovalDecision | null;
  /** The caught error ({Error, Cause}) when it was denied, timed out or could not be requested. */
  error: { Error: string; Cause?: string } | null;
}

/** The state machine's data between tiers. */
export interface RunState {
  run: RunContext;
  tiers: TierTask[];
  tierIndex: number;
  tierCount: number;
  approval: ApprovalState;
  /** What the lock task needs: at most one recovery of the plan at a time, and the cooldown between them. */
  lock: { cooldownMinutes: number; ignoreCooldown: boolean; expiresAt: string };
  /** Components earlier runs of this incident recovered (resume): not run again, counted in their tiers. */
  carried: ComponentOutcome[];
  /** The final verification stage: the plan's system checks and, once run, their results. */
  verification: { checks: CheckSpec[]; results: CheckResult[] | null; error?: { Error: string; Cause?: string }; metricWindowSeconds?: number };
  /** For the measured RPO in the summary: the plan's target per data class, and each component's data class. */
  rpo: { targets: Record<string, number>; classOf: Record<string, string> };
  status: 'running' | 'recovered' | 'failed';
  results: { tiers: TierResult[]; components: ComponentOutcome[] };
}

export interface RunSummary {
  plan: string;
  scenario: string;
  mode: RunContext['mode'];
  outcome: 'recovered' | 'failed' | 'aborted';
  reason: string | null;
  startedAt: string;
  finishedAt: string;
  trigger: RunTrigger;
  /** The incident this run belongs to (its first execution); a resume shares it with the run it resumes. */
  incidentId: string;
  resumeOf: string | null;
  approval: { required: boolean; decision: ApprovalDecision | null; error: { name: string; message: string } | null } | null;
  tiers: TierResult[];
  components: ComponentResult[];
  /** Every integrity check of the run: each component's, then the final verification's. */
  checks: CheckResult[];
  /** RPO per data class measured from the recovered data. */
  rpo: RpoResult[];
}

/**
 * The execution's output (Summarise Run): the summary with each component's outcome and each check's
 * status, not their observations and details, so it stays within Step Functions' 256 KiB whatever the
 * plan's size. The full summary is built from the state table (shared/run/tiers.ts summariseRun).
 */
export type RunSummaryOutput = Omit<RunSummary, 'components' | 'checks'> & {
  components: ComponentOutcome[];
  checks: CheckOutcomeRef[];
  /**
   * Where the run's report (JSON, Markdown and HTML) was written (REPORT_BUCKET): absent when no bucket
   * is configured; `error` when writing it failed (the run's outcome does not depend on it).
   */
  report?: RunReportLink;
};

/** The run's report in S3: `uri` (s3://bucket/prefix/) and `url`, the report.html object in the S3 console. */
export type RunReportLink = { uri: string; url: string } | { error: string };

export type { Json };
