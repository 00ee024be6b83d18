import type { Logger } from '@aws-lambda-powertools/logger';
import { actionFor } from '../actions/index.ts';
import type { ActionContext, ActionProgress, JsonObject } from '../actions/types.ts';
import type { AwsClients } from '../aws/clients.ts';
import { ActionTimedOutError, InvalidInputError } from '../errors.ts';
import type { ActionRecord, ComponentResult, ComponentTask, RunContext } from './types.ts';

export interface Deps {
  clients: AwsClients;
  logger: Logger;
  now: () => Date;
}

export interface StartInput {
  run: RunContext;
  component: ComponentTask;
  /** $$.State.RetryCount of the start task. */
  retryCount?: number;
}

export interface CheckInput {
  run: RunContext;
  component: ComponentTask;
  action: ActionRecord;
}

function context(deps: Deps, run: RunContext, component: ComponentTask): ActionContext {
  return {
    component,
    regions: run.regions,
    mode: run.mode,
    incidentStartedAt: new Date(run.startedAt),
    now: deps.now(),
    clients: deps.clients,
    logger: deps.logger,
  };
}

/** Polling interval bounds: never busy-loop, never sleep past the deadline by more than a minute. */
const clamp = (seconds: number) => Math.min(3600, Math.max(1, Math.round(seconds)));

function record(progress: ActionProgress, base: Pick<ActionRecord, 'startedAt' | 'deadline' | 'attempts' | 'checks'>, now: Date): ActionRecord {
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
  if (!component?.type || !run?.regions) throw new InvalidInputError('component/run: missing from the task input', { field: 'component' });
  const ctx = context(deps, run, component);
  const action = actionFor(component.type);
  const progress = await action.start(ctx as never);
  const now = ctx.now;
  const firstCheck = component.expectedSeconds ?? action.defaultExpectedSeconds;
  return record(
    { ...progress, nextCheckSeconds: progress.done ? 0 : Math.min(progress.nextCheckSeconds, firstCheck) || firstCheck },
    {
      startedAt: now.toISOString(),
      deadline: new Date(now.getTime() + component.timeoutMinutes * 60_000).toISOString(),
      attempts: (input.retryCount ?? 0) + 1,
      checks: 0,
    },
    now,
  );
}

/** Checks a component's recovery action; past the component's deadline it fails with ActionTimedOutError. */
export async function checkComponent(deps: Deps, input: CheckInput): Promise<ActionRecord> {
  const { run, component, action: previous } = input;
  const ctx = context(deps, run, component);
  const progress = await actionFor(component.type).check(ctx as never, previous.state);
  const base = { startedAt: previous.startedAt, deadline: previous.deadline, attempts: previous.attempts, checks: previous.checks + 1 };
  if (!progress.done && ctx.now.getTime() >= Date.parse(previous.deadline)) {
    throw new ActionTimedOutError(
      `${component.id} did not recover within ${component.timeoutMinutes} min (last status: ${progress.status})`,
      { component: component.id, deadline: previous.deadline },
    );
  }
  const next = record(progress, base, ctx.now);
  // Never wait past the deadline: the last check lands on it.
  const untilDeadline = (Date.parse(previous.deadline) - ctx.now.getTime()) / 1000;
  return next.done ? next : { ...next, nextCheckSeconds: clamp(Math.min(next.nextCheckSeconds, Math.max(1, untilDeadline))) };
}

export interface RecordInput {
  component: ComponentTask;
  action?: ActionRecord;
  /** Caught error ({Error, Cause}) of the start, check or confirmation task. */
  error?: { Error: string; Cause?: string };
  /** Output of the operator's confirmation (manual components). */
  confirmation?: JsonObject;
}

function causeMessage(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}

/** The component's outcome as it goes into the run's results and the report. */
export function recordComponent(deps: Pick<Deps, 'now'>, input: RecordInput): ComponentResult {
  const { component, action, error, confirmation } = input;
  const now = deps.now().toISOString();
  const failed = error !== undefined;
  return {
    id: component.id,
    tier: component.tier,
    type: component.type,
    status: failed ? 'failed' : 'recovered',
    startedAt: action?.startedAt ?? now,
    finishedAt: failed ? now : (action?.finishedAt ?? now),
    attempts: action?.attempts ?? 1,
    checks: action?.checks ?? 0,
    lastStatus: action?.status ?? null,
    observations: { ...(action?.observations ?? {}), ...(confirmation ? { confirmation } : {}) },
    error: failed ? { name: error.Error, message: causeMessage(error.Cause) } : null,
  };
}
