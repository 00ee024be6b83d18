import {
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
  type GlobalCluster,
} from '@aws-sdk/client-rds';
import { ActionFailedError, ResourceBusyError, ResourceNotFoundError, UnexpectedStateError, notFoundOr } from '../errors.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from './types.ts';

type Ctx = ActionContext<'aurora-global-failover'>;
const EXPECTED_SECONDS = 120;
const NOT_FOUND = ['GlobalClusterNotFoundFault', 'DBClusterNotFoundFault'];
const BUSY = ['InvalidGlobalClusterStateFault', 'InvalidDBClusterStateFault'];

const what = (ctx: Ctx) => `Aurora global cluster ${ctx.component.params.globalClusterIdentifier}`;

function mapError(ctx: Ctx, error: unknown) {
  if (error instanceof Error && BUSY.includes(error.name)) {
    return new ResourceBusyError(`${what(ctx)} is busy: ${error.message}`, { awsErrorName: error.name }, { cause: error });
  }
  return notFoundOr(error, NOT_FOUND, what(ctx));
}

async function describe(ctx: Ctx): Promise<GlobalCluster> {
  const { globalClusterIdentifier } = ctx.component.params;
  try {
    const out = await ctx.clients
      .rds(ctx.regions.secondary)
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
  status: string;
  /** What the operation in flight is, from FailoverState (null when none, or unknown). */
  operation: 'switchover' | 'failover' | null;
}

/** Where the global cluster stands toward our target; throws when it is heading somewhere else. */
function assess(ctx: Ctx, gc: GlobalCluster): Assessment {
  const target = ctx.component.params.targetDbClusterArn;
  const member = gc.GlobalClusterMembers?.find((m) => m.DBClusterArn === target);
  if (!member) throw new ResourceNotFoundError(`${target} is not a member of ${what(ctx)}`, { target });
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
    return { done: false, inFlight: true, status: `${opStatus} toward the target`, operation };
  }
  if (member.IsWriter) return { done: true, inFlight: false, status: 'the target is the writer', operation: null };
  return { done: false, inFlight: false, status: `the target is a secondary (global cluster ${gc.Status ?? 'unknown'})`, operation: null };
}

function progress(ctx: Ctx, done: boolean, status: string, state: JsonObject): ActionProgress {
  return {
    done,
    nextCheckSeconds: ctx.component.checkIntervalSeconds,
    status,
    state,
    observations: { operation: state.operation ?? null, dataLossAllowed: state.dataLossAllowed ?? null },
  };
}

/** Makes the secondary-region Aurora cluster the global writer: switchover when planned, failover (data loss allowed) when not. */
export const auroraGlobalFailover: RecoveryAction<'aurora-global-failover'> = {
  type: 'aurora-global-failover',
  oneWay: true,
  defaultExpectedSeconds: EXPECTED_SECONDS,
  async start(ctx) {
    const { globalClusterIdentifier, targetDbClusterArn } = ctx.component.params;
    const now = assess(ctx, await describe(ctx));
    if (now.done || now.inFlight) {
      // A retry or a re-run: the operation is done or under way, never send a second one.
      const state: JsonObject = now.operation ? { operation: now.operation, dataLossAllowed: now.operation === 'failover' } : {};
      ctx.logger.info('Aurora global cluster already switched or switching', { globalClusterIdentifier, status: now.status });
      return progress(ctx, now.done, now.status, state);
    }
    const planned = ctx.mode === 'planned';
    const input = { GlobalClusterIdentifier: globalClusterIdentifier, TargetDbClusterIdentifier: targetDbClusterArn };
    try {
      const rds = ctx.clients.rds(ctx.regions.secondary);
      await (planned
        ? rds.send(new SwitchoverGlobalClusterCommand(input))
        : rds.send(new FailoverGlobalClusterCommand({ ...input, AllowDataLoss: true })));
    } catch (error) {
      throw mapError(ctx, error);
    }
    const operation = planned ? 'switchover' : 'failover';
    ctx.logger.info('Aurora global cluster operation requested', { globalClusterIdentifier, targetDbClusterArn, operation });
    return {
      ...progress(ctx, false, `${operation} requested`, { operation, dataLossAllowed: !planned }),
      nextCheckSeconds: ctx.component.expectedSeconds ?? EXPECTED_SECONDS,
    };
  },
  async check(ctx, state) {
    const now = assess(ctx, await describe(ctx));
    if (!now.done && !now.inFlight) {
      // Nothing in flight and the target is still a secondary: the operation was cancelled or failed.
      throw new ActionFailedError(`${what(ctx)}: no operation in flight and ${ctx.component.params.targetDbClusterArn} is not the writer`, {
        operation: state.operation ?? null,
      });
    }
    return progress(ctx, now.done, now.status, state);
  },
};
