import { onFirstUse } from '../shared/aws/clients.ts';
import { RecoveryCooldownError, RecoveryInProgressError } from '../shared/errors.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { acquireLockInput, acquireRecoveryLock, acquireRequestFor } from '../shared/state/lock.ts';
import { createStateDocumentClient, stateTableName } from '../shared/state/table.ts';

const ddb = createStateDocumentClient();
// Only a refused start sends a notice: its code and SNS client load on the first refusal, not at cold start.
const refusalNotifier = onFirstUse(async () => (await import('../shared/state/refusal-notice.ts')).refusalNotifier());

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
      // The refusal is what the execution ends with: a notice that cannot even load is only logged.
      await refusalNotifier()
        .then((notify) => notify(process.env.INTERNAL_TOPIC_ARN, event.run, error, logger))
        .catch((notLoaded: unknown) => logger.error('Recovery refusal not published', { errorName: error.name, publishError: (notLoaded as Error).name }));
    }
    throw error;
  }
});
