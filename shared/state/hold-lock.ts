import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { classifyError, ExecutionNotCurrentError } from '../errors.ts';
import type { RunContext } from '../run/types.ts';
import { lockKey } from './keys.ts';
import { readLock } from './lock.ts';
import type { StateDeps } from './table.ts';

/**
 * The check before a one-way command (shared/run/component.ts `holdLock`). Stopping, failing or timing
 * out an execution does not stop a Lambda invocation already running, and the status-change rule then
 * releases the lock: such an invocation must not send the step, nor take the lock again (it would hold
 * a dead execution's lock, blocking every new run). So the step goes ahead only when:
 * - the lock is still this execution's, confirmed by a conditional write that never takes it (owner =
 *   this execution, not expired; it records `confirmedAt`), and
 * - the execution is still RUNNING (Step Functions DescribeExecution).
 * Otherwise ExecutionNotCurrentError (terminal) names who holds the lock or the execution's status.
 */
export function lockHolder(deps: () => StateDeps, sfn: () => SFNClient): (run: RunContext) => Promise<void> {
  return async (run) => {
    const d = deps();
    await confirmLockHeld(d, run);
    await confirmExecutionRunning(sfn(), run);
  };
}

/** The lock is this execution's (never taken here): a conditional write on owner = me and not expired. */
export async function confirmLockHeld(deps: StateDeps, run: Pick<RunContext, 'plan' | 'executionId'>): Promise<void> {
  const now = deps.now().toISOString();
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: lockKey(run.plan),
        UpdateExpression: 'SET #confirmedAt = :now',
        ConditionExpression: '#owner = :me AND #expiresAt >= :now',
        ExpressionAttributeNames: { '#owner': 'owner', '#expiresAt': 'expiresAt', '#confirmedAt': 'confirmedAt' },
        ExpressionAttributeValues: { ':me': run.executionId, ':now': now },
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw classifyError(error);
    const item = await readLock(deps, run.plan);
    const why = item?.owner
      ? `execution ${item.owner} holds it (since ${item.acquiredAt ?? 'an unknown time'})`
      : `it was released${item?.lastReleasedAt ? ` at ${item.lastReleasedAt}` : ''}${item?.lastOwner ? ` by ${item.lastOwner} (${item.lastOutcome ?? 'unknown outcome'})` : ''}`;
    deps.logger.warn('One-way step refused: the lock is not this execution\'s', { plan: run.plan, holder: item?.owner ?? null });
    throw new ExecutionNotCurrentError(
      `execution ${run.executionId} no longer holds the recovery lock of plan "${run.plan}": ${why}. The one-way step is not sent; ` +
        'run `dr-autopilot status` to see the plan\'s state, and start a new run if the recovery is still needed',
      { plan: run.plan, holder: item?.owner ?? null, lastReleasedAt: item?.lastReleasedAt ?? null },
    );
  }
}

/** The execution is still RUNNING: a stopped, failed or timed-out one keeps no step going. */
export async function confirmExecutionRunning(sfn: SFNClient, run: Pick<RunContext, 'executionId'>): Promise<void> {
  let status: string | undefined;
  try {
    status = (await sfn.send(new DescribeExecutionCommand({ executionArn: run.executionId }))).status;
  } catch (error) {
    throw classifyError(error);
  }
  if (status !== 'RUNNING') {
    throw new ExecutionNotCurrentError(`execution ${run.executionId} is ${status ?? 'unknown'}, not RUNNING: the one-way step is not sent`, { status: status ?? null });
  }
}
