import { createHash } from 'node:crypto';
import { BackupClient, DescribeRestoreJobCommand, ListRecoveryPointsByBackupVaultCommand, StartRestoreJobCommand, type DescribeRestoreJobCommandOutput, type ListRecoveryPointsByBackupVaultCommandOutput } from '@aws-sdk/client-backup';
import { ActionFailedError, AwsTransientError, UnexpectedStateError, notFoundOr } from '../../errors.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';

type Ctx = ActionContext<'backup-restore'>;
type RestoreJob = Omit<DescribeRestoreJobCommandOutput, '$metadata'>;
interface RecoveryPoint {
  arn: string;
  createdAt: Date;
}

const EXPECTED_SECONDS = 7200;
/** Longest wait a job's own ExpectedCompletionTimeMinutes may set between two checks. */
const MAX_WAIT_SECONDS = 1800;
const NOT_FOUND = ['ResourceNotFoundException'];
/** Server-side faults (ServiceUnavailable is the documented 5xx; DependencyFailure is a failing dependency). */
const TRANSIENT = ['ServiceUnavailableException', 'DependencyFailureException'];
/** StartRestoreJob rejected its input: the restore cannot happen as planned. */
const REFUSED = ['InvalidParameterValueException', 'InvalidRequestException', 'MissingParameterValueException'];

const what = (ctx: Ctx) => `AWS Backup vault ${ctx.component.params.backupVaultName} in ${ctx.regions.secondary}`;
const backup = (ctx: Ctx) => ctx.clients.get(BackupClient, ctx.regions.secondary);

function mapError(error: unknown, subject: string, refusedIsFailure = false) {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const details = { awsErrorName: name };
  if (TRANSIENT.includes(name)) return new AwsTransientError(`${subject}: ${name}: ${message}`, details, { cause: error });
  if (refusedIsFailure && REFUSED.includes(name)) {
    return new ActionFailedError(`AWS Backup refused the restore: ${name}: ${message}`, details, { cause: error });
  }
  // Invalid* on a read means our request is wrong: classifyError makes it UnexpectedStateError (terminal).
  return notFoundOr(error, NOT_FOUND, subject);
}

/** The newest COMPLETED recovery point of the resource created strictly before the incident. */
async function newestBeforeIncident(ctx: Ctx): Promise<RecoveryPoint> {
  const { backupVaultName, resourceArn } = ctx.component.params;
  let best: RecoveryPoint | undefined;
  let NextToken: string | undefined;
  do {
    const input = { BackupVaultName: backupVaultName, ByResourceArn: resourceArn, NextToken };
    let out: ListRecoveryPointsByBackupVaultCommandOutput;
    try {
      out = await backup(ctx).send(new ListRecoveryPointsByBackupVaultCommand(input));
    } catch (error) {
      throw mapError(error, what(ctx));
    }
    for (const rp of out.RecoveryPoints ?? []) {
      if (rp.Status !== 'COMPLETED' || !rp.RecoveryPointArn || !rp.CreationDate) continue;
      if (rp.CreationDate >= ctx.incidentStartedAt || (best && rp.CreationDate <= best.createdAt)) continue;
      best = { arn: rp.RecoveryPointArn, createdAt: rp.CreationDate };
    }
    NextToken = out.NextToken;
  } while (NextToken);
  if (!best) {
    throw new ActionFailedError(
      `${what(ctx)} holds no COMPLETED recovery point of ${resourceArn} created before the incident (${ctx.incidentStartedAt.toISOString()})`,
      { resourceArn },
    );
  }
  return best;
}

/**
 * Same component, recovery point and incident → same token, so a retry or a redrive gets the same restore
 * job back from AWS Backup instead of a second restore. A new run (new incident start) restores afresh.
 */
export function idempotencyToken(ctx: Ctx, recoveryPointArn: string): string {
  const key = [ctx.component.id, recoveryPointArn, ctx.incidentStartedAt.toISOString()].join('\n');
  return createHash('sha256').update(key).digest('hex');
}

async function describeJob(ctx: Ctx, restoreJobId: string): Promise<RestoreJob> {
  try {
    return await backup(ctx).send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }));
  } catch (error) {
    throw mapError(error, `AWS Backup restore job ${restoreJobId} in ${ctx.regions.secondary}`);
  }
}

/** Until the job's own estimate of its end, within [checkIntervalSeconds, MAX_WAIT_SECONDS]; else the check interval. */
function nextCheckSeconds(ctx: Ctx, job: RestoreJob): number {
  const interval = ctx.component.checkIntervalSeconds;
  const minutes = job.ExpectedCompletionTimeMinutes;
  if (minutes === undefined || minutes <= 0) return interval;
  const started = job.CreationDate?.getTime() ?? ctx.now.getTime();
  const remaining = Math.ceil((started + minutes * 60_000 - ctx.now.getTime()) / 1000);
  return Math.min(Math.max(remaining, interval), Math.max(interval, MAX_WAIT_SECONDS));
}

function progress(ctx: Ctx, state: JsonObject, job: RestoreJob): ActionProgress {
  const status = job.Status ?? 'UNKNOWN';
  if (status === 'FAILED' || status === 'ABORTED') {
    throw new ActionFailedError(`AWS Backup restore job ${String(state.restoreJobId)} ${status}: ${job.StatusMessage ?? 'no message'}`, {
      status,
      statusMessage: job.StatusMessage ?? null,
    });
  }
  if (status !== 'COMPLETED' && status !== 'PENDING' && status !== 'RUNNING') {
    throw new UnexpectedStateError(`AWS Backup restore job ${String(state.restoreJobId)} is ${status}`, { status });
  }
  const done = status === 'COMPLETED';
  const percent = job.PercentDone ?? null;
  return {
    done,
    nextCheckSeconds: nextCheckSeconds(ctx, job),
    status: `restore job ${String(state.restoreJobId)} ${status}${percent ? ` (${percent} done)` : ''}`,
    state,
    observations: { ...state, percentDone: percent, ...(done ? { createdResourceArn: job.CreatedResourceArn ?? null } : {}) },
  };
}

/** Restores the protected resource's newest recovery point from before the incident, from the secondary region's vault. */
export const recover: RecoveryAction<'backup-restore'> = {
  type: 'backup-restore',
  defaultExpectedSeconds: EXPECTED_SECONDS,
  async start(ctx) {
    const { metadata, iamRoleArn, resourceType } = ctx.component.params;
    const point = await newestBeforeIncident(ctx);
    const input = {
      RecoveryPointArn: point.arn,
      Metadata: metadata,
      IamRoleArn: iamRoleArn,
      ResourceType: resourceType,
      IdempotencyToken: idempotencyToken(ctx, point.arn),
    };
    let restoreJobId: string | undefined;
    try {
      restoreJobId = (await backup(ctx).send(new StartRestoreJobCommand(input))).RestoreJobId;
    } catch (error) {
      throw mapError(error, `AWS Backup restore of ${point.arn}`, true);
    }
    if (!restoreJobId) throw new UnexpectedStateError(`StartRestoreJob for ${point.arn} returned no RestoreJobId`);
    const state: JsonObject = { restoreJobId, recoveryPointArn: point.arn, recoveryPointCreatedAt: point.createdAt.toISOString() };
    ctx.logger.info('AWS Backup restore job started (or the same job returned)', state);
    // A retry gets the earlier job back: report where it stands rather than assume it just started.
    const now = progress(ctx, state, await describeJob(ctx, restoreJobId));
    return now.done ? now : { ...now, nextCheckSeconds: ctx.component.expectedSeconds ?? EXPECTED_SECONDS };
  },
  async check(ctx, state) {
    if (typeof state.restoreJobId !== 'string') throw new UnexpectedStateError('backup-restore check without a restoreJobId in its state');
    return progress(ctx, state, await describeJob(ctx, state.restoreJobId));
  },
};
