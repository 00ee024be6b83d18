import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recover as lambdaInvoke } from '../../../../../shared/components/lambda-invoke/recover.ts';
import { LAMBDA_DURATIONS, simulateLambda } from '../../../../../shared/tools/drill/simulator/lambda.ts';
import type { SimulatedService } from '../../../../../shared/tools/drill/simulator/service.ts';
import { simulateSns } from '../../../../../shared/tools/drill/simulator/sns.ts';
import { SSM_DURATIONS, simulateSsm } from '../../../../../shared/tools/drill/simulator/ssm.ts';
import { World, type Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Plan } from '../../../../../shared/plan/schema.ts';
import { confirmationRequest, requestConfirmation } from '../../../../../shared/run/confirmation.ts';
import { parseTaskInput } from '../../../../../shared/run/task-input.ts';
import { actionContext, exampleComponent, INCIDENT, PRIMARY, SECONDARY } from '../../../../support/action-context.ts';
import { drive, sleep } from '../../../../support/drive-action.ts';
import { componentOf, exampleRun } from '../../../run/fixtures.ts';

const START = new Date('2026-11-29T03:00:00.000Z');
const FUNCTION = 'dataset-platform-repoint-monitoring';
const STEP_MS = (LAMBDA_DURATIONS['lambda.custom-step']?.seconds ?? Number.NaN) * 1000;
const PUT_MS = (SSM_DURATIONS['ssm.put-parameter']?.seconds ?? Number.NaN) * 1000;
const TOPIC = `arn:aws:sns:${SECONDARY}:000000000000:dr-autopilot-drill-internal`;
const KEY = `monitoring:${INCIDENT.toISOString()}`;
/** Where the asynchronous step reports (not in the example plan: these tests make monitoring asynchronous). */
const RESULT = '/dataset-platform/dr/monitoring-result';

let plan: Plan;
let sims: { restore(): void }[] = [];
let world: World;

function simulateLambdaOnly(faults: Fault[] = []) {
  world = new World(plan, { durations: LAMBDA_DURATIONS, faults });
  const sim = simulateLambda(world);
  sims.push(sim);
  return sim;
}

/** Lambda and SSM in one world: the asynchronous function reports its result through the SSM simulator. */
function simulateLambdaAndSsm(faults: Fault[] = []) {
  world = new World(plan, { durations: { ...LAMBDA_DURATIONS, ...SSM_DURATIONS }, faults });
  const lambda = simulateLambda(world);
  const ssm = simulateSsm(world);
  sims.push(lambda, ssm);
  return { lambda, ssm };
}

function simulateSnsOnly(faults: Fault[] = []) {
  world = new World(plan, { durations: {}, faults });
  const sim = simulateSns(world);
  sims.push(sim);
  return sim;
}

const monitoringContext = async (params: { functionName?: string; region?: 'primary' | 'secondary' } = {}) =>
  actionContext(await exampleComponent('lambda-invoke', 'monitoring', params));
/** monitoring as an asynchronous step; `now` read from the (virtual) clock at each task, as a handler does. */
const asyncMonitoring = async () => {
  const component = await exampleComponent('lambda-invoke', 'monitoring', { invocation: 'async', resultParameterName: RESULT });
  return () => actionContext(component, { now: new Date() });
};
const invocations = (sim: SimulatedService) => (sim.snapshot()[SECONDARY] as Record<string, { invocations: Record<string, unknown>[] }>)[FUNCTION]?.invocations;
/** Simulated seconds `work` takes, on the virtual clock from START. */
const timed = <T>(work: () => Promise<T>) =>
  withVirtualClock(START, async () => {
    const t0 = Date.now();
    const out = await work();
    return { out, seconds: (Date.now() - t0) / 1000 };
  });

describe('simulated Lambda (the customer\'s functions)', () => {
  beforeAll(async () => {
    plan = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
    // The SDK loads its credential providers by import() on a client's first call: done here, in real
    // time, or the first test's import runs on the virtual clock, which can race past the action's 60 s abort.
    await new LambdaClient({ region: SECONDARY }).config.credentials();
  });
  afterEach(() => {
    sims.forEach((s) => s.restore());
    sims = [];
  });

  it('answers the synchronous invoke with 200 and a small JSON payload once the function has run (lambda.custom-step)', async () => {
    // Prepare
    const sim = simulateLambdaOnly();
    const ctx = await monitoringContext();
    // Act
    const { out: progress, seconds } = await timed(() => lambdaInvoke.start(ctx));
    // Assess
    expect(seconds).toBe(STEP_MS / 1000);
    expect(progress).toMatchObject({ done: true, state: { statusCode: 200, executedVersion: '$LATEST' } });
    expect(JSON.parse(String(progress.observations?.payloadExcerpt))).toEqual({ ok: true, function: FUNCTION, idempotencyKey: KEY });
    expect(invocations(sim)).toEqual([{ at: START.toISOString(), invocationType: 'RequestResponse', durationMs: STEP_MS, functionError: null, idempotencyKey: KEY }]);
    expect(world.calls).toEqual([expect.objectContaining({ service: 'lambda', command: 'Invoke', region: SECONDARY })]);
  });

  it('a synchronous invoke longer than the LambdaClient\'s 60 s request timeout: the SDK retries it (each attempt runs the function again); the action aborts at 60 s, so it runs once', async () => {
    // Prepare: 5 s × 20 = 100 s.
    const sim = simulateLambdaOnly([{ kind: 'slow', component: 'monitoring', factor: 20 }]);
    const ctx = await monitoringContext();
    const client = ctx.clients.get(LambdaClient, SECONDARY);
    // Act: a bare send, as the SDK's retry middleware (above the simulator) handles it.
    const { out: error, seconds } = await timed(() => client.send(new InvokeCommand({ FunctionName: FUNCTION })).then(() => null, (e: unknown) => e));
    // Assess: 3 attempts of 60 s, each timed out, each one more run of the function.
    expect(seconds).toBeGreaterThanOrEqual(180);
    expect(seconds).toBeLessThan(180.15);
    expect(error).toMatchObject({ name: 'TimeoutError', message: '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 60000 ms requestTimeout.' });
    expect(invocations(sim)).toHaveLength(3);
    // Act: the action's send is aborted at 60 s; the SDK starts no further attempt.
    const before = invocations(sim)?.length ?? 0;
    const { out: failure, seconds: actionSeconds } = await timed(() => lambdaInvoke.start(ctx).then(() => null, (e: unknown) => e));
    // Assess
    expect(actionSeconds).toBe(60);
    expect(failure).toMatchObject({ name: 'CustomStepFailedError' });
    expect(invocations(sim)?.slice(before)).toEqual([expect.objectContaining({ invocationType: 'RequestResponse', durationMs: 20 * STEP_MS })]);
    expect(world.calls.slice(3).map((c) => c.error)).toEqual(['TimeoutError']);
  });

  it('the lambda-invoke action on that step: CustomStepFailedError after 60 s, one invoke', async () => {
    // Prepare
    const sim = simulateLambdaOnly([{ kind: 'slow', component: 'monitoring', factor: 20 }]);
    const ctx = await monitoringContext();
    // Act
    const { out: error } = await timed(() => lambdaInvoke.start(ctx).then(() => null, (e: unknown) => e));
    // Assess
    expect(error).toMatchObject({ name: 'CustomStepFailedError', details: { limitSeconds: 60, awsErrorName: 'TimeoutError' } });
    expect(invocations(sim)).toHaveLength(1);
  });

  it('finds the function by ARN and qualifier too; asynchronous invokes answer 202 at once, dry runs 204 without running it', async () => {
    // Prepare
    const sim = simulateLambdaOnly();
    const client = (await monitoringContext()).clients.get(LambdaClient, SECONDARY);
    const arn = `arn:aws:lambda:${SECONDARY}:000000000000:function:${FUNCTION}:live`;
    // Act / Assess
    await timed(async () => {
      await expect(client.send(new InvokeCommand({ FunctionName: arn }))).resolves.toMatchObject({ StatusCode: 200 });
      const t0 = Date.now();
      await expect(client.send(new InvokeCommand({ FunctionName: FUNCTION, InvocationType: 'Event' }))).resolves.toMatchObject({ StatusCode: 202 });
      await expect(client.send(new InvokeCommand({ FunctionName: FUNCTION, InvocationType: 'DryRun' }))).resolves.toMatchObject({ StatusCode: 204 });
      expect(Date.now() - t0).toBe(0);
    });
    expect(invocations(sim)?.map((i) => i.invocationType)).toEqual(['RequestResponse', 'Event']);
  });

  it('an asynchronous step: 202 at once; the function reports RUNNING, then SUCCEEDED after its run time, in the result parameter the event names', async () => {
    // Prepare
    const { lambda } = simulateLambdaAndSsm();
    const ctx = await asyncMonitoring();
    // Act
    const { out, seconds } = await timed(() => drive(lambdaInvoke, ctx));
    // Assess: reported at START + the run time (its last write included); the action sees it at the next check.
    expect(out.progress).toMatchObject({ done: true, status: `${FUNCTION} reported SUCCEEDED for ${KEY}` });
    expect(seconds).toBeGreaterThanOrEqual((STEP_MS + PUT_MS) / 1000);
    expect(seconds).toBeLessThanOrEqual((STEP_MS + PUT_MS) / 1000 + 30);
    expect(invocations(lambda)).toEqual([{ at: START.toISOString(), invocationType: 'Event', durationMs: STEP_MS, functionError: null, idempotencyKey: KEY }]);
    const writes = world.calls.filter((c) => c.command === 'PutParameter').map((c) => [c.at, JSON.parse((c.input as { Value: string }).Value) as unknown]);
    expect(writes).toEqual([
      [new Date(START.getTime() + PUT_MS).toISOString(), { idempotencyKey: KEY, status: 'RUNNING', message: `${FUNCTION} started` }],
      [new Date(START.getTime() + STEP_MS + PUT_MS).toISOString(), { idempotencyKey: KEY, status: 'SUCCEEDED', output: { ok: true, function: FUNCTION } }],
    ]);
    expect(world.calls.filter((c) => c.service === 'lambda').map((c) => c.command)).toEqual(['Invoke']);
  });

  it('an asynchronous step with the fail fault: the function reports FAILED, CustomStepFailedError', async () => {
    // Prepare
    simulateLambdaAndSsm([{ kind: 'fail', component: 'monitoring' }]);
    const ctx = await asyncMonitoring();
    // Act
    const { out: error } = await timed(() => drive(lambdaInvoke, ctx).then(() => null, (e: unknown) => e));
    // Assess
    expect(error).toMatchObject({
      name: 'CustomStepFailedError',
      message: `Lambda function ${FUNCTION} in ${SECONDARY} failed: Error: ${FUNCTION} failed (injected failure)`,
      details: { idempotencyKey: KEY, errorType: 'Error' },
    });
  });

  it('a function whose report is throttled retries the write, as its SDK would', async () => {
    // Prepare: the function's first write is the first SSM call.
    simulateLambdaAndSsm([{ kind: 'throttle', service: 'ssm', calls: 1 }]);
    const event = { drAutopilot: { idempotencyKey: 'k-1', result: { parameterName: RESULT } } };
    // Act
    const { out } = await timed(async () => {
      await new LambdaClient({ region: SECONDARY }).send(new InvokeCommand({ FunctionName: FUNCTION, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(event)) }));
      await sleep((STEP_MS + 2 * PUT_MS) / 1000 + 5);
      return new SSMClient({ region: SECONDARY }).send(new GetParameterCommand({ Name: RESULT }));
    });
    // Assess
    expect(JSON.parse(out.Parameter?.Value ?? 'null')).toEqual({ idempotencyKey: 'k-1', status: 'SUCCEEDED', output: { ok: true, function: FUNCTION } });
    expect(world.calls.filter((c) => c.command === 'PutParameter').map((c) => c.error ?? null)).toEqual(['ThrottlingException', null, null]);
  });

  it('restored while an asynchronous function still runs: its pending run is cancelled, so it writes nothing after the mocks are gone', async () => {
    // Prepare
    simulateLambdaAndSsm([{ kind: 'slow', component: 'monitoring', factor: 100 }]);
    const ctx = await asyncMonitoring();
    // Act
    const timers = await withVirtualClock(START, async (clock) => {
      await lambdaInvoke.start(ctx());
      await sleep(PUT_MS / 1000 + 1);
      const running = clock.countTimers();
      sims.forEach((s) => s.restore());
      sims = [];
      return { running, afterRestore: clock.countTimers() };
    });
    // Assess: it had reported RUNNING and was working; nothing of it is left to fire.
    expect(world.calls.map((c) => c.command)).toEqual(['GetParameter', 'Invoke', 'PutParameter']);
    expect(timers).toEqual({ running: 1, afterRestore: 0 });
  });

  it('a slow fault lengthens the run time', async () => {
    const sim = simulateLambdaOnly([{ kind: 'slow', component: 'monitoring', factor: 4 }]);
    const { seconds } = await timed(async () => lambdaInvoke.start(await monitoringContext()));
    expect(invocations(sim)?.[0]).toMatchObject({ durationMs: 4 * STEP_MS });
    expect(seconds).toBe((4 * STEP_MS) / 1000);
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
    const { out } = await timed(() => ctx.clients.get(LambdaClient, SECONDARY).send(new InvokeCommand({ FunctionName: FUNCTION })));
    expect(out).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled' });
    expect(JSON.parse(out.Payload?.transformToString() ?? '')).toMatchObject({ errorType: 'Error', errorMessage: `${FUNCTION} failed (injected failure)` });
    await expect(timed(() => lambdaInvoke.start(ctx))).rejects.toMatchObject({
      name: 'CustomStepFailedError',
      message: `Lambda function ${FUNCTION} in ${SECONDARY} failed: Error: ${FUNCTION} failed (injected failure)`,
      details: { functionError: 'Unhandled', statusCode: 200 },
    });
  });

  it('a throttle fault fails the first N attempts with TooManyRequestsException: the SDK retries each call 3 times, then AwsThrottlingError to the action', async () => {
    simulateLambdaOnly([{ kind: 'throttle', service: 'lambda', calls: 6 }]);
    const ctx = await monitoringContext();
    await expect(ctx.clients.get(LambdaClient, SECONDARY).send(new InvokeCommand({ FunctionName: FUNCTION }))).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    await expect(lambdaInvoke.start(ctx)).rejects.toMatchObject({ name: 'AwsThrottlingError' });
    await expect(timed(() => lambdaInvoke.start(ctx))).resolves.toMatchObject({ out: { done: true } });
    expect(world.calls.map((c) => c.error ?? null)).toEqual([...Array.from({ length: 6 }, () => 'TooManyRequestsException'), null]);
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

  it('a throttle fault fails the first N publish attempts with Throttling (the SDK tries each publish 3 times)', async () => {
    const sim = simulateSnsOnly([{ kind: 'throttle', service: 'sns', calls: 3 }]);
    const client = new SNSClient({ region: SECONDARY });
    await expect(client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'hi' }))).rejects.toMatchObject({ name: 'Throttling' });
    await expect(client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'hi' }))).resolves.toHaveProperty('MessageId');
    expect(sim.published()).toHaveLength(1);
  });
});
