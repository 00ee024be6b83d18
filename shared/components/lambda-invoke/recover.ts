import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AwsTransientError, CustomStepFailedError, ResourceBusyError, notFoundOr } from '../../errors.ts';
import type { ActionContext, ActionProgress, RecoveryAction } from '../types.ts';

type Ctx = ActionContext<'lambda-invoke'>;
const EXPECTED_SECONDS = 5;
/** Bytes of the function's response kept for the report. */
const EXCERPT_BYTES = 1024;
const NOT_FOUND = ['ResourceNotFoundException'];
const BUSY = ['ResourceNotReadyException', 'ResourceConflictException'];
const TRANSIENT = ['ServiceException'];

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
 * The plan's payload plus a `drAutopilot` block. The function must be idempotent (a retry invokes it
 * again); `idempotencyKey` is the same for every attempt of this component in this run, so it can be.
 */
export function invocationPayload(ctx: Ctx): Uint8Array {
  const { id } = ctx.component;
  const incidentStartedAt = ctx.incidentStartedAt.toISOString();
  const drAutopilot = { componentId: id, mode: ctx.mode, incidentStartedAt, idempotencyKey: `${id}:${incidentStartedAt}` };
  return new TextEncoder().encode(JSON.stringify({ ...ctx.component.params.payload, drAutopilot }));
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

/** Invokes the customer's function synchronously; done when it returns without a function error. */
export const recover: RecoveryAction<'lambda-invoke'> = {
  type: 'lambda-invoke',
  defaultExpectedSeconds: EXPECTED_SECONDS,
  async start(ctx): Promise<ActionProgress> {
    const { functionName } = ctx.component.params;
    let out;
    try {
      out = await ctx.clients.get(LambdaClient, regionOf(ctx))
        .send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: invocationPayload(ctx) }));
    } catch (error) {
      throw mapError(ctx, error);
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
  },
  async check(ctx, state) {
    // The invoke is synchronous: once start has returned, the step is over.
    return { done: true, nextCheckSeconds: ctx.component.checkIntervalSeconds, status: 'the function has returned', state };
  },
};
