import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { clientConfig, createAwsClients, onFirstUse } from '../shared/aws/clients.ts';
import { checkComponent, checkInput } from '../shared/run/component.ts';
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
 * Checks one component's recovery action: done, not yet (with when to look again), or out of time.
 * A check may send a step that must follow (fencing the old primary, a promotion after fencing): a
 * repeated invocation of the same check (execution, component, check number) returns the first result.
 */
export const handler = lambdaHandler(
  checkInput,
  async (event) => {
    const action = await checkComponent({ clients, logger, now: () => new Date(), holdLock }, event);
    logger.info('Action checked', { status: action.status, done: action.done, polls: action.polls });
    return action;
  },
).use(idempotentStep({ step: 'check-action', key: '[run.executionId, component.id, action.polls]', dynamodb }));
