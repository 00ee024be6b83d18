import { AutoScalingClient, DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recover as ec2AsgScale } from '../../../../../shared/components/ec2-asg-scale/recover.ts';
import { AUTOSCALING_DURATIONS, simulateAutoScaling } from '../../../../../shared/tools/drill/simulator/autoscaling.ts';
import type { SimulatedService } from '../../../../../shared/tools/drill/simulator/service.ts';
import { World, type Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { ComponentOf, Plan } from '../../../../../shared/plan/schema.ts';
import { actionContext, exampleComponent, SECONDARY } from '../../../../support/action-context.ts';
import { drive, sleep } from '../../../../support/drive-action.ts';

const START = new Date('2026-11-29T01:05:00.000Z');
const GROUP = 'dataset-batch-osaka';
const LAUNCH = AUTOSCALING_DURATIONS['autoscaling.instance-launch']?.seconds ?? Number.NaN;

let plan: Plan;
let sim: SimulatedService | undefined;
let world: World;

function simulate(faults: Fault[] = []): World {
  world = new World(plan, { durations: AUTOSCALING_DURATIONS, faults });
  sim = simulateAutoScaling(world);
  return world;
}

/** The batch-processing group (2/2/6), checked every 10 s so the finish time is measured closely. */
async function batchContext(params: Partial<ComponentOf<'ec2-asg-scale'>['params']> = {}) {
  const component = await exampleComponent('ec2-asg-scale', 'batch-processing', params);
  return actionContext({ ...component, expectedSeconds: 10, checkIntervalSeconds: 10 });
}

interface GroupSnapshot {
  minSize: number;
  desiredCapacity: number;
  maxSize: number;
  instances: { id: string; lifecycleState: string; healthStatus: string }[];
  lifecycleStates: Record<string, number>;
}
const group = () => (sim?.snapshot()[SECONDARY] as Record<string, GroupSnapshot>)[GROUP];
const updates = () => world.calls.filter((c) => c.command === 'UpdateAutoScalingGroup' && !c.error);

describe('simulated EC2 Auto Scaling', () => {
  beforeAll(async () => {
    plan = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
  });
  afterEach(() => {
    sim?.restore();
    sim = undefined;
  });

  it('seeds the plan\'s group in the secondary region at 0/0/max with no instances', () => {
    simulate();
    expect(sim?.snapshot()).toEqual({ [SECONDARY]: { [GROUP]: { minSize: 0, desiredCapacity: 0, maxSize: 6, instances: [], lifecycleStates: {} } } });
  });

  it('launches the instances: Pending, then InService and Healthy after autoscaling.instance-launch', async () => {
    simulate();
    const ctx = await batchContext();
    let midway: GroupSnapshot | undefined;
    const result = await withVirtualClock(START, async () => {
      const run = drive(ec2AsgScale, ctx);
      // Sleep from the action's update on (on a busy machine its SDK I/O can outlast a clock jump; setImmediate is real).
      while (updates().length === 0) await new Promise((resolve) => setImmediate(resolve));
      await sleep(LAUNCH - 1);
      midway = group();
      return run;
    });
    expect(result.seconds).toBe(LAUNCH);
    expect(midway?.lifecycleStates).toEqual({ Pending: 2 });
    expect(group()).toMatchObject({ minSize: 2, desiredCapacity: 2, maxSize: 6, lifecycleStates: { InService: 2 } });
    expect(group()?.instances.every((i) => i.healthStatus === 'Healthy' && /^i-0[0-9a-f]{16}$/.test(i.id))).toBe(true);
    expect(updates()).toEqual([
      expect.objectContaining({ region: SECONDARY, input: { AutoScalingGroupName: GROUP, MinSize: 2, DesiredCapacity: 2, MaxSize: 6 } }),
    ]);
  });

  it('sends no second UpdateAutoScalingGroup on a re-run, whether under way or done', async () => {
    simulate();
    const ctx = await batchContext();
    await withVirtualClock(START, async () => {
      await ec2AsgScale.start(ctx);
      await sleep(60);
      expect(await ec2AsgScale.start(ctx)).toMatchObject({ done: false, status: '0/2 instance(s) InService and Healthy, 2 in the group' });
      await sleep(LAUNCH);
      expect(await ec2AsgScale.start(ctx)).toMatchObject({ done: true });
    });
    expect(updates()).toHaveLength(1);
  });

  it('refuses a desired capacity above the max with ValidationError (UnexpectedStateError to the action)', async () => {
    simulate();
    const ctx = await batchContext({ desiredCapacity: 8, maxSize: 6 });
    await expect(
      ctx.clients.get(AutoScalingClient, SECONDARY).send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, DesiredCapacity: 7 })),
    ).rejects.toMatchObject({ name: 'ValidationError', message: 'New SetDesiredCapacity value 7 is above max value 6' });
    await expect(ec2AsgScale.start(ctx)).rejects.toMatchObject({
      name: 'UnexpectedStateError',
      message: 'ValidationError: New SetDesiredCapacity value 8 is above max value 6',
    });
    await expect(
      ctx.clients.get(AutoScalingClient, SECONDARY).send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: GROUP, MinSize: 3, DesiredCapacity: 2 })),
    ).rejects.toMatchObject({ name: 'ValidationError', message: 'New SetDesiredCapacity value 2 is below min value 3' });
    expect(updates()).toHaveLength(0);
    expect(group()).toMatchObject({ minSize: 0, desiredCapacity: 0, maxSize: 6 });
  });

  it('leaves an unknown group out of DescribeAutoScalingGroups (ResourceNotFoundError to the action)', async () => {
    simulate();
    const ctx = await batchContext({ autoScalingGroupName: 'nope' });
    const out = await ctx.clients.get(AutoScalingClient, SECONDARY).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['nope', GROUP] }));
    expect(out.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual([GROUP]);
    await expect(ec2AsgScale.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
  });

  it('a slow fault multiplies the launch time', async () => {
    simulate([{ kind: 'slow', component: 'batch-processing', factor: 2 }]);
    const result = await withVirtualClock(START, async () => drive(ec2AsgScale, await batchContext()));
    expect(result.seconds).toBe(2 * LAUNCH);
  });

  it('a fail fault keeps any instance from getting into service: failed ones are replaced and the action times out', async () => {
    simulate([{ kind: 'fail', component: 'batch-processing' }]);
    const ctx = await batchContext();
    const timeout = ctx.component.timeoutMinutes * 60;
    const seen: GroupSnapshot[] = [];
    const outcome = await withVirtualClock(START, async () => {
      const run = drive(ec2AsgScale, ctx, timeout).catch((e: unknown) => e as Error);
      for (const at of [LAUNCH / 2, LAUNCH * 1.5, LAUNCH * 2.5]) {
        await sleep(at - (Date.now() - START.getTime()) / 1000);
        seen.push(group() as GroupSnapshot);
      }
      return run;
    });
    expect(outcome).toMatchObject({ message: `not done after ${timeout} s: 0/2 instance(s) InService and Healthy, 2 in the group` });
    expect(seen.map((s) => s.lifecycleStates)).toEqual([{ Pending: 2 }, { Terminating: 2 }, { Pending: 2 }]);
    expect(seen[2]?.instances.map((i) => i.id)).not.toEqual(seen[0]?.instances.map((i) => i.id));
    expect(seen[1]?.instances.every((i) => i.healthStatus === 'Unhealthy')).toBe(true);
    expect(updates()).toHaveLength(1);
  });

  it('a throttle fault fails the first N attempts with Throttling: the SDK retries each call 3 times, then AwsThrottlingError to the action', async () => {
    // Each call is tried 3 times by the SDK's retry middleware (intercept.ts): 6 throttles fail two calls.
    simulate([{ kind: 'throttle', service: 'autoscaling', calls: 6 }]);
    const ctx = await batchContext();
    await expect(ctx.clients.get(AutoScalingClient, SECONDARY).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }))).rejects.toMatchObject({
      name: 'Throttling',
      message: 'Rate exceeded',
    });
    await expect(ec2AsgScale.start(ctx)).rejects.toMatchObject({ name: 'AwsThrottlingError' });
    await expect(ec2AsgScale.start(ctx)).resolves.toMatchObject({ done: false });
    expect(world.calls.map((c) => [c.command, c.error ?? null])).toEqual([
      ...Array.from({ length: 6 }, () => ['DescribeAutoScalingGroups', 'Throttling']),
      ['DescribeAutoScalingGroups', null],
      ['UpdateAutoScalingGroup', null],
    ]);
  });
});
