import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { classifyError, InvalidInputError } from '../errors.ts';
import { readLock, type LockItem } from './lock.ts';
import { lockKey, unlockAuditKey } from './keys.ts';
import type { StateDeps } from './table.ts';

export interface UnlockRequest {
  plan: string;
  reason: string;
  by: string;
}

export interface UnlockResult {
  /** The execution that held the lock, or null when it was free (nothing to release; still audited). */
  previousOwner: string | null;
  previousScenario: string | null;
  at: string;
}

/**
 * The operator's override of the plan's recovery lock (`dr-autopilot unlock`): frees it whoever holds
 * it, keeping `lastOwner`/`lastReleasedAt` as a release would (outcome `unlocked`, so the cooldown counts
 * from now), and writes an audit item `unlock#<plan>` / time with who, why and the previous holder.
 * A holder's own one-way steps then refuse to run (shared/state/hold-lock.ts: the lock is no longer theirs).
 * The release is conditional on the holder read just before, so a lock taken meanwhile is not freed.
 */
export async function forceUnlock(deps: StateDeps, req: UnlockRequest): Promise<UnlockResult> {
  if (req.reason.trim().length < 3) throw new InvalidInputError('--reason: say why the lock is released (at least 3 characters); it is kept for audit', { field: 'reason' });
  const at = deps.now().toISOString();
  const item: LockItem | undefined = await readLock(deps, req.plan);
  const owner = item?.owner ?? null;
  try {
    if (owner) {
      await deps.ddb.send(
        new UpdateCommand({
          TableName: deps.tableName,
          Key: lockKey(req.plan),
          UpdateExpression: 'REMOVE #owner, #expiresAt, #acquiredAt, #ownerScenario SET #lastOwner = :owner, #lastReleasedAt = :now, #lastOutcome = :outcome',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: {
            '#owner': 'owner', '#expiresAt': 'expiresAt', '#acquiredAt': 'acquiredAt', '#ownerScenario': 'ownerScenario',
            '#lastOwner': 'lastOwner', '#lastReleasedAt': 'lastReleasedAt', '#lastOutcome': 'lastOutcome',
          },
          ExpressionAttributeValues: { ':owner': owner, ':now': at, ':outcome': 'unlocked' },
        }),
      );
    }
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: { ...unlockAuditKey(req.plan, at), plan: req.plan, by: req.by, reason: req.reason, previousOwner: owner, previousScenario: item?.ownerScenario ?? null, at },
      }),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
      throw new InvalidInputError(`the lock of plan "${req.plan}" changed while it was being released (another run took or released it); run \`dr-autopilot status\` and try again`, { field: 'plan' });
    }
    throw classifyError(error);
  }
  deps.logger.warn('Recovery lock released by an operator', { plan: req.plan, by: req.by, previousOwner: owner });
  return { previousOwner: owner, previousScenario: item?.ownerScenario ?? null, at };
}
