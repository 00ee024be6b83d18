import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { input, output, ZodMiniType } from 'zod/mini';
import { classifyError } from '../errors.ts';
import { parseTaskInput } from '../run/task-input.ts';

/** One logger per function module; keys of the run are added per invocation and reset after it. */
export const logger = new Logger({ serviceName: 'dr-autopilot' });

interface RunKeys {
  run?: { executionId?: string; plan?: string; scenario?: string };
  component?: { id?: string; type?: string };
}

/** Adds execution, plan, scenario and component to every log line (never the whole event). */
const runKeys = (): MiddlewareObj<unknown, unknown, Error, Context> => ({
  before: (request) => {
    const event = (request.event ?? {}) as RunKeys;
    const run = event.run;
    logger.appendKeys({
      execution: run?.executionId,
      plan: run?.plan,
      scenario: run?.scenario,
      component: event.component?.id,
      componentType: event.component?.type,
    });
  },
});

/**
 * Maps whatever a handler throws to one of our named errors before Lambda sees it: the error's name
 * becomes the function's errorType, which the state machine's Retry and Catch match.
 */
const namedErrors = (): MiddlewareObj<unknown, unknown, Error, Context> => ({
  onError: (request) => {
    const error = classifyError(request.error);
    // `message` is a reserved Powertools key (dropped with a warning): the error's text goes in errorMessage.
    logger.error('Task failed', { errorName: error.name, retryable: error.retryable, errorMessage: error.message });
    request.error = error;
  },
});

/**
 * Parses the event with the function's schema before anything else touches it (the idempotency
 * record, an AWS call, the state table): the function receives the parsed, typed value; a bad one is
 * an InvalidInputError naming the field (terminal: the state machine's Catch ends the run or the branch).
 */
const parsedInput = (schema: ZodMiniType): MiddlewareObj<unknown, unknown, Error, Context> => ({
  before: (request) => {
    request.event = parseTaskInput(schema, request.event);
  },
});

/**
 * The thin middy handler every function uses: `lambdaHandler(schema, async (input, context) => …)`,
 * the input parsed once with `schema` (zod/mini) before `fn` runs. A task that changes AWS adds
 * `.use(idempotentStep(…))` (shared/runtime/idempotency.ts) after it: its before (the idempotency
 * record) runs after the parse; last in, its onError (dropping the record of a failed run, so the retry
 * runs) comes before namedErrors'. Only those functions bundle DynamoDB.
 */
export function lambdaHandler<S extends ZodMiniType, R>(schema: S, fn: (input: output<S>, context: Context) => Promise<R>) {
  type E = input<S>;
  // No early-timeout timer: Lambda's own timeout ends a stuck invocation and the state machine retries it.
  // The event reaches `fn` parsed (parsedInput replaced it): its type is the schema's output.
  return middy<E, R, Error, Context>(fn as unknown as (event: E, context: Context) => Promise<R>, { timeoutEarlyInMillis: 0 })
    // logEvent: false overrides POWERTOOLS_LOGGER_LOG_EVENT: events carry task tokens and operators' text.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(runKeys() as MiddlewareObj<E, R, Error, Context>)
    .use(namedErrors() as MiddlewareObj<E, R, Error, Context>)
    .use(parsedInput(schema) as MiddlewareObj<E, R, Error, Context>);
}
