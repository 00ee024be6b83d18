import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { clientConfig, createAwsClients, onFirstUse } from '../shared/aws/clients.ts';
import { startComponent, startInput } from '../shared/run/component.ts';
import { idempotentStep } from '../shared/runtime/idempotency.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { lockHolder } from '../shared/state/hold-lock.ts';
import { stateDocumentClient, stateTableName } from '../shared/state/table.ts';

const clients = createAwsClients();
// The state table: an idempotency record on every invocation (Powertools, on this client), the lock
// before a one-way step only.
const dynamodb = onFirstUse(() => new DynamoDBClient(clientConfig(DynamoDBClient)));
const ddb = onFirstUse(() => stateDocumentClient(dynamodb()));
// Its own execution's status, before a one-way step only (the state machine runs in this function's region).
const sfn = onFirstUse(() => new SFNClient(clientConfig(SFNClient)));
const holdLock = lockHolder(() => ({ ddb: ddb(), tableName: stateTableName(), now: () => new Date(), logger }), sfn);

/**
 * Starts one component's recovery action. Idempotent twice over: a repeated invocation for the same
 * execution and component returns the first result (Powertools idempotency), and the action itself
 * reads before any one-way command, so a resumed run never sends it again either.
 */
export const handler = lambdaHandler(
  startInput,
  async (event) => {
    const action = await startComponent({ clients, logger, now: () => new Date(), holdLock }, event);
    logger.info('Action started', { status: action.status, done: action.done, nextCheckSeconds: action.nextCheckSeconds });
    return action;
  },
).use(idempotentStep({ step: 'start-action', key: '[run.executionId, component.id]', dynamodb }));
