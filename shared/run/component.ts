import type { Logger } from '@aws-lambda-powertools/logger';
import { int, lazy, nonnegative, object, optional, type output } from 'zod/mini';
import { loadRecoveryAction } from '../components/recovery.ts';
import { loadReprotectAction } from '../components/reprotection.ts';
import type { ActionContext, ActionProgress, RecoveryAction } from '../components/types.ts';
import type { AwsClients } from '../aws/clients.ts';
import { ActionTimedOutError } from '../errors.ts';
import { actionRecord, approvalDecision, componentTask, runContext } from './task-schemas.ts';
import type { ActionRecord, ComponentTask, RunContext } from './types.ts';
import './schema-messages.ts';
import { automationRegion } from './regions.ts';

export interface Deps {
  clients: AwsClients;
  logger: Logger;
  now: () => Date;
  /**
   * Right before a one-way command: makes sure this execution still holds the plan's recovery lock
   * (never taking it again: shared/state/hold-lock.ts) and is still RUNNING, so an invocation of a
   * stopped, failed or timed-out execution, or of one whose lock another run took over, never sends a
   * one-way command.
   */
  holdLock?: (run: RunContext) => Promise<void>;
}

/** Start Recovery Action's input (statemachines/failover.asl.json): `$.run`, `$.component`, `$.approval` and `$$.State.RetryCount`. */
export const startInput = lazy(() =>
  object({
    run: runContext,
    component: componentTask,
    /** The run's approval gate: an approval with force lets a split-brain guard fence and go on. */
    approval: optional(approvalDecision),
    /** $$.State.RetryCount of the start task. */
    retryCount: optional(int().check(nonnegative())),
  }),
);
export type StartInput = output<typeof startInput>;

/** Check Recovery Action's input: `$.run`, `$.component`, `$.action` and `$.approval`. */
export const checkInput = lazy(() =>
  object({ run: runContext, component: componentTask, approval: optional(approvalDecision), action: actionRecord }),
);
export type CheckInput = output<typeof checkInput>;

function context(deps: Deps, run: RunContext, component: ComponentTask, approval: StartInput['approval']): ActionContext {
  return {
    component,
    regions: run.regions,
    direction: run.direction,
    mode: run.mode,
    incidentStartedAt: new Date(run.incidentStartedAt),
    now: deps.now(),
    clients: deps.clients,
    logger: deps.logger,
    force: approval?.decision?.force === true,
    // Anti-flapping: an alarm-started run re-reads its trigger alarm right before each one-way command.
    beforeOneWay: async (step) => {
      if (run.trigger.kind === 'alarm') {
        await stillAlarming(deps, run, `${step} of ${component.id} (${component.type})`);
      }
      await deps.holdLock?.(run);
    },
  };
}

/** Anti-flapping (shared/run/alarm-guard.ts), loaded with its CloudWatch client only when an alarm-started run needs it. */
async function stillAlarming(deps: Deps, run: RunContext, step: string): Promise<void> {
  const { guardTrigger } = await import('./alarm-guard.ts');
  await guardTrigger(deps.clients, automationRegion(run), run.trigger.by, step, deps.logger);
}

/** What the run does to the component: a re-protect stage rebuilds its protection, any other recovers it (in the run's direction). */
const actionOf = (run: RunContext, type: ComponentTask['type']): Promise<RecoveryAction> =>
  run.stage === 'reprotect' ? loadReprotectAction(type) : loadRecoveryAction(type);

/** Polling interval bounds: never busy-loop (at least 1 s), never sleep more than an hour. */
const clamp = (seconds: number) => Math.min(3600, Math.max(1, Math.round(seconds)));

/**
 * Never wait past the deadline: while a second or more is left the next check lands on the deadline
 * or before it (whole seconds, rounded down); with less than a second left it is the minimum wait.
 */
function boundedByDeadline(seconds: number, deadline: string, now: Date): number {
  const left = Math.floor((Date.parse(deadline) - now.getTime()) / 1000);
  return clamp(Math.min(seconds, Math.max(1, left)));
}

function record(progress: ActionProgress, base: Pick<ActionRecord, 'startedAt' | 'deadline' | 'attempts' | 'polls'>, now: Date): ActionRecord {
  return {
    ...base,
    done: progress.done,
    nextCheckSeconds: clamp(progress.nextCheckSeconds),
    status: progress.status,
    state: progress.state,
    observations: progress.observations ?? {},
    awaitingConfirmation: progress.awaitingConfirmation === true,
    ...(progress.done ? { finishedAt: now.toISOString() } : {}),
  };
}

/** Starts a component's recovery action (idempotent: the action itself detects work already done). */
export async function startComponent(deps: Deps, input: StartInput): Promise<ActionRecord> {
  const { run, component } = input;
  const ctx = context(deps, run, component, input.approval);
  const action = await actionOf(run, component.type);
  // Before any step of a tier that holds a one-way step: an alarm back to OK (or suppressed, muted) stops the
  // tier before its reversible steps too, so a stopped tier does not leave them half done.
  if (run.trigger.kind === 'alarm' && component.oneWayTier === true && run.stage === 'recover') {
    await stillAlarming(deps, run, `the start of ${component.id} (${component.type}) in tier ${component.tier}, which holds a one-way step`);
  }
  const progress = await action.start(ctx as never);
  const now = ctx.now;
  const deadline = new Date(now.getTime() + component.timeoutMinutes * 60_000).toISOString();
  // First check: when the operation is expected to be done (or sooner, when the action says so),
  // never after the deadline (a plan may expect longer than it allows).
  // The plan's expectedSeconds is the recovery's; a re-protect does other work, so its action's own default applies.
  const firstCheck = (run.stage === 'reprotect' ? undefined : component.expectedSeconds) ?? action.defaultExpectedSeconds;
  const nextCheckSeconds = progress.done ? 0 : boundedByDeadline(Math.min(progress.nextCheckSeconds, firstCheck) || firstCheck, deadline, now);
  return record(
    { ...progress, nextCheckSeconds },
    {
      startedAt: now.toISOString(),
      deadline,
      attempts: (input.retryCount ?? 0) + 1,
      polls: 0,
    },
    now,
  );
}

/** Checks a component's recovery action; past the component's deadline it fails with ActionTimedOutError. */
export async function checkComponent(deps: Deps, input: CheckInput): Promise<ActionRecord> {
  const { run, component, action: previous } = input;
  const ctx = context(deps, run, component, input.approval);
  const progress = await (await actionOf(run, component.type)).check(ctx as never, previous.state);
  const base = { startedAt: previous.startedAt, deadline: previous.deadline, attempts: previous.attempts, polls: previous.polls + 1 };
  if (!progress.done && ctx.now.getTime() >= Date.parse(previous.deadline)) {
    throw new ActionTimedOutError(
      `${component.id} did not recover within ${component.timeoutMinutes} min (last status: ${progress.status})`,
      { component: component.id, deadline: previous.deadline },
    );
  }
  const next = record(progress, base, ctx.now);
  // Never wait past the deadline: the last check lands on it.
  return next.done ? next : { ...next, nextCheckSeconds: boundedByDeadline(next.nextCheckSeconds, previous.deadline, ctx.now) };
}
