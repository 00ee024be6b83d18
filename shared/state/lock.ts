import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { boolean, lazy, literal, looseObject, minLength, NEVER, nullable, number, object, optional, pipe, refine, string, transform, unknown, type output } from 'zod/mini';
import { classifyError, InvalidInputError, RecoveryCooldownError, RecoveryInProgressError, ResourceBusyError } from '../errors.ts';
import { typed } from '../run/task-input.ts';
import type { RunContext } from '../run/types.ts';
import { lockKey } from './keys.ts';
import type { StateDeps } from './table.ts';
import { INPUT_PARSE } from '../run/schema-messages.ts';

/**
 * One recovery per plan at a time, and a cooldown between recoveries (anti-flapping).
 *
 * The lock is one item per plan, `{ id: 'lock#<plan>', sk: 'lock' }`, that never expires (no TTL):
 *   owner, ownerScenario, acquiredAt, expiresAt   while a recovery holds it (removed on release)
 *   lastOwner, lastReleasedAt, lastOutcome        the previous recovery (kept; the cooldown reads them)
 * Times are ISO-8601 UTC strings as `Date#toISOString()` writes them, so they compare as strings.
 */


/** The lock item as stored (every attribute is a string; absent ones are not set). */
export interface LockItem {
  id: string;
  sk: string;
  owner?: string;
  ownerScenario?: string;
  acquiredAt?: string;
  expiresAt?: string;
  lastOwner?: string;
  lastReleasedAt?: string;
  lastOutcome?: string;
}

export interface AcquireLockRequest {
  plan: string;
  /** The execution ARN that asks for the lock. */
  executionId: string;
  scenario: string;
  /** 0: no cooldown. */
  cooldownMinutes: number;
  /** ISO time after which the lock may be taken over (the execution is surely over: its start + the state machine's timeout). */
  expiresAt: string;
  /** Start even within the cooldown (console input `"ignoreCooldown": true`; a resume). */
  ignoreCooldown?: boolean;
}

export interface ReleaseLockRequest {
  plan: string;
  executionId: string;
  /** How the recovery ended (recovered, failed, aborted, timed-out…): kept as lastOutcome. */
  outcome: string;
}

const ATTEMPTS = 3;

/**
 * Takes the plan's recovery lock for `executionId` with one conditional write. Allowed when the lock
 * is free, already ours (a retry or redrive: `reentered`), or its holder's `expiresAt` has passed;
 * and the previous recovery ended at least `cooldownMinutes` ago (unless ignoreCooldown, or ours).
 * Refused → RecoveryInProgressError or RecoveryCooldownError saying why; other AWS errors → classifyError.
 */
export async function acquireRecoveryLock(deps: StateDeps, req: AcquireLockRequest): Promise<{ reentered: boolean }> {
  const expiresAt = isoTime(req.expiresAt, 'lock.expiresAt');
  if (!Number.isFinite(req.cooldownMinutes) || req.cooldownMinutes < 0) {
    throw new InvalidInputError(`lock.cooldownMinutes: must be a number ≥ 0, got ${String(req.cooldownMinutes)}`, { field: 'lock.cooldownMinutes' });
  }
  const cooldown = !req.ignoreCooldown && req.cooldownMinutes > 0;
  for (let attempt = 1; ; attempt++) {
    const now = deps.now();
    const cooledSince = new Date(now.getTime() - req.cooldownMinutes * 60_000).toISOString();
    try {
      const out = await deps.ddb.send(
        new UpdateCommand({
          TableName: deps.tableName,
          Key: lockKey(req.plan),
          UpdateExpression: 'SET #owner = :me, #ownerScenario = :scenario, #acquiredAt = :now, #expiresAt = :expiresAt',
          ConditionExpression:
            '(attribute_not_exists(#owner) OR #owner = :me OR #expiresAt < :now)' +
            (cooldown ? ' AND (#owner = :me OR attribute_not_exists(#lastReleasedAt) OR #lastReleasedAt <= :cooledSince)' : ''),
          ExpressionAttributeNames: {
            '#owner': 'owner',
            '#ownerScenario': 'ownerScenario',
            '#acquiredAt': 'acquiredAt',
            '#expiresAt': 'expiresAt',
            ...(cooldown ? { '#lastReleasedAt': 'lastReleasedAt' } : {}),
          },
          ExpressionAttributeValues: {
            ':me': req.executionId,
            ':scenario': req.scenario,
            ':now': now.toISOString(),
            ':expiresAt': expiresAt,
            ...(cooldown ? { ':cooledSince': cooledSince } : {}),
          },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const old = (out.Attributes ?? {}) as Partial<LockItem>;
      const reentered = old.owner === req.executionId;
      if (old.owner && !reentered) {
        deps.logger.warn('Recovery lock taken over: its holder expired', { plan: req.plan, previousOwner: old.owner, previousExpiresAt: old.expiresAt });
      }
      deps.logger.info('Recovery lock acquired', { plan: req.plan, reentered, expiresAt, ignoreCooldown: req.ignoreCooldown === true });
      return { reentered };
    } catch (error) {
      if (!isConditionFailed(error)) throw classifyError(error);
      const item = itemOf(error) ?? (await readLock(deps, req.plan));
      const refusal = refusalFor(req, item, now, cooledSince, cooldown);
      if (refusal) {
        deps.logger.warn('Recovery lock refused', { plan: req.plan, errorName: refusal.name, ...refusal.details });
        throw refusal;
      }
      // The lock changed between the write and the read (released meanwhile): try again.
      if (attempt >= ATTEMPTS) {
        throw new ResourceBusyError(`recovery lock of plan "${req.plan}": changed during ${ATTEMPTS} attempts to take it; try again`, { plan: req.plan });
      }
    }
  }
}

/**
 * Frees the plan's lock if `executionId` holds it, and records this recovery as the last one (the
 * cooldown counts from now). Not held by it (already released, taken over, never taken) → no-op.
 */
export async function releaseRecoveryLock(deps: StateDeps, req: ReleaseLockRequest): Promise<{ released: boolean; reason: string }> {
  const now = deps.now().toISOString();
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: lockKey(req.plan),
        UpdateExpression: 'REMOVE #owner, #expiresAt, #acquiredAt, #ownerScenario SET #lastOwner = :me, #lastReleasedAt = :now, #lastOutcome = :outcome',
        ConditionExpression: '#owner = :me',
        ExpressionAttributeNames: {
          '#owner': 'owner',
          '#expiresAt': 'expiresAt',
          '#acquiredAt': 'acquiredAt',
          '#ownerScenario': 'ownerScenario',
          '#lastOwner': 'lastOwner',
          '#lastReleasedAt': 'lastReleasedAt',
          '#lastOutcome': 'lastOutcome',
        },
        ExpressionAttributeValues: { ':me': req.executionId, ':now': now, ':outcome': req.outcome },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw classifyError(error);
    const reason = `not held by ${req.executionId}`;
    deps.logger.info('Recovery lock not released: not held by this execution', { plan: req.plan, holder: itemOf(error)?.owner ?? null });
    return { released: false, reason };
  }
  deps.logger.info('Recovery lock released', { plan: req.plan, outcome: req.outcome });
  return { released: true, reason: `released by ${req.executionId} (${req.outcome})` };
}

/** The lock item, read strongly consistent (undefined when the plan never had a recovery). */
export async function readLock(deps: Pick<StateDeps, 'ddb' | 'tableName'>, plan: string): Promise<LockItem | undefined> {
  try {
    const out = await deps.ddb.send(new GetCommand({ TableName: deps.tableName, Key: lockKey(plan), ConsistentRead: true }));
    return out.Item as LockItem | undefined;
  } catch (error) {
    throw classifyError(error);
  }
}

function refusalFor(req: AcquireLockRequest, item: LockItem | undefined, now: Date, cooledSince: string, cooldown: boolean) {
  if (!item) return undefined;
  if (item.owner && item.owner !== req.executionId && (item.expiresAt ?? '') >= now.toISOString()) {
    return new RecoveryInProgressError(
      `Recovery of plan "${req.plan}" not started: execution ${item.owner} (scenario ${item.ownerScenario ?? 'unknown'}) has been recovering it since ` +
        `${item.acquiredAt ?? 'an unknown time'}; one recovery per plan runs at a time. The lock is released when that execution ends ` +
        `(at the latest at ${item.expiresAt}).`,
      { owner: item.owner, since: item.acquiredAt ?? null, scenario: item.ownerScenario ?? null, expiresAt: item.expiresAt ?? null },
    );
  }
  if (cooldown && item.owner !== req.executionId && item.lastReleasedAt && item.lastReleasedAt > cooledSince) {
    const nextAllowedAt = new Date(Date.parse(item.lastReleasedAt) + req.cooldownMinutes * 60_000).toISOString();
    return new RecoveryCooldownError(
      `Recovery of plan "${req.plan}" not started: the last recovery ${item.lastOwner ?? '(unknown execution)'} ended at ${item.lastReleasedAt} ` +
        `(${item.lastOutcome ?? 'unknown outcome'}); cooldown ${req.cooldownMinutes} min: next start allowed at ${nextAllowedAt}. ` +
        'To start anyway, start the state machine from the console with "ignoreCooldown": true in the input.',
      {
        lastOwner: item.lastOwner ?? null,
        lastReleasedAt: item.lastReleasedAt,
        lastOutcome: item.lastOutcome ?? null,
        cooldownMinutes: req.cooldownMinutes,
        nextAllowedAt,
      },
    );
  }
  return undefined;
}

function isConditionFailed(error: unknown): error is Error & { Item?: Record<string, AttributeValue> } {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The item DynamoDB attaches to ConditionalCheckFailedException with ReturnValuesOnConditionCheckFailure
 * ALL_OLD (in the low-level format: the document client does not convert errors). The lock holds
 * strings only. Undefined when absent (no item, or a DynamoDB-compatible server that ignores the option).
 */
function itemOf(error: { Item?: Record<string, AttributeValue> }): LockItem | undefined {
  if (!error.Item) return undefined;
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(error.Item)) if (typeof value.S === 'string') plain[name] = value.S;
  return plain as unknown as LockItem;
}

function isoTime(value: string, field: string): string {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new InvalidInputError(`${field}: not an ISO-8601 time: "${String(value)}"`, { field });
  return new Date(ms).toISOString();
}

// ---- function inputs ------------------------------------------------------------------------------

const nonEmpty = string().check(minLength(1));

/** acquire-lock's input: the run and `$.lock` of the run state (Parameters `{ "run.$": "$.run", "lock.$": "$.lock" }`). */
export const acquireLockInput = lazy(() =>
  object({
    // The whole `$.run`: the refusal notice tells operations about the run that was refused.
    run: typed<RunContext>()(looseObject({ executionId: nonEmpty, plan: nonEmpty, scenario: nonEmpty })),
    lock: object({
      cooldownMinutes: number().check(refine((n) => Number.isFinite(n) && n >= 0, { message: 'must be a number ≥ 0' })),
      ignoreCooldown: optional(boolean()),
      expiresAt: string().check(refine((v) => !Number.isNaN(Date.parse(v)), { message: 'must be an ISO-8601 time' })),
    }),
  }),
);
export type AcquireLockEvent = output<typeof acquireLockInput>;

/** release-lock's input from the state machine (Parameters `{ "run": { executionId, plan, scenario }, "outcome.$": "$.outcome" }`, or `$.run` on an error). */
const releaseEvent = lazy(() =>
  object({ run: looseObject({ executionId: nonEmpty, plan: nonEmpty, scenario: nonEmpty }), outcome: nonEmpty }),
);
export type ReleaseLockEvent = output<typeof releaseEvent>;

/** EventBridge "Step Functions Execution Status Change" (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html): the fields release-lock reads. */
const statusChangeEvent = lazy(() =>
  object({
    source: literal('aws.states'),
    'detail-type': literal('Step Functions Execution Status Change'),
    detail: object({
      executionArn: nonEmpty,
      status: nonEmpty,
      // A JSON string; absent or null when it was too large to include (inputDetails.included false). Not used.
      input: optional(nullable(string())),
    }),
  }),
);
export type ExecutionStatusChangeEvent = output<typeof statusChangeEvent>;

/** Any key of an EventBridge event: the input is the status change, not the state machine's. */
const isEventBridge = (event: unknown) => typeof event === 'object' && event !== null && ('source' in event || 'detail-type' in event || 'detail' in event);

/**
 * release-lock's input: the state machine's `{ run, outcome }` or an EventBridge status change, each
 * parsed with its own schema (picked by the keys present) so that a bad field is named in its terms.
 */
export const releaseLockInput = lazy(() =>
  pipe(
    unknown(),
    transform((event, payload): ReleaseLockEvent | ExecutionStatusChangeEvent => {
      const parsed = isEventBridge(event) ? statusChangeEvent.safeParse(event, INPUT_PARSE) : releaseEvent.safeParse(event, INPUT_PARSE);
      if (parsed.success) return parsed.data;
      payload.issues.push(...(parsed.error.issues as unknown as typeof payload.issues));
      return NEVER;
    }),
  ),
);

/** acquire-lock's parsed input → the lock request. */
export function acquireRequestFor({ run, lock }: { run: Pick<RunContext, 'executionId' | 'plan' | 'scenario'>; lock: AcquireLockEvent['lock'] }): AcquireLockRequest {
  return {
    plan: run.plan,
    executionId: run.executionId,
    scenario: run.scenario,
    cooldownMinutes: lock.cooldownMinutes,
    expiresAt: lock.expiresAt,
    ignoreCooldown: lock.ignoreCooldown === true,
  };
}

/** Execution statuses that end an execution: its lock (if it still holds it) is released. */
const FINAL_STATUSES: Record<string, string> = { SUCCEEDED: 'succeeded', FAILED: 'failed', TIMED_OUT: 'timed-out', ABORTED: 'aborted' };

/**
 * release-lock's parsed input → what to release: the state machine's `{ run, outcome }`, or an
 * EventBridge status change of an execution that ended (the backstop for executions that never reach
 * their own release step). The plan of an EventBridge event is the packaged plan (`planName()`), read
 * only then. Other statuses (RUNNING) → `{ ignored }`.
 */
export async function releaseRequestFor(event: ReleaseLockEvent | ExecutionStatusChangeEvent, planName: () => Promise<string>): Promise<ReleaseLockRequest | { ignored: string }> {
  if ('run' in event) return { plan: event.run.plan, executionId: event.run.executionId, outcome: event.outcome };
  const { detail } = event;
  const outcome = FINAL_STATUSES[detail.status];
  if (!outcome) return { ignored: `${detail.executionArn} is ${detail.status}` };
  return { plan: await planName(), executionId: detail.executionArn, outcome };
}
