import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, type DBInstance } from '@aws-sdk/client-rds';
import { ActionFailedError, ResourceBusyError, UnexpectedStateError, classifyError, notFoundOr, SplitBrainRiskError } from '../errors.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from './types.ts';

type Ctx = ActionContext<'rds-replica-promotion'>;
const EXPECTED_SECONDS = 540;
const NOT_FOUND = ['DBInstanceNotFoundFault'];
/** A promotion shows `modifying`, then RDS reboots the instance (with or without the source still shown). */
const PROMOTING = new Set(['modifying', 'rebooting']);
/** States that end by themselves: a replica in one of them can't be promoted yet (e.g. `backing-up`). */
const TRANSIENT = new Set([
  'backing-up', 'configuring-enhanced-monitoring', 'configuring-iam-database-auth', 'configuring-log-exports',
  'maintenance', 'renaming', 'resetting-master-credentials', 'starting', 'storage-optimization', 'upgrading',
]);
/** States the instance does not leave by itself: the promotion (or the instance) has failed. */
const FAILED = new Set([
  'failed', 'inaccessible-encryption-credentials', 'inaccessible-encryption-credentials-recoverable', 'incompatible-network',
  'incompatible-option-group', 'incompatible-parameters', 'incompatible-restore', 'insufficient-capacity', 'restore-error', 'storage-full',
]);

const what = (ctx: Ctx) => `RDS instance ${ctx.component.params.replicaDbInstanceIdentifier} in ${ctx.regions.secondary}`;

async function describe(ctx: Ctx): Promise<DBInstance> {
  const id = ctx.component.params.replicaDbInstanceIdentifier;
  try {
    const out = await ctx.clients.rds(ctx.regions.secondary).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    const found = out.DBInstances?.[0];
    if (!found) throw new UnexpectedStateError(`${what(ctx)}: DescribeDBInstances returned no instance`);
    return found;
  } catch (error) {
    throw notFoundOr(error, NOT_FOUND, what(ctx));
  }
}

/** Newest ReplicaLag (seconds) over the last 10 minutes; null with a reason when replication is not active or unknown. */
async function replicaLag(ctx: Ctx): Promise<{ seconds: number | null; reason: string | null }> {
  const id = ctx.component.params.replicaDbInstanceIdentifier;
  try {
    const out = await ctx.clients.cloudwatch(ctx.regions.secondary).send(
      new GetMetricDataCommand({
        StartTime: new Date(ctx.now.getTime() - 10 * 60_000),
        EndTime: ctx.now,
        ScanBy: 'TimestampDescending',
        MetricDataQueries: [{
          Id: 'replicaLag',
          ReturnData: true,
          MetricStat: {
            Metric: { Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: id }] },
            Period: 60,
            Stat: 'Maximum',
          },
        }],
      }),
    );
    const result = out.MetricDataResults?.[0];
    const points = (result?.Timestamps ?? []).map((t, i) => ({ t: t.getTime(), v: result?.Values?.[i] }));
    const newest = points.filter((p) => p.v !== undefined).sort((a, b) => b.t - a.t)[0];
    if (newest?.v === undefined) return { seconds: null, reason: 'no ReplicaLag data in the last 10 minutes' };
    if (newest.v < 0) return { seconds: null, reason: 'ReplicaLag is -1: replication not active' };
    return { seconds: newest.v, reason: null };
  } catch (error) {
    // The lag is a fact for the report: failing to read it must not hold up the promotion.
    const err = classifyError(error);
    ctx.logger.warn('Could not read ReplicaLag', { replica: id, error: err.name, message: err.message });
    return { seconds: null, reason: `GetMetricData failed: ${err.name}` };
  }
}

function observations(state: JsonObject): JsonObject {
  return {
    replicaLagSecondsAtPromotion: state.replicaLagSecondsAtPromotion ?? null,
    replicaLagNote: state.replicaLagNote ?? null,
    promotedAt: state.promotedAt ?? null,
  };
}

function progress(ctx: Ctx, db: DBInstance, state: JsonObject): ActionProgress {
  const status = db.DBInstanceStatus ?? 'unknown';
  const source = db.ReadReplicaSourceDBInstanceIdentifier;
  const base = { nextCheckSeconds: ctx.component.checkIntervalSeconds, state, observations: observations(state) };
  if (status === 'available' && !source) return { ...base, done: true, status: 'promoted: available, no longer a replica' };
  if (FAILED.has(status)) throw new ActionFailedError(`${what(ctx)} is ${status}`, { status });
  if (PROMOTING.has(status) || TRANSIENT.has(status)) {
    return { ...base, done: false, status: `${status}${source ? `, still shown as a replica of ${source}` : ', no longer a replica'}` };
  }
  if (status === 'available' && state.promotedAt) {
    // We sent the promotion; RDS has not reflected it yet. The component's timeout bounds this wait.
    return { ...base, done: false, status: `promotion requested; still an available replica of ${source}` };
  }
  throw new UnexpectedStateError(`${what(ctx)} is ${status}${source ? ` (replica of ${source})` : ''} and no promotion of ours is under way`, {
    status,
    source: source ?? null,
  });
}

/** Promotes the secondary region's cross-region read replica to a standalone instance; done when it is available. */
/** States in which the old primary is up and may accept writes. */
const WRITABLE = new Set(['available', 'backing-up', 'modifying', 'configuring-enhanced-monitoring', 'configuring-log-exports', 'upgrading', 'storage-optimization']);

/**
 * Split-brain guard: before promoting in an unplanned run, look at the old primary. If its region
 * answers and it is up, two writers would follow: refuse (a planned switchover, or stopping the
 * primary first, is the way). If the region does not answer within 5 s (the outage itself), or the
 * primary is stopped or failed, go on: the recovery must not depend on the failed region.
 */
async function refuseWhilePrimaryIsUp(ctx: Ctx): Promise<void> {
  const primary = ctx.component.params.primaryDbInstanceIdentifier;
  let status: string | undefined;
  try {
    const out = await ctx.clients
      .rds(ctx.regions.primary)
      .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: primary }), { abortSignal: AbortSignal.timeout(5000) });
    status = out.DBInstances?.[0]?.DBInstanceStatus;
  } catch (error) {
    // A region that answers "slow down" is up: retry rather than take it for the outage.
    const classified = classifyError(error);
    if (classified.name === 'AwsThrottlingError' || classified.name === 'ResourceBusyError') throw classified;
    ctx.logger.info('Old primary not reachable; promoting', { primary, region: ctx.regions.primary, error: (error as Error).name });
    return;
  }
  if (status && WRITABLE.has(status)) {
    throw new SplitBrainRiskError(
      `old primary ${primary} in ${ctx.regions.primary} is ${status} and may accept writes: promoting ${ctx.component.params.replicaDbInstanceIdentifier} would leave two writers; stop the primary or run a planned switchover`,
      { primary, status },
    );
  }
  ctx.logger.info('Old primary is down; promoting', { primary, status: status ?? 'unknown' });
}

export const rdsReplicaPromotion: RecoveryAction<'rds-replica-promotion'> = {
  type: 'rds-replica-promotion',
  oneWay: true,
  defaultExpectedSeconds: EXPECTED_SECONDS,
  async start(ctx) {
    const { replicaDbInstanceIdentifier: id, backupRetentionPeriod } = ctx.component.params;
    const db = await describe(ctx);
    const status = db.DBInstanceStatus ?? 'unknown';
    const source = db.ReadReplicaSourceDBInstanceIdentifier;
    if (source && TRANSIENT.has(status)) {
      throw new ResourceBusyError(`${what(ctx)} is ${status}: a replica can't be promoted until it is available`, { status });
    }
    if (!source || status !== 'available') {
      // Already promoted, or a promotion under way (a retry or a re-run): never a second PromoteReadReplica.
      ctx.logger.info('Replica promotion already done or under way', { replica: id, status, source: source ?? null });
      return progress(ctx, db, { replicaLagNote: 'not measured: the promotion was already done or under way' });
    }
    if (ctx.mode === 'unplanned') await refuseWhilePrimaryIsUp(ctx);
    const lag = await replicaLag(ctx);
    try {
      await ctx.clients.rds(ctx.regions.secondary).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: id, BackupRetentionPeriod: backupRetentionPeriod }));
    } catch (error) {
      if (error instanceof Error && error.name === 'InvalidDBInstanceStateFault') {
        throw new ResourceBusyError(`${what(ctx)} can't be promoted now: ${error.message}`, { awsErrorName: error.name }, { cause: error });
      }
      throw notFoundOr(error, NOT_FOUND, what(ctx));
    }
    const state: JsonObject = { promotedAt: ctx.now.toISOString(), replicaLagSecondsAtPromotion: lag.seconds, replicaLagNote: lag.reason, source };
    ctx.logger.info('Read replica promotion requested', { replica: id, source, replicaLagSeconds: lag.seconds, backupRetentionPeriod });
    return {
      done: false,
      nextCheckSeconds: ctx.component.expectedSeconds ?? EXPECTED_SECONDS,
      status: `promotion requested (replica of ${source}, lag ${lag.seconds ?? 'unknown'} s)`,
      state,
      observations: observations(state),
    };
  },
  async check(ctx, state) {
    return progress(ctx, await describe(ctx), state);
  },
};
