import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../aws/clients.ts';
import { idempotencyPartition } from '../state/keys.ts';
import { STATE_TABLE_KEYS, stateTableName } from '../state/table.ts';

/** Longer than any execution (the state machine's timeout is 48 h): a retry always finds the record. */
const RECORD_SECONDS = 3 * 24 * 3600;

/** Built on the first invocation and reused across invocations, unless the function passes its own. */
let ownClient: DynamoDBClient | undefined;

export interface IdempotentStep {
  /** The step's name, part of every record's key (e.g. "start-action"). */
  step: string;
  /** JMESPath over the event selecting what identifies one run of the step (execution + component …). */
  key: string;
  /**
   * The function's DynamoDB client for the state table, when it has one (onFirstUse,
   * shared/aws/clients.ts): the records and the function's own state reads then share one client.
   */
  dynamodb?: () => DynamoDBClient;
}

type Request = Parameters<NonNullable<MiddlewareObj<unknown, unknown, Error, Context>['before']>>[0];
type Middleware = ReturnType<typeof makeHandlerIdempotent>;
const INVOCATION = Symbol('idempotent-step');

/**
 * Powertools idempotency (DynamoDB, the state table) for a task that changes AWS: a second invocation
 * with the same key (Lambda's or the state machine's retry after the first one succeeded) returns the
 * stored result without running the task again; a run that failed leaves no record, so its retry
 * runs. A retry while the first invocation still runs gets IdempotencyAlreadyInProgressError, which
 * becomes the retryable TaskInProgressError.
 *
 * The configuration is read per invocation (POWERTOOLS_IDEMPOTENCY_DISABLED, STATE_TABLE_NAME), so
 * the drill and the tests decide for the process they run in.
 */
export function idempotentStep({ step, key, dynamodb }: IdempotentStep): MiddlewareObj<unknown, unknown, Error, Context> {
  const current = (request: Request): Middleware | undefined => (request.internal as Record<symbol, Middleware | undefined>)[INVOCATION];
  return {
    before: (request) => {
      const client = dynamodb?.() ?? (ownClient ??= new DynamoDBClient(clientConfig(DynamoDBClient)));
      const middleware = makeHandlerIdempotent({
        persistenceStore: new DynamoDBPersistenceLayer({
          tableName: stateTableName(),
          keyAttr: STATE_TABLE_KEYS.partitionKey,
          sortKeyAttr: STATE_TABLE_KEYS.sortKey,
          expiryAttr: STATE_TABLE_KEYS.ttl,
          staticPkValue: idempotencyPartition(step),
          awsSdkV3Client: client,
        }),
        keyPrefix: step,
        config: new IdempotencyConfig({ eventKeyJmesPath: key, throwOnNoIdempotencyKey: true, expiresAfterSeconds: RECORD_SECONDS }),
      });
      (request.internal as Record<symbol, Middleware>)[INVOCATION] = middleware;
      return middleware.before?.(request as never);
    },
    after: async (request) => {
      await current(request)?.after?.(request as never);
    },
    onError: async (request) => {
      await current(request)?.onError?.(request as never);
    },
  };
}
