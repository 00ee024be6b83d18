import { DescribeServicesCommand, ECSClient, UpdateServiceCommand, type Service } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/start-action.ts';
import type { ComponentTask, RunState } from '../../shared/run/types.ts';
import { componentOf, exampleRun } from '../shared/run/fixtures.ts';
import { awsError, lambdaContext } from './lambda.ts';

const ecs = mockClient(ECSClient);
const context = lambdaContext('start-action');
const NOW = new Date('2026-11-29T01:06:00.000Z');
const idle: Service = { serviceName: 'auth', status: 'ACTIVE', desiredCount: 0, runningCount: 0, deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }] };

let state: RunState;
let auth: ComponentTask;

describe('functions/start-action', () => {
  beforeAll(async () => {
    state = await exampleRun();
    auth = componentOf(state, 'authentication');
  });
  beforeEach(() => {
    ecs.reset();
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
    ecs.reset();
  });

  it("starts the component's action and returns where it stands", async () => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves({ services: [idle] });
    ecs.on(UpdateServiceCommand).resolves({});
    // Act
    const action = await handler({ run: state.run, component: auth, retryCount: 1 }, context);
    // Assess
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, { cluster: 'dataset-platform-osaka', service: 'auth', desiredCount: 3 });
    expect(await ecs.commandCalls(UpdateServiceCommand)[0]!.thisValue.config.region()).toBe('ap-northeast-3');
    expect(action).toMatchObject({
      startedAt: '2026-11-29T01:06:00.000Z',
      deadline: '2026-11-29T01:36:00.000Z',
      done: false,
      nextCheckSeconds: 120,
      attempts: 2,
      polls: 0,
      awaitingConfirmation: false,
    });
  });

  it.each([
    ['DescribeServices', () => ecs.on(DescribeServicesCommand).rejects(awsError('ThrottlingException', 'Rate exceeded', 400))],
    ['UpdateService', () => ecs.on(UpdateServiceCommand).rejects(awsError('ThrottlingException', 'Rate exceeded', 400))],
  ])('maps AWS throttling (ThrottlingException, HTTP 400) on %s to AwsThrottlingError', async (_, throttle) => {
    // Prepare
    ecs.on(DescribeServicesCommand).resolves({ services: [idle] });
    throttle();
    // Act
    const starting = handler({ run: state.run, component: auth }, context);
    // Assess
    await expect(starting).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true, message: 'Rate exceeded' });
  });

  it('maps an AWS error it does not know to UnexpectedStateError (fail closed, no retry)', async () => {
    ecs.on(DescribeServicesCommand).rejects(awsError('AccessDeniedException', 'User is not authorized to perform: ecs:DescribeServices', 400));
    await expect(handler({ run: state.run, component: auth }, context)).rejects.toMatchObject({
      name: 'UnexpectedStateError',
      retryable: false,
      message: 'AccessDeniedException: User is not authorized to perform: ecs:DescribeServices',
      details: { awsErrorName: 'AccessDeniedException', httpStatusCode: 400 },
    });
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
  });

  it('maps an AWS server error (HTTP 503) to AwsTransientError', async () => {
    ecs.on(DescribeServicesCommand).rejects(awsError('ServiceUnavailableException', 'Service unavailable', 503));
    await expect(handler({ run: state.run, component: auth }, context)).rejects.toMatchObject({ name: 'AwsTransientError', retryable: true });
  });

  it("passes the action's own errors on by name (ResourceNotFoundError)", async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ reason: 'MISSING' }] });
    await expect(handler({ run: state.run, component: auth }, context)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
  });

  it('rejects a task input without a component as InvalidInputError', async () => {
    await expect(handler({ run: state.run } as never, context)).rejects.toMatchObject({ name: 'InvalidInputError' });
    expect(ecs).not.toHaveReceivedAnyCommand();
  });
});
