import { DescribeServicesCommand, ECSClient, UpdateServiceCommand, type Service } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/check-action.ts';
import type { ComponentTask, RunState } from '../../shared/run/types.ts';
import { componentOf, exampleRun, RUNNING_ECS_ACTION } from '../shared/run/fixtures.ts';
import { awsError, lambdaContext } from './lambda.ts';

const ecs = mockClient(ECSClient);
const context = lambdaContext('check-action');
const service = (running: number): Service => ({
  serviceName: 'auth',
  status: 'ACTIVE',
  desiredCount: 3,
  runningCount: running,
  deployments: [{ status: 'PRIMARY', rolloutState: running === 3 ? 'COMPLETED' : 'IN_PROGRESS' }],
});
const action = RUNNING_ECS_ACTION;

let state: RunState;
let auth: ComponentTask;

describe('functions/check-action', () => {
  beforeAll(async () => {
    state = await exampleRun();
    auth = componentOf(state, 'authentication');
  });
  beforeEach(() => ecs.reset());
  afterEach(() => {
    vi.useRealTimers();
    ecs.reset();
  });

  it('checks the action and says when to look again', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-29T01:08:00.000Z') });
    ecs.on(DescribeServicesCommand).resolves({ services: [service(1)] });
    const next = await handler({ run: state.run, component: auth, action }, context);
    expect(next).toMatchObject({ done: false, polls: 1, nextCheckSeconds: 30, status: 'running 1/3, 1 deployment(s)' });
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
  });

  it('reports it done with finishedAt', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-29T01:10:00.000Z') });
    ecs.on(DescribeServicesCommand).resolves({ services: [service(3)] });
    const next = await handler({ run: state.run, component: auth, action }, context);
    expect(next).toMatchObject({ done: true, finishedAt: '2026-11-29T01:10:00.000Z' });
  });

  it('fails with an error named ActionTimedOutError past the deadline', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-29T01:36:00.000Z') });
    ecs.on(DescribeServicesCommand).resolves({ services: [service(2)] });
    await expect(handler({ run: state.run, component: auth, action }, context)).rejects.toMatchObject({
      name: 'ActionTimedOutError',
      retryable: false,
      details: { component: 'authentication', deadline: '2026-11-29T01:36:00.000Z' },
    });
  });

  it('maps a throttled check to AwsThrottlingError', async () => {
    ecs.on(DescribeServicesCommand).rejects(awsError('ThrottlingException', 'Rate exceeded', 400));
    await expect(handler({ run: state.run, component: auth, action }, context)).rejects.toMatchObject({ name: 'AwsThrottlingError' });
  });
});
