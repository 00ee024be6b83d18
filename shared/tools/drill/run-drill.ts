import { readFileSync } from 'node:fs';
import type { CheckResult } from '../../checks/types.ts';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidInputError } from '../../errors.ts';
import { stateDocumentClient } from '../../state/table.ts';
import { startDrillDatabase, type DrillDatabase } from './local-database.ts';
import { startLocalDynamoDb, routeDynamoDb, useDynamoDb } from '../local/dynamodb.ts';
import { functionHandlers } from '../local/handlers.ts';
import { DEFINITION_FILE, runLocal } from '../local/state-machine.ts';
import { ExecutionLimits, stateShapes, type LimitUse } from './limits.ts';
import { holdingClock, withVirtualClock } from '../local/virtual-clock.ts';
import { scenarioForAlarm } from '../../plan/recovery-order.ts';
import type { Plan } from '../../plan/schema.ts';
import { alarmEvent, normaliseTimestamp } from '../../run/input.ts';
import { summariseRun } from '../../run/tiers.ts';
import type { ActionRecord, ApprovalState, ComponentTask, RunReportLink, RunState, RunSummary, RunSummaryOutput } from '../../run/types.ts';
import { readLock } from '../../state/lock.ts';
import { recordedResults } from '../../state/run-records.ts';
import { packagedPlan } from '../../runtime/plan.ts';
import { preloadPlanModules } from '../local/preload.ts';
import { writeTempCompiledPlan } from '../deploy/compiled-plan.ts';
import type { DrillFollowUp, DrillReport } from './report.ts';
import { parseChatbotMessage, readableMessage } from '../../notify/chatbot.ts';
import { simulatedFetch } from './simulator/http.ts';
import { DEFAULT_DURATIONS, installSimulatedAccount, type SimulatedAccount } from './simulator/index.ts';
import { DRILL_REPORT_BUCKET } from './simulator/s3.ts';
import { reportComponent, reportTier } from '../../report/build.ts';
import { seedS3ObjectChecks } from './simulator/s3.ts';
import { startDrillFromEvent } from './start-from-event.ts';
import type { DurationTable, Fault } from './simulator/world.ts';

/** The drill's state table (lock, run records, idempotency), on its own dynalite or at `stateEndpoint`. */
export const DRILL_STATE_TABLE = 'dr-autopilot-drill-state';

export interface DrillOptions {
  plan: Plan;
  planFile: string;
  scenario?: string;
  /** An EventBridge event exactly as AWS delivers it (already parsed from JSON). */
  event?: unknown;
  faults?: Fault[];
  durations?: DurationTable;
  /** Simulated start when no event gives one. */
  startAt?: Date;
  /**
   * `--with-postgres`: the plan's replicated database component runs against a real local PostgreSQL
   * primary + standby; its checks and the measured RPO use it. Without it, database checks are skipped.
   */
  withPostgres?: boolean;
  /**
   * `--state-endpoint`: a DynamoDB-compatible server that keeps the drill's state table (DRILL_STATE_TABLE)
   * after it ends, for `dr-autopilot status` / `unlock --endpoint`; default: a dynalite of the drill's own.
   */
  stateEndpoint?: string;
  /** Called for every progress step (simulated time, tier, component, state, status). */
  onProgress?: (step: ProgressStep) => void;
  /**
   * `--then`: re-protect and failback scenarios run after the drilled one, in order, in the same simulated
   * account (a region outage ends first: region.back-after-recovery), each a planned console start. A
   * follow-up that does not recover stops the ones after it.
   */
  then?: string[];
}

/** The `--then` scenarios, checked against the plan before anything runs: each a re-protect or failback scenario. */
export function followUpScenarios(plan: Plan, then: readonly string[] = []): Plan['scenarios'] {
  return then.map((id) => {
    const scenario = plan.scenarios.find((s) => s.id === id);
    const staged = plan.scenarios.filter((s) => s.stage !== 'recover').map((s) => s.id);
    if (!scenario || scenario.stage === 'recover') {
      throw new InvalidInputError(
        `--then: ${scenario ? `"${id}" is a recovery` : `unknown scenario "${id}"`}; --then runs re-protect and failback scenarios after the drilled one: ${staged.join(', ') || 'the plan has none (stage reprotect or failback)'}`,
        { field: 'then' },
      );
    }
    return scenario;
  });
}

export interface ProgressStep {
  at: string;
  elapsedSeconds: number;
  tier?: string;
  component?: string;
  type?: string;
  state: string;
  status: string;
}

const REGION_OF_AUTOMATION = (plan: Plan) => plan.regions.secondary;

/** What a drill starts from: the scenario, the execution input and the simulated start, or "ignored". */
export function drillStart(
  options: Pick<DrillOptions, 'plan' | 'scenario' | 'event' | 'startAt'>,
  detectionMs = 0,
): { ignored: string; startAt: Date } | { scenario: string; input: unknown; startAt: Date; incidentAt: Date } {
  const { plan } = options;
  if (options.event === undefined) {
    if (!options.scenario) throw new InvalidInputError('--scenario: name the scenario to drill (or give --event)', { field: 'scenario' });
    const scenario = plan.scenarios.find((s) => s.id === options.scenario);
    if (!scenario) {
      throw new InvalidInputError(`--scenario: unknown scenario "${options.scenario}"; the plan has ${plan.scenarios.map((s) => s.id).join(', ')}`, {
        field: 'scenario',
      });
    }
    const startAt = options.startAt ?? new Date(Math.floor(Date.now() / 1000) * 1000);
    // The incident began before the run started: the time it takes to detect it (durations table).
    const incidentAt = new Date(startAt.getTime() - detectionMs);
    return {
      scenario: scenario.id,
      startAt,
      incidentAt,
      input: {
        scenario: scenario.id,
        mode: scenario.mode,
        reason: 'offline drill (dr-autopilot drill)',
        requestedBy: 'dr-autopilot drill',
        incidentStartedAt: incidentAt.toISOString(),
      },
    };
  }
  const parsed = alarmEvent.safeParse(options.event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(`--event: ${issue.path.map(String).join('.') || '(event)'}: ${issue.message}`, { field: 'event' });
  }
  const { detail } = parsed.data;
  const startAt = new Date(normaliseTimestamp(detail.state.timestamp, 'detail.state.timestamp'));
  if (detail.state.value !== 'ALARM') return { ignored: `alarm ${detail.alarmName} is ${detail.state.value}: only ALARM starts a recovery`, startAt };
  const scenario = scenarioForAlarm(plan, detail.alarmName);
  if (!scenario) return { ignored: `alarm ${detail.alarmName} triggers no scenario of plan ${plan.name}`, startAt };
  if (options.scenario && options.scenario !== scenario.id) {
    throw new InvalidInputError(`--scenario: the event's alarm ${detail.alarmName} triggers "${scenario.id}", not "${options.scenario}"`, { field: 'scenario' });
  }
  // An alarm start measures from the alarm's state change, as in production.
  return { scenario: scenario.id, startAt, incidentAt: startAt, input: options.event };
}

interface ItemInput {
  component?: ComponentTask;
  action?: ActionRecord;
}

/** What one execution of the state machine left behind (the drill may run two: a failed run and its resume). */
interface ExecutionRecord {
  name: string;
  resumeOf: string | null;
  summary: RunSummary | undefined;
  /** Why there is no summary (the run did not get that far). */
  reason: string | null;
  /** A deferred alarm start whose alarm cleared during the wait: nothing ran (`reason` says why). */
  triggerCleared?: boolean;
  /** Stopped by the operator (--inject stop-during): `reason` says what its in-flight start did. */
  stopped?: boolean;
  startedAt: string;
  finishedAt: string;
  /** Its use of Step Functions' limits (largest state payload, history events). */
  limits: LimitUse;
  /** Where Summarise Run wrote the run's report (the simulated report bucket). */
  report?: RunReportLink | undefined;
}

type Retries = Map<string, { state: string; error: string; at: string }[]>;

/** A run's components for the report, with what the event log saw of them: last status, retries, start attempts. */
function reportComponents(summary: RunSummary | undefined, lastStatus: Map<string, string>, retries: Retries) {
  return (summary?.components ?? []).map((c) => {
    const startRetries = (retries.get(c.id) ?? []).filter((r) => r.state === 'Start Recovery Action').length;
    return reportComponent(c, {
      // Step Functions passes $$.State.RetryCount to the start task; locally the event log counts them.
      attempts: c.status === 'not-started' ? 0 : Math.max(c.attempts, startRetries + 1),
      lastStatus: lastStatus.get(c.id) ?? c.lastStatus,
      retries: retries.get(c.id) ?? [],
    });
  });
}

/** A follow-up's part of the report: its outcome, tiers, components and checks. */
function followUpOf(scenario: Plan['scenarios'][number], run: ExecutionRecord, lastStatus: Map<string, string>, retries: Retries): DrillFollowUp {
  const summary = run.summary;
  return {
    scenario: scenario.id,
    stage: scenario.stage as DrillFollowUp['stage'],
    execution: run.name,
    outcome: summary?.outcome ?? 'failed',
    reason: summary ? summary.reason : run.reason,
    startedAt: summary?.startedAt ?? run.startedAt,
    finishedAt: summary?.finishedAt ?? run.finishedAt,
    tiers: summary?.tiers.map(reportTier) ?? [],
    components: reportComponents(summary, lastStatus, retries),
    checks: summary?.checks ?? [],
  };
}

/** Answers to the approval gate: the `--inject approve|approve:force|reject|approval-timeout` fault, approve by default. */
function approvalAnswer(faults: Fault[]): Extract<Fault, { kind: 'approval' }>['answer'] {
  const answers = faults.filter((f): f is Extract<Fault, { kind: 'approval' }> => f.kind === 'approval');
  if (answers.length > 1) throw new InvalidInputError('--inject: give at most one of approve, approve:force, reject, approval-timeout', { field: 'inject' });
  return answers[0]?.answer ?? 'approve';
}

/** Runs the deployable state machine with the real handlers against the simulated account. */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const { plan } = options;
  const durations = { ...DEFAULT_DURATIONS, ...options.durations };
  const start = drillStart(options, (durations['detection.time-to-detect']?.seconds ?? 0) * 1000);
  const empty = { tiers: [], components: [], rpo: [], checks: [], notifications: [], stateTransitions: 0, limits: { largestPayloadBytes: 0, largestPayloadAt: null, historyEvents: 0 }, finalState: {} };
  const faults = (options.faults ?? []).map((f) => JSON.stringify(f));
  if ('ignored' in start) {
    // Nothing runs: the report is dated at the event's state change (simulated time), not the wall clock.
    const at = start.startAt.toISOString();
    return { plan: plan.name, scenario: options.scenario ?? '', mode: 'drill', outcome: 'ignored', reason: start.ignored, startedAt: at, finishedAt: at, faults, ...empty };
  }
  const answer = approvalAnswer(options.faults ?? []);
  const resume = (options.faults ?? []).some((f) => f.kind === 'resume');
  const stopDuring = (options.faults ?? []).flatMap((f) => (f.kind === 'stop-during' ? [f.component] : []))[0];
  const followUps = followUpScenarios(plan, options.then);

  const env = { ...process.env };
  // The handlers read the plan as packaged: compiled to JSON (the same compile as packaging), in a
  // temp file of this drill's own (packagedPlan caches per path, so each drill reads its own plan).
  const compiled = writeTempCompiledPlan(plan, options.planFile);
  process.env.PLAN_FILE = compiled.file;
  process.env.INTERNAL_TOPIC_ARN = `arn:aws:sns:${REGION_OF_AUTOMATION(plan)}:000000000000:dr-autopilot-drill-internal`;
  process.env.EXTERNAL_TOPIC_ARN = `arn:aws:sns:${REGION_OF_AUTOMATION(plan)}:000000000000:dr-autopilot-drill-external`;
  // An external notice that would carry an identifier fails the drill's notify task loudly instead of being scrubbed.
  process.env.NOTICE_STRICT_REDACTION = 'true';
  process.env.AWS_REGION = REGION_OF_AUTOMATION(plan);
  // Summarise Run writes the run's report and trend as deployed, into the simulated report bucket.
  process.env.REPORT_BUCKET = DRILL_REPORT_BUCKET;
  try {
    await packagedPlan(); // read before the clock is faked; cached, so the file can go
    await preloadPlanModules(plan);
  } finally {
    compiled.remove();
  }
  // The state table (lock, run records, idempotency) on a local DynamoDB server, started in real time.
  const dynamodb = options.stateEndpoint
    ? await useDynamoDb(options.stateEndpoint, DRILL_STATE_TABLE, REGION_OF_AUTOMATION(plan))
    : await startLocalDynamoDb(DRILL_STATE_TABLE, REGION_OF_AUTOMATION(plan));
  process.env.STATE_TABLE_NAME = dynamodb.tableName;
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'false';
  // The drill's own use of the state table: the database's manifests, the components' full results for the report.
  const stateDeps = {
    ddb: stateDocumentClient(new DynamoDBClient({ endpoint: dynamodb.endpoint, region: REGION_OF_AUTOMATION(plan), credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })),
    tableName: dynamodb.tableName,
    now: () => new Date(),
    logger: new Logger({ serviceName: 'dr-autopilot-drill', logLevel: 'SILENT' }),
  };
  let database: DrillDatabase | undefined;
  try {
    database = options.withPostgres
      ? await startDrillDatabase(plan, start.incidentAt, stateDeps)
      : undefined;
  } catch (error) {
    await dynamodb.stop();
    throw error;
  }
  const routed = routeDynamoDb(dynamodb.endpoint, REGION_OF_AUTOMATION(plan));


  const shapes = stateShapes(JSON.parse(readFileSync(DEFINITION_FILE, 'utf8')) as { States: Record<string, unknown> });
  try {
    return await withVirtualClock(start.startAt, async () => {
      // Built on simulated time, so the resources' history is dated relative to the drill's incident.
      // The scenario decides whether the incident takes the whole primary region down (every endpoint there black-holed).
      const account = installSimulatedAccount(plan, { durations, faults: options.faults, incidentAt: start.incidentAt.getTime(), primaryDown: true, scenario: start.scenario });
      // The checks' data and I/O: the manifests their s3-objects checks read, the recovered services'
      // HTTP answers, and no database unless a real one is given (database checks are then skipped).
      seedS3ObjectChecks(account.world);
      const handlers = functionHandlers({ fetch: simulatedFetch(account.world), postgres: database?.connector ?? null });
      if (database) {
        // The simulated promotion of the replica, once RDS accepted it, promotes the real standby.
        const record = account.world.record.bind(account.world);
        const db = database;
        account.world.record = (call) => {
          record(call);
          const input = call.input as { DBInstanceIdentifier?: string };
          if (call.error) return;
          if (call.command === 'PromoteReadReplica' && input.DBInstanceIdentifier === db.replicaDbInstanceIdentifier) db.promote();
          // Re-protect: the new replica in the primary region is a real standby of the promoted one; a failback promotes it.
          if (call.command === 'CreateDBInstanceReadReplica' && input.DBInstanceIdentifier === db.reprotectDbInstanceIdentifier) db.reprotect();
          if (call.command === 'PromoteReadReplica' && input.DBInstanceIdentifier === db.reprotectDbInstanceIdentifier) db.failback();
        };
      }
      try {
        // Progress is counted from the incident, as RTO is.
        const t0 = start.incidentAt.getTime();
        const retries = new Map<string, { state: string; error: string; at: string }[]>();
        const lastStatus = new Map<string, string>();
        let transitions = 0;
        /** Notices already shown in the progress. */
        let noticed = 0;

        const executionArn = (name: string) => `arn:aws:states:${REGION_OF_AUTOMATION(plan)}:000000000000:execution:dr-autopilot-local:${name}`;
        const runExecution = async (input: unknown, name: string, resumeOf: string | null): Promise<ExecutionRecord> => {
          const startedAt = new Date().toISOString();
          // The error a state failed with, per component and state: StateRetried and StateCaught do not carry it.
          const failedWith = new Map<string, string>();
          // The run summary as Summarise Run returned it (a failed run's cause is not reliable JSON locally, see below).
          let summarised: RunSummaryOutput | undefined;
          // Summarise Run's input: the run's state, from which the report's full summary is built (below).
          let summariseInput: RunState | undefined;
          // Step Functions' payload and history limits, which the local runner does not enforce.
          const limits = new ExecutionLimits(shapes);
          // RUNNING for the functions that ask (a one-way step checks its own execution) until the drill stops it.
          account.stepFunctions.register(executionArn(name));
          // --inject stop-during:COMPONENT: the operator stops the execution while that component's start is in flight.
          let stopped: { inFlight: Promise<string> } | undefined;
          const execution = runLocal(input, {
            region: REGION_OF_AUTOMATION(plan),
            handlers,
            executionName: name,
            wrap: stopDuring === undefined ? undefined : async (state, call, taskInput) => {
              const component = (taskInput as ItemInput | null)?.component?.id;
              if (state !== 'Start Recovery Action' || component !== stopDuring || stopped) return call();
              // The stop: Step Functions marks the execution ABORTED and its status-change rule invokes release-lock;
              // the Lambda invocation already running goes on (AWS does not cancel it).
              account.stepFunctions.stop(executionArn(name));
              const release = await handlers['release-lock']!(
                { source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', detail: { executionArn: executionArn(name), status: 'ABORTED' } } as never,
                {} as never,
              ) as { released: boolean; reason: string };
              options.onProgress?.({ at: new Date().toISOString(), elapsedSeconds: Math.round((Date.now() - t0) / 1000), component, state: 'Stop Execution', status: `stopped by the operator during ${component}'s start; lock ${release.released ? 'released' : `not released (${release.reason})`}` });
              const inFlight = call().then(
                () => `the in-flight start of ${component} finished after the stop`,
                (error: Error) => `the in-flight start of ${component} was refused: ${error.name}: ${error.message}`,
              );
              stopped = { inFlight };
              execution.abort();
              return inFlight;
            },
            answerTaskToken: async (state, payload) => {
              if (state === 'Request Recovery Approval') {
                const approval = (payload as { approval: ApprovalState }).approval;
                if (answer === 'timeout') {
                  // Nobody answers: the task's own timeout (a denial) ends the wait first.
                  await new Promise((resolve) => setTimeout(resolve, (approval.timeoutSeconds + 3600) * 1000));
                  throw Object.assign(new Error('drill approver never answered'), { name: 'States.Timeout' });
                }
                await new Promise((resolve) => setTimeout(resolve, account.world.durationMs('approval.operator-response')));
                if (answer === 'reject') {
                  throw Object.assign(new Error('drill approver rejected the failover (--inject reject)'), {
                    name: 'ApprovalDeniedError',
                  });
                }
                const at = new Date().toISOString();
                return { approved: true, by: 'drill approver', force: answer === 'approve-force', reason: null, at, confirmedBy: 'drill approver', confirmedAt: at };
              }
              // A simulated operator carries out a manual step and confirms it; a `fail` fault makes them reject it.
              const component = (payload as { component: ComponentTask }).component;
              await new Promise((resolve) => setTimeout(resolve, account.world.durationMs('manual.operator-confirmation', component.id)));
              if (account.world.failing(component.id)) {
                throw Object.assign(new Error(`drill operator could not complete ${component.id} (injected failure)`), { name: 'ApprovalDeniedError' });
              }
              return { confirmedBy: 'drill operator', confirmedAt: new Date().toISOString() };
            },
          });
          const progress = (async () => {
            for await (const e of execution.eventLogs) {
              if (e.type === 'StateEntered') transitions += 1;
              // Passing a limit fails the execution at once, as on AWS.
              if (limits.observe(e as never) !== null) execution.abort();
              if (!('state' in e)) continue;
              const item = (e.state.input ?? {}) as ItemInput;
              const component = item.component;
              const at = new Date(e.timestamp).toISOString();
              const step = (state: string, status: string) =>
                options.onProgress?.({ at, elapsedSeconds: Math.round((e.timestamp - t0) / 1000), tier: component?.tier, component: component?.id, type: component?.type, state, status });
              const failureKey = `${component?.id ?? ''}\n${e.state.name}`;
              if (e.type === 'StateFailed' && component) {
                // Every failed attempt, retried or not, is logged as StateFailed first (with the error's name).
                failedWith.set(failureKey, e.Error);
              } else if (e.type === 'StateRetried' && component) {
                const error = failedWith.get(failureKey) ?? 'unknown error';
                retries.set(component.id, [...(retries.get(component.id) ?? []), { state: e.state.name, error, at }]);
                step(e.state.name, `retry ${e.retry.attempt} after ${error}`);
              } else if (e.type === 'StateCaught' && component) {
                step(e.state.name, `failed: ${failedWith.get(failureKey) ?? 'unknown error'}`);
              } else if (e.type === 'StateExited' && e.state.name === 'Summarise Run') {
                summarised = e.state.output as unknown as RunSummaryOutput;
              } else if (e.type === 'StateEntered' && e.state.name === 'Summarise Run') {
                summariseInput = e.state.input as unknown as RunState;
              } else if (e.type === 'StateExited' && component && /Recovery Action$/.test(e.state.name)) {
                const output = (e.state.output ?? {}) as ItemInput & { error?: unknown };
                const action = output.action;
                // A caught failure exits with the branch's earlier action beside the error: not a new status.
                if (action && output.error === undefined) {
                  lastStatus.set(component.id, action.status);
                  step(e.state.name, `${action.status}${action.done ? ' (done)' : ''}`);
                }
              } else if (e.type === 'StateExited' && (e.state.name === 'Verify Component' || e.state.name === 'Verify System')) {
                const output = (e.state.output ?? {}) as { verification?: { checks?: CheckResult[]; results?: CheckResult[] | null }; error?: unknown };
                const results = (component ? output.verification?.checks : output.verification?.results) ?? [];
                if (output.error === undefined && results.length > 0) {
                  const status = results.map((r) => `${r.name} ${r.status}${r.advisory && r.status === 'failed' ? ' (advisory)' : ''}`).join(', ');
                  options.onProgress?.({ at, elapsedSeconds: Math.round((e.timestamp - t0) / 1000), tier: component?.tier, component: component?.id, type: component?.type, state: e.state.name, status });
                }
              } else if (e.type === 'StateExited' && e.state.name.startsWith('Notify ')) {
                // One progress line per notice the stage sent (audience, language, subject).
                for (const p of account.published().slice(noticed).filter((n) => n.attributes.language !== undefined)) {
                  options.onProgress?.({ at, elapsedSeconds: Math.round((e.timestamp - t0) / 1000), state: e.state.name, status: `[notice] ${p.attributes.stage ?? '?'} ${p.attributes.audience ?? '?'}/${p.attributes.language ?? '?'}: ${p.subject ?? ''}` });
                }
                noticed = account.published().length;
              } else if (e.type === 'StateEntered' && e.state.name === 'Request Operator Confirmation' && component) {
                step(e.state.name, 'waiting for an operator');
              } else if (e.type === 'StateEntered' && e.state.name === 'Request Recovery Approval') {
                options.onProgress?.({ at, elapsedSeconds: Math.round((e.timestamp - t0) / 1000), state: e.state.name, status: 'waiting for approval of the one-way steps' });
              } else if (e.type === 'StateExited' && e.state.name === 'Request Recovery Approval') {
                const approval = ((e.state.output ?? {}) as { approval?: Partial<ApprovalState> }).approval;
                const status = approval?.decision ? `approved by ${approval.decision.by}${approval.decision.force ? ' with force' : ''}` : `not approved: ${approval?.error?.Error ?? 'no answer'}`;
                options.onProgress?.({ at, elapsedSeconds: Math.round((e.timestamp - t0) / 1000), state: e.state.name, status });
              } else if (e.type === 'StateExited' && e.state.name === 'Record Tier Outcome') {
                const tier = ((e.state.output ?? {}) as unknown as { results?: { tiers?: RunSummary['tiers'] } }).results?.tiers?.at(-1);
                if (tier) {
                  options.onProgress?.({
                    at,
                    elapsedSeconds: Math.round((e.timestamp - t0) / 1000),
                    tier: tier.id,
                    state: 'Record Tier Outcome',
                    status: `${tier.status}${tier.achievedMinutes !== null ? ` in ${tier.achievedMinutes} min (target ${tier.rtoTargetMinutes}, ${tier.met ? 'met' : 'NOT met'})` : ''}`,
                  });
                }
              }
            }
          })();

          let output: RunSummaryOutput | undefined;
          let reason: string | null = null;
          try {
            output = (await execution.result) as unknown as RunSummaryOutput;
          } catch (error) {
            const failure = ((error as Error).cause ?? error) as Error;
            // RecoveryFailedError / RecoveryAbortedError end a run that was summarised; anything else did not get that far.
            if (failure.name !== 'RecoveryFailedError' && failure.name !== 'RecoveryAbortedError') reason = `${failure.name}: ${failure.message}`;
          }
          await progress;
          if (stopped) {
            // The run ends when its stopped invocation does: the report says what that invocation did.
            const what = await stopped.inFlight;
            return { name, resumeOf, summary: undefined, reason: `ExecutionStopped: stopped by the operator (--inject stop-during:${stopDuring ?? ''}); ${what}`, stopped: true, startedAt, finishedAt: new Date().toISOString(), limits: limits.use };
          }
          if (limits.exceeded !== null) {
            return { name, resumeOf, summary: undefined, reason: limits.exceeded, startedAt, finishedAt: new Date().toISOString(), limits: limits.use };
          }
          if (!output && reason === null) {
            // RecoveryFailedError / RecoveryAbortedError: the Fail state's cause is the summary as States.JsonToString($). Locally
            // aws-local-stepfunctions 3.0 strips every backslash from an intrinsic function's result, so that
            // JSON breaks on any escaped character (a quote in an error message or a function's payload):
            // take the summary from Summarise Run's output instead.
            output = summarised;
            if (!output) reason = 'RecoveryFailedError: the run failed and its summary was not found in the execution history';
          }
          // The execution's output names each component's outcome and each check's status; the report
          // has their details: the same summary, built from Summarise Run's input and the state table.
          let summary: RunSummary | undefined;
          if (output && summariseInput) {
            const input = summariseInput;
            const recorded = await holdingClock(() => recordedResults(stateDeps, input.run.executionId));
            summary = summariseRun(input, new Date(output.finishedAt), recorded);
          }
          // A deferred start whose alarm cleared during the wait ends at once, with nothing run (Trigger Cleared).
          const cleared = (output as { triggerCleared?: { reason: string } } | undefined)?.triggerCleared;
          if (cleared) return { name, resumeOf, summary: undefined, reason: cleared.reason, triggerCleared: true, startedAt, finishedAt: new Date().toISOString(), limits: limits.use };
          return { name, resumeOf, summary, reason, startedAt, finishedAt: new Date().toISOString(), limits: limits.use, report: summarised?.report };
        };

        const firstName = `drill-${start.scenario}-${start.startAt.toISOString().replace(/[:.]/g, '-')}`;
        // An --event goes through the deployed starter: a suppressed or muted alarm starts nothing (its
        // internal notice is the drill's only output); a wait-period one starts a deferred execution.
        let firstInput = start.input;
        if (options.event !== undefined) {
          const started = await startDrillFromEvent(plan, options.event, REGION_OF_AUTOMATION(plan), stateDeps.logger, account);
          if (started.outcome.outcome === 'ignored' || started.input === null) {
            const at = start.startAt.toISOString();
            const reason = started.outcome.outcome === 'ignored' ? started.outcome.reason : `the starter answered ${started.outcome.outcome}`;
            options.onProgress?.({ at, elapsedSeconds: 0, state: 'Start Recovery', status: `ignored: ${reason}` });
            return { plan: plan.name, scenario: start.scenario, mode: 'drill', outcome: 'ignored', reason, startedAt: at, finishedAt: at, faults, ...empty, notifications: drillNotifications(account.published()), finalState: account.snapshot() };
          }
          if (started.outcome.outcome === 'deferred') {
            options.onProgress?.({ at: start.startAt.toISOString(), elapsedSeconds: 0, state: 'Start Recovery', status: `deferred until ${started.outcome.until}: the suppressor's wait period` });
          }
          firstInput = started.input;
        }
        const executions = [await runExecution(firstInput, firstName, null)];
        let last = executions[0]!;
        if (resume && last.summary?.outcome === 'failed') {
          // The operator removes the cause (the injected failures) and resumes the incident.
          const cleared = account.world.clearFailures();
          await new Promise((resolve) => setTimeout(resolve, account.world.durationMs('resume.operator-delay')));
          const scenario = plan.scenarios.find((sc) => sc.id === start.scenario)!;
          const input = {
            scenario: scenario.id,
            mode: last.summary.mode,
            reason: `offline drill: resume after ${cleared.length ? `fixing ${cleared.join(', ')}` : 'the failure'}`,
            requestedBy: 'dr-autopilot drill',
            resumeOf: executionArn(last.name),
          };
          last = await runExecution(input, `${firstName}-resume`, executionArn(last.name));
          executions.push(last);
        }
        // The drilled run's components, before a follow-up's progress reuses the per-component maps.
        const components = reportComponents(last.summary, lastStatus, retries);
        const stages: DrillFollowUp[] = [];
        if (followUps.length > 0 && last.summary?.outcome === 'recovered') {
          // The primary region answers again some time after the recovery; then the operators re-protect and fail back.
          if (account.world.regionOutage) {
            await new Promise((resolve) => setTimeout(resolve, account.world.durationMs('region.back-after-recovery')));
            account.world.endRegionOutage();
            options.onProgress?.({ at: new Date().toISOString(), elapsedSeconds: Math.round((Date.now() - t0) / 1000), state: 'Region Back', status: `${plan.regions.primary} answers again` });
          }
          for (const [i, scenario] of followUps.entries()) {
            retries.clear();
            lastStatus.clear();
            const input = { scenario: scenario.id, mode: 'planned', reason: `offline drill: ${scenario.stage} after ${start.scenario}`, requestedBy: 'dr-autopilot drill' };
            const run = await runExecution(input, `${firstName}-then-${i + 1}-${scenario.id}`, null);
            stages.push(followUpOf(scenario, run, lastStatus, retries));
            if (run.summary?.outcome !== 'recovered') break;
          }
        }
        const finishedAt = new Date().toISOString();
        const notifications = drillNotifications(account.published());
        const base = {
          plan: plan.name,
          scenario: start.scenario,
          mode: 'drill' as const,
          stateTransitions: transitions,
          // Per execution, the largest: each execution has its own limits.
          limits: executions.map((x) => x.limits).reduce((a, b) => ({
            largestPayloadBytes: Math.max(a.largestPayloadBytes, b.largestPayloadBytes),
            largestPayloadAt: b.largestPayloadBytes > a.largestPayloadBytes ? b.largestPayloadAt : a.largestPayloadAt,
            historyEvents: Math.max(a.historyEvents, b.historyEvents),
          })),
          faults,
          notifications,
          checks: [],
          // The simulated services, and the plan's lock in the drill's state table (free once a run ended or was stopped).
          finalState: { ...account.snapshot(), stateTable: { lock: (await holdingClock(() => readLock(stateDeps, plan.name))) ?? null } },
          executions: executions.map((x) => ({
            name: x.name,
            resumeOf: x.resumeOf,
            outcome: x.triggerCleared ? ('ignored' as const) : x.stopped ? ('aborted' as const) : (x.summary?.outcome ?? 'failed'),
            reason: x.summary ? x.summary.reason : x.reason,
            startedAt: x.startedAt,
            finishedAt: x.finishedAt,
          })),
        };
        const summary = last.summary;
        if (last.stopped) {
          return { ...base, outcome: 'aborted', reason: last.reason, startedAt: start.incidentAt.toISOString(), finishedAt, tiers: [], components: [], rpo: [] };
        }
        if (last.triggerCleared) {
          return { ...base, outcome: 'ignored', reason: last.reason, startedAt: start.incidentAt.toISOString(), finishedAt, tiers: [], components: [], rpo: [] };
        }
        if (!summary) {
          return { ...base, outcome: 'failed', reason: last.reason, startedAt: start.incidentAt.toISOString(), finishedAt, tiers: [], components: [], rpo: [] };
        }
        return {
          ...base,
          outcome: summary.outcome,
          reason: summary.reason,
          startedAt: summary.startedAt,
          finishedAt,
          approval: summary.approval,
          tiers: summary.tiers.map(reportTier),
          components,
          checks: summary.checks,
          rpo: summary.rpo,
          ...(last.report ? { runReport: last.report } : {}),
          ...(followUps.length > 0 ? { followUps: stages } : {}),
        };
      } finally {
        account.restore();
      }
    });
  } finally {
    routed.restore();
    await database?.stop();
    await dynamodb.stop();
    for (const key of ['PLAN_FILE', 'STATE_TABLE_NAME', 'POWERTOOLS_IDEMPOTENCY_DISABLED', 'EXTERNAL_TOPIC_ARN', 'NOTICE_STRICT_REDACTION', 'REPORT_BUCKET'] as const) {
      if (env[key] === undefined) delete process.env[key];
      else process.env[key] = env[key];
    }
  }
}

/** The notices published during the drill, as the report lists them. */
function drillNotifications(published: ReturnType<SimulatedAccount['published']>): DrillReport['notifications'] {
  return published.map((p) => ({
    stage: p.attributes.stage ?? 'unknown',
    audience: p.attributes.audience ?? 'unknown',
    language: p.attributes.language ?? 'en',
    // Internal notices are AWS Chatbot custom notifications: the report shows their text.
    channel: parseChatbotMessage(p.message) ? 'chatbot' : 'sns',
    subject: p.subject ?? '',
    body: readableMessage(p.message),
  }));
}
