import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient, DescribeDBClustersCommand, DescribeGlobalClustersCommand, FailoverGlobalClusterCommand, SwitchoverGlobalClusterCommand, type GlobalCluster } from '@aws-sdk/client-rds';
import {
  ActionFailedError, ResourceBusyError, ResourceNotFoundError, SplitBrainRiskError, UnexpectedStateError, classifyError, notFoundOr,
} from '../../errors.ts';
import { PROBE_TIMEOUT_MS, isUnreachable } from '../../aws/reachability.ts';
import { auroraGlobalDataLossMetrics, lagAsOf, readPreferredReplicationLag } from '../../aws/replica-lag.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';

/**
 * Makes the secondary-region Aurora cluster the global writer: SwitchoverGlobalCluster when planned
 * (all secondaries synchronise first; the old primary becomes a read-only secondary:
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_SwitchoverGlobalCluster.html),
 * FailoverGlobalCluster with AllowDataLoss when not.
 *
 * Split-brain guard (unplanned): before the failover, the current writer member (DescribeGlobalClusters,
 * IsWriter) is read in its own region (the region of its ARN, else the plan's primary region) with
 * DescribeDBClusters and a 5 s abortSignal. If it answers and is up (any status but stopped, stopping,
 * deleting, inaccessible-encryption-credentials*, *-failed: fail closed on the rest), the failover is
 * refused with SplitBrainRiskError, unless the run was approved with force: then it goes on, because
 * FailoverGlobalCluster itself moves the writer role. What Aurora does with a reachable old writer on a
 * failover is unconfirmed (the Aurora User Guide describes demoting it to a secondary:
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html), so the action checks the
 * outcome instead: done only when no operation is in flight and exactly one member IsWriter, the target.
 * A region that does not answer (timeout, network error, HTTP 5xx) is taken for the outage and the failover
 * goes on, but that proves nothing of the old writer: Aurora's write fencing is best effort, so it may still
 * take writes until its region is back and Aurora rebuilds it as a secondary. The approval request says so
 * (one-way.ts), and an unplanned run of this type always asks for approval (OneWayStep.fencingUnprovenWhenUnreachable).
 * Throttling and busy errors are retried; DBClusterNotFoundFault means there is no writer to guard against;
 * any other error fails closed (a permission problem must not pass for an outage).
 *
 * Planned: no split-brain guard and no read of the old writer. A switchover leaves the old writer a read-only
 * secondary and needs every cluster healthy ("Switchovers are designed to be used on an Aurora global database
 * where all the Aurora clusters ... are in a healthy state", same guide): with the old writer's region down Aurora
 * cannot sync the target and does not move the writer role, so no second writer can follow, and the check reports
 * the failed operation (ActionFailedError) or the deadline ends it.
 *
 * The data a failover gives up (RPO): right before it, AuroraGlobalDBRPOLag of the target (else, on older
 * Aurora MySQL, AuroraGlobalDBReplicationLag) as of the incident, read in the secondary region and never
 * holding up the failover (shared/aws/replica-lag.ts); observations `replicaLagSeconds`, `replicaLagMetric`,
 * `replicaLagNote`, and `replicaLagSource` for the run's RPO (shared/run/rpo.ts). A switchover loses nothing:
 * Aurora brings the secondary in sync before it switches, so its `replicaLagSeconds` is 0.
 *
 * ctx.beforeOneWay('FailoverGlobalCluster' | 'SwitchoverGlobalCluster') runs right before the command,
 * after the reads found it needed (never when the operation is done or under way).
 */

type Ctx = ActionContext<'aurora-global-failover'>;
const EXPECTED_SECONDS = 120;
const NOT_FOUND = ['GlobalClusterNotFoundFault', 'DBClusterNotFoundFault'];
const BUSY = ['InvalidGlobalClusterStateFault', 'InvalidDBClusterStateFault'];

/** Cluster statuses in which it can't accept writes and won't by itself. */
const CLUSTER_DOWN = new Set([
  'stopped', 'stopping', 'deleting', 'inaccessible-encryption-credentials', 'inaccessible-encryption-credentials-recoverable', 'cloning-failed', 'migration-failed',
]);

const what = (ctx: Ctx) => `Aurora global cluster ${ctx.component.params.globalClusterIdentifier}`;
/** `arn:aws:rds:REGION:ACCOUNT:cluster:NAME` → REGION. */
const regionOfArn = (arn: string) => /^arn:aws[a-z-]*:rds:([a-z0-9-]+):/.exec(arn)?.[1];

function mapError(ctx: Ctx, error: unknown) {
  if (error instanceof Error && BUSY.includes(error.name)) {
    return new ResourceBusyError(`${what(ctx)} is busy: ${error.message}`, { awsErrorName: error.name }, { cause: error });
  }
  return notFoundOr(error, NOT_FOUND, what(ctx));
}

async function describe(ctx: Ctx): Promise<GlobalCluster> {
  const { globalClusterIdentifier } = ctx.component.params;
  try {
    const out = await ctx.clients.get(RDSClient, ctx.regions.secondary)
      .send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalClusterIdentifier }));
    const found = out.GlobalClusters?.[0];
    if (!found) throw new ResourceNotFoundError(`${what(ctx)} does not exist (DescribeGlobalClusters returned none)`);
    return found;
  } catch (error) {
    throw mapError(ctx, error);
  }
}

interface Assessment {
  done: boolean;
  inFlight: boolean;
  /** The target is a writer (maybe not the only one yet). */
  targetWrites: boolean;
  /** How many members are writers. */
  writers: number;
  status: string;
  /** What the operation in flight is, from FailoverState (null when none, or unknown). */
  operation: 'switchover' | 'failover' | null;
}

/** Where the global cluster stands toward our target; throws when it is heading somewhere else. */
function assess(ctx: Ctx, gc: GlobalCluster): Assessment {
  const target = ctx.component.params.targetDbClusterArn;
  const member = gc.GlobalClusterMembers?.find((m) => m.DBClusterArn === target);
  if (!member) throw new ResourceNotFoundError(`${target} is not a member of ${what(ctx)}`, { target });
  const writers = (gc.GlobalClusterMembers ?? []).filter((m) => m.IsWriter === true).length;
  const targetWrites = member.IsWriter === true;
  // `switching-over` is documented but missing from the SDK's FailoverStatus enum: compare as strings.
  const op = gc.FailoverState ?? {};
  const opStatus: string | undefined = op.Status;
  if (opStatus) {
    if (op.ToDbClusterArn !== target) {
      throw new UnexpectedStateError(`${what(ctx)} is ${opStatus} toward ${op.ToDbClusterArn ?? 'an unknown cluster'}, not ${target}`, {
        failoverStatus: opStatus,
        toDbClusterArn: op.ToDbClusterArn ?? null,
      });
    }
    // FailoverGlobalCluster without AllowDataLoss is a switchover too.
    const lossy = op.IsDataLossAllowed;
    const operation = opStatus === 'switching-over' || lossy === false ? 'switchover' : lossy === true ? 'failover' : null;
    return { done: false, inFlight: true, targetWrites, writers, status: `${opStatus} toward the target`, operation };
  }
  // Exactly one writer, the target: only then is the global database recovered.
  if (targetWrites && writers === 1) return { done: true, inFlight: false, targetWrites, writers, status: 'the target is the writer', operation: null };
  if (targetWrites) return { done: false, inFlight: false, targetWrites, writers, status: `the target writes, and so do ${writers - 1} other member(s)`, operation: null };
  return { done: false, inFlight: false, targetWrites, writers, status: `the target is a secondary (global cluster ${gc.Status ?? 'unknown'})`, operation: null };
}

/** The old writer as read in its own region: its status, or why there is none to read. */
type OldWriter =
  | { kind: 'none' }
  | { kind: 'not found'; writer: string; region: string }
  | { kind: 'unreachable'; writer: string; region: string; reason: string }
  | { kind: 'found'; writer: string; region: string; status: string };

/**
 * Reads the current writer member other than the target (DescribeGlobalClusters' IsWriter) in its own region
 * (its ARN's, else the run's primary) with a 5 s abortSignal. Throttling and busy errors are thrown to be
 * retried; any error that is neither "not found" nor "does not answer" fails closed.
 */
async function readOldWriter(ctx: Ctx, gc: GlobalCluster): Promise<OldWriter> {
  const target = ctx.component.params.targetDbClusterArn;
  const writer = gc.GlobalClusterMembers?.find((m) => m.IsWriter === true && m.DBClusterArn !== target)?.DBClusterArn;
  if (!writer) return { kind: 'none' };
  const region = regionOfArn(writer) ?? ctx.regions.primary;
  try {
    const out = await ctx.clients.get(RDSClient, region)
      .send(new DescribeDBClustersCommand({ DBClusterIdentifier: writer }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return { kind: 'found', writer, region, status: out.DBClusters?.[0]?.Status ?? 'unknown' };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    if (err.name === 'DBClusterNotFoundFault') return { kind: 'not found', writer, region };
    const classified = classifyError(error);
    if (classified.name === 'AwsThrottlingError' || classified.name === 'ResourceBusyError') throw classified;
    if (isUnreachable(error)) return { kind: 'unreachable', writer, region, reason: `${err.name}: ${err.message}` };
    throw new UnexpectedStateError(`can't tell whether the old writer ${writer} is up: ${err.name}: ${err.message}`, { awsErrorName: err.name }, { cause: err });
  }
}

/**
 * The split-brain guard of an unplanned failover (see the top of the file). Returns what the old
 * writer looked like, for the report; throws SplitBrainRiskError when it is up and the run is not forced.
 */
async function guardOldWriter(ctx: Ctx, gc: GlobalCluster): Promise<string> {
  const target = ctx.component.params.targetDbClusterArn;
  const old = await readOldWriter(ctx, gc);
  if (old.kind === 'none' || old.kind === 'not found') return old.kind;
  const { writer, region } = old;
  if (old.kind === 'unreachable') {
    // Not a fence: nothing shows the old writer stopped taking writes (the approval request said so).
    ctx.logger.warn('Old Aurora writer not reachable; failing over without proof that it is fenced', { writer, region, reason: old.reason });
    return 'unreachable';
  }
  const { status } = old;
  if (CLUSTER_DOWN.has(status)) return status;
  if (!ctx.force) {
    throw new SplitBrainRiskError(
      `old writer ${writer} in ${region} is ${status} and may accept writes: failing over to ${target} could leave two writers; ` +
        'approve with --force to fail over anyway (Aurora moves the writer role; the action checks that the target ends up the only writer), or run a planned switchover',
      { writer, status },
    );
  }
  ctx.logger.warn('Old Aurora writer is up; failing over because the run was approved with force', { writer, status });
  return `${status} (forced)`;
}

/** What the operation gives up, for the report and the run's RPO (observations `replicaLag*`). */
interface DataLoss {
  replicaLagSeconds: number | null;
  replicaLagMetric: string | null;
  replicaLagNote: string | null;
  replicaLagSource: string | null;
}

/**
 * Unplanned: the target's RPO lag (else replication lag) as of the incident, the writes not yet in the
 * secondary region when the primary stopped. Planned: nothing, Aurora syncs the secondary first.
 */
async function dataLoss(ctx: Ctx): Promise<DataLoss> {
  if (ctx.mode === 'planned') {
    return {
      replicaLagSeconds: 0,
      replicaLagMetric: null,
      replicaLagNote: 'switchover: Aurora brings the secondary in sync before it switches',
      replicaLagSource: 'switchover (Aurora brings the secondary in sync before it switches: no write lost)',
    };
  }
  const lag = await readPreferredReplicationLag(
    ctx.clients.get(CloudWatchClient, ctx.regions.secondary),
    ctx.logger,
    lagAsOf(ctx.mode, ctx.incidentStartedAt, ctx.now),
    auroraGlobalDataLossMetrics(ctx.component.params.targetDbClusterArn),
  );
  const metric = lag.metricName;
  return {
    replicaLagSeconds: lag.seconds,
    replicaLagMetric: metric,
    replicaLagNote: lag.reason,
    replicaLagSource: lag.seconds === null ? null : `replication lag lost at the failover (CloudWatch ${metric ?? 'lag'} of the target as of the incident)`,
  };
}

/** The lag observations of a start that found the operation done or under way: not measured. */
const NOT_MEASURED: DataLoss = {
  replicaLagSeconds: null,
  replicaLagMetric: null,
  replicaLagNote: 'not measured: the failover or switchover was already done or under way',
  replicaLagSource: null,
};

function progress(ctx: Ctx, done: boolean, status: string, state: JsonObject, writers: number): ActionProgress {
  const next: JsonObject = { ...state, writers };
  return {
    done,
    nextCheckSeconds: ctx.component.checkIntervalSeconds,
    status,
    state: next,
    observations: {
      operation: next.operation ?? null,
      dataLossAllowed: next.dataLossAllowed ?? null,
      oldWriter: next.oldWriter ?? null,
      writers,
      replicaLagSeconds: next.replicaLagSeconds ?? null,
      replicaLagMetric: next.replicaLagMetric ?? null,
      replicaLagNote: next.replicaLagNote ?? null,
      replicaLagSource: next.replicaLagSource ?? null,
    },
  };
}

export const recover: RecoveryAction<'aurora-global-failover'> = {
  type: 'aurora-global-failover',
  oneWay: true,
  defaultExpectedSeconds: EXPECTED_SECONDS,
  async start(ctx) {
    const { globalClusterIdentifier, targetDbClusterArn } = ctx.component.params;
    const gc = await describe(ctx);
    const now = assess(ctx, gc);
    if (now.done || now.inFlight || now.targetWrites) {
      // A retry or a re-run: the operation is done or under way, never send a second one.
      const state: JsonObject = { ...(now.operation ? { operation: now.operation, dataLossAllowed: now.operation === 'failover' } : {}), ...NOT_MEASURED };
      ctx.logger.info('Aurora global cluster already switched or switching', { globalClusterIdentifier, status: now.status });
      return progress(ctx, now.done, now.status, state, now.writers);
    }
    const planned = ctx.mode === 'planned';
    const oldWriter = planned ? null : await guardOldWriter(ctx, gc);
    // Read before the failover: never holds it up (5 s at most), and the metric stops once the target writes.
    const loss = await dataLoss(ctx);
    const input = { GlobalClusterIdentifier: globalClusterIdentifier, TargetDbClusterIdentifier: targetDbClusterArn };
    await ctx.beforeOneWay(planned ? 'SwitchoverGlobalCluster' : 'FailoverGlobalCluster');
    try {
      const rds = ctx.clients.get(RDSClient, ctx.regions.secondary);
      await (planned
        ? rds.send(new SwitchoverGlobalClusterCommand(input))
        : rds.send(new FailoverGlobalClusterCommand({ ...input, AllowDataLoss: true })));
    } catch (error) {
      throw mapError(ctx, error);
    }
    const operation = planned ? 'switchover' : 'failover';
    ctx.logger.info('Aurora global cluster operation requested', { globalClusterIdentifier, targetDbClusterArn, operation, oldWriter, replicaLagSeconds: loss.replicaLagSeconds, replicaLagMetric: loss.replicaLagMetric });
    const state: JsonObject = { operation, dataLossAllowed: !planned, ...(oldWriter ? { oldWriter } : {}), ...loss };
    return {
      ...progress(ctx, false, `${operation} requested`, state, now.writers),
      nextCheckSeconds: ctx.component.expectedSeconds ?? EXPECTED_SECONDS,
    };
  },
  async check(ctx, state) {
    const now = assess(ctx, await describe(ctx));
    if (!now.done && !now.inFlight && !now.targetWrites) {
      // Nothing in flight and the target is still a secondary: the operation was cancelled or failed.
      throw new ActionFailedError(`${what(ctx)}: no operation in flight and ${ctx.component.params.targetDbClusterArn} is not the writer`, {
        operation: state.operation ?? null,
      });
    }
    // The target writes but is not yet the only writer: wait (the component's deadline bounds it).
    return progress(ctx, now.done, now.status, state, now.writers);
  },
};
