import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
  type DescribeAutoScalingGroupsCommandInput,
  type UpdateAutoScalingGroupCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { LAUNCH_TEMPLATE_INSTANCE_TYPE, launchTemplateOf } from './ec2.ts';
import { simulateClient } from './intercept.ts';
import type { ComponentOf } from '../../../plan/schema.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, type DurationTable, type World } from './world.ts';

const SIM: ServiceSimulation = { service: 'autoscaling', throttleError: 'Throttling' };
const ACCOUNT = '000000000000';

export const AUTOSCALING_DURATIONS: DurationTable = {
  'autoscaling.instance-launch': {
    seconds: 180,
    source:
      'assumption: 3 min from Pending to InService and Healthy (EC2 boot about 1 min, then user data and the application start, ' +
      'and the health-check grace period); the Pending→InService time is not published; the grace period defaults to 0 via the API and 300 s in the console (https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-check-grace-period.html)',
  },
};

/**
 * A group of the secondary region, seeded at 0/0/max (pilot light: max is the plan's maxSize, else its
 * desiredCapacity), launching from its own launch template, version $Default (ec2.ts launchTemplateOf:
 * LAUNCH_TEMPLATE_INSTANCE_TYPE instances).
 * Raising the desired capacity launches the missing instances at once, in parallel:
 * each is Pending for 'autoscaling.instance-launch', then InService and Healthy. A lower desired capacity
 * removes the newest instances at once (their Terminating phase is not modeled). With the `fail` fault
 * no instance ever gets into service: each is Pending for the launch time, then Terminating and Unhealthy
 * (failed health check) for as long again, then replaced by a new Pending instance, over and over,
 * so the action never completes and times out.
 */
interface Instance {
  id: string;
  zone: string;
  launchedAt: number;
}

interface Group {
  region: string;
  name: string;
  component: string;
  min: number;
  desired: number;
  max: number;
  createdAt: number;
  instances: Instance[];
}

export function simulateAutoScaling(world: World): SimulatedService {
  const stub = simulateClient(AutoScalingClient);
  const groups = new Map<string, Group>();
  let launched = 0;
  const launch = (g: Group, at: number): Instance => {
    launched += 1;
    return { id: `i-0${launched.toString(16).padStart(16, '0')}`, zone: `${g.region}${'abc'[launched % 3]}`, launchedAt: at };
  };

  const region = world.secondary;
  for (const c of world.plan.components.filter((x): x is ComponentOf<'ec2-asg-scale'> => x.type === 'ec2-asg-scale')) {
    const { autoScalingGroupName: name, maxSize, desiredCapacity } = c.params;
    groups.set(`${region}:${name}`, { region, name, component: c.id, min: 0, desired: 0, max: maxSize ?? desiredCapacity, createdAt: world.now(), instances: [] });
    world.own('autoscaling', region, name, c.id);
  }

  const launchMs = (g: Group) => world.durationMs('autoscaling.instance-launch', g.component);

  /** Brings a failing group up to now: instances that have failed and terminated are replaced. */
  function settle(g: Group): void {
    if (!world.failing(g.component)) return;
    const cycle = 2 * launchMs(g);
    g.instances = g.instances.map((i) => {
      let current = i;
      while (world.now() >= current.launchedAt + cycle) current = launch(g, current.launchedAt + cycle);
      return current;
    });
  }

  function lifecycle(g: Group, i: Instance): { LifecycleState: string; HealthStatus: string } {
    const pending = world.now() < i.launchedAt + launchMs(g);
    if (pending) return { LifecycleState: 'Pending', HealthStatus: 'Healthy' };
    return world.failing(g.component) ? { LifecycleState: 'Terminating', HealthStatus: 'Unhealthy' } : { LifecycleState: 'InService', HealthStatus: 'Healthy' };
  }

  function describe(g: Group) {
    settle(g);
    return {
      AutoScalingGroupName: g.name,
      AutoScalingGroupARN: `arn:aws:autoscaling:${g.region}:${ACCOUNT}:autoScalingGroup:00000000-0000-4000-8000-000000000000:autoScalingGroupName/${g.name}`,
      MinSize: g.min,
      MaxSize: g.max,
      DesiredCapacity: g.desired,
      DefaultCooldown: 300,
      AvailabilityZones: ['a', 'b', 'c'].map((z) => `${g.region}${z}`),
      HealthCheckType: 'EC2',
      HealthCheckGracePeriod: 300,
      LaunchTemplate: launchTemplateOf(g.name),
      CreatedTime: new Date(g.createdAt),
      Instances: g.instances.map((i) => ({
        InstanceId: i.id,
        InstanceType: LAUNCH_TEMPLATE_INSTANCE_TYPE,
        // An instance shows the version it was launched from (assumption: the number, where the group says $Default).
        LaunchTemplate: { ...launchTemplateOf(g.name), Version: '1' },
        AvailabilityZone: i.zone,
        ...lifecycle(g, i),
        ProtectedFromScaleIn: false,
      })),
    };
  }

  refuseOthers(SIM, stub);
  answer<DescribeAutoScalingGroupsCommandInput, unknown>(world, SIM, stub, DescribeAutoScalingGroupsCommand, (input, region) => {
    const names = input.AutoScalingGroupNames;
    const inRegion = [...groups.values()].filter((g) => g.region === region);
    // A name that does not exist is left out, not an error (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeAutoScalingGroups.html).
    const chosen = names && names.length > 0 ? inRegion.filter((g) => names.includes(g.name)) : inRegion;
    return { AutoScalingGroups: chosen.map(describe) };
  });
  answer<UpdateAutoScalingGroupCommandInput, unknown>(world, SIM, stub, UpdateAutoScalingGroupCommand, (input, region) => {
    const g = groups.get(`${region}:${input.AutoScalingGroupName}`);
    // assumption: the wording AWS uses for an unknown group in a mutating call (undocumented:
    // https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_UpdateAutoScalingGroup.html lists no such error).
    if (!g) throw awsError('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup ${input.AutoScalingGroupName} not found`, 400);
    settle(g);
    const min = input.MinSize ?? g.min;
    const max = input.MaxSize ?? g.max;
    if (min > max) throw awsError('ValidationError', `Max bound, ${max}, must be greater than or equal to min bound, ${min}`, 400);
    // Without a DesiredCapacity the current one is kept, moved into the new bounds.
    const desired = input.DesiredCapacity ?? Math.min(Math.max(g.desired, min), max);
    if (desired > max) throw awsError('ValidationError', `New SetDesiredCapacity value ${desired} is above max value ${max}`, 400);
    if (desired < min) throw awsError('ValidationError', `New SetDesiredCapacity value ${desired} is below min value ${min}`, 400);
    Object.assign(g, { min, max, desired });
    // Scale-out launches the missing instances now; scale-in removes the newest ones.
    while (g.instances.length < desired) g.instances.push(launch(g, world.now()));
    g.instances = g.instances.slice(0, desired);
    return {};
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => {
      const out: Record<string, Record<string, unknown>> = {};
      for (const g of groups.values()) {
        const d = describe(g);
        const states: Record<string, number> = {};
        for (const i of d.Instances) states[i.LifecycleState] = (states[i.LifecycleState] ?? 0) + 1;
        (out[g.region] ??= {})[g.name] = {
          minSize: g.min,
          desiredCapacity: g.desired,
          maxSize: g.max,
          instances: d.Instances.map((i) => ({ id: i.InstanceId, lifecycleState: i.LifecycleState, healthStatus: i.HealthStatus })),
          lifecycleStates: states,
        };
      }
      return out;
    },
  };
}
