import { ElastiCacheClient, DescribeGlobalReplicationGroupsCommand, type GlobalReplicationGroup } from '@aws-sdk/client-elasticache';
import { ActionFailedError, ResourceNotFoundError, UnexpectedStateError, notFoundOr } from '../../errors.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';
import { isTransitional } from './recover.ts';

/**
 * Re-protect of an elasticache-global-failover: the replication group in the run's secondary region
 * (params.secondaryReplicationGroupId; in the reverse direction the plan's old primary) is a secondary
 * member of the global datastore again, which a failback can promote. FailoverGlobalReplicationGroup makes
 * "all other clusters" secondaries (https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_FailoverGlobalReplicationGroup.html):
 * this action sends nothing and waits for the member to settle, reading in the run's primary region.
 * A group that is not a member (disassociated) is not added back by ElastiCache: terminal error, with the fix.
 */

type Ctx = ActionContext<'elasticache-global-failover'>;
const NOT_FOUND = ['GlobalReplicationGroupNotFoundFault'];
const EXPECTED_SECONDS = 120;

const what = (ctx: Ctx) => `ElastiCache global datastore ${ctx.component.params.globalReplicationGroupId}`;

async function describe(ctx: Ctx): Promise<GlobalReplicationGroup> {
  try {
    const out = await ctx.clients.get(ElastiCacheClient, ctx.regions.primary)
      .send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: ctx.component.params.globalReplicationGroupId, ShowMemberInfo: true }));
    const found = out.GlobalReplicationGroups?.[0];
    if (!found) throw new ResourceNotFoundError(`${what(ctx)} does not exist (DescribeGlobalReplicationGroups returned none)`);
    return found;
  } catch (error) {
    throw notFoundOr(error, NOT_FOUND, what(ctx));
  }
}

async function progress(ctx: Ctx): Promise<ActionProgress> {
  const { secondaryReplicationGroupId: secondary, primaryReplicationGroupId: primary } = ctx.component.params;
  const group = await describe(ctx);
  const members = group.Members ?? [];
  const member = members.find((m) => m.ReplicationGroupId === secondary);
  const current = members.find((m) => m.Role?.toUpperCase() === 'PRIMARY')?.ReplicationGroupId ?? null;
  const state: JsonObject = { primary: current, secondary, role: member?.Role ?? null, memberStatus: member?.Status ?? null, groupStatus: group.Status ?? null };
  if (!member) {
    throw new ActionFailedError(
      `${secondary} is not a member of ${what(ctx)} (members: ${members.map((m) => m.ReplicationGroupId).join(', ') || 'none'}): it was disassociated; add a secondary replication group in ${ctx.regions.secondary} to the global datastore, then run the re-protect again`,
    );
  }
  if (member.Role?.toUpperCase() === 'PRIMARY') {
    throw new UnexpectedStateError(`${secondary} is the primary of ${what(ctx)}: the system does not run where the run's direction says (check the state table's active region)`);
  }
  if (primary && current !== primary) {
    throw new UnexpectedStateError(`the primary of ${what(ctx)} is ${current ?? 'none'}, not ${primary}: the system does not run where the run's direction says (check the state table's active region)`);
  }
  const settled = !isTransitional(member.Status) && !isTransitional(group.Status);
  return {
    done: settled,
    nextCheckSeconds: settled ? 0 : ctx.component.checkIntervalSeconds,
    status: `${secondary} is a secondary of ${what(ctx)}, ${member.Status ?? 'status not reported'} (global ${group.Status ?? 'unknown'}; primary ${current})`,
    state,
    observations: state,
  };
}

export const reprotect: RecoveryAction<'elasticache-global-failover'> = {
  type: 'elasticache-global-failover',
  defaultExpectedSeconds: EXPECTED_SECONDS,
  start: (ctx) => progress(ctx),
  check: (ctx) => progress(ctx),
};
