import { enum as zEnum, looseObject, type output } from 'zod/mini';
import { InvalidInputError } from '../errors.ts';
import { recoveryOrder } from '../plan/recovery-order.ts';
import type { Plan } from '../plan/schema.ts';
import type { RunTrigger } from '../run/input.ts';
import type { ApprovalState, CheckOutcomeRef, ComponentOutcome, RpoResult, RunContext, RunStage, RunSummaryOutput, TierResult, TierTask } from '../run/types.ts';
import { assessSeverity, isSeverity, type Severity } from './severity.ts';
import { addMinutes, MAX_PLAUSIBLE_MINUTES, minutesBetween } from './text.ts';

/**
 * The moments a run tells its stakeholders about (issue: stakeholder communication §1), as data: who
 * hears of it and whether it closes the incident. `approval-needed` is the "decision pending" notice;
 * the request that carries the task token is request-approval's own message, never this one.
 */
export const STAGE_DEFINITIONS = {
  'run-started': { external: true, final: false },
  'approval-needed': { external: false, final: false },
  'tier-recovered': { external: true, final: false },
  'component-failed': { external: false, final: false },
  'run-completed': { external: true, final: true },
  'run-failed': { external: true, final: true },
  'run-aborted': { external: true, final: true },
} as const satisfies Record<string, { external: boolean; final: boolean }>;

export type Stage = keyof typeof STAGE_DEFINITIONS;
/**
 * Notices about a trigger alarm rather than a run (shared/notify/trigger-notice.ts), internal only: an
 * outage alarm fired while suppressed or muted, or a deferred trigger cleared during its wait period.
 */
export const TRIGGER_STAGES = ['trigger-suppressed', 'trigger-cleared'] as const;
export type TriggerStage = (typeof TRIGGER_STAGES)[number];
/** Any notice's stage (its `stage` message attribute). */
export type NoticeStage = Stage | TriggerStage;
export const STAGES = Object.keys(STAGE_DEFINITIONS) as Stage[];
export const isStage = (value: unknown): value is Stage => typeof value === 'string' && value in STAGE_DEFINITIONS;

/**
 * Stage names the state machine may send instead of a stage, resolved from the input: `run-finished`
 * (after Summarise Run: completed, failed or aborted by the summary's outcome) and `tier-finished`
 * (after Record Tier Outcome: tier-recovered, or component-failed for the tier's failed components).
 */
export const STAGE_ALIASES = ['run-finished', 'tier-finished'] as const;
export type StageAlias = (typeof STAGE_ALIASES)[number];

// ---- inputs (the notify function's event, less `stage`) ------------------------------------------

/** A tier of the run as far as notices need it (TierTask carries more). */
export type TierInfo = Pick<TierTask, 'id' | 'order' | 'rtoTargetMinutes'> & { name?: string; components?: { id: string }[] };

export interface RunStartedInput {
  run: RunContext;
  tiers: TierInfo[];
}
export interface ApprovalNeededInput {
  run: RunContext;
  approval: ApprovalState;
  /** `$.tiers`: names the tier that waits. */
  tiers?: TierInfo[];
}
export interface TierRecoveredInput {
  run: RunContext;
  /** The tier's result; a one-element array is accepted (`$.results.tiers[-1:]`). */
  tier: TierResult | TierResult[];
  /** The next tier's id, null after the last; found from `tiers` and `progress` when not given. */
  next?: string | null;
  tiers?: TierInfo[];
  /** Tiers done of the run's tiers (`$.tierIndex`, `$.tierCount` after Record Tier Outcome). */
  progress?: { done: number; total: number };
}
export interface ComponentFailedInput {
  run: RunContext;
  /** One result or several (e.g. `$.results.components`): only the failed ones are told, of `tier` when given. */
  component?: ComponentOutcome | ComponentOutcome[];
  components?: ComponentOutcome[];
  tier?: string;
}
export interface RunEndedInput {
  summary: RunSummaryOutput;
  /** `$$.Execution.Id`: the summary names only the incident; the failed execution is what a resume names. */
  executionId?: string;
}

export interface StageInputs {
  'run-started': RunStartedInput;
  'approval-needed': ApprovalNeededInput;
  'tier-recovered': TierRecoveredInput;
  'component-failed': ComponentFailedInput;
  'run-completed': RunEndedInput;
  'run-failed': RunEndedInput;
  'run-aborted': RunEndedInput;
}

/** The notify function's event: `{ stage, ...that stage's input }`. */
export type NoticeEvent =
  | { [S in Stage]: { stage: S } & StageInputs[S] }[Stage]
  | ({ stage: 'run-finished' } & RunEndedInput)
  | ({ stage: 'tier-finished' } & TierRecoveredInput & { components?: ComponentOutcome[] });

// ---- facts ---------------------------------------------------------------------------------------

/** What every notice knows about the run. Internal notices may show all of it; external ones none of it. */
export interface RunFacts {
  plan: string;
  scenario: string;
  scenarioName: string;
  mode: 'planned' | 'unplanned';
  /** The execution's ARN (null for a summary, which carries only the incident). */
  executionId: string | null;
  incidentId: string;
  resumeOf: string | null;
  /** The incident's start (ISO-8601): RTO runs from here. */
  incidentStartedAt: string;
  trigger: RunTrigger | null;
  regions: { primary: string; secondary: string } | null;
  /** The scenario's stage: a re-protect or failback is planned work on a running system, told to internal audiences only. */
  stage: RunStage;
}

export interface TierFact {
  id: string;
  name: string | null;
  order: number;
  rtoTargetMinutes: number;
  /** startedAt + target. */
  dueAt: string;
  components: string[];
  status: TierResult['status'] | null;
  achievedMinutes: number | null;
  met: boolean | null;
}

export interface ComponentFact {
  id: string;
  tier: string;
  type: string;
  status: ComponentOutcome['status'];
  attempts: number;
  error: { name: string; message: string } | null;
}

export interface InternalFacts {
  tiers: TierFact[];
  /** tier-recovered: the tier. */
  tier: TierFact | null;
  next: string | null;
  progress: { done: number; total: number } | null;
  /** component-failed: the failed components; run-failed: every failed one. */
  components: ComponentFact[];
  /**
   * run-failed, run-aborted: components recovered in a tier that did not complete. Their reversible
   * changes stay as they are (nothing reverts them); the notice names them and how to undo them.
   */
  leftChanged: ComponentFact[];
  approval: { tier: string | null; oneWay: string[]; timeoutMinutes: number; deadline: string } | null;
  rpo: { dataClass: string; targetMinutes: number; measuredMinutes: number | null; met: boolean | null; source: string }[];
  checks: { passed: number; failed: number; skipped: number; failedNames: string[] } | null;
  outcome: RunSummaryOutput['outcome'] | null;
  reason: string | null;
  finishedAt: string | null;
  /**
   * The final stages: the run's report in S3 (Summarise Run's `report`): its console page and s3://
   * location, or why writing it failed; null when there is none (no bucket) or it was malformed.
   * Internal only: the link is for the operator, never for an external notice.
   */
  report: ReportFact | null;
}

export type ReportFact = { url: string; uri: string } | { error: string };

/** The external status word (templates' words.status). */
export type ExternalStatus = 'recovering' | 'restored' | 'continuing' | 'assessing';

/**
 * The allowlist: everything an external notice may say. Only enums, whole numbers and times this
 * module formats itself (never a string copied from the run), so nothing the run carries (ARNs,
 * account ids, host names, addresses, resource ids, error text) can reach an outsider.
 */
export interface ExternalFacts {
  status: ExternalStatus;
  severity: Severity;
  /** When the disruption began (ISO-8601, re-serialised). */
  startedAt: string | null;
  /** Full recovery expected by (incident start + the largest RTO target of the scenario's tiers), while still ahead. */
  expectedBy: string | null;
  expectedWithinMinutes: number | null;
  /** The RTO-based estimate has passed without full recovery. */
  overdue: boolean;
  /**
   * The core functions (the plan's highest-priority tier, e.g. authentication, database, API), when
   * their RTO is shorter than the full recovery's: restored, or expected by their RTO target.
   */
  core: (Estimate & { restored: boolean }) | null;
  progress: { done: number; total: number } | null;
  restoredAt: string | null;
  downtimeMinutes: number | null;
  /** When the next update is due; null on the final "restored" notice. */
  nextUpdateBy: string | null;
}

export interface NoticeFacts {
  stage: Stage;
  severity: Severity;
  /** When the notice was made (ISO-8601). */
  at: string;
  run: RunFacts;
  internal: InternalFacts;
  external: ExternalFacts;
}

export interface FactsOptions {
  now: Date;
  /** The packaged plan: scenario name and severity for summary stages, RTO targets, the critical tier. */
  plan?: Plan;
  /** How soon the next update is promised (default 60 minutes). */
  updateIntervalMinutes?: number;
}

export const DEFAULT_UPDATE_INTERVAL_MINUTES = 60;

// ---- helpers -------------------------------------------------------------------------------------

function invalid(field: string, message: string): InvalidInputError {
  return new InvalidInputError(`${field}: ${message}`, { field });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const wholeOrNull = (v: unknown): number | null => {
  const n = num(v);
  return n === null || n < 0 ? null : Math.round(n);
};
/** An ISO-8601 time re-serialised (never the input's text), or null. */
export const isoOrNull = (v: unknown): string | null => {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
};
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

function requireRun(input: { run?: unknown }): RunContext {
  const run = input?.run;
  if (!isObject(run)) throw invalid('run', 'missing: pass $.run');
  if (typeof run.plan !== 'string' || typeof run.scenario !== 'string') throw invalid('run', 'without plan and scenario');
  return run as unknown as RunContext;
}

function requireSummary(input: { summary?: unknown }): RunSummaryOutput {
  const summary = input?.summary;
  if (!isObject(summary)) throw invalid('summary', 'missing: pass the run summary (Summarise Run output)');
  if (typeof summary.plan !== 'string' || typeof summary.scenario !== 'string') throw invalid('summary', 'without plan and scenario');
  if (!['recovered', 'failed', 'aborted'].includes(summary.outcome as string)) {
    throw invalid('summary.outcome', `must be recovered, failed or aborted, got ${JSON.stringify(summary.outcome)}`);
  }
  return summary as unknown as RunSummaryOutput;
}

const planScenario = (plan: Plan | undefined, id: string) => plan?.scenarios.find((s) => s.id === id);

/** RTO target per tier of the scenario's recovery order, from the plan; empty when unknown. */
function scenarioTiers(plan: Plan | undefined, scenario: string): TierInfo[] {
  if (!plan || !planScenario(plan, scenario)) return [];
  return recoveryOrder(plan, scenario).tiers.map((t) => ({ id: t.id, name: t.name, order: t.order, rtoTargetMinutes: t.rtoTargetMinutes, components: t.components }));
}

/** The plan's highest-priority tiers (lowest order), else the lowest order among the tiers known. */
function criticalTiers(plan: Plan | undefined, known: readonly { id: string; order: number }[]): string[] {
  const tiers = plan?.tiers.length ? plan.tiers : known.filter((t) => num(t.order) !== null);
  if (tiers.length === 0) return [];
  const lowest = Math.min(...tiers.map((t) => t.order));
  return tiers.filter((t) => t.order === lowest).map((t) => t.id);
}

function runFacts(run: RunContext, plan: Plan | undefined): RunFacts {
  const scenario = str(run.scenario);
  return {
    plan: str(run.plan),
    scenario,
    scenarioName: str(run.scenarioName) || planScenario(plan, scenario)?.name || scenario,
    mode: run.mode === 'planned' ? 'planned' : 'unplanned',
    executionId: str(run.executionId) || null,
    incidentId: str(run.incidentId) || str(run.executionId),
    resumeOf: str(run.resumeOf) || null,
    incidentStartedAt: str(run.incidentStartedAt),
    trigger: isObject(run.trigger) ? run.trigger : null,
    regions: isObject(run.regions) ? { primary: str(run.regions.primary), secondary: str(run.regions.secondary) } : null,
    stage: stageOf(run.stage) ?? planScenario(plan, scenario)?.stage ?? 'recover',
  };
}

const stageOf = (value: unknown): RunStage | undefined => (value === 'recover' || value === 'reprotect' || value === 'failback' ? value : undefined);

function summaryRunFacts(summary: RunSummaryOutput, plan: Plan | undefined): RunFacts {
  const scenario = str(summary.scenario);
  const regions = plan ? plan.regions : null;
  return {
    plan: str(summary.plan),
    scenario,
    scenarioName: planScenario(plan, scenario)?.name ?? scenario,
    mode: summary.mode === 'planned' ? 'planned' : 'unplanned',
    executionId: null,
    incidentId: str(summary.incidentId),
    resumeOf: str(summary.resumeOf) || null,
    incidentStartedAt: str(summary.startedAt),
    trigger: isObject(summary.trigger) ? summary.trigger : null,
    regions,
    stage: planScenario(plan, scenario)?.stage ?? 'recover',
  };
}

function tierFact(t: TierInfo & Partial<Pick<TierResult, 'status' | 'achievedMinutes' | 'met'>>, startedAt: string): TierFact {
  const target = num(t.rtoTargetMinutes) ?? 0;
  return {
    id: str(t.id, '?'),
    name: str(t.name) || null,
    order: num(t.order) ?? 0,
    rtoTargetMinutes: target,
    dueAt: isoOrNull(startedAt) ? addMinutes(startedAt, target) : '',
    components: Array.isArray(t.components) ? t.components.map((c) => str(c?.id, '?')) : [],
    status: t.status ?? null,
    achievedMinutes: num(t.achievedMinutes),
    met: bool(t.met),
  };
}

function componentFact(c: ComponentOutcome): ComponentFact {
  const error = isObject(c.error) ? { name: str(c.error.name, 'Error'), message: str(c.error.message) } : null;
  return { id: str(c.id, '?'), tier: str(c.tier, '?'), type: str(c.type, '?'), status: c.status, attempts: num(c.attempts) ?? 0, error };
}

const emptyInternal = (): InternalFacts => ({
  tiers: [],
  tier: null,
  next: null,
  progress: null,
  components: [],
  leftChanged: [],
  approval: null,
  rpo: [],
  checks: null,
  outcome: null,
  reason: null,
  finishedAt: null,
  report: null,
});

/** Longer than this is not a console link (and would crowd the notice): treated as absent. */
const MAX_URL_CHARS = 2048;

/** An https URL of one token (printable ASCII, no space, `"`, `<` or `>`: as the console link is encoded), or null. */
function httpsUrl(v: unknown): string | null {
  if (typeof v !== 'string' || v.length > MAX_URL_CHARS || !/^https:\/\/[\x21\x23-\x3b\x3d\x3f-\x7e]+$/i.test(v)) return null;
  try {
    return new URL(v).protocol === 'https:' ? v : null;
  } catch {
    return null;
  }
}

/** The summary's `report`, read leniently: a link (https url and a uri), else a failure (error text), else null. */
function reportOf(v: unknown): ReportFact | null {
  if (!isObject(v)) return null;
  const url = httpsUrl(v.url);
  if (url !== null && typeof v.uri === 'string' && v.uri.trim() !== '') return { url, uri: v.uri };
  if (typeof v.error === 'string') return { error: v.error };
  return null;
}

/** A plan has a handful of tiers; anything beyond this is not a progress figure. */
const MAX_TIERS = 1000;

function progressOf(p: unknown): { done: number; total: number } | null {
  if (!isObject(p)) return null;
  const done = wholeOrNull(p.done);
  const total = wholeOrNull(p.total);
  return done === null || total === null || total === 0 || total > MAX_TIERS || done > total ? null : { done, total };
}

/** A recovery estimate from an RTO target: by when, while still ahead; overdue once passed. */
export interface Estimate {
  /** Incident start + the RTO target (ISO-8601), while that is still ahead; else null. */
  by: string | null;
  withinMinutes: number | null;
  /** The estimate has passed without the recovery it stands for. */
  overdue: boolean;
}

function estimate(startedAt: string | null, targetMinutes: number | null, now: Date): Estimate | null {
  if (!startedAt || targetMinutes === null) return null;
  const by = addMinutes(startedAt, targetMinutes);
  if (by === '') return null;
  const ahead = Date.parse(by) > now.getTime();
  return { by: ahead ? by : null, withinMinutes: ahead ? Math.round(targetMinutes) : null, overdue: !ahead };
}

const largestTarget = (tiers: readonly { rtoTargetMinutes: number }[]): number | null => {
  const targets = tiers.map((t) => num(t.rtoTargetMinutes)).filter((n): n is number => n !== null && n > 0 && n <= MAX_PLAUSIBLE_MINUTES);
  return targets.length ? Math.max(...targets) : null;
};

interface ExternalInput {
  stage: Stage;
  status: ExternalStatus;
  severity: Severity;
  startedAt: string;
  now: Date;
  updateIntervalMinutes: number;
  /** The scenario's tiers (RTO targets): full recovery by the largest target, core functions by the critical tiers'. */
  tiers: readonly { id: string; rtoTargetMinutes: number }[];
  criticalTiers: readonly string[];
  /** The critical tiers are recovered. */
  coreRestored: boolean;
  extra?: Partial<ExternalFacts>;
}

/** The allowlisted external facts: every value computed here, never copied from the run. */
function external(x: ExternalInput): ExternalFacts {
  const started = isoOrNull(x.startedAt);
  const restored = x.stage === 'run-completed';
  const full = largestTarget(x.tiers);
  const critical = largestTarget(x.tiers.filter((t) => x.criticalTiers.includes(t.id)));
  const fullEstimate = restored ? null : estimate(started, full, x.now);
  // The core functions get their own line only when they are due before the rest.
  const core = restored || critical === null || full === null || critical >= full ? null : x.coreRestored ? 'restored' : estimate(started, critical, x.now);
  return {
    status: x.status,
    severity: x.severity,
    startedAt: started,
    expectedBy: fullEstimate?.by ?? null,
    expectedWithinMinutes: fullEstimate?.withinMinutes ?? null,
    overdue: fullEstimate?.overdue ?? false,
    core: core === 'restored' ? { restored: true, by: null, withinMinutes: null, overdue: false } : core ? { restored: false, ...core } : null,
    progress: null,
    restoredAt: null,
    downtimeMinutes: null,
    nextUpdateBy: restored ? null : addMinutes(x.now.toISOString(), x.updateIntervalMinutes) || null,
    ...x.extra,
  };
}

/**
 * The notify function's event as it parses it at the edge: a stage it knows (or an alias), the rest
 * let through: what each stage needs is read leniently by resolveEvent and noticeFacts, which name
 * the missing field themselves (a notice is never worth failing a run for).
 */
export const noticeEventInput = looseObject({ stage: zEnum([...STAGES, ...STAGE_ALIASES, ...TRIGGER_STAGES]) });
export type NoticeEventInput = output<typeof noticeEventInput>;

/** A stage and its input, aliases resolved. */
export type ResolvedEvent = { [S in Stage]: { stage: S; input: StageInputs[S] } }[Stage];

/**
 * The stage an event is for and that stage's input: `run-finished` becomes run-completed, run-failed
 * or run-aborted by the summary's outcome; `tier-finished` becomes tier-recovered, or component-failed
 * for the failed components of that tier (from `components`, e.g. `$.results.components`).
 */
export function resolveEvent(event: unknown): ResolvedEvent {
  if (!isObject(event)) throw invalid('(input)', 'the event must be an object { stage, ... }');
  const stage = event.stage;
  if (stage === 'run-finished') {
    const summary = requireSummary(event as { summary?: unknown });
    const resolved = summary.outcome === 'recovered' ? 'run-completed' : summary.outcome === 'aborted' ? 'run-aborted' : 'run-failed';
    return { stage: resolved, input: { summary, executionId: str(event.executionId) || undefined } };
  }
  if (stage === 'tier-finished') {
    const tier = Array.isArray(event.tier) ? event.tier.at(-1) : event.tier;
    if (!isObject(tier)) throw invalid('tier', 'missing: pass the tier result ($.results.tiers[-1:])');
    if (tier.status === 'recovered') return { stage: 'tier-recovered', input: event as unknown as TierRecoveredInput };
    const run = requireRun(event);
    const components = Array.isArray(event.components) ? (event.components as ComponentOutcome[]) : [];
    return { stage: 'component-failed', input: { run, components, tier: str(tier.id) } };
  }
  if (!isStage(stage)) throw invalid('stage', `must be one of ${[...STAGES, ...STAGE_ALIASES].join(', ')}, got ${JSON.stringify(stage)}`);
  return { stage, input: event } as unknown as ResolvedEvent;
}

// ---- the facts per stage -------------------------------------------------------------------------

/**
 * The facts of one notice, from the state machine's data for the stage. Pure: the time and the plan
 * come in through `options`. Throws InvalidInputError naming the field when the input lacks what the
 * stage needs.
 */
export function noticeFacts<S extends Stage>(stage: S, input: StageInputs[S], options: FactsOptions): NoticeFacts {
  const { now, plan } = options;
  const updateIntervalMinutes = options.updateIntervalMinutes ?? DEFAULT_UPDATE_INTERVAL_MINUTES;
  const at = now.toISOString();
  const internal = emptyInternal();
  const list = <T>(v: unknown): T[] => (Array.isArray(v) ? v.filter(isObject) : []) as T[];

  if (stage === 'run-completed' || stage === 'run-failed' || stage === 'run-aborted') {
    const summary = requireSummary(input as RunEndedInput);
    const run = summaryRunFacts(summary, plan);
    const executionId = str((input as RunEndedInput).executionId);
    if (executionId) run.executionId = executionId;
    const scenarioSeverity = planScenario(plan, run.scenario)?.severity ?? 'high';
    const tierResults = list<TierResult>(summary.tiers);
    const componentResults = list<ComponentOutcome>(summary.components);
    const rpoResults = list<RpoResult>(summary.rpo);
    const checks = list<CheckOutcomeRef>(summary.checks);
    const tiers = tierResults.map((t) => tierFact(t, run.incidentStartedAt));
    const critical = criticalTiers(plan, tiers);
    const severity = assessSeverity({
      scenario: scenarioSeverity,
      criticalTiers: critical,
      tiers: tierResults,
      components: componentResults,
      rpo: rpoResults,
      runFailed: summary.outcome === 'failed',
    });
    Object.assign(internal, {
      tiers,
      components: componentResults.filter((c) => c.status === 'failed').map(componentFact),
      leftChanged: summary.outcome === 'recovered'
        ? []
        : componentResults.filter((c) => c.status === 'recovered' && tierResults.some((t) => t.id === c.tier && t.status !== 'recovered')).map(componentFact),
      rpo: rpoResults.map((r) => ({
        dataClass: str(r.dataClass, '?'),
        targetMinutes: num(r.targetMinutes) ?? 0,
        measuredMinutes: num(r.measuredMinutes),
        met: bool(r.met),
        source: str(r.source),
      })),
      checks: {
        passed: checks.filter((c) => c.status === 'passed').length,
        failed: checks.filter((c) => c.status === 'failed').length,
        skipped: checks.filter((c) => c.status === 'skipped').length,
        failedNames: checks.filter((c) => c.status === 'failed').map((c) => `${str(c.component) || 'system'}/${str(c.name, '?')}`),
      },
      outcome: summary.outcome,
      reason: str(summary.reason) || null,
      finishedAt: isoOrNull(summary.finishedAt),
      report: reportOf((summary as { report?: unknown }).report),
    } satisfies Partial<InternalFacts>);
    const started = isoOrNull(run.incidentStartedAt);
    const restoredAt = stage === 'run-completed' ? (isoOrNull(summary.finishedAt) ?? at) : null;
    const downtime = restoredAt && started ? minutesBetween(started, restoredAt) : null;
    const coreRestored = critical.length > 0 && critical.every((id) => tiers.find((t) => t.id === id)?.status === 'recovered');
    return {
      stage,
      severity,
      at,
      run,
      internal,
      external: external({
        stage,
        status: stage === 'run-completed' ? 'restored' : stage === 'run-failed' ? 'continuing' : 'assessing',
        severity,
        startedAt: run.incidentStartedAt,
        now,
        updateIntervalMinutes,
        tiers,
        criticalTiers: critical,
        coreRestored,
        extra: { restoredAt, downtimeMinutes: downtime === null ? null : Math.round(downtime) },
      }),
    };
  }

  const runCtx = requireRun(input as { run?: unknown });
  const run = runFacts(runCtx, plan);
  const baseSeverity: Severity = isSeverity(runCtx.severity) ? runCtx.severity : (planScenario(plan, run.scenario)?.severity ?? 'high');
  const planned = scenarioTiers(plan, run.scenario);
  const facts = (severity: Severity, tiers: readonly { id: string; rtoTargetMinutes: number }[], critical: string[], coreRestored = false, extra: Partial<ExternalFacts> = {}): NoticeFacts => ({
    stage,
    severity,
    at,
    run,
    internal,
    external: external({
      stage,
      status: 'recovering',
      severity,
      startedAt: run.incidentStartedAt,
      now,
      updateIntervalMinutes,
      tiers: tiers.map((t) => ({ id: str(t.id), rtoTargetMinutes: num(t.rtoTargetMinutes) ?? 0 })),
      criticalTiers: critical,
      coreRestored,
      extra,
    }),
  });

  switch (stage) {
    case 'run-started': {
      const tiers = (input as RunStartedInput).tiers;
      if (!Array.isArray(tiers) || tiers.length === 0) throw invalid('tiers', 'missing or empty: pass $.tiers');
      const known = list<TierInfo>(tiers);
      internal.tiers = known.map((t) => tierFact(t, run.incidentStartedAt));
      const critical = criticalTiers(plan, internal.tiers);
      return facts(assessSeverity({ scenario: baseSeverity, criticalTiers: critical }), known, critical);
    }
    case 'approval-needed': {
      const { approval, tiers } = input as ApprovalNeededInput;
      if (!isObject(approval)) throw invalid('approval', 'missing: pass $.approval');
      const known = list<TierInfo>(tiers).length ? list<TierInfo>(tiers) : planned;
      const index = num(approval.tierIndex) ?? -1;
      const timeoutSeconds = Math.max(0, num(approval.timeoutSeconds) ?? 0);
      internal.tiers = known.map((t) => tierFact(t, run.incidentStartedAt));
      // Only what the decision is about: never the task token (it answers the gate).
      internal.approval = {
        tier: index >= 0 ? (known[index]?.id ?? null) : null,
        oneWay: Array.isArray(approval.oneWayComponents) ? approval.oneWayComponents.map((c) => str(c, '?')) : [],
        timeoutMinutes: Math.round(timeoutSeconds / 60),
        deadline: addMinutes(at, timeoutSeconds / 60),
      };
      const critical = criticalTiers(plan, internal.tiers);
      return facts(assessSeverity({ scenario: baseSeverity, criticalTiers: critical }), known, critical);
    }
    case 'tier-recovered': {
      const given = input as TierRecoveredInput;
      const tier = (Array.isArray(given.tier) ? given.tier.at(-1) : given.tier) as TierResult | undefined;
      if (!isObject(tier)) throw invalid('tier', 'missing: pass the tier result ($.results.tiers[-1:])');
      const runTiers = list<TierInfo>(given.tiers);
      const known = runTiers.length ? runTiers : planned;
      const progress = progressOf(given.progress);
      const info = known.find((t) => t.id === tier.id);
      internal.tier = tierFact({ ...info, ...tier, name: info?.name }, run.incidentStartedAt);
      internal.tiers = known.map((t) => tierFact(t, run.incidentStartedAt));
      internal.progress = progress;
      internal.next = given.next !== undefined ? str(given.next) || null : progress && runTiers.length ? (runTiers[progress.done]?.id ?? null) : null;
      const critical = criticalTiers(plan, [...internal.tiers, internal.tier]);
      const criticalOrder = Math.min(...[...internal.tiers, internal.tier].filter((t) => critical.includes(t.id)).map((t) => t.order));
      // Tiers recover in order: once a tier at or after the critical one is recovered, so is the core.
      const coreRestored = tier.status === 'recovered' && internal.tier.order >= criticalOrder;
      const severity = assessSeverity({ scenario: baseSeverity, criticalTiers: critical, tiers: [tier] });
      return facts(severity, known.length ? known : [internal.tier], critical, coreRestored, { progress });
    }
    case 'component-failed': {
      const given = input as ComponentFailedInput;
      if (given.component === undefined && given.components === undefined) throw invalid('component', 'missing: pass the component result (or results)');
      const results = [given.component ?? [], given.components ?? []].flat().filter(isObject) as ComponentOutcome[];
      const tierFilter = str(given.tier) || null;
      internal.components = results.filter((c) => c.status === 'failed' && (tierFilter === null || c.tier === tierFilter)).map(componentFact);
      internal.tiers = planned.map((t) => tierFact(t, run.incidentStartedAt));
      const critical = criticalTiers(plan, internal.tiers);
      return facts(assessSeverity({ scenario: baseSeverity, criticalTiers: critical, components: internal.components }), planned, critical);
    }
    default:
      throw invalid('stage', `unknown stage ${JSON.stringify(stage)}`);
  }
}
