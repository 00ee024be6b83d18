import { SNSClient } from '@aws-sdk/client-sns';
import { RecoveryCooldownError, RecoveryInProgressError } from '../shared/errors.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { acquireLockInput, acquireRecoveryLock, acquireRequestFor } from '../shared/state/lock.ts';
import { notifyRefusal } from '../shared/state/refusal-notice.ts';
import { createStateDocumentClient, stateTableName } from '../shared/state/table.ts';
import { clientConfig, onFirstUse } from '../shared/aws/clients.ts';

const ddb = createStateDocumentClient();
// Only a refused start sends a notice.
const sns = onFirstUse(() => new SNSClient(clientConfig(SNSClient)));

/**
 * First task of a run: takes the plan's recovery lock (one recovery per plan at a time, cooldown
 * between recoveries). Refused → one notice to the internal topic, then RecoveryInProgressError or
 * RecoveryCooldownError, which fails the execution. Input: `{ run, lock }` (acquireLockInput).
 */
export const handler = lambdaHandler(acquireLockInput, async (event) => {
  const request = acquireRequestFor(event);
  const deps = { ddb, tableName: stateTableName(), now: () => new Date(), logger };
  try {
    return await acquireRecoveryLock(deps, request);
  } catch (error) {
    if (error instanceof RecoveryInProgressError || error instanceof RecoveryCooldownError) {
      await notifyRefusal(sns(), process.env.INTERNAL_TOPIC_ARN, event.run, error, logger);
    }
    throw error;
  }
});
