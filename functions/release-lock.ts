import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { packagedPlan } from '../shared/runtime/plan.ts';
import { releaseLockInput, releaseRecoveryLock, releaseRequestFor } from '../shared/state/lock.ts';
import { createStateDocumentClient, stateTableName } from '../shared/state/table.ts';

const ddb = createStateDocumentClient();

/**
 * Frees the plan's recovery lock. Two callers: the state machine's last states (`{ run, outcome }`),
 * and an EventBridge rule on "Step Functions Execution Status Change" of the failover state machine
 * (SUCCEEDED, FAILED, TIMED_OUT, ABORTED release; RUNNING is ignored) as the backstop for executions
 * that end without reaching their own release. A lock held by another execution is left alone.
 */
export const handler = lambdaHandler(releaseLockInput, async (event): Promise<{ released: boolean; reason: string }> => {
  const request = await releaseRequestFor(event, async () => (await packagedPlan()).name);
  if ('ignored' in request) {
    logger.info('Execution status change ignored', { reason: request.ignored });
    return { released: false, reason: `ignored: ${request.ignored}` };
  }
  logger.appendKeys({ execution: request.executionId, plan: request.plan });
  return releaseRecoveryLock({ ddb, tableName: stateTableName(), now: () => new Date(), logger }, request);
});
