import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { looseObject, number, object, optional, string, unknown, type output } from 'zod/mini';
import { CLIENT_TIMEOUTS } from '../../aws/clients.ts';
import { AwsTransientError, classifyError, CustomStepFailedError, ResourceBusyError, UnexpectedStateError, notFoundOr } from '../../errors.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';

/*
 * A custom step: the plan owner's function, invoked in one of two ways (params.ts `invocation`).
 *
 * sync (default): one RequestResponse invoke; the step is done when it returns. It must answer within
 *   the LambdaClient's request timeout (60 s, shared/aws/clients.ts), inside start-action's 90 s
 *   (serverless.yml). The send is aborted at that timeout, so the SDK never re-sends it (its standard
 *   retry treats a TimeoutError as transient, and each re-send would run the step again); no answer
 *   in time fails the step with CustomStepFailedError, not retried: the function may still be running.
 *
 * async: an Event invoke (Lambda queues it and answers 202 at once), then the checks poll the SSM
 *   parameter the plan names (`resultParameterName`), where the function reports
 *   `{ idempotencyKey, status: RUNNING | SUCCEEDED | FAILED, message?, output?, error?: { type, message } }`.
 *   The component is done when the result says SUCCEEDED (so its time counts in RTO), fails with
 *   CustomStepFailedError on FAILED, and with ActionTimedOutError when nothing is reported by its
 *   deadline (shared/run/component.ts). Why a parameter the function writes, and not Lambda's own
 *   destinations for async invocations: they send records to a queue, topic, event bus, function or
 *   bucket (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html), one
 *   more resource per step that a check would have to consume and search for this invocation; a
 *   parameter is one read for us, one write permission for the function, and says RUNNING meanwhile.
 *
 * Never twice: start reads the parameter before invoking. A record of this incident's step (the key
 * below) that is RUNNING or SUCCEEDED means an earlier start of it was accepted — a resumed run after
 * the deadline, or a retry — so it is not invoked again and the run goes on from there. A FAILED one is
 * run again only as a new attempt (`#2`, `#3`… in the key: the run was resumed after a fix). Retries of
 * a start that succeeded never reach here (start-action's Powertools idempotency, README.md#idempotency);
 * a start that failed before the function reported (its invoke throttled or refused) invokes again
 * with the same key. No marker is written before invoking: Parameter Store has no conditional write,
 * so a marker written after the invoke could overwrite the function's own report, and one written
 * before tells a retry nothing it can act on (the invoke may or may not have been queued either way).
 * Lambda itself may deliver an event more than once, and retries a function error twice by default
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html), so the function
 * must act on a key once in any case (the payload carries it) and should report FAILED rather than
 * leave a failure to Lambda's retries. An event Lambda drops, or a function that dies without a
 * report, ends at the component's deadline.
 */

type Ctx = ActionContext<'lambda-invoke'>;
const EXPECTED_SECONDS = 5;
/** Bytes of the function's response (or reported output) kept for the report. */
const EXCERPT_BYTES = 1024;
/** A synchronous invoke gets the LambdaClient's request timeout, and no more. */
const SYNC_LIMIT_MS = CLIENT_TIMEOUTS.longRequestMs;
const NOT_FOUND = ['ResourceNotFoundException'];
const BUSY = ['ResourceNotReadyException', 'ResourceConflictException'];
const TRANSIENT = ['ServiceException'];
const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED'] as const;

const regionOf = (ctx: Ctx) => ctx.regions[ctx.component.params.region];
const what = (ctx: Ctx) => `Lambda function ${ctx.component.params.functionName} in ${regionOf(ctx)}`;

// TooManyRequestsException (429) becomes AwsThrottlingError through classifyError (called by notFoundOr).
function mapError(ctx: Ctx, error: unknown) {
  const name = error instanceof Error ? error.name : '';
  const message = `${what(ctx)}: ${name}: ${error instanceof Error ? error.message : String(error)}`;
  const details = { awsErrorName: name };
  if (BUSY.includes(name)) return new ResourceBusyError(message, details, { cause: error });
  if (TRANSIENT.includes(name)) return new AwsTransientError(message, details, { cause: error });
  return notFoundOr(error, NOT_FOUND, what(ctx));
}

/**
 * The request was sent and no response came in time: the request timeout of @smithy/node-http-handler
 * ("a request has exceeded the configured … requestTimeout") or our abort at that time. A timeout
 * to connect (the request never left) is not one of them: it stays retryable.
 */
function unanswered(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || (error.name === 'TimeoutError' && /requestTimeout|aborted due to timeout/.test(error.message));
}

/** The key of this incident's step: the same for every start of the component in the incident (retries, resumes). */
const baseKey = (ctx: Ctx) => `${ctx.component.id}:${ctx.incidentStartedAt.toISOString()}`;
/** Attempt 1 is the base key (as a synchronous step has it); a later attempt, after a FAILED one, is `#n`. */
const keyOf = (ctx: Ctx, attempt: number) => (attempt === 1 ? baseKey(ctx) : `${baseKey(ctx)}#${attempt}`);
/** The attempt a key is of, when it is this incident's step; otherwise null (another incident, another component). */
function attemptOf(ctx: Ctx, key: string): number | null {
  const base = baseKey(ctx);
  if (key === base) return 1;
  const suffix = key.startsWith(`${base}#`) ? key.slice(base.length + 1) : '';
  const attempt = /^\d{1,6}$/.test(suffix) ? Number(suffix) : Number.NaN;
  return attempt >= 2 ? attempt : null;
}

/**
 * The plan's payload plus a `drAutopilot` block. `idempotencyKey` is the same for every start of this
 * component in this incident, so the function can act on it once. An asynchronous step also gets its
 * `attempt` and where to report (`result.parameterName` in `result.region`).
 */
export function invocationPayload(ctx: Ctx, attempt = 1): Uint8Array {
  const { id, params } = ctx.component;
  const incidentStartedAt = ctx.incidentStartedAt.toISOString();
  const drAutopilot = {
    componentId: id,
    mode: ctx.mode,
    incidentStartedAt,
    idempotencyKey: keyOf(ctx, attempt),
    ...(params.invocation === 'async' ? { attempt, result: { parameterName: params.resultParameterName, region: regionOf(ctx) } } : {}),
  };
  return new TextEncoder().encode(JSON.stringify({ ...params.payload, drAutopilot }));
}

/** At most EXCERPT_BYTES of the payload as text (a multi-byte character cut at the end is dropped). */
export function excerpt(payload: Uint8Array | undefined): string {
  if (!payload || payload.length === 0) return '';
  const head = new TextDecoder().decode(payload.subarray(0, EXCERPT_BYTES));
  return payload.length > EXCERPT_BYTES ? head.replace(/\uFFFD+$/, '') : head;
}

/** errorType and errorMessage from a function error's payload; its shape is not guaranteed (may not even be JSON). */
export function functionErrorOf(functionError: string, payload: Uint8Array | undefined) {
  const text = payload ? new TextDecoder().decode(payload) : '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const field = (key: string) => {
    const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  return {
    errorType: field('errorType') ?? functionError,
    errorMessage: (field('errorMessage') ?? (excerpt(payload) || 'no error message')).slice(0, EXCERPT_BYTES),
  };
}

// ---- synchronous ---------------------------------------------------------------------------------

async function startSync(ctx: Ctx): Promise<ActionProgress> {
  const { functionName } = ctx.component.params;
  // Aborted at the request timeout: the SDK does not start another attempt once the call is aborted.
  // A timer of its own (not AbortSignal.timeout) so that a faked clock (the drill, the tests) runs it too.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), SYNC_LIMIT_MS);
  let out;
  try {
    out = await ctx.clients.get(LambdaClient, regionOf(ctx)).send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: invocationPayload(ctx) }),
      { abortSignal: abort.signal },
    );
  } catch (error) {
    if (unanswered(error)) {
      throw new CustomStepFailedError(
        `${what(ctx)} did not answer within ${SYNC_LIMIT_MS / 1000} s, the limit of a synchronous invoke: it may still be running, so it is not invoked again; ` +
          'a step that can take longer needs invocation: async with a resultParameterName',
        { idempotencyKey: keyOf(ctx, 1), limitSeconds: SYNC_LIMIT_MS / 1000, awsErrorName: (error as Error).name },
        { cause: error },
      );
    }
    throw mapError(ctx, error);
  } finally {
    clearTimeout(timer);
  }
  const statusCode = out.StatusCode ?? null;
  const executedVersion = out.ExecutedVersion ?? null;
  if (out.FunctionError) {
    // A function error still comes back as HTTP 200.
    const { errorType, errorMessage } = functionErrorOf(out.FunctionError, out.Payload);
    throw new CustomStepFailedError(`${what(ctx)} failed: ${errorType}: ${errorMessage}`, {
      functionError: out.FunctionError,
      errorType,
      errorMessage,
      statusCode,
      executedVersion,
    });
  }
  ctx.logger.info('Lambda function invoked', { functionName, region: regionOf(ctx), statusCode, executedVersion });
  const state = { statusCode, executedVersion };
  return {
    done: true,
    nextCheckSeconds: ctx.component.checkIntervalSeconds,
    status: `${functionName} returned ${statusCode ?? 'no status'}`,
    state,
    observations: { ...state, payloadExcerpt: excerpt(out.Payload) },
  };
}

// ---- asynchronous --------------------------------------------------------------------------------

/** What the function writes in the result parameter (the fields read; the rest is its own). */
const resultRecord = looseObject({ idempotencyKey: string(), status: string(), message: optional(unknown()), output: optional(unknown()), error: optional(unknown()) });
type ResultRecord = output<typeof resultRecord>;

/** The check state of an asynchronous step (start's `state`). */
const asyncStateSchema = object({ idempotencyKey: string(), attempt: number() });

type Reading =
  | { kind: 'none' }
  | { kind: 'unreadable' }
  | { kind: 'other'; key: string; status: string }
  | { kind: 'mine'; key: string; attempt: number; record: ResultRecord; version: number | null; reportedAt: string | null };

const parameterOf = (ctx: Ctx) => ctx.component.params.resultParameterName ?? '';

/** The result parameter, as this step reads it: absent, not a result, another step's result, or this incident's. */
async function readResult(ctx: Ctx): Promise<Reading> {
  let out;
  try {
    out = await ctx.clients.get(SSMClient, regionOf(ctx)).send(new GetParameterCommand({ Name: parameterOf(ctx) }));
  } catch (error) {
    // Nothing reported yet (the function creates the parameter with its first write).
    if (error instanceof Error && error.name === 'ParameterNotFound') return { kind: 'none' };
    throw classifyError(error);
  }
  const value = out.Parameter?.Value;
  if (value === undefined) return { kind: 'none' };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return { kind: 'unreadable' };
  }
  const parsed = resultRecord.safeParse(json);
  if (!parsed.success) return { kind: 'unreadable' };
  const record = parsed.data;
  const attempt = attemptOf(ctx, record.idempotencyKey);
  if (attempt === null) return { kind: 'other', key: record.idempotencyKey, status: record.status };
  return {
    kind: 'mine',
    key: record.idempotencyKey,
    attempt,
    record,
    version: out.Parameter?.Version ?? null,
    reportedAt: out.Parameter?.LastModifiedDate?.toISOString() ?? null,
  };
}

function asyncState(ctx: Ctx, attempt: number, invokedAt: string | null, statusCode: number | null): JsonObject {
  return { invocation: 'async', idempotencyKey: keyOf(ctx, attempt), attempt, resultParameterName: parameterOf(ctx), invokedAt, statusCode };
}

/** What the report keeps of the step: how it was invoked and, once reported, the result's version, time and output. */
function observationsOf(state: JsonObject, reading?: Extract<Reading, { kind: 'mine' }>): JsonObject {
  const { invocation, idempotencyKey, attempt, statusCode, resultParameterName } = state;
  const base: JsonObject = { invocation: invocation ?? null, idempotencyKey: idempotencyKey ?? null, attempt: attempt ?? null, statusCode: statusCode ?? null, resultParameterName: resultParameterName ?? null };
  if (!reading) return base;
  const output = reading.record.output === undefined ? '' : excerpt(new TextEncoder().encode(JSON.stringify(reading.record.output)));
  return { ...base, resultVersion: reading.version, reportedAt: reading.reportedAt, outputExcerpt: output };
}

function unexpectedStatus(ctx: Ctx, reading: Extract<Reading, { kind: 'mine' }>): UnexpectedStateError {
  return new UnexpectedStateError(
    `${what(ctx)}: SSM parameter ${parameterOf(ctx)} holds status "${reading.record.status}" for ${reading.key}; a result's status is ${STATUSES.join(', ')}`,
    { idempotencyKey: reading.key, status: reading.record.status, resultParameterName: parameterOf(ctx) },
  );
}

function failed(ctx: Ctx, reading: Extract<Reading, { kind: 'mine' }>): CustomStepFailedError {
  const { error } = reading.record;
  const field = (key: string) => {
    const value = typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const errorType = field('type') ?? 'FAILED';
  const errorMessage = (field('message') ?? (typeof error === 'string' && error !== '' ? error : 'no error message')).slice(0, EXCERPT_BYTES);
  return new CustomStepFailedError(`${what(ctx)} failed: ${errorType}: ${errorMessage}`, {
    idempotencyKey: reading.key,
    attempt: reading.attempt,
    errorType,
    errorMessage,
    resultParameterName: parameterOf(ctx),
    resultVersion: reading.version,
  });
}

const runningStatus = (ctx: Ctx, reading: Extract<Reading, { kind: 'mine' }>) => {
  const { message } = reading.record;
  const note = typeof message === 'string' && message !== '' ? `: ${message.slice(0, 200)}` : '';
  return `${ctx.component.params.functionName} is running ${reading.key}${note}`;
};

async function startAsync(ctx: Ctx): Promise<ActionProgress> {
  const { functionName } = ctx.component.params;
  const nextCheckSeconds = ctx.component.checkIntervalSeconds;
  const reading = await readResult(ctx);
  if (reading.kind === 'mine') {
    const { status } = reading.record;
    if (status === 'RUNNING' || status === 'SUCCEEDED') {
      // Invoked earlier in this incident (a resume after the deadline, or a retry): go on from its report.
      const state = asyncState(ctx, reading.attempt, null, null);
      ctx.logger.info('Custom step already invoked: not invoked again', { functionName, idempotencyKey: reading.key, status });
      return status === 'SUCCEEDED'
        ? { done: true, nextCheckSeconds, status: `${functionName} already reported SUCCEEDED for ${reading.key}: not invoked again`, state, observations: observationsOf(state, reading) }
        : { done: false, nextCheckSeconds, status: `${functionName} is already running ${reading.key} (invoked earlier in this incident): not invoked again`, state, observations: observationsOf(state) };
    }
    if (status !== 'FAILED') throw unexpectedStatus(ctx, reading);
  }
  // A FAILED attempt of this incident is run again as the next attempt (the run was resumed after a fix).
  const attempt = reading.kind === 'mine' ? reading.attempt + 1 : 1;
  let out;
  try {
    out = await ctx.clients.get(LambdaClient, regionOf(ctx))
      .send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: invocationPayload(ctx, attempt) }));
  } catch (error) {
    throw mapError(ctx, error);
  }
  const state = asyncState(ctx, attempt, ctx.now.toISOString(), out.StatusCode ?? null);
  ctx.logger.info('Lambda function invoked asynchronously', { functionName, region: regionOf(ctx), idempotencyKey: state.idempotencyKey, statusCode: state.statusCode });
  return {
    done: false,
    nextCheckSeconds,
    status: `${functionName} invoked asynchronously (attempt ${attempt}); waiting for its result in SSM parameter ${parameterOf(ctx)}`,
    state,
    observations: observationsOf(state),
  };
}

async function checkAsync(ctx: Ctx, state: JsonObject): Promise<ActionProgress> {
  const parsed = asyncStateSchema.safeParse(state);
  if (!parsed.success) throw new UnexpectedStateError(`${what(ctx)}: the check state has no idempotencyKey and attempt of an asynchronous invoke`, { state });
  const { idempotencyKey } = parsed.data;
  const { functionName } = ctx.component.params;
  const nextCheckSeconds = ctx.component.checkIntervalSeconds;
  const waiting = (why: string): ActionProgress => ({ done: false, nextCheckSeconds, status: `waiting for ${functionName} to report in ${parameterOf(ctx)}: ${why}`, state });
  const reading = await readResult(ctx);
  if (reading.kind === 'none') return waiting('no result yet');
  if (reading.kind === 'unreadable') return waiting('its value is not a dr-autopilot result (JSON with idempotencyKey and status)');
  // Another incident's result, or an earlier attempt's: this attempt has not reported yet.
  if (reading.kind === 'other' || reading.key !== idempotencyKey) return waiting(`it holds ${reading.key} ${reading.kind === 'other' ? reading.status : reading.record.status}, not ${idempotencyKey}`);
  switch (reading.record.status) {
    case 'RUNNING':
      return { done: false, nextCheckSeconds, status: runningStatus(ctx, reading), state };
    case 'SUCCEEDED':
      ctx.logger.info('Custom step reported SUCCEEDED', { functionName, idempotencyKey, resultVersion: reading.version });
      return { done: true, nextCheckSeconds, status: `${functionName} reported SUCCEEDED for ${idempotencyKey}`, state, observations: observationsOf(state, reading) };
    case 'FAILED':
      throw failed(ctx, reading);
    default:
      throw unexpectedStatus(ctx, reading);
  }
}

/** Invokes the customer's function: synchronously (done when it returns) or asynchronously (done when it reports SUCCEEDED). */
export const recover: RecoveryAction<'lambda-invoke'> = {
  type: 'lambda-invoke',
  defaultExpectedSeconds: EXPECTED_SECONDS,
  start: (ctx) => (ctx.component.params.invocation === 'async' ? startAsync(ctx) : startSync(ctx)),
  async check(ctx, state) {
    if (ctx.component.params.invocation === 'async') return checkAsync(ctx, state);
    // The invoke is synchronous: once start has returned, the step is over.
    return { done: true, nextCheckSeconds: ctx.component.checkIntervalSeconds, status: 'the function has returned', state };
  },
};
