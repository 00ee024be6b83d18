import { SNSClient } from '@aws-sdk/client-sns';
import { RecoveryCooldownError, RecoveryInProgressError } from '../shared/errors.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { acquireRecoveryLock, acquireRequestFor, type AcquireLockEvent } from '../shared/state/lock.ts';
import { notifyRefusal } from '../shared/state/refusal-notice.ts';
import { createStateDocumentClient, stateTableName } from '../shared/state/table.ts';

const ddb = createStateDocumentClient();
const sns = new SNSClient({});

/**
 * First task of a run: takes the plan's recovery lock (one recovery per plan at a time, cooldown
 * between recoveries). Refused → one notice to the internal topic, then RecoveryInProgressError or
 * RecoveryCooldownError, which fails the execution. Input: AcquireLockEvent `{ run, lock }`.
 */
export const handler = lambdaHandler(async (event: AcquireLockEvent) => {
  const request = acquireRequestFor(event);
  const deps = { ddb, tableName: stateTableName(), now: () => new Date(), logger };
  try {
    return await acquireRecoveryLock(deps, request);
  } catch (error) {
    if (error instanceof RecoveryInProgressError || error instanceof RecoveryCooldownError) {
      await notifyRefusal(sns, process.env.INTERNAL_TOPIC_ARN, event.run, error, logger);
    }
    throw error;
  }
});
