import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  type ContainerDefinition,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readiness } from '../../../../shared/components/ecs-scale/readiness.ts';
import type { ReadinessContext } from '../../../../shared/readiness/types.ts';
import { exampleComponent } from '../../../support/action-context.ts';
import { awsError, readinessDeps } from '../../../support/readiness.ts';

const ecs = mockClient(ECSClient);
const quotas = mockClient(ServiceQuotasClient);

const TASK_DEFINITION = 'arn:aws:ecs:ap-northeast-3:123456789012:task-definition/auth:12';
const WHAT = 'service auth in cluster dataset-platform-osaka (ap-northeast-3)';
const QUOTA = 'quota Fargate On-Demand vCPU resource count in ap-northeast-3';
const OSAKA_IMAGE = '123456789012.dkr.ecr.ap-northeast-3.amazonaws.com/auth:1.4.2';
const TOKYO_IMAGE = '123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/auth:1.4.2';

const service = (over: Partial<Service> = {}): Service => ({
  serviceName: 'auth',
  clusterArn: 'arn:aws:ecs:ap-northeast-3:123456789012:cluster/dataset-platform-osaka',
  status: 'ACTIVE',
  desiredCount: 0,
  launchType: 'FARGATE',
  taskDefinition: TASK_DEFINITION,
  ...over,
});
const taskDefinition = (over: Partial<TaskDefinition> = {}, containers: ContainerDefinition[] = [
  { name: 'auth', image: OSAKA_IMAGE },
  { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable' },
]): TaskDefinition => ({ taskDefinitionArn: TASK_DEFINITION, status: 'ACTIVE', cpu: '1024', memory: '2048', containerDefinitions: containers, ...over });
/** The example plan's authentication service (3 tasks). */
const context = async (): Promise<ReadinessContext<'ecs-scale'>> => ({
  component: await exampleComponent('ecs-scale', 'authentication'),
  ...readinessDeps(),
  now: new Date('2026-11-29T01:00:00.000Z'),
  rpoSeconds: null,
});
/** An ACTIVE Fargate service of 1 vCPU tasks from Osaka's registry, and a Fargate quota of `quota` vCPUs. */
const healthy = (quota = 100) => {
  ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
  ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: taskDefinition() });
  quotas.on(GetServiceQuotaCommand).resolves({ Quota: { ServiceCode: 'fargate', QuotaCode: 'L-3032A538', Value: quota } });
};

describe('ecs-scale readiness', () => {
  beforeEach(() => {
    ecs.reset();
    quotas.reset();
  });
  afterEach(() => {
    ecs.reset();
    quotas.reset();
  });

  it('is ready when the service and its task definition are ACTIVE, images are local and the Fargate quota holds', async () => {
    // Prepare
    healthy();
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result).toEqual({
      findings: [
        { check: 'service', status: 'ready', detail: `${WHAT} is ACTIVE` },
        { check: 'images', status: 'ready', detail: '2 container image(s) pullable in ap-northeast-3' },
        { check: 'service-quota', status: 'ready', detail: `${QUOTA} is 100; the scale-up needs 3 (3 tasks × 1 vCPU)` },
      ],
      dataAtRiskSeconds: null,
      quota: { serviceCode: 'fargate', quotaCode: 'L-3032A538', name: 'Fargate On-Demand vCPU resource count', need: 3, because: '3 tasks × 1 vCPU', value: 100 },
    });
    expect(ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input)).toEqual([{ cluster: 'dataset-platform-osaka', services: ['auth'] }]);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input)).toEqual([{ taskDefinition: TASK_DEFINITION }]);
    expect(quotas.commandCalls(GetServiceQuotaCommand).map((c) => c.args[0].input)).toEqual([{ ServiceCode: 'fargate', QuotaCode: 'L-3032A538' }]);
    expect(await ecs.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(await quotas.call(0).thisValue.config.region()).toBe('ap-northeast-3');
  });

  it('is not ready when the service is not in the answer, or not ACTIVE', async () => {
    ecs.on(DescribeServicesCommand)
      .resolvesOnce({ services: [], failures: [{ arn: 'arn:aws:ecs:ap-northeast-3:123456789012:service/dataset-platform-osaka/auth', reason: 'MISSING' }] })
      .resolvesOnce({ services: [service({ status: 'INACTIVE' })] });
    expect(await readiness.assess(await context())).toEqual({
      findings: [{ check: 'service', status: 'not-ready', detail: `${WHAT} not found: create it (desired count 0) ahead of time` }],
      dataAtRiskSeconds: null,
    });
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'service', status: 'not-ready', detail: `${WHAT} is INACTIVE: create it (desired count 0) ahead of time` },
    ]);
    expect(ecs).not.toHaveReceivedCommand(DescribeTaskDefinitionCommand);
  });

  it('is not ready when the cluster does not exist or the read is denied; at risk when throttled', async () => {
    ecs.on(DescribeServicesCommand)
      .rejectsOnce(new ClusterNotFoundException({ message: 'Cluster not found.', $metadata: { httpStatusCode: 400 } }))
      .rejectsOnce(awsError('AccessDeniedException', 'not authorized'))
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'));
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'service', status: 'not-ready', detail: `${WHAT} not found (ClusterNotFoundException): create it in the recovery region, or correct the plan` },
    ]);
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'service', status: 'not-ready', detail: `${WHAT}: access denied (AccessDeniedException): the automation's role lacks a read it needs; redeploy from this plan` },
    ]);
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'service', status: 'at-risk', detail: `${WHAT}: could not be read (ThrottlingException: Rate exceeded); readiness unknown until it answers` },
    ]);
  });

  it('is not ready when the service names no task definition', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ taskDefinition: undefined })] });
    const result = await readiness.assess(await context());
    expect(result.findings).toEqual([
      { check: 'service', status: 'ready', detail: `${WHAT} is ACTIVE` },
      { check: 'task-definition', status: 'not-ready', detail: `${WHAT} names no task definition` },
    ]);
  });

  it('is not ready when the task definition is INACTIVE (deregistered)', async () => {
    healthy();
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: taskDefinition({ status: 'INACTIVE' }) });
    const result = await readiness.assess(await context());
    expect(result.findings).toEqual([
      { check: 'service', status: 'ready', detail: `${WHAT} is ACTIVE` },
      { check: 'task-definition', status: 'not-ready', detail: `task definition ${TASK_DEFINITION} is INACTIVE: register an ACTIVE revision` },
    ]);
    expect(quotas).not.toHaveReceivedCommand(GetServiceQuotaCommand);
  });

  it('is not ready when reading the task definition is denied', async () => {
    healthy();
    ecs.on(DescribeTaskDefinitionCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    const result = await readiness.assess(await context());
    expect(result.findings[1]).toEqual({
      check: 'task-definition',
      status: 'not-ready',
      detail: `task definition ${TASK_DEFINITION}: access denied (AccessDeniedException): the automation's role lacks a read it needs; redeploy from this plan`,
    });
  });

  it('is not ready when an image comes from another region\'s ECR, naming the container', async () => {
    healthy();
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: taskDefinition({}, [{ name: 'auth', image: TOKYO_IMAGE }, { name: 'sidecar', image: OSAKA_IMAGE }, { name: 'proxy', image: 'nginx:1.27' }]),
    });
    const result = await readiness.assess(await context());
    expect(result.findings[1]).toEqual({
      check: 'images',
      status: 'not-ready',
      detail: `images pulled from another region's ECR, unreachable when it is down: auth: ${TOKYO_IMAGE}; replicate the repositories to ap-northeast-3`,
    });
  });

  it('is not ready when the quota is below the scale-up', async () => {
    healthy(2);
    const result = await readiness.assess(await context());
    expect(result.findings[2]).toEqual({
      check: 'service-quota',
      status: 'not-ready',
      detail: `${QUOTA} is 2; the scale-up needs 3 (3 tasks × 1 vCPU): request an increase (Service Quotas fargate L-3032A538)`,
    });
  });

  it('is at risk when the quota holds the scale-up with less than 25 % to spare; ready at exactly 25 %', async () => {
    healthy(3.5);
    expect((await readiness.assess(await context())).findings[2]).toEqual({
      check: 'service-quota',
      status: 'at-risk',
      detail: `${QUOTA} is 3.5, the scale-up needs 3 (3 tasks × 1 vCPU): less than 25 % to spare for what else runs there`,
    });
    healthy(3.75);
    expect((await readiness.assess(await context())).findings[2]).toEqual({ check: 'service-quota', status: 'ready', detail: `${QUOTA} is 3.75; the scale-up needs 3 (3 tasks × 1 vCPU)` });
  });

  it('is at risk when the quota has no value or cannot be read, and then carries no quota', async () => {
    // Prepare
    healthy();
    quotas.on(GetServiceQuotaCommand).resolvesOnce({ Quota: { ServiceCode: 'fargate', QuotaCode: 'L-3032A538' } }).rejectsOnce(awsError('TooManyRequestsException', 'Rate exceeded'));
    // Act
    const noValue = await readiness.assess(await context());
    const failed = await readiness.assess(await context());
    // Assess
    expect(noValue.findings[2]).toEqual({ check: 'service-quota', status: 'at-risk', detail: `${QUOTA} has no value` });
    expect(failed.findings[2]).toEqual({
      check: 'service-quota',
      status: 'at-risk',
      detail: 'quota Fargate On-Demand vCPU resource count (fargate L-3032A538) in ap-northeast-3: could not be read (TooManyRequestsException: Rate exceeded); readiness unknown until it answers',
    });
    expect(noValue).not.toHaveProperty('quota');
    expect(failed).not.toHaveProperty('quota');
  });

  it('reads the Fargate Spot quota for a service only on the FARGATE_SPOT capacity provider', async () => {
    // Prepare
    healthy();
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] })] });
    quotas.on(GetServiceQuotaCommand).resolves({ Quota: { ServiceCode: 'fargate', QuotaCode: 'L-36FBB829', Value: 4 } });
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result).toEqual({
      findings: [
        { check: 'service', status: 'ready', detail: `${WHAT} is ACTIVE` },
        { check: 'images', status: 'ready', detail: '2 container image(s) pullable in ap-northeast-3' },
        { check: 'service-quota', status: 'ready', detail: 'quota Fargate Spot vCPU resource count in ap-northeast-3 is 4; the scale-up needs 3 (3 tasks × 1 vCPU)' },
      ],
      dataAtRiskSeconds: null,
      quota: { serviceCode: 'fargate', quotaCode: 'L-36FBB829', name: 'Fargate Spot vCPU resource count', need: 3, because: '3 tasks × 1 vCPU', value: 4 },
    });
    expect(quotas.commandCalls(GetServiceQuotaCommand).map((c) => c.args[0].input)).toEqual([{ ServiceCode: 'fargate', QuotaCode: 'L-36FBB829' }]);
  });

  it('reads the On-Demand quota for every task when the strategy mixes FARGATE and FARGATE_SPOT (the safe side)', async () => {
    // Prepare
    healthy();
    ecs.on(DescribeServicesCommand).resolves({
      services: [service({ launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 3 }, { capacityProvider: 'FARGATE', weight: 1 }] })],
    });
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result.findings[2]).toEqual({ check: 'service-quota', status: 'ready', detail: `${QUOTA} is 100; the scale-up needs 3 (3 tasks × 1 vCPU)` });
    expect(result.quota).toEqual({ serviceCode: 'fargate', quotaCode: 'L-3032A538', name: 'Fargate On-Demand vCPU resource count', need: 3, because: '3 tasks × 1 vCPU', value: 100 });
    expect(quotas.commandCalls(GetServiceQuotaCommand).map((c) => c.args[0].input)).toEqual([{ ServiceCode: 'fargate', QuotaCode: 'L-3032A538' }]);
  });

  it('counts fractional vCPUs of a Fargate capacity provider strategy', async () => {
    healthy();
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] })] });
    ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: taskDefinition({ cpu: '512' }) });
    const result = await readiness.assess(await context());
    expect(result.findings[2]).toEqual({ check: 'service-quota', status: 'ready', detail: `${QUOTA} is 100; the scale-up needs 1.5 (3 tasks × 0.5 vCPU)` });
  });

  it('reads no Fargate quota for a service on EC2 capacity', async () => {
    healthy();
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ launchType: 'EC2' })] });
    const result = await readiness.assess(await context());
    expect(result.findings.map((f) => f.check)).toEqual(['service', 'images']);
    expect(result).not.toHaveProperty('quota');
    expect(quotas).not.toHaveReceivedCommand(GetServiceQuotaCommand);
  });

  it('reads no Fargate quota for a service on the EXTERNAL launch type or an EC2 capacity provider', async () => {
    // Prepare
    healthy();
    ecs.on(DescribeServicesCommand)
      .resolvesOnce({ services: [service({ launchType: 'EXTERNAL' })] })
      .resolvesOnce({ services: [service({ launchType: undefined, capacityProviderStrategy: [{ capacityProvider: 'auth-asg-provider', weight: 1 }] })] });
    // Act
    const external = await readiness.assess(await context());
    const asgProvider = await readiness.assess(await context());
    // Assess
    expect(external).toEqual({
      findings: [
        { check: 'service', status: 'ready', detail: `${WHAT} is ACTIVE` },
        { check: 'images', status: 'ready', detail: '2 container image(s) pullable in ap-northeast-3' },
      ],
      dataAtRiskSeconds: null,
    });
    expect(asgProvider).toEqual(external);
    expect(quotas).not.toHaveReceivedCommand(GetServiceQuotaCommand);
  });
});
