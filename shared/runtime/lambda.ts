import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { classifyError } from '../errors.ts';

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
 * The thin middy handler every function uses. A task that changes AWS adds `.use(idempotentStep(…))`
 * (shared/runtime/idempotency.ts) after it: last in, its onError (dropping the record of a failed run,
 * so the retry runs) comes before namedErrors'. Only those functions bundle DynamoDB.
 */
export function lambdaHandler<E, R>(fn: (event: E, context: Context) => Promise<R>) {
  // No early-timeout timer: Lambda's own timeout ends a stuck invocation and the state machine retries it.
  return middy<E, R, Error, Context>(fn, { timeoutEarlyInMillis: 0 })
    // logEvent: false overrides POWERTOOLS_LOGGER_LOG_EVENT: events carry task tokens and operators' text.
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(runKeys() as MiddlewareObj<E, R, Error, Context>)
    .use(namedErrors() as MiddlewareObj<E, R, Error, Context>);
}
