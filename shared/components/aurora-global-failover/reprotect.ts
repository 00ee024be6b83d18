import { RDSClient, DescribeGlobalClustersCommand, type GlobalCluster } from '@aws-sdk/client-rds';
import { ActionFailedError, ResourceNotFoundError, UnexpectedStateError, notFoundOr } from '../../errors.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';

/**
 * Re-protect of an aurora-global-failover: the cluster in the run's secondary region (params.targetDbClusterArn;
 * in the reverse direction the plan's old primary) is a secondary of the global database again. Aurora
 * rebuilds it by itself: a switchover leaves the old writer a secondary, and after a failover with data
 * loss Aurora recreates the old primary as a secondary once its region is back
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html):
 * this action sends nothing and waits for that, reading DescribeGlobalClusters in the run's primary region.
 * Done when the member is a reader whose SynchronizationStatus is `connected` (and primaryDbClusterArn, when
 * given, is the writer). A member that is missing was detached (removed from the global database): Aurora
 * will not bring it back, and re-adding a cluster is the plan owner's (their IaC): terminal error.
 */

type Ctx = ActionContext<'aurora-global-failover'>;
const NOT_FOUND = ['GlobalClusterNotFoundFault'];
/** Aurora recreates the old primary in minutes to hours (the size of the data); the first check after 5 min. */
const EXPECTED_SECONDS = 300;

const what = (ctx: Ctx) => `Aurora global cluster ${ctx.component.params.globalClusterIdentifier}`;

async function describe(ctx: Ctx): Promise<GlobalCluster> {
  try {
    const out = await ctx.clients.get(RDSClient, ctx.regions.primary)
      .send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: ctx.component.params.globalClusterIdentifier }));
    const found = out.GlobalClusters?.[0];
    if (!found) throw new ResourceNotFoundError(`${what(ctx)} does not exist (DescribeGlobalClusters returned none)`);
    return found;
  } catch (error) {
    throw notFoundOr(error, NOT_FOUND, what(ctx));
  }
}

async function progress(ctx: Ctx): Promise<ActionProgress> {
  const { targetDbClusterArn: secondary, primaryDbClusterArn: primary } = ctx.component.params;
  const gc = await describe(ctx);
  const members = gc.GlobalClusterMembers ?? [];
  const member = members.find((m) => m.DBClusterArn === secondary);
  const writer = members.find((m) => m.IsWriter === true)?.DBClusterArn ?? null;
  const sync = member?.SynchronizationStatus ?? null;
  const state: JsonObject = { writer, secondary, synchronizationStatus: sync, globalStatus: gc.Status ?? null };
  if (!member) {
    throw new ActionFailedError(
      `${secondary} is not a member of ${what(ctx)} (members: ${members.map((m) => m.DBClusterArn).join(', ') || 'none'}): it was detached, and Aurora does not add it back; add a secondary cluster in ${ctx.regions.secondary} to the global database, then run the re-protect again`,
    );
  }
  if (member.IsWriter) throw new UnexpectedStateError(`${secondary} is the writer of ${what(ctx)}: the system does not run where the run's direction says (check the state table's active region)`);
  if (primary && writer !== primary) {
    throw new UnexpectedStateError(`the writer of ${what(ctx)} is ${writer ?? 'none'}, not ${primary}: the system does not run where the run's direction says (check the state table's active region)`);
  }
  const settled = sync === 'connected' && (gc.Status === undefined || gc.Status === 'available');
  return {
    done: settled,
    nextCheckSeconds: settled ? 0 : ctx.component.checkIntervalSeconds,
    status: settled
      ? `${secondary} is a connected secondary of ${what(ctx)} (writer ${writer})`
      : `${secondary} is a secondary of ${what(ctx)}, ${sync ?? 'synchronisation status not reported'} (global status ${gc.Status ?? 'unknown'}): Aurora rebuilds it`,
    state,
    observations: state,
  };
}

export const reprotect: RecoveryAction<'aurora-global-failover'> = {
  type: 'aurora-global-failover',
  defaultExpectedSeconds: EXPECTED_SECONDS,
  start: (ctx) => progress(ctx),
  check: (ctx) => progress(ctx),
};
