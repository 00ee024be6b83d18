import {
  AutoScalingClient,
  AutoScalingServiceException,
  DescribeAutoScalingGroupsCommand,
  ResourceContentionFault,
  ScalingActivityInProgressFault,
  UpdateAutoScalingGroupCommand,
  type AutoScalingGroup,
  type Instance,
} from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recover as ec2AsgScale } from '../../../../shared/components/ec2-asg-scale/recover.ts';
import { actionContext, exampleComponent } from '../../../support/action-context.ts';

const asg = mockClient(AutoScalingClient);
const NAME = 'dataset-batch-osaka';

const group = (over: Partial<AutoScalingGroup> = {}): AutoScalingGroup => ({
  AutoScalingGroupName: NAME,
  MinSize: 0,
  MaxSize: 0,
  DesiredCapacity: 0,
  DefaultCooldown: 300,
  AvailabilityZones: ['ap-northeast-3a', 'ap-northeast-3b'],
  HealthCheckType: 'EC2',
  CreatedTime: new Date('2026-01-01T00:00:00Z'),
  Instances: [],
  ...over,
});
const instance = (n: number, over: Partial<Instance> = {}): Instance => ({
  InstanceId: `i-0000000000000000${n}`,
  AvailabilityZone: 'ap-northeast-3a',
  LifecycleState: 'InService',
  HealthStatus: 'Healthy',
  ProtectedFromScaleIn: false,
  ...over,
});
const updates = () => asg.commandCalls(UpdateAutoScalingGroupCommand).map((c) => c.args[0].input);

describe('ec2-asg-scale', () => {
  beforeEach(() => asg.reset());
  afterEach(() => asg.reset());

  it('sets min, desired and max on the secondary group and checks first at the expected time', async () => {
    // Prepare
    const ctx = actionContext(await exampleComponent('ec2-asg-scale', 'batch-processing'));
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group()] });
    asg.on(UpdateAutoScalingGroupCommand).resolves({});
    // Act
    const progress = await ec2AsgScale.start(ctx);
    // Assess
    expect(asg).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: [NAME] });
    expect(updates()).toEqual([{ AutoScalingGroupName: NAME, MinSize: 2, DesiredCapacity: 2, MaxSize: 6 }]);
    expect(progress).toMatchObject({ done: false, nextCheckSeconds: 180, observations: { inService: 0, desired: 2 } });
    expect(await asg.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(await asg.call(1).thisValue.config.region()).toBe('ap-northeast-3');
  });

  it('without a planned maxSize, raises the max only when it is below the desired capacity', async () => {
    const ctx = actionContext(await exampleComponent('ec2-asg-scale', 'batch-processing', { maxSize: undefined }));
    asg.on(UpdateAutoScalingGroupCommand).resolves({});
    asg
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [group({ MaxSize: 1 })] })
      .resolvesOnce({ AutoScalingGroups: [group({ MaxSize: 10 })] });
    await ec2AsgScale.start(ctx);
    await ec2AsgScale.start(ctx);
    expect(updates()).toEqual([
      { AutoScalingGroupName: NAME, MinSize: 2, DesiredCapacity: 2, MaxSize: 2 },
      { AutoScalingGroupName: NAME, MinSize: 2, DesiredCapacity: 2 },
    ]);
  });

  it('sends UpdateAutoScalingGroup once when started twice (idempotent re-run)', async () => {
    const ctx = actionContext(await exampleComponent('ec2-asg-scale', 'batch-processing'));
    asg
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [group()] })
      .resolves({ AutoScalingGroups: [group({ MinSize: 2, DesiredCapacity: 2, MaxSize: 6, Instances: [instance(1, { LifecycleState: 'Pending' })] })] });
    asg.on(UpdateAutoScalingGroupCommand).resolves({});
    await ec2AsgScale.start(ctx);
    const again = await ec2AsgScale.start(ctx);
    expect(asg).toHaveReceivedCommandTimes(UpdateAutoScalingGroupCommand, 1);
    expect(again).toMatchObject({ done: false, nextCheckSeconds: 30 });
  });

  it('counts only InService and Healthy instances', async () => {
    const ctx = actionContext(await exampleComponent('ec2-asg-scale', 'batch-processing'));
    const sized = { MinSize: 2, DesiredCapacity: 2, MaxSize: 6 };
    asg
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({
        AutoScalingGroups: [group({ ...sized, Instances: [instance(1), instance(2, { HealthStatus: 'Unhealthy' }), instance(3, { LifecycleState: 'Pending' })] })],
      })
      .resolves({ AutoScalingGroups: [group({ ...sized, Instances: [instance(1), instance(2), instance(3, { LifecycleState: 'Terminating' })] })] });
    expect(await ec2AsgScale.check(ctx, {})).toMatchObject({ done: false, observations: { inService: 1, desired: 2 } });
    expect(await ec2AsgScale.check(ctx, {})).toMatchObject({ done: true, observations: { inService: 2, desired: 2 } });
    expect(asg).not.toHaveReceivedCommand(UpdateAutoScalingGroupCommand);
  });

  it('reports a missing group (empty list) as ResourceNotFoundError and a group being deleted as UnexpectedStateError', async () => {
    const ctx = actionContext(await exampleComponent('ec2-asg-scale', 'batch-processing'));
    asg
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [] })
      .resolvesOnce({ AutoScalingGroups: [group({ Status: 'Delete in progress' })] });
    await expect(ec2AsgScale.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    await expect(ec2AsgScale.start(ctx)).rejects.toMatchObject({ name: 'UnexpectedStateError' });
    expect(asg).not.toHaveReceivedCommand(UpdateAutoScalingGroupCommand);
  });

  it.each([
    new ScalingActivityInProgressFault({ message: 'Scaling activity 1234 is in progress', $metadata: { httpStatusCode: 400 } }),
    new ResourceContentionFault({ message: 'You already have a pending update to an Auto Scaling resource', $metadata: { httpStatusCode: 500 } }),
  ])('maps $name to ResourceBusyError', async (fault) => {
    const ctx = actionContext(await exampleComponent('ec2-asg-scale', 'batch-processing'));
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group()] });
    asg.on(UpdateAutoScalingGroupCommand).rejects(fault);
    await expect(ec2AsgScale.start(ctx)).rejects.toMatchObject({ name: 'ResourceBusyError' });
  });

  it('maps the unmodeled ValidationError to UnexpectedStateError with its message, and Throttling to AwsThrottlingError', async () => {
    const ctx = actionContext(await exampleComponent('ec2-asg-scale', 'batch-processing'));
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group()] });
    const message = 'New SetDesiredCapacity value 2 is above max value 1';
    asg.on(UpdateAutoScalingGroupCommand).rejects(new AutoScalingServiceException({ name: 'ValidationError', $fault: 'client', message, $metadata: { httpStatusCode: 400 } }));
    await expect(ec2AsgScale.start(ctx)).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining(message) });
    const throttled = new AutoScalingServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    asg.on(DescribeAutoScalingGroupsCommand).rejects(throttled);
    await expect(ec2AsgScale.check(ctx, {})).rejects.toMatchObject({ name: 'AwsThrottlingError' });
  });
});
