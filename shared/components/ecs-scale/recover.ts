import { ECSClient, DescribeServicesCommand, UpdateServiceCommand, type Service } from '@aws-sdk/client-ecs';
import { ActionFailedError, ResourceNotFoundError, UnexpectedStateError, notFoundOr } from '../../errors.ts';
import type { ActionContext, ActionProgress, RecoveryAction } from '../types.ts';

type Ctx = ActionContext<'ecs-scale'>;
const NOT_FOUND = ['ServiceNotFoundException', 'ClusterNotFoundException'];

async function describe(ctx: Ctx): Promise<Service> {
  const { cluster, service } = ctx.component.params;
  const what = `ECS service ${cluster}/${service} in ${ctx.regions.secondary}`;
  try {
    const out = await ctx.clients.get(ECSClient, ctx.regions.secondary).send(new DescribeServicesCommand({ cluster, services: [service] }));
    // A missing service is reported in failures[], not thrown.
    const failure = out.failures?.[0];
    if (failure) throw new ResourceNotFoundError(`${what}: ${failure.reason ?? 'MISSING'}`, { reason: failure.reason ?? null });
    const found = out.services?.[0];
    if (!found) throw new UnexpectedStateError(`${what}: DescribeServices returned neither the service nor a failure`);
    return found;
  } catch (error) {
    throw notFoundOr(error, NOT_FOUND, what);
  }
}

function progress(ctx: Ctx, svc: Service): ActionProgress {
  const desired = ctx.component.params.desiredCount;
  if (svc.status !== 'ACTIVE') {
    throw new UnexpectedStateError(`ECS service ${svc.serviceName} is ${svc.status}, not ACTIVE`, { status: svc.status ?? null });
  }
  const primary = svc.deployments?.find((d) => d.status === 'PRIMARY');
  if (primary?.rolloutState === 'FAILED') {
    throw new ActionFailedError(`ECS deployment failed: ${primary.rolloutStateReason ?? 'no reason given'}`);
  }
  const running = svc.runningCount ?? 0;
  const steady = (svc.deployments?.length ?? 0) === 1 && (primary?.rolloutState ?? 'COMPLETED') === 'COMPLETED';
  const done = svc.desiredCount === desired && running >= desired && steady;
  return {
    done,
    nextCheckSeconds: ctx.component.checkIntervalSeconds,
    status: `running ${running}/${desired}, ${svc.deployments?.length ?? 0} deployment(s)`,
    state: {},
    observations: { runningCount: running, desiredCount: desired },
  };
}

/** Scales the secondary region's ECS service to the plan's count; done when it runs that many and is steady. */
export const recover: RecoveryAction<'ecs-scale'> = {
  type: 'ecs-scale',
  defaultExpectedSeconds: 120,
  async start(ctx) {
    const { cluster, service, desiredCount } = ctx.component.params;
    const current = await describe(ctx);
    if (current.desiredCount !== desiredCount) {
      try {
        await ctx.clients.get(ECSClient, ctx.regions.secondary).send(new UpdateServiceCommand({ cluster, service, desiredCount }));
      } catch (error) {
        throw notFoundOr(error, NOT_FOUND, `ECS service ${cluster}/${service}`);
      }
      ctx.logger.info('ECS service scaled', { cluster, service, from: current.desiredCount, to: desiredCount });
      return { ...progress(ctx, { ...current, desiredCount }), nextCheckSeconds: ctx.component.expectedSeconds ?? this.defaultExpectedSeconds };
    }
    ctx.logger.info('ECS service already at its desired count', { cluster, service, desiredCount });
    return progress(ctx, current);
  },
  async check(ctx) {
    return progress(ctx, await describe(ctx));
  },
};
