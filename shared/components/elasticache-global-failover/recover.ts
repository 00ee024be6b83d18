import { ElastiCacheClient, DescribeGlobalReplicationGroupsCommand, FailoverGlobalReplicationGroupCommand, type GlobalReplicationGroup } from '@aws-sdk/client-elasticache';
import { ActionFailedError, ResourceBusyError, ResourceNotFoundError, UnexpectedStateError, classifyError, notFoundOr } from '../../errors.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';

type Ctx = ActionContext<'elasticache-global-failover'>;
const EXPECTED_SECONDS = 60;
const NOT_FOUND = ['GlobalReplicationGroupNotFoundFault'];
const INVALID_STATE = 'InvalidGlobalReplicationGroupStateFault';
const INVALID_REQUEST = ['InvalidParameterValueException', 'InvalidParameterCombinationException'];

const what = (ctx: Ctx) => `ElastiCache global datastore ${ctx.component.params.globalReplicationGroupId}`;

/**
 * AWS does not document the group and member Status strings (only "available" and "primary-only" appear).
 * Our rule: a status naming an operation under way (a present participle: modifying, creating,
 * failing-over, associating…) is transitional; anything else (available, primary-only, associated…) is settled.
 */
export const isTransitional = (status: string | undefined): boolean => status !== undefined && /ing\b/.test(status);

function mapError(ctx: Ctx, error: unknown) {
  if (error instanceof Error && INVALID_REQUEST.includes(error.name)) {
    return new UnexpectedStateError(`${what(ctx)}: ${error.name}: ${error.message}`, { awsErrorName: error.name }, { cause: error });
  }
  return notFoundOr(error, NOT_FOUND, what(ctx));
}

async function describe(ctx: Ctx): Promise<GlobalReplicationGroup> {
  const { globalReplicationGroupId } = ctx.component.params;
  let found: GlobalReplicationGroup | undefined;
  try {
    const out = await ctx.clients.get(ElastiCacheClient, ctx.regions.secondary)
      .send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: globalReplicationGroupId, ShowMemberInfo: true }));
    found = out.GlobalReplicationGroups?.[0];
  } catch (error) {
    throw mapError(ctx, error);
  }
  if (!found) throw new ResourceNotFoundError(`${what(ctx)} does not exist (DescribeGlobalReplicationGroups returned none)`);
  return found;
}

interface Assessment {
  /** The secondary region's replication group is the primary. */
  promoted: boolean;
  /** The group or a member is in a transitional status. */
  transitioning: boolean;
  status: string;
  role: string | null;
  groupStatus: string | null;
}

function assess(ctx: Ctx, group: GlobalReplicationGroup): Assessment {
  const target = ctx.component.params.secondaryReplicationGroupId;
  const members = group.Members ?? [];
  const member = members.find((m) => m.ReplicationGroupId === target);
  if (!member) {
    throw new UnexpectedStateError(`${target} is not a member of ${what(ctx)}`, { members: members.map((m) => m.ReplicationGroupId ?? null) });
  }
  if (member.ReplicationGroupRegion !== undefined && member.ReplicationGroupRegion !== ctx.regions.secondary) {
    throw new UnexpectedStateError(`${target} is in ${member.ReplicationGroupRegion}, not the secondary region ${ctx.regions.secondary}`);
  }
  const transitioning = isTransitional(group.Status) || members.some((m) => isTransitional(m.Status));
  return {
    // AWS's examples show PRIMARY/SECONDARY, its reference says "primary or secondary": either case.
    promoted: member.Role?.toLowerCase() === 'primary',
    transitioning,
    status: `${target} is ${member.Role ?? 'of unknown role'}; global datastore ${group.Status ?? 'status not reported'}${transitioning ? ', in transition' : ''}`,
    role: member.Role ?? null,
    groupStatus: group.Status ?? null,
  };
}

function progress(ctx: Ctx, now: Assessment, state: JsonObject): ActionProgress {
  return {
    // Done only once settled: the secondary is primary and nothing is still moving.
    done: now.promoted && !now.transitioning,
    nextCheckSeconds: ctx.component.checkIntervalSeconds,
    status: now.status,
    state,
    observations: { role: now.role, globalStatus: now.groupStatus, failoverRequested: state.failoverRequested ?? false },
  };
}

/** InvalidGlobalReplicationGroupStateFault: busy (retry) when the group is moving now, else a state we cannot act on. */
async function mapFailoverError(ctx: Ctx, error: unknown) {
  if (!(error instanceof Error) || error.name !== INVALID_STATE) return mapError(ctx, error);
  const details = { awsErrorName: error.name };
  let now: Assessment;
  try {
    now = assess(ctx, await describe(ctx));
  } catch (describeError) {
    return classifyError(describeError);
  }
  if (now.transitioning) return new ResourceBusyError(`${what(ctx)} is in transition: ${error.message}`, details, { cause: error });
  return new UnexpectedStateError(`${what(ctx)} refused the failover (${now.status}): ${error.message}`, details, { cause: error });
}

/** Makes the secondary region's replication group the primary of the ElastiCache global datastore. */
export const recover: RecoveryAction<'elasticache-global-failover'> = {
  type: 'elasticache-global-failover',
  defaultExpectedSeconds: EXPECTED_SECONDS,
  async start(ctx) {
    const { globalReplicationGroupId, secondaryReplicationGroupId } = ctx.component.params;
    const now = assess(ctx, await describe(ctx));
    if (now.promoted || now.transitioning) {
      // Already primary, or an operation (most likely our earlier failover) is under way: never send a second one.
      ctx.logger.info('ElastiCache global datastore already failed over or in transition', { globalReplicationGroupId, status: now.status });
      return progress(ctx, now, { failoverRequested: false });
    }
    try {
      await ctx.clients.get(ElastiCacheClient, ctx.regions.secondary).send(
        new FailoverGlobalReplicationGroupCommand({
          GlobalReplicationGroupId: globalReplicationGroupId,
          PrimaryRegion: ctx.regions.secondary,
          PrimaryReplicationGroupId: secondaryReplicationGroupId,
        }),
      );
    } catch (error) {
      throw await mapFailoverError(ctx, error);
    }
    ctx.logger.info('ElastiCache global datastore failover requested', { globalReplicationGroupId, secondaryReplicationGroupId });
    return {
      ...progress(ctx, { ...now, status: `failover to ${secondaryReplicationGroupId} requested` }, { failoverRequested: true }),
      nextCheckSeconds: ctx.component.expectedSeconds ?? EXPECTED_SECONDS,
    };
  },
  async check(ctx, state) {
    const now = assess(ctx, await describe(ctx));
    if (!now.promoted && !now.transitioning) {
      // Settled with the secondary still secondary: the failover did not happen (or was undone). Fail closed.
      throw new ActionFailedError(`${what(ctx)}: nothing in transition and ${ctx.component.params.secondaryReplicationGroupId} is not primary`, {
        role: now.role,
        globalStatus: now.groupStatus,
      });
    }
    return progress(ctx, now, state);
  },
};
