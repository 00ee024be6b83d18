import {
  DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, UpdateServiceCommand,
  type DescribeServicesCommandInput, type DescribeTaskDefinitionCommandInput, type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { simulateClient } from './intercept.ts';
import type { ComponentOf } from '../../../plan/schema.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, type DurationTable, type World } from './world.ts';

const SIM: ServiceSimulation = { service: 'ecs', throttleError: 'ThrottlingException' };
const ACCOUNT = '000000000000';

export const ECS_DURATIONS: DurationTable = {
  'ecs.task-start': {
    seconds: 90,
    source:
      'assumption: a scale-out batch of Fargate tasks starts in parallel (ENI attach, image pull, container start), ' +
      'the last one RUNNING 90 s after UpdateService; the steady-state time is not published (the SDK ServicesStable waiter polls every 15 s: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html)',
  },
};

/**
 * A service of the secondary region. Its counts are derived from the last scaling at read time:
 * UpdateService at `since` from `from` running tasks to `to` puts the new tasks PENDING at once and
 * turns them RUNNING one by one, evenly spread over the batch time ('ecs.task-start'), the last at its end;
 * the PRIMARY deployment is IN_PROGRESS meanwhile, then COMPLETED (assumption: the same deployment is kept and
 * rolls; that a desiredCount-only change creates no new deployment is unconfirmed: it is not stated in
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html).
 * A scale-in stops tasks at once (draining is not modeled).
 * With the `fail` fault no task reaches RUNNING and at the end of the batch time the deployment circuit
 * breaker marks the rollout FAILED (the tasks counted in failedTasks).
 */
interface EcsService {
  region: string;
  cluster: string;
  name: string;
  component: string;
  from: number;
  to: number;
  since: number;
  batchMs: number;
  deploymentId: string;
}

interface Counts {
  running: number;
  pending: number;
  failed: number;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  reason: string;
}

const key = (region: string, cluster: string, service: string) => `${region}:${cluster}/${service}`;
/** A cluster or service is given by name or ARN; the name is the last path segment. */
const nameOf = (nameOrArn: string) => nameOrArn.split('/').at(-1) ?? nameOrArn;
const clusterArn = (region: string, cluster: string) => `arn:aws:ecs:${region}:${ACCOUNT}:cluster/${cluster}`;
const serviceArn = (region: string, cluster: string, service: string) => `arn:aws:ecs:${region}:${ACCOUNT}:service/${cluster}/${service}`;
const taskDefinitionArn = (region: string, family: string, revision: number) => `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${family}:${revision}`;

/**
 * Each service's task definition: family = the service's name, revision 1, ACTIVE, Fargate-sized at
 * 1 vCPU / 2 GB (cpu '1024', memory '2048': assumption, no figure in the plan), one container whose image is
 * the service's repository in the recovery region's ECR (`ACCOUNT.dkr.ecr.SECONDARY.amazonaws.com/SERVICE:live`:
 * a replicated repository); with the `image-in-primary` drift on the component, in the primary region's ECR.
 */
interface TaskDefinition {
  region: string;
  family: string;
  revision: number;
  component: string;
  registeredAt: number;
}

export function simulateEcs(world: World): SimulatedService {
  const stub = simulateClient(ECSClient);
  const clusters = new Set<string>();
  const services = new Map<string, EcsService>();
  /** Task definitions by `region:family:revision`. */
  const taskDefinitions = new Map<string, TaskDefinition>();
  let deployments = 0;
  const deploymentId = () => `ecs-svc/${String(++deployments).padStart(19, '0')}`;

  // Pilot light: the cluster and services exist in the secondary region at desiredCount 0, settled.
  const region = world.secondary;
  for (const c of world.plan.components.filter((x): x is ComponentOf<'ecs-scale'> => x.type === 'ecs-scale')) {
    const { cluster, service } = c.params;
    clusters.add(`${region}:${cluster}`);
    services.set(key(region, cluster, service), { region, cluster, name: service, component: c.id, from: 0, to: 0, since: world.now(), batchMs: 0, deploymentId: deploymentId() });
    world.own('ecs', region, `${cluster}/${service}`, c.id);
    taskDefinitions.set(`${region}:${service}:1`, { region, family: service, revision: 1, component: c.id, registeredAt: world.now() });
  }

  function counts(s: EcsService): Counts {
    const added = s.to - s.from;
    if (added <= 0) return { running: s.to, pending: 0, failed: 0, rolloutState: 'COMPLETED', reason: 'ECS deployment completed.' };
    const elapsed = world.now() - s.since;
    const over = elapsed >= s.batchMs;
    if (world.failing(s.component)) {
      return over
        ? { running: s.from, pending: 0, failed: added, rolloutState: 'FAILED', reason: 'ECS deployment circuit breaker: tasks failed to start.' }
        : { running: s.from, pending: added, failed: 0, rolloutState: 'IN_PROGRESS', reason: 'ECS deployment in progress.' };
    }
    const started = over ? added : Math.floor((elapsed * added) / s.batchMs);
    return {
      running: s.from + started,
      pending: added - started,
      failed: 0,
      rolloutState: started === added ? 'COMPLETED' : 'IN_PROGRESS',
      reason: started === added ? 'ECS deployment completed.' : 'ECS deployment in progress.',
    };
  }

  function describe(s: EcsService) {
    const n = counts(s);
    const created = new Date(s.since);
    return {
      serviceArn: serviceArn(s.region, s.cluster, s.name),
      serviceName: s.name,
      clusterArn: clusterArn(s.region, s.cluster),
      status: 'ACTIVE',
      desiredCount: s.to,
      runningCount: n.running,
      pendingCount: n.pending,
      launchType: 'FARGATE',
      taskDefinition: taskDefinitionArn(s.region, s.name, 1),
      deployments: [
        {
          id: s.deploymentId,
          status: 'PRIMARY',
          desiredCount: s.to,
          runningCount: n.running,
          pendingCount: n.pending,
          failedTasks: n.failed,
          taskDefinition: taskDefinitionArn(s.region, s.name, 1),
          rolloutState: n.rolloutState,
          rolloutStateReason: n.reason,
          createdAt: created,
          updatedAt: created,
        },
      ],
      events: [],
    };
  }

  function clusterOf(input: { cluster?: string }, region: string): string {
    const cluster = nameOf(input.cluster ?? 'default');
    if (!clusters.has(`${region}:${cluster}`)) throw awsError('ClusterNotFoundException', 'Cluster not found.', 400);
    return cluster;
  }

  refuseOthers(SIM, stub);
  answer<DescribeServicesCommandInput, unknown>(world, SIM, stub, DescribeServicesCommand, (input, region) => {
    const cluster = clusterOf(input, region);
    const names = input.services ?? [];
    if (names.length === 0 || names.length > 10) {
      throw awsError('InvalidParameterException', 'services must contain between 1 and 10 service names or ARNs.', 400);
    }
    const found = names.map((n) => services.get(key(region, cluster, nameOf(n))));
    return {
      services: found.filter((s) => s !== undefined).map(describe),
      // A missing service is reported in failures[], not thrown (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html).
      failures: names.filter((_, i) => !found[i]).map((n) => ({ arn: serviceArn(region, cluster, nameOf(n)), reason: 'MISSING' })),
    };
  });
  answer<UpdateServiceCommandInput, unknown>(world, SIM, stub, UpdateServiceCommand, (input, region) => {
    const cluster = clusterOf(input, region);
    const s = services.get(key(region, cluster, nameOf(input.service ?? '')));
    if (!s) throw awsError('ServiceNotFoundException', 'Service not found.', 400);
    if (input.desiredCount !== undefined && input.desiredCount !== s.to) {
      if (input.desiredCount < 0) throw awsError('InvalidParameterException', 'desiredCount must be at least 0.', 400);
      // The new batch starts from the tasks running now (a change mid-rollout starts a new batch).
      const running = counts(s).running;
      Object.assign(s, { from: running, to: input.desiredCount, since: world.now(), batchMs: world.durationMs('ecs.task-start', s.component) });
    }
    return { service: describe(s) };
  });

  /**
   * A task definition is named by its full ARN, `family:revision` or `family` (its latest ACTIVE revision)
   * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html). An unknown one
   * is a ClientException "Unable to describe task definition." (ECS's wording: the API reference lists only the
   * error; the message is as the AWS CLI shows it).
   */
  answer<DescribeTaskDefinitionCommandInput, unknown>(world, SIM, stub, DescribeTaskDefinitionCommand, (input, region) => {
    const [family = '', revision] = nameOf(input.taskDefinition ?? '').split(':');
    const td = revision === undefined
      ? [...taskDefinitions.values()].filter((t) => t.region === region && t.family === family).sort((a, b) => b.revision - a.revision)[0]
      : taskDefinitions.get(`${region}:${family}:${revision}`);
    if (!td) throw awsError('ClientException', 'Unable to describe task definition.', 400);
    const registry = world.drifted('image-in-primary', td.component) ? world.primary : td.region;
    return {
      taskDefinition: {
        taskDefinitionArn: taskDefinitionArn(td.region, td.family, td.revision),
        family: td.family,
        revision: td.revision,
        status: 'ACTIVE',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        compatibilities: ['EC2', 'FARGATE'],
        cpu: '1024',
        memory: '2048',
        executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
        containerDefinitions: [{ name: td.family, image: `${ACCOUNT}.dkr.ecr.${registry}.amazonaws.com/${td.family}:live`, essential: true, portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }] }],
        registeredAt: new Date(td.registeredAt),
      },
      tags: [],
    };
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => {
      const out: Record<string, Record<string, unknown>> = {};
      for (const s of services.values()) {
        const n = counts(s);
        (out[s.region] ??= {})[`${s.cluster}/${s.name}`] = {
          status: 'ACTIVE',
          desiredCount: s.to,
          runningCount: n.running,
          pendingCount: n.pending,
          rolloutState: n.rolloutState,
          ...(n.rolloutState === 'FAILED' ? { rolloutStateReason: n.reason, failedTasks: n.failed } : {}),
        };
      }
      return out;
    },
  };
}
