import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recover as lambdaInvoke } from '../../../../../shared/components/lambda-invoke/recover.ts';
import { LAMBDA_DURATIONS, simulateLambda } from '../../../../../shared/tools/drill/simulator/lambda.ts';
import type { SimulatedService } from '../../../../../shared/tools/drill/simulator/service.ts';
import { simulateSns } from '../../../../../shared/tools/drill/simulator/sns.ts';
import { World, type Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Plan } from '../../../../../shared/plan/schema.ts';
import { confirmationRequest, requestConfirmation } from '../../../../../shared/run/confirmation.ts';
import { parseTaskInput } from '../../../../../shared/run/task-input.ts';
import { actionContext, exampleComponent, INCIDENT, PRIMARY, SECONDARY } from '../../../../support/action-context.ts';
import { componentOf, exampleRun } from '../../../run/fixtures.ts';

const START = new Date('2026-11-29T03:00:00.000Z');
const FUNCTION = 'dataset-platform-repoint-monitoring';
const STEP_MS = (LAMBDA_DURATIONS['lambda.custom-step']?.seconds ?? Number.NaN) * 1000;
const TOPIC = `arn:aws:sns:${SECONDARY}:000000000000:dr-autopilot-drill-internal`;

let plan: Plan;
let sims: { restore(): void }[] = [];
let world: World;

function simulateLambdaOnly(faults: Fault[] = []) {
  world = new World(plan, { durations: LAMBDA_DURATIONS, faults });
  const sim = simulateLambda(world);
  sims.push(sim);
  return sim;
}

function simulateSnsOnly(faults: Fault[] = []) {
  world = new World(plan, { durations: {}, faults });
  const sim = simulateSns(world);
  sims.push(sim);
  return sim;
}

const monitoringContext = async (params: { functionName?: string; region?: 'primary' | 'secondary' } = {}) =>
  actionContext(await exampleComponent('lambda-invoke', 'monitoring', params));
const invocations = (sim: SimulatedService) => (sim.snapshot()[SECONDARY] as Record<string, { invocations: Record<string, unknown>[] }>)[FUNCTION]?.invocations;

describe('simulated Lambda (the customer\'s functions)', () => {
  beforeAll(async () => {
    plan = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
  });
  afterEach(() => {
    sims.forEach((s) => s.restore());
    sims = [];
  });

  it('answers the synchronous invoke at once with 200 and a small JSON payload; the run time is recorded', async () => {
    const sim = simulateLambdaOnly();
    const ctx = await monitoringContext();
    const { progress, seconds } = await withVirtualClock(START, async () => {
      const t0 = Date.now();
      const out = await lambdaInvoke.start(ctx);
      return { progress: out, seconds: (Date.now() - t0) / 1000 };
    });
    expect(seconds).toBe(0);
    expect(progress).toMatchObject({ done: true, state: { statusCode: 200, executedVersion: '$LATEST' } });
    expect(JSON.parse(String(progress.observations?.payloadExcerpt))).toEqual({
      ok: true,
      function: FUNCTION,
      idempotencyKey: `monitoring:${INCIDENT.toISOString()}`,
    });
    expect(invocations(sim)).toEqual([{ at: START.toISOString(), invocationType: 'RequestResponse', durationMs: STEP_MS, functionError: null }]);
    expect(world.calls).toEqual([expect.objectContaining({ service: 'lambda', command: 'Invoke', region: SECONDARY })]);
  });

  it('finds the function by ARN and qualifier too; asynchronous invokes answer 202', async () => {
    simulateLambdaOnly();
    const client = (await monitoringContext()).clients.get(LambdaClient, SECONDARY);
    const arn = `arn:aws:lambda:${SECONDARY}:000000000000:function:${FUNCTION}:live`;
    await expect(client.send(new InvokeCommand({ FunctionName: arn }))).resolves.toMatchObject({ StatusCode: 200 });
    await expect(client.send(new InvokeCommand({ FunctionName: FUNCTION, InvocationType: 'Event' }))).resolves.toMatchObject({ StatusCode: 202 });
  });

  it('a slow fault lengthens the recorded run time', async () => {
    const sim = simulateLambdaOnly([{ kind: 'slow', component: 'monitoring', factor: 4 }]);
    await lambdaInvoke.start(await monitoringContext());
    expect(invocations(sim)?.[0]).toMatchObject({ durationMs: 4 * STEP_MS });
  });

  it('answers an unknown function (or the right one in the wrong region) with ResourceNotFoundException', async () => {
    simulateLambdaOnly();
    const ctx = await monitoringContext({ functionName: 'nope' });
    await expect(ctx.clients.get(LambdaClient, SECONDARY).send(new InvokeCommand({ FunctionName: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(lambdaInvoke.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    await expect(lambdaInvoke.start(await monitoringContext({ region: 'primary' }))).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    expect(world.calls.at(-1)).toMatchObject({ region: PRIMARY, error: 'ResourceNotFoundException' });
  });

  it('a fail fault answers 200 with FunctionError Unhandled: CustomStepFailedError', async () => {
    simulateLambdaOnly([{ kind: 'fail', component: 'monitoring' }]);
    const ctx = await monitoringContext();
    const out = await ctx.clients.get(LambdaClient, SECONDARY).send(new InvokeCommand({ FunctionName: FUNCTION }));
    expect(out).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled' });
    expect(JSON.parse(out.Payload?.transformToString() ?? '')).toMatchObject({ errorType: 'Error', errorMessage: `${FUNCTION} failed (injected failure)` });
    await expect(lambdaInvoke.start(ctx)).rejects.toMatchObject({
      name: 'CustomStepFailedError',
      message: `Lambda function ${FUNCTION} in ${SECONDARY} failed: Error: ${FUNCTION} failed (injected failure)`,
      details: { functionError: 'Unhandled', statusCode: 200 },
    });
  });

  it('a throttle fault fails the first N calls with TooManyRequestsException (AwsThrottlingError to the action)', async () => {
    simulateLambdaOnly([{ kind: 'throttle', service: 'lambda', calls: 2 }]);
    const ctx = await monitoringContext();
    await expect(ctx.clients.get(LambdaClient, SECONDARY).send(new InvokeCommand({ FunctionName: FUNCTION }))).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    await expect(lambdaInvoke.start(ctx)).rejects.toMatchObject({ name: 'AwsThrottlingError' });
    await expect(lambdaInvoke.start(ctx)).resolves.toMatchObject({ done: true });
    expect(world.calls.map((c) => c.error ?? null)).toEqual(['TooManyRequestsException', 'TooManyRequestsException', null]);
  });
});

describe('simulated SNS (captured notices)', () => {
  beforeAll(async () => {
    plan = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
  });
  afterEach(() => {
    sims.forEach((s) => s.restore());
    sims = [];
  });

  it('captures the confirmation request of a manual step and answers a MessageId', async () => {
    const sim = simulateSnsOnly();
    const state = await exampleRun();
    const component = componentOf(state, 'documentation-system');
    const out = await withVirtualClock(START, async () =>
      requestConfirmation(new SNSClient({ region: SECONDARY }), TOPIC, parseTaskInput(confirmationRequest, { run: state.run, component, taskToken: 'token-1' })),
    );
    expect(out.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    const published = sim.published();
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      at: START.toISOString(),
      topicArn: TOPIC,
      subject: '[dr-autopilot] Confirm manual step: documentation-system',
      attributes: { audience: 'internal', stage: 'confirmation-needed', scenario: 'region-outage', severity: 'critical' },
    });
    expect(published[0]?.message).toContain(`npx dr-autopilot approve --region ${SECONDARY} --token 'token-1'`);
    expect(sim.snapshot()).toEqual({ topics: { [TOPIC]: { published: 1 } } });
  });

  it('refuses a malformed topic ARN and a Subject of 100 characters or more with InvalidParameterException', async () => {
    const sim = simulateSnsOnly();
    const client = new SNSClient({ region: SECONDARY });
    await expect(client.send(new PublishCommand({ TopicArn: 'internal', Message: 'hi' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: TopicArn',
    });
    await expect(client.send(new PublishCommand({ TopicArn: TOPIC, Subject: 'x'.repeat(100), Message: 'hi' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: Subject',
    });
    await expect(client.send(new PublishCommand({ TopicArn: TOPIC, Subject: 'x'.repeat(99), Message: 'hi' }))).resolves.toHaveProperty('MessageId');
    expect(sim.published()).toHaveLength(1);
  });

  it('a throttle fault fails the first N publishes with Throttling', async () => {
    const sim = simulateSnsOnly([{ kind: 'throttle', service: 'sns', calls: 1 }]);
    const client = new SNSClient({ region: SECONDARY });
    await expect(client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'hi' }))).rejects.toMatchObject({ name: 'Throttling' });
    await expect(client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'hi' }))).resolves.toHaveProperty('MessageId');
    expect(sim.published()).toHaveLength(1);
  });
});
