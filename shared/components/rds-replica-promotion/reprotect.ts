import { RDSClient, CreateDBInstanceReadReplicaCommand, DescribeDBInstancesCommand, type DBInstance } from '@aws-sdk/client-rds';
import { ActionFailedError, UnexpectedStateError, classifyError } from '../../errors.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';
import { fenceView, probeOldPrimary, sendFence } from './fencing.ts';

/**
 * Re-protect of an rds-replica-promotion: the instance the system writes to now (params.primaryDbInstanceIdentifier
 * in the run's primary region; in the reverse direction the promoted one) gets a cross-region read replica
 * (params.replicaDbInstanceIdentifier in the run's secondary region) again, which a failback can promote.
 *
 * Each step reads first, and each command is sent at most once per run (the state records it):
 * 1. The former writer in the replica's region (reprotect.fenceDbInstanceIdentifier; in the reverse direction
 *    the plan's old primary, which its region's return may have brought back up and writable) is fenced
 *    with params.fencing unless it is stopped, isolated or gone: one writer, before protection is rebuilt.
 * 2. The source must be available with automated backups on (RDS creates read replicas only from such a
 *    source: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Create.html).
 * 3. The replica: absent → CreateDBInstanceReadReplica from the source's ARN (cross-region: SDK v3 signs the
 *    source region's pre-signed URL from the ARN's region), with the
 *    reprotect settings of its region; creating → wait; available and replicating from the source → done.
 *    Only in the reverse direction is a missing replica created: in the forward direction the replica is
 *    the plan owner's own (their IaC made it, with settings the plan does not hold), and its absence is an error.
 *    An instance by that name that replicates from something else (or nothing) is never touched: terminal error.
 * Nothing here is a one-way step: no data is given up or overwritten.
 */

type Ctx = ActionContext<'rds-replica-promotion'>;
const NOT_FOUND = 'DBInstanceNotFoundFault';
/** First check 15 min after the start: creating a cross-region replica copies a snapshot across regions (no figure published; tens of minutes assumed). */
const EXPECTED_SECONDS = 900;
/** A replica being created is read every 5 minutes (or the plan's interval, when longer): creation takes tens of minutes. */
const CREATING_CHECK_SECONDS = 300;
const creatingCheck = (ctx: Ctx) => Math.max(CREATING_CHECK_SECONDS, ctx.component.checkIntervalSeconds);
/** Statuses a source or replica leaves by itself. */
const SETTLING = new Set(['creating', 'backing-up', 'modifying', 'configuring-enhanced-monitoring', 'configuring-log-exports', 'rebooting', 'renaming', 'storage-optimization', 'upgrading', 'starting', 'maintenance']);

const replicaWhat = (ctx: Ctx) => `replica ${ctx.component.params.replicaDbInstanceIdentifier} in ${ctx.regions.secondary}`;
const sourceWhat = (ctx: Ctx) => `source ${ctx.component.params.primaryDbInstanceIdentifier} in ${ctx.regions.primary}`;

async function describeIn(ctx: Ctx, region: string, id: string): Promise<DBInstance | null> {
  try {
    const out = await ctx.clients.get(RDSClient, region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return out.DBInstances?.[0] ?? null;
  } catch (error) {
    if (error instanceof Error && error.name === NOT_FOUND) return null;
    throw classifyError(error);
  }
}

/** The fencing functions read "the old primary" in the run's primary region: here it is the former writer in the replica's region. */
function formerWriterContext(ctx: Ctx, id: string, fencing: Ctx['component']['params']['fencing']): Ctx {
  return {
    ...ctx,
    regions: { primary: ctx.regions.secondary, secondary: ctx.regions.primary },
    component: { ...ctx.component, params: { ...ctx.component.params, primaryDbInstanceIdentifier: id, fencing } },
  };
}

/** Step 1: where the former writer stands, fencing it once when it is up. Returns the state and a line for the status. */
async function fenceFormerWriter(ctx: Ctx, state: JsonObject): Promise<{ state: JsonObject; fenced: boolean; line: string | null }> {
  const id = ctx.component.params.reprotect?.fenceDbInstanceIdentifier;
  if (!id) return { state, fenced: true, line: null };
  // The former writer is in the run's secondary region: reverseFencing is how a writer there is fenced.
  const fencing = ctx.component.params.reverseFencing ?? ctx.component.params.fencing;
  const fctx = formerWriterContext(ctx, id, fencing);
  const view = fenceView(await probeOldPrimary(fctx), fencing);
  const seen = { ...state, formerWriter: `${id}: ${view.oldPrimary}` };
  const where = `former writer ${id} in ${ctx.regions.secondary}`;
  if (view.state === 'fenced') return { state: seen, fenced: true, line: `${where} ${view.oldPrimary}` };
  if (view.state === 'fencing' || state.fenceSentAt) return { state: seen, fenced: false, line: `${where}: ${state.fenceCommand ?? 'fencing'} under way (${view.oldPrimary})` };
  if (fencing.method === 'none') return { state: seen, fenced: false, line: `${where} is ${view.status}: waiting for it to be fenced outside dr-autopilot (fencing.method none)` };
  if (view.status !== 'available') return { state: seen, fenced: false, line: `${where} is ${view.status}, fenced once available` };
  const result = await sendFence(fctx, fencing.method);
  if ('refused' in result) return { state: seen, fenced: false, line: `${where}: ${result.refused}` };
  return { state: { ...seen, fenceCommand: result.sent, fenceSentAt: ctx.now.toISOString() }, fenced: false, line: `${where}: ${result.sent} sent` };
}

/** Step 2: the source's ARN, once it can have replicas; null while it settles. */
function sourceArn(ctx: Ctx, source: DBInstance | null): string | null {
  if (!source) throw new UnexpectedStateError(`${sourceWhat(ctx)} does not exist: nothing to protect`);
  const status = source.DBInstanceStatus ?? 'unknown';
  if ((source.BackupRetentionPeriod ?? 0) === 0) {
    throw new ActionFailedError(`${sourceWhat(ctx)} has automated backups off (BackupRetentionPeriod 0), and RDS creates read replicas only of a source with them: set a retention period, then run the re-protect again`);
  }
  if (source.ReadReplicaSourceDBInstanceIdentifier) {
    throw new UnexpectedStateError(`${sourceWhat(ctx)} is itself a read replica of ${source.ReadReplicaSourceDBInstanceIdentifier}: protect the writer (promote it first)`);
  }
  if (status === 'available') return source.DBInstanceArn ?? null;
  if (SETTLING.has(status)) return null;
  throw new ActionFailedError(`${sourceWhat(ctx)} is ${status}: it must be available to have a replica`, { status });
}

const replicates = (replica: DBInstance, arn: string, id: string) => {
  const from = replica.ReadReplicaSourceDBInstanceIdentifier;
  return from === arn || from === id;
};

async function progress(ctx: Ctx, previous: JsonObject): Promise<ActionProgress> {
  const { primaryDbInstanceIdentifier: sourceId, replicaDbInstanceIdentifier: replicaId, reprotect } = ctx.component.params;
  const fence = await fenceFormerWriter(ctx, previous);
  let state = fence.state;
  const lines = fence.line ? [fence.line] : [];
  const wait = (line: string, nextCheckSeconds = ctx.component.checkIntervalSeconds): ActionProgress => ({
    done: false,
    nextCheckSeconds,
    status: [line, ...lines].join('; '),
    state,
    observations: observationsOf(state),
  });

  const arn = sourceArn(ctx, await describeIn(ctx, ctx.regions.primary, sourceId));
  if (!arn) return wait(`${sourceWhat(ctx)} is settling; the replica is created once it is available`);
  state = { ...state, sourceArn: arn };
  const replica = await describeIn(ctx, ctx.regions.secondary, replicaId);
  if (!replica) {
    if (state.createRequestedAt) return wait(`${replicaWhat(ctx)}: creation requested at ${String(state.createRequestedAt)}, not listed yet`);
    if (ctx.direction === 'forward') {
      throw new ActionFailedError(`${replicaWhat(ctx)} does not exist: in the forward direction the replica is yours (your IaC made it, with settings the plan does not hold); re-create it, then run the re-protect again`);
    }
    await createReplica(ctx, arn);
    state = { ...state, createRequestedAt: ctx.now.toISOString() };
    return wait(`${replicaWhat(ctx)}: CreateDBInstanceReadReplica sent (from ${arn}${reprotect?.dbInstanceClass ? `, ${reprotect.dbInstanceClass}` : ''})`, creatingCheck(ctx));
  }
  if (!replicates(replica, arn, sourceId)) {
    const from = replica.ReadReplicaSourceDBInstanceIdentifier;
    throw new UnexpectedStateError(
      `${replicaWhat(ctx)} exists and ${from ? `replicates from ${from}` : 'is a standalone instance'}, not from ${arn}: it is not touched; delete or rename it, or name another replica in params.reprotect.replicaDbInstanceIdentifier`,
      { source: from ?? null },
    );
  }
  const status = replica.DBInstanceStatus ?? 'unknown';
  state = { ...state, replicaArn: replica.DBInstanceArn ?? null, replicaStatus: status };
  if (status !== 'available') {
    if (SETTLING.has(status)) return wait(`${replicaWhat(ctx)} is ${status}, replicating from ${sourceId}`, status === 'creating' ? creatingCheck(ctx) : undefined);
    throw new ActionFailedError(`${replicaWhat(ctx)} is ${status}`, { status });
  }
  if (!fence.fenced) return wait(`${replicaWhat(ctx)} is available and replicating; the former writer is not fenced yet`);
  state = { ...state, protectedAt: state.protectedAt ?? ctx.now.toISOString() };
  return { done: true, nextCheckSeconds: 0, status: [`${replicaWhat(ctx)} is available, replicating from ${sourceId} in ${ctx.regions.primary}`, ...lines].join('; '), state, observations: observationsOf(state) };
}

async function createReplica(ctx: Ctx, arn: string): Promise<void> {
  const { replicaDbInstanceIdentifier, reprotect } = ctx.component.params;
  try {
    await ctx.clients.get(RDSClient, ctx.regions.secondary).send(
      new CreateDBInstanceReadReplicaCommand({
        DBInstanceIdentifier: replicaDbInstanceIdentifier,
        SourceDBInstanceIdentifier: arn,
        ...(reprotect?.dbInstanceClass ? { DBInstanceClass: reprotect.dbInstanceClass } : {}),
        ...(reprotect?.dbSubnetGroupName ? { DBSubnetGroupName: reprotect.dbSubnetGroupName } : {}),
        ...(reprotect?.vpcSecurityGroupIds ? { VpcSecurityGroupIds: reprotect.vpcSecurityGroupIds } : {}),
        ...(reprotect?.kmsKeyId ? { KmsKeyId: reprotect.kmsKeyId } : {}),
      }),
    );
  } catch (error) {
    // Created meanwhile (a retried start): the next check reads it and decides.
    if (error instanceof Error && error.name === 'DBInstanceAlreadyExistsFault') return;
    throw classifyError(error);
  }
  ctx.logger.info('Read replica creation requested', { replica: replicaDbInstanceIdentifier, region: ctx.regions.secondary, source: arn });
}

function observationsOf(state: JsonObject): JsonObject {
  return {
    sourceArn: state.sourceArn ?? null,
    replicaArn: state.replicaArn ?? null,
    createRequestedAt: state.createRequestedAt ?? null,
    protectedAt: state.protectedAt ?? null,
    formerWriter: state.formerWriter ?? null,
    fenceCommand: state.fenceCommand ?? null,
  };
}

export const reprotect: RecoveryAction<'rds-replica-promotion'> = {
  type: 'rds-replica-promotion',
  defaultExpectedSeconds: EXPECTED_SECONDS,
  start: (ctx) => progress(ctx, {}),
  check: (ctx, state) => progress(ctx, state),
};
