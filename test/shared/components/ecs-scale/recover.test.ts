import { DescribeServicesCommand, ECSClient, ServiceNotFoundException, UpdateServiceCommand, type Service } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recover as ecsScale } from '../../../../shared/components/ecs-scale/recover.ts';
import { actionContext, exampleComponent } from '../../../support/action-context.ts';

const ecs = mockClient(ECSClient);
const service = (over: Partial<Service> = {}): Service => ({
  serviceName: 'auth',
  status: 'ACTIVE',
  desiredCount: 0,
  runningCount: 0,
  deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED', desiredCount: 0, runningCount: 0 }],
  ...over,
});

describe('ecs-scale', () => {
  beforeEach(() => ecs.reset());
  afterEach(() => ecs.reset());

  it('sets the desired count on the secondary service and checks first at the expected time', async () => {
    // Prepare
    const ctx = actionContext(await exampleComponent('ecs-scale', 'authentication'));
    ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
    ecs.on(UpdateServiceCommand).resolves({});
    // Act
    const progress = await ecsScale.start(ctx);
    // Assess
    expect(ecs).toHaveReceivedCommandWith(DescribeServicesCommand, { cluster: 'dataset-platform-osaka', services: ['auth'] });
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { cluster: 'dataset-platform-osaka', service: 'auth', desiredCount: 3 });
    expect(progress.done).toBe(false);
    expect(progress.nextCheckSeconds).toBe(120);
    expect(await ecs.call(0).thisValue.config.region()).toBe('ap-northeast-3');
  });

  it('sends no UpdateService when the service is already at its count (idempotent re-run)', async () => {
    const ctx = actionContext(await exampleComponent('ecs-scale', 'authentication'));
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ desiredCount: 3, runningCount: 3 })] });
    const progress = await ecsScale.start(ctx);
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
    expect(progress.done).toBe(true);
  });

  it('is not done while tasks are still starting or a second deployment is rolling', async () => {
    const ctx = actionContext(await exampleComponent('ecs-scale', 'authentication'));
    ecs.on(DescribeServicesCommand).resolves({
      services: [service({ desiredCount: 3, runningCount: 3, deployments: [{ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' }, { status: 'ACTIVE' }] })],
    });
    const progress = await ecsScale.check(ctx, {});
    expect(progress).toMatchObject({ done: false, nextCheckSeconds: 30, status: 'running 3/3, 2 deployment(s)' });
  });

  it('reports a missing service (failures[] MISSING) as ResourceNotFoundError', async () => {
    const ctx = actionContext(await exampleComponent('ecs-scale', 'authentication'));
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ arn: 'arn:aws:ecs:ap-northeast-3:123456789012:service/auth', reason: 'MISSING' }] });
    await expect(ecsScale.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
  });

  it('maps ServiceNotFoundException to ResourceNotFoundError and throttling to AwsThrottlingError', async () => {
    const ctx = actionContext(await exampleComponent('ecs-scale', 'authentication'));
    ecs.on(DescribeServicesCommand).resolves({ services: [service()] });
    ecs.on(UpdateServiceCommand).rejectsOnce(new ServiceNotFoundException({ message: 'Service not found.', $metadata: {} }));
    await expect(ecsScale.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    ecs.on(DescribeServicesCommand).rejects(throttled);
    await expect(ecsScale.check(ctx, {})).rejects.toMatchObject({ name: 'AwsThrottlingError' });
  });

  it('fails on a FAILED rollout (circuit breaker) and on an inactive service', async () => {
    const ctx = actionContext(await exampleComponent('ecs-scale', 'authentication'));
    ecs.on(DescribeServicesCommand).resolvesOnce({
      services: [service({ desiredCount: 3, deployments: [{ status: 'PRIMARY', rolloutState: 'FAILED', rolloutStateReason: 'tasks failed to start' }] })],
    });
    await expect(ecsScale.check(ctx, {})).rejects.toMatchObject({ name: 'ActionFailedError', message: 'ECS deployment failed: tasks failed to start' });
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ status: 'DRAINING' })] });
    await expect(ecsScale.check(ctx, {})).rejects.toMatchObject({ name: 'UnexpectedStateError' });
  });
});
