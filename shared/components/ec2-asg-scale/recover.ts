import { AutoScalingClient, DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand, type AutoScalingGroup, type UpdateAutoScalingGroupCommandInput } from '@aws-sdk/client-auto-scaling';
import { ResourceNotFoundError, UnexpectedStateError, classifyError } from '../../errors.ts';
import type { ActionContext, ActionProgress, RecoveryAction } from '../types.ts';

type Ctx = ActionContext<'ec2-asg-scale'>;
const EXPECTED_SECONDS = 180;

const what = (ctx: Ctx) => `Auto Scaling group ${ctx.component.params.autoScalingGroupName} in ${ctx.regions.secondary}`;

// Errors: ScalingActivityInProgressFault and ResourceContentionFault become ResourceBusyError, the
// unmodeled ValidationError (e.g. "New SetDesiredCapacity value 2 is above max value 1") becomes
// UnexpectedStateError with its message, `Throttling` AwsThrottlingError: all by classifyError.

async function describe(ctx: Ctx): Promise<AutoScalingGroup> {
  const name = ctx.component.params.autoScalingGroupName;
  let found: AutoScalingGroup | undefined;
  try {
    const out = await ctx.clients.get(AutoScalingClient, ctx.regions.secondary).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
    found = out.AutoScalingGroups?.[0];
  } catch (error) {
    throw classifyError(error);
  }
  // A missing group is an empty list, not an error.
  if (!found) throw new ResourceNotFoundError(`${what(ctx)} does not exist (DescribeAutoScalingGroups returned none)`);
  // Status is only set while the group is being deleted ("Delete in progress").
  if (found.Status) throw new UnexpectedStateError(`${what(ctx)} is ${found.Status}`, { status: found.Status });
  return found;
}

/** The update that brings the group to the plan's sizes, or undefined when it is there already. */
export function updateFor(ctx: Ctx, group: AutoScalingGroup): UpdateAutoScalingGroupCommandInput | undefined {
  const { autoScalingGroupName, minSize, desiredCapacity, maxSize } = ctx.component.params;
  const currentMax = group.MaxSize ?? 0;
  // The plan's maxSize when given; else the current max, raised to the desired capacity when lower.
  const newMax = maxSize ?? (currentMax < desiredCapacity ? desiredCapacity : undefined);
  const maxMatches = newMax === undefined || newMax === currentMax;
  if (group.MinSize === minSize && group.DesiredCapacity === desiredCapacity && maxMatches) return undefined;
  return {
    AutoScalingGroupName: autoScalingGroupName,
    MinSize: minSize,
    DesiredCapacity: desiredCapacity,
    ...(newMax === undefined ? {} : { MaxSize: newMax }),
  };
}

/** Done when at least the desired number of instances are InService and Healthy. */
function progress(ctx: Ctx, group: AutoScalingGroup): ActionProgress {
  const desired = ctx.component.params.desiredCapacity;
  const instances = group.Instances ?? [];
  const inService = instances.filter((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy').length;
  return {
    done: inService >= desired,
    nextCheckSeconds: ctx.component.checkIntervalSeconds,
    status: `${inService}/${desired} instance(s) InService and Healthy, ${instances.length} in the group`,
    state: {},
    observations: { inService, desired },
  };
}

/** Sets the secondary region's Auto Scaling group to the plan's sizes; done when enough instances are in service. */
export const recover: RecoveryAction<'ec2-asg-scale'> = {
  type: 'ec2-asg-scale',
  defaultExpectedSeconds: EXPECTED_SECONDS,
  async start(ctx) {
    const current = await describe(ctx);
    const update = updateFor(ctx, current);
    if (!update) {
      ctx.logger.info('Auto Scaling group already at its planned sizes', { group: current.AutoScalingGroupName, desired: current.DesiredCapacity });
      return progress(ctx, current);
    }
    try {
      await ctx.clients.get(AutoScalingClient, ctx.regions.secondary).send(new UpdateAutoScalingGroupCommand(update));
    } catch (error) {
      throw classifyError(error);
    }
    ctx.logger.info('Auto Scaling group updated', {
      group: update.AutoScalingGroupName,
      from: { min: current.MinSize, desired: current.DesiredCapacity, max: current.MaxSize },
      to: { min: update.MinSize, desired: update.DesiredCapacity, max: update.MaxSize ?? current.MaxSize },
    });
    return { ...progress(ctx, current), nextCheckSeconds: ctx.component.expectedSeconds ?? EXPECTED_SECONDS };
  },
  async check(ctx) {
    return progress(ctx, await describe(ctx));
  },
};
