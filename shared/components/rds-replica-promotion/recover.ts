import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient, DescribeDBInstancesCommand, PromoteReadReplicaCommand, type DBInstance } from '@aws-sdk/client-rds';
import { ActionFailedError, AwsTransientError, ResourceBusyError, SplitBrainRiskError, UnexpectedStateError, notFoundOr } from '../../errors.ts';
import { fenceView, otherReplicas, probeOldPrimary, sendFence, type FenceView } from './fencing.ts';
import { lagAsOf, rdsReplicaLagMetric, readReplicationLag } from '../../aws/replica-lag.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';

/**
 * Promotes the secondary region's cross-region read replica to a standalone instance, with exactly
 * one writer at the end. The old primary is read in its region (5 s at most, fencing.ts) and:
 *
 * - unplanned, old primary gone or down: promote. Unreachable (its region does not answer): promote too,
 *   taking the outage for the fence, which proves nothing: it may accept writes when its region comes back.
 *   The approval request says so (one-way.ts), and an unplanned run of this type always asks for approval
 *   (OneWayStep.fencingUnprovenWhenUnreachable).
 * - unplanned, old primary up (it may accept writes): SplitBrainRiskError, unless the run was
 *   approved with force; then it is fenced first (params.fencing) and promoted once the fence is seen
 *   (stopped, or isolated: its security groups are exactly the isolation groups). Method `none`
 *   can't fence, so force does not help: SplitBrainRiskError saying so.
 * - planned: the primary is healthy by definition, so it is always fenced first and promoted once
 *   fenced: no write can land after the fence, and none is lost in flight (ReplicaLag at promotion
 *   is recorded). Method `none`, or `stop` while RDS can't stop it, is an UnexpectedStateError: the
 *   action can't make a planned promotion safe with that setting (nothing in AWS failed, so not
 *   ActionFailedError). A primary region that does not answer is AwsTransientError (retried): a
 *   planned run can't go on without fencing; an outage calls for an unplanned scenario.
 * - RDS can't stop an instance that has read replicas (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_StopInstance.html), so `stop`
 *   can fence before the promotion only a primary that lists none; otherwise use `isolate`.
 * - After the promotion: fence the old primary where its region answers (stop, or isolate, unless
 *   already so; `stopping` counts as under way) and report done only when it is fenced and the
 *   promoted replica is the one writer. An unreachable old primary is reported as such, its fencing not
 *   proven: when its region comes back, a re-protect run or people must fence it. Method `none` waits for someone
 *   else to fence it. The component's deadline bounds every wait.
 * - Each fencing command is sent at most once per run (state records it; every send reads first).
 * - ctx.beforeOneWay (the run's guard, e.g. the trigger alarm re-read) is called right before a fence
 *   sent BEFORE the promotion (it takes a primary that may be serving out of service) and right
 *   before PromoteReadReplica; never after the promotion: there fencing is what restores a single
 *   writer, and stopping then would leave two.
 */

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
const primaryWhat = (ctx: Ctx) => `old primary ${ctx.component.params.primaryDbInstanceIdentifier} in ${ctx.regions.primary}`;

async function describe(ctx: Ctx): Promise<DBInstance> {
  const id = ctx.component.params.replicaDbInstanceIdentifier;
  try {
    const out = await ctx.clients.get(RDSClient, ctx.regions.secondary).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    const found = out.DBInstances?.[0];
    if (!found) throw new UnexpectedStateError(`${what(ctx)}: DescribeDBInstances returned no instance`);
    return found;
  } catch (error) {
    throw notFoundOr(error, NOT_FOUND, what(ctx));
  }
}

/**
 * Newest ReplicaLag (seconds) over the 10 minutes before the incident (unplanned) or now (planned):
 * the data the promotion gives up. Never holds up the promotion (shared/aws/replica-lag.ts).
 */
const replicaLag = (ctx: Ctx) =>
  readReplicationLag(
    ctx.clients.get(CloudWatchClient, ctx.regions.secondary),
    ctx.logger,
    lagAsOf(ctx.mode, ctx.incidentStartedAt, ctx.now),
    rdsReplicaLagMetric(ctx.component.params.replicaDbInstanceIdentifier),
  );

function observations(state: JsonObject): JsonObject {
  return {
    replicaLagSeconds: state.replicaLagSeconds ?? null,
    replicaLagNote: state.replicaLagNote ?? null,
    promotedAt: state.promotedAt ?? null,
    fencing: state.fencing ?? null,
    oldPrimary: state.oldPrimary ?? null,
    fencedAt: state.fencedAt ?? null,
    writers: state.writers ?? null,
  };
}

function waiting(ctx: Ctx, state: JsonObject, status: string): ActionProgress {
  return { done: false, nextCheckSeconds: ctx.component.checkIntervalSeconds, status, state, observations: observations(state) };
}

/** The state with what the old primary looks like now; fencedAt set the first time the fence is seen. */
function seen(ctx: Ctx, state: JsonObject, view: FenceView, promoted: boolean): JsonObject {
  const fencedAt = state.fencedAt ?? (view.state === 'fenced' && view.verified ? ctx.now.toISOString() : null);
  const fencing = ctx.component.params.fencing.method;
  return { ...state, fencing, oldPrimary: view.oldPrimary, fencedAt, ...(promoted ? { writers: 1 + (view.writes ? 1 : 0) } : {}) };
}

/** The promotion's progress; once promoted, the old primary's fencing decides whether it is done. */
async function promotionProgress(ctx: Ctx, db: DBInstance, state: JsonObject): Promise<ActionProgress> {
  const status = db.DBInstanceStatus ?? 'unknown';
  const source = db.ReadReplicaSourceDBInstanceIdentifier;
  if (status === 'available' && !source) return fenceAfterPromotion(ctx, state);
  if (FAILED.has(status)) throw new ActionFailedError(`${what(ctx)} is ${status}`, { status });
  if (PROMOTING.has(status) || TRANSIENT.has(status)) {
    return waiting(ctx, state, `${status}${source ? `, still shown as a replica of ${source}` : ', no longer a replica'}`);
  }
  if (status === 'available' && state.promotedAt) {
    // We sent the promotion; RDS has not reflected it yet. The component's timeout bounds this wait.
    return waiting(ctx, state, `promotion requested; still an available replica of ${source}`);
  }
  throw new UnexpectedStateError(`${what(ctx)} is ${status}${source ? ` (replica of ${source})` : ''} and no promotion of ours is under way`, {
    status,
    source: source ?? null,
  });
}

/** Promoted: fence the old primary where its region answers; done when it is fenced (one writer, the promoted replica). */
async function fenceAfterPromotion(ctx: Ctx, previous: JsonObject): Promise<ActionProgress> {
  const { fencing, replicaDbInstanceIdentifier } = ctx.component.params;
  const probe = await probeOldPrimary(ctx);
  const view = fenceView(probe, fencing);
  const state = seen(ctx, previous, view, true);
  if (probe.kind === 'unreachable') {
    // Done (one writer as far as anyone can see), but the old primary's fence is an assumption: say so.
    const line = `promoted: available, no longer a replica; old primary unreachable: fencing not proven, it may accept writes when its region comes back (fence it then)`;
    return { ...waiting(ctx, state, line), done: true };
  }
  if (view.state === 'fenced') {
    return { ...waiting(ctx, state, `promoted: available, no longer a replica; old primary ${view.oldPrimary}`), done: true };
  }
  const writers = `${state.writers as number} writer(s)`;
  if (view.state === 'fencing' || state.fenceSentAt) return waiting(ctx, state, `promoted; ${state.fenceCommand ?? 'fencing'} of the ${primaryWhat(ctx)} under way (${view.oldPrimary}, ${writers})`);
  if (fencing.method === 'none') return waiting(ctx, state, `promoted; ${writers}: waiting for the ${primaryWhat(ctx)} (${view.status}) to be fenced outside dr-autopilot (fencing.method none)`);
  if (view.status !== 'available') return waiting(ctx, state, `promoted; ${writers}: the ${primaryWhat(ctx)} is ${view.status}, fenced once available`);
  if (probe.kind === 'found' && fencing.method === 'stop') {
    const others = otherReplicas(probe.db, replicaDbInstanceIdentifier);
    if (others.length > 0) return waiting(ctx, state, `promoted; ${writers}: RDS can't stop the ${primaryWhat(ctx)} while it has read replicas (${others.join(', ')}): fence it by hand`);
  }
  const result = await sendFence(ctx, fencing.method);
  if ('refused' in result) return waiting(ctx, state, `promoted; ${writers}: ${result.refused}; trying again at the next check`);
  const next = { ...state, fenceCommand: result.sent, fenceSentAt: ctx.now.toISOString() };
  return waiting(ctx, next, `promoted; ${result.sent} sent to the ${primaryWhat(ctx)}`);
}

/**
 * Whether the old primary can be fenced before the promotion: `never` with this plan (method none, or
 * stop while it has read replicas), `notYet` (a status the fencing command is refused in), or `now`.
 */
function fenceFirst(ctx: Ctx, view: FenceView, db: DBInstance | null): { never: string } | { notYet: string } | { now: 'stop' | 'isolate' } {
  const { fencing, primaryDbInstanceIdentifier: primary, replicaDbInstanceIdentifier: replica } = ctx.component.params;
  if (fencing.method === 'none') {
    return { never: `fencing.method is 'none': dr-autopilot can't fence ${primary}; fence it yourself (stop or isolate it) and run again, or set fencing.method to stop or isolate` };
  }
  const replicas = db ? otherReplicas(db) : [];
  if (fencing.method === 'stop' && replicas.length > 0) {
    return {
      never: `fencing.method 'stop' can't fence it before promoting ${replica}: RDS can't stop an instance that has read replicas (${replicas.join(', ')}); ` +
        'set fencing.method isolate with isolationSecurityGroupIds, or fence it yourself and run again',
    };
  }
  return view.status === 'available' ? { now: fencing.method } : { notYet: `it is ${view.status}` };
}

/**
 * The replica is an available replica and not promoted yet: promote when the old primary is fenced,
 * fence it first when the mode (planned) or force calls for it, refuse otherwise.
 */
async function fenceThenPromote(ctx: Ctx, previous: JsonObject): Promise<ActionProgress> {
  const { fencing } = ctx.component.params;
  const planned = ctx.mode === 'planned';
  const probe = await probeOldPrimary(ctx);
  if (planned && probe.kind === 'unreachable') {
    throw new AwsTransientError(`planned promotion of ${what(ctx)} fences the ${primaryWhat(ctx)} first, and its region does not answer (${probe.reason}); if that region is down, run an unplanned scenario`);
  }
  const view = fenceView(probe, fencing);
  const state = seen(ctx, previous, view, false);
  if (view.state === 'fenced') return promote(ctx, state);
  if (view.state === 'fencing' || state.fenceSentAt) {
    return waiting(ctx, { ...state, phase: 'fencing' }, `${state.fenceCommand ?? 'fencing'} of the ${primaryWhat(ctx)} under way (${view.oldPrimary}); promoting once fenced`);
  }
  const up = `${primaryWhat(ctx)} is ${view.status} and may accept writes`;
  const replica = ctx.component.params.replicaDbInstanceIdentifier;
  const details = { primary: ctx.component.params.primaryDbInstanceIdentifier, status: view.status, fencing: fencing.method, mode: ctx.mode };
  const first = fenceFirst(ctx, view, probe.kind === 'found' ? probe.db : null);
  if (!planned && !ctx.force) {
    const how = 'never' in first
      ? `--force would not help: ${first.never}`
      : `approve with --force to fence it first (fencing.method ${fencing.method}), or fence it yourself and run again`;
    throw new SplitBrainRiskError(`${up}: promoting ${replica} would leave two writers; ${how}`, details);
  }
  if ('never' in first) {
    if (planned) throw new UnexpectedStateError(`planned promotion needs the old primary fenced first: ${up}, and ${first.never}`, details);
    throw new SplitBrainRiskError(`${up}, and even with --force ${first.never}`, details);
  }
  if ('notYet' in first) return waiting(ctx, { ...state, phase: 'fencing' }, `the ${primaryWhat(ctx)} must be fenced before promoting, and ${first.notYet}: fenced once available`);
  await ctx.beforeOneWay(first.now === 'stop' ? 'StopDBInstance' : 'ModifyDBInstance');
  const result = await sendFence(ctx, first.now);
  if ('refused' in result) return waiting(ctx, { ...state, phase: 'fencing' }, `${result.refused}; trying again at the next check`);
  const next = { ...state, phase: 'fencing', fenceCommand: result.sent, fenceSentAt: ctx.now.toISOString() };
  return waiting(ctx, next, `${result.sent} sent to the ${primaryWhat(ctx)}; promoting once it is fenced`);
}

/** Sends the one PromoteReadReplica of the run (the replica was just read as an available replica). */
async function promote(ctx: Ctx, previous: JsonObject): Promise<ActionProgress> {
  const { replicaDbInstanceIdentifier: id, backupRetentionPeriod } = ctx.component.params;
  const lag = await replicaLag(ctx);
  await ctx.beforeOneWay('PromoteReadReplica');
  try {
    await ctx.clients.get(RDSClient, ctx.regions.secondary).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: id, BackupRetentionPeriod: backupRetentionPeriod }));
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidDBInstanceStateFault') {
      throw new ResourceBusyError(`${what(ctx)} can't be promoted now: ${error.message}`, { awsErrorName: error.name }, { cause: error });
    }
    throw notFoundOr(error, NOT_FOUND, what(ctx));
  }
  const state: JsonObject = { ...previous, phase: 'promoting', promotedAt: ctx.now.toISOString(), replicaLagSeconds: lag.seconds, replicaLagNote: lag.reason };
  ctx.logger.info('Read replica promotion requested', { replica: id, replicaLagSeconds: lag.seconds, backupRetentionPeriod, oldPrimary: state.oldPrimary });
  return {
    ...waiting(ctx, state, `promotion requested (lag ${lag.seconds ?? 'unknown'} s; old primary ${state.oldPrimary as string})`),
    nextCheckSeconds: ctx.component.expectedSeconds ?? EXPECTED_SECONDS,
  };
}

export const recover: RecoveryAction<'rds-replica-promotion'> = {
  type: 'rds-replica-promotion',
  oneWay: true,
  defaultExpectedSeconds: EXPECTED_SECONDS,
  async start(ctx) {
    const db = await describe(ctx);
    const status = db.DBInstanceStatus ?? 'unknown';
    const source = db.ReadReplicaSourceDBInstanceIdentifier;
    if (source && TRANSIENT.has(status)) {
      throw new ResourceBusyError(`${what(ctx)} is ${status}: a replica can't be promoted until it is available`, { status });
    }
    const state: JsonObject = { fencing: ctx.component.params.fencing.method };
    if (!source || status !== 'available') {
      // Already promoted, or a promotion under way (a retry or a re-run): never a second PromoteReadReplica.
      ctx.logger.info('Replica promotion already done or under way', { replica: db.DBInstanceIdentifier, status, source: source ?? null });
      return promotionProgress(ctx, db, { ...state, replicaLagNote: 'not measured: the promotion was already done or under way' });
    }
    return fenceThenPromote(ctx, state);
  },
  async check(ctx, state) {
    const db = await describe(ctx);
    const status = db.DBInstanceStatus ?? 'unknown';
    if (db.ReadReplicaSourceDBInstanceIdentifier && state.phase === 'fencing' && !state.promotedAt) {
      // Waiting for the old primary's fence: promote (re-read just now: still an available replica) once it holds.
      if (status === 'available') return fenceThenPromote(ctx, state);
      if (TRANSIENT.has(status)) return waiting(ctx, state, `${what(ctx)} is ${status}; promoting once it is available and the old primary fenced`);
    }
    return promotionProgress(ctx, db, state);
  },
};
