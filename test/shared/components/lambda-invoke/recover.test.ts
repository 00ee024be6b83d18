import {
  InvokeCommand,
  LambdaClient,
  ResourceConflictException,
  ResourceNotFoundException,
  ResourceNotReadyException,
  ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient, ThrottlingException } from '@aws-sdk/client-ssm';
import { Uint8ArrayBlobAdapter } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { excerpt, recover as lambdaInvoke } from '../../../../shared/components/lambda-invoke/recover.ts';
import { CLIENT_TIMEOUTS } from '../../../../shared/aws/clients.ts';
import { withVirtualClock } from '../../../../shared/tools/local/virtual-clock.ts';
import { actionContext, exampleComponent, INCIDENT, SECONDARY } from '../../../support/action-context.ts';

const lambda = mockClient(LambdaClient);
const ssm = mockClient(SSMClient);
const FUNCTION = 'dataset-platform-repoint-monitoring';
/** Where the asynchronous step's function reports (the plan's resultParameterName). */
const RESULT = '/dataset-platform/dr/monitoring-result';
const KEY = `monitoring:${INCIDENT.toISOString()}`;
const REPORTED_AT = new Date('2026-11-29T01:15:00.000Z');

const payloadOf = (call: number) => {
  const payload = lambda.commandCalls(InvokeCommand)[call]?.args[0].input.Payload;
  expect(payload).toBeInstanceOf(Uint8Array);
  return JSON.parse(new TextDecoder().decode(payload as Uint8Array)) as unknown;
};
/** The options the n-th send was given (the abort signal of a synchronous invoke). */
const sendOptions = (call: number) => (lambda.call(call).args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined;
const ok = (body: string) => ({ StatusCode: 200, ExecutedVersion: '$LATEST', Payload: Uint8ArrayBlobAdapter.fromString(body) });
const functionError = (body: string) => ({ ...ok(body), FunctionError: 'Unhandled' });

/** What the result parameter holds: the JSON the customer's function writes. */
const stored = (record: unknown, version = 2) => ({
  Parameter: { Name: RESULT, Type: 'String' as const, Value: typeof record === 'string' ? record : JSON.stringify(record), Version: version, LastModifiedDate: REPORTED_AT },
});
const notFound = () => new ParameterNotFound({ message: `Parameter ${RESULT} not found.`, $metadata: { httpStatusCode: 400 } });
const asyncMonitoring = async () => actionContext(await exampleComponent('lambda-invoke', 'monitoring', { invocation: 'async', resultParameterName: RESULT }));
/** The check state of an asynchronous step invoked by the start at ctx.now (attempt 1). */
const asyncState = (ctxNow: Date, attempt = 1) => ({
  invocation: 'async',
  idempotencyKey: attempt === 1 ? KEY : `${KEY}#${attempt}`,
  attempt,
  resultParameterName: RESULT,
  invokedAt: ctxNow.toISOString(),
  statusCode: 202,
});

describe('lambda-invoke', () => {
  beforeEach(() => {
    lambda.reset();
    ssm.reset();
  });
  afterEach(() => {
    lambda.reset();
    ssm.reset();
  });

  it('invokes the function synchronously with the plan payload and the drAutopilot block, and is done', async () => {
    // Prepare
    const ctx = actionContext(await exampleComponent('lambda-invoke', 'monitoring'));
    lambda.on(InvokeCommand).resolves(ok('{"repointed":12}'));
    // Act
    const progress = await lambdaInvoke.start(ctx);
    // Assess
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: FUNCTION, InvocationType: 'RequestResponse' });
    expect(payloadOf(0)).toEqual({
      targetRegion: 'ap-northeast-3',
      drAutopilot: {
        componentId: 'monitoring',
        mode: 'unplanned',
        incidentStartedAt: '2026-11-29T01:00:00.000Z',
        idempotencyKey: 'monitoring:2026-11-29T01:00:00.000Z',
      },
    });
    expect(progress).toMatchObject({
      done: true,
      observations: { statusCode: 200, executedVersion: '$LATEST', payloadExcerpt: '{"repointed":12}' },
    });
    expect(await lambda.call(0).thisValue.config.region()).toBe('ap-northeast-3');
  });

  it('invokes in the region the plan names', async () => {
    const ctx = actionContext(await exampleComponent('lambda-invoke', 'monitoring', { region: 'primary' }), { mode: 'planned' });
    lambda.on(InvokeCommand).resolves(ok('null'));
    await lambdaInvoke.start(ctx);
    expect(await lambda.call(0).thisValue.config.region()).toBe('ap-northeast-1');
    expect(payloadOf(0)).toMatchObject({ drAutopilot: { mode: 'planned' } });
  });

  it('gives a re-run the same idempotency key, and check calls nothing (the invoke was synchronous)', async () => {
    const ctx = actionContext(await exampleComponent('lambda-invoke', 'monitoring'));
    lambda.on(InvokeCommand).resolves(ok('{}'));
    const first = await lambdaInvoke.start(ctx);
    await lambdaInvoke.start({ ...ctx, now: new Date(ctx.now.getTime() + 60_000) });
    expect(payloadOf(1)).toEqual(payloadOf(0));
    expect(await lambdaInvoke.check(ctx, first.state)).toMatchObject({ done: true, state: first.state });
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 2);
  });

  it('turns a function error (HTTP 200 with FunctionError) into CustomStepFailedError with errorType and errorMessage', async () => {
    const ctx = actionContext(await exampleComponent('lambda-invoke', 'monitoring'));
    lambda.on(InvokeCommand).resolves(functionError('{"errorType":"DashboardNotFound","errorMessage":"no dashboard dataset-platform","trace":[]}'));
    await expect(lambdaInvoke.start(ctx)).rejects.toMatchObject({
      name: 'CustomStepFailedError',
      message: `Lambda function ${FUNCTION} in ap-northeast-3 failed: DashboardNotFound: no dashboard dataset-platform`,
      details: { functionError: 'Unhandled', errorType: 'DashboardNotFound', errorMessage: 'no dashboard dataset-platform', statusCode: 200 },
    });
  });

  it.each([
    ['non-JSON', 'Task timed out after 3.00 seconds', 'Task timed out after 3.00 seconds'],
    ['JSON that is not an error object', '"boom"', '"boom"'],
    ['empty', '', 'no error message'],
  ])('handles a %s function error payload', async (_label, body, errorMessage) => {
    const ctx = actionContext(await exampleComponent('lambda-invoke', 'monitoring'));
    lambda.on(InvokeCommand).resolves(functionError(body));
    await expect(lambdaInvoke.start(ctx)).rejects.toMatchObject({
      name: 'CustomStepFailedError',
      details: { errorType: 'Unhandled', errorMessage },
    });
  });

  it('keeps at most 1 KiB of the response payload, without a cut character', async () => {
    const ctx = actionContext(await exampleComponent('lambda-invoke', 'monitoring'));
    lambda.on(InvokeCommand).resolves(ok(`"${'x'.repeat(5000)}"`));
    const progress = await lambdaInvoke.start(ctx);
    expect(String(progress.observations?.payloadExcerpt)).toHaveLength(1024);
    // 1023 ASCII bytes then a 3-byte character across the limit: the partial character is dropped.
    const cut = excerpt(new TextEncoder().encode(`${'a'.repeat(1023)}日本`));
    expect(cut).toBe('a'.repeat(1023));
    expect(excerpt(undefined)).toBe('');
  });

  it.each([
    [new TooManyRequestsException({ message: 'Rate Exceeded.', Reason: 'ConcurrentInvocationLimitExceeded', $metadata: { httpStatusCode: 429 } }), 'AwsThrottlingError'],
    [new ResourceNotFoundException({ message: `Function not found: ${FUNCTION}`, $metadata: { httpStatusCode: 404 } }), 'ResourceNotFoundError'],
    [new ResourceNotReadyException({ message: 'The function is currently in the Pending state', $metadata: { httpStatusCode: 502 } }), 'ResourceBusyError'],
    [new ResourceConflictException({ message: 'The operation cannot be performed at this time', $metadata: { httpStatusCode: 409 } }), 'ResourceBusyError'],
    [new ServiceException({ message: 'Internal error', $metadata: { httpStatusCode: 500 } }), 'AwsTransientError'],
  ])('maps $name to %s', async (error, expected) => {
    const ctx = actionContext(await exampleComponent('lambda-invoke', 'monitoring'));
    lambda.on(InvokeCommand).rejects(error);
    await expect(lambdaInvoke.start(ctx)).rejects.toMatchObject({ name: expected });
  });
  describe('synchronous (invocation: sync, the default): a step must answer within the LambdaClient\'s 60 s request timeout', () => {
    it('aborts the invoke at the request timeout, so the SDK never sends it again (its retry would run the step a second time)', async () => {
      // Prepare
      const ctx = actionContext(await exampleComponent('lambda-invoke', 'monitoring'));
      lambda.on(InvokeCommand).resolves(ok('{}'));
      // Act
      await lambdaInvoke.start(ctx);
      // Assess: one send, with an abort signal that has not fired yet (it fires at the request timeout).
      const options = sendOptions(0);
      expect(options?.abortSignal).toBeInstanceOf(AbortSignal);
      expect(options?.abortSignal?.aborted).toBe(false);
      expect(CLIENT_TIMEOUTS.longRequestMs).toBe(60_000);
    });

    it('a function that does not answer: the abort fires at 60 s and the step fails, one send', async () => {
      // Prepare: the invoke hangs until its abort signal fires (as the SDK's handler rejects then).
      const ctx = actionContext(await exampleComponent('lambda-invoke', 'monitoring'));
      lambda.on(InvokeCommand).callsFake(() => new Promise((_resolve, reject) => {
        const abortSignal = sendOptions(0)?.abortSignal;
        abortSignal?.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })));
      }));
      // Act
      const { error, seconds } = await withVirtualClock(INCIDENT, async () => {
        const t0 = Date.now();
        const out = await lambdaInvoke.start(ctx).then(() => null, (e: unknown) => e);
        return { error: out, seconds: (Date.now() - t0) / 1000 };
      });
      // Assess
      expect(seconds).toBe(60);
      expect(error).toMatchObject({ name: 'CustomStepFailedError', details: { awsErrorName: 'AbortError', limitSeconds: 60 } });
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    });

    it.each([
      ['the request timeout (TimeoutError)', Object.assign(new Error('@smithy/node-http-handler - [ERROR] a request has exceeded the configured 60000 ms requestTimeout.'), { name: 'TimeoutError', code: 'ETIMEDOUT' })],
      ['the abort at the request timeout (AbortError)', Object.assign(new Error('Request aborted'), { name: 'AbortError' })],
    ])('no answer within 60 s, %s: CustomStepFailedError (not retried: the function may still be running), naming invocation: async', async (_label, error) => {
      // Prepare
      const ctx = actionContext(await exampleComponent('lambda-invoke', 'monitoring'));
      lambda.on(InvokeCommand).rejects(error);
      // Act / Assess
      await expect(lambdaInvoke.start(ctx)).rejects.toMatchObject({
        name: 'CustomStepFailedError',
        message: `Lambda function ${FUNCTION} in ${SECONDARY} did not answer within 60 s, the limit of a synchronous invoke: it may still be running, so it is not invoked again; a step that can take longer needs invocation: async with a resultParameterName`,
        details: { idempotencyKey: KEY, limitSeconds: 60, awsErrorName: error.name },
      });
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    });

    it('a connection that was never made (connection timeout) is retryable: the request did not reach Lambda', async () => {
      const ctx = actionContext(await exampleComponent('lambda-invoke', 'monitoring'));
      lambda.on(InvokeCommand).rejects(Object.assign(new Error('@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 3000 ms.'), { name: 'TimeoutError' }));
      await expect(lambdaInvoke.start(ctx)).rejects.toMatchObject({ name: 'AwsTransientError' });
    });
  });

  describe('asynchronous (invocation: async): invoked as an Event, polled in the result parameter until the function reports', () => {
    it('start reads the result parameter, finds nothing of this incident, invokes once as an Event with the result location, and is not done', async () => {
      // Prepare
      const ctx = await asyncMonitoring();
      ssm.on(GetParameterCommand).rejects(notFound());
      lambda.on(InvokeCommand).resolves({ StatusCode: 202, Payload: Uint8ArrayBlobAdapter.fromString('') });
      // Act
      const progress = await lambdaInvoke.start(ctx);
      // Assess
      expect(ssm).toHaveReceivedCommandExactlyOnceWith(GetParameterCommand, { Name: RESULT });
      expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
      expect(await ssm.call(0).thisValue.config.region()).toBe(SECONDARY);
      expect(lambda).toHaveReceivedCommandExactlyOnceWith(InvokeCommand, { FunctionName: FUNCTION, InvocationType: 'Event' });
      expect(payloadOf(0)).toEqual({
        targetRegion: 'ap-northeast-3',
        drAutopilot: {
          componentId: 'monitoring',
          mode: 'unplanned',
          incidentStartedAt: INCIDENT.toISOString(),
          idempotencyKey: KEY,
          attempt: 1,
          result: { parameterName: RESULT, region: SECONDARY },
        },
      });
      expect(progress).toEqual({
        done: false,
        nextCheckSeconds: 30,
        status: `${FUNCTION} invoked asynchronously (attempt 1); waiting for its result in SSM parameter ${RESULT}`,
        state: asyncState(ctx.now),
        observations: { invocation: 'async', idempotencyKey: KEY, attempt: 1, statusCode: 202, resultParameterName: RESULT },
      });
    });

    it('check: not done while the parameter is missing, holds another incident\'s record, or is not a result at all', async () => {
      // Prepare
      const ctx = await asyncMonitoring();
      const state = asyncState(ctx.now);
      ssm.on(GetParameterCommand)
        .rejectsOnce(notFound())
        .resolvesOnce(stored({ idempotencyKey: 'monitoring:2026-10-01T00:00:00.000Z', status: 'SUCCEEDED' }))
        .resolvesOnce(stored('placeholder'));
      // Act
      const missing = await lambdaInvoke.check(ctx, state);
      const stale = await lambdaInvoke.check(ctx, state);
      const placeholder = await lambdaInvoke.check(ctx, state);
      // Assess
      expect(missing).toMatchObject({ done: false, nextCheckSeconds: 30, state, status: `waiting for ${FUNCTION} to report in ${RESULT}: no result yet` });
      expect(stale).toMatchObject({ done: false, state, status: `waiting for ${FUNCTION} to report in ${RESULT}: it holds monitoring:2026-10-01T00:00:00.000Z SUCCEEDED, not ${KEY}` });
      expect(placeholder).toMatchObject({ done: false, state, status: `waiting for ${FUNCTION} to report in ${RESULT}: its value is not a dr-autopilot result (JSON with idempotencyKey and status)` });
      expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
    });

    it('check: RUNNING is not done (its message is the status); SUCCEEDED is done, with an excerpt of the output', async () => {
      // Prepare
      const ctx = await asyncMonitoring();
      const state = asyncState(ctx.now);
      ssm.on(GetParameterCommand)
        .resolvesOnce(stored({ idempotencyKey: KEY, status: 'RUNNING', message: '7 of 12 dashboards re-pointed' }, 2))
        .resolvesOnce(stored({ idempotencyKey: KEY, status: 'SUCCEEDED', output: { repointed: 12 } }, 3));
      // Act
      const running = await lambdaInvoke.check(ctx, state);
      const succeeded = await lambdaInvoke.check(ctx, state);
      // Assess
      expect(running).toMatchObject({ done: false, state, status: `${FUNCTION} is running ${KEY}: 7 of 12 dashboards re-pointed` });
      expect(succeeded).toEqual({
        done: true,
        nextCheckSeconds: 30,
        status: `${FUNCTION} reported SUCCEEDED for ${KEY}`,
        state,
        observations: {
          invocation: 'async', idempotencyKey: KEY, attempt: 1, statusCode: 202, resultParameterName: RESULT,
          resultVersion: 3, reportedAt: REPORTED_AT.toISOString(), outputExcerpt: '{"repointed":12}',
        },
      });
    });

    it('check: FAILED fails the step with CustomStepFailedError naming the function\'s error', async () => {
      // Prepare
      const ctx = await asyncMonitoring();
      ssm.on(GetParameterCommand).resolves(stored({ idempotencyKey: KEY, status: 'FAILED', error: { type: 'DashboardNotFound', message: 'no dashboard dataset-platform' } }, 3));
      // Act / Assess
      await expect(lambdaInvoke.check(ctx, asyncState(ctx.now))).rejects.toMatchObject({
        name: 'CustomStepFailedError',
        message: `Lambda function ${FUNCTION} in ${SECONDARY} failed: DashboardNotFound: no dashboard dataset-platform`,
        details: { idempotencyKey: KEY, attempt: 1, errorType: 'DashboardNotFound', errorMessage: 'no dashboard dataset-platform', resultParameterName: RESULT, resultVersion: 3 },
      });
    });

    it('check: a FAILED record without an error object still fails, with what there is', async () => {
      const ctx = await asyncMonitoring();
      ssm.on(GetParameterCommand).resolves(stored({ idempotencyKey: KEY, status: 'FAILED', error: 'quota exceeded' }));
      await expect(lambdaInvoke.check(ctx, asyncState(ctx.now))).rejects.toMatchObject({
        name: 'CustomStepFailedError',
        details: { errorType: 'FAILED', errorMessage: 'quota exceeded' },
      });
    });

    it('check: this attempt\'s record with a status that is not RUNNING, SUCCEEDED or FAILED fails closed (UnexpectedStateError)', async () => {
      const ctx = await asyncMonitoring();
      ssm.on(GetParameterCommand).resolves(stored({ idempotencyKey: KEY, status: 'DONE' }));
      await expect(lambdaInvoke.check(ctx, asyncState(ctx.now))).rejects.toMatchObject({
        name: 'UnexpectedStateError',
        message: expect.stringContaining('status "DONE"'),
      });
    });

    it('check: a throttled read is retryable (AwsThrottlingError)', async () => {
      const ctx = await asyncMonitoring();
      ssm.on(GetParameterCommand).rejects(new ThrottlingException({ Message: 'Rate exceeded', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));
      await expect(lambdaInvoke.check(ctx, asyncState(ctx.now))).rejects.toMatchObject({ name: 'AwsThrottlingError' });
    });

    it.each([
      ['RUNNING', false],
      ['SUCCEEDED', true],
    ] as const)('a re-run (retry or resume) that finds this incident\'s record %s does not invoke again, and goes on from it', async (status, done) => {
      // Prepare
      const ctx = await asyncMonitoring();
      ssm.on(GetParameterCommand).resolves(stored({ idempotencyKey: KEY, status }));
      // Act
      const progress = await lambdaInvoke.start(ctx);
      // Assess
      expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
      expect(progress).toMatchObject({
        done,
        state: { ...asyncState(ctx.now), invokedAt: null, statusCode: null },
        status: done
          ? `${FUNCTION} already reported SUCCEEDED for ${KEY}: not invoked again`
          : `${FUNCTION} is already running ${KEY} (invoked earlier in this incident): not invoked again`,
      });
    });

    it('a re-run (resume) that finds this incident\'s attempt FAILED invokes a new attempt under a new key', async () => {
      // Prepare
      const ctx = await asyncMonitoring();
      ssm.on(GetParameterCommand).resolves(stored({ idempotencyKey: KEY, status: 'FAILED', error: { type: 'Error', message: 'boom' } }));
      lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
      // Act
      const progress = await lambdaInvoke.start(ctx);
      // Assess
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
      expect(payloadOf(0)).toMatchObject({ drAutopilot: { idempotencyKey: `${KEY}#2`, attempt: 2 } });
      expect(progress).toMatchObject({ done: false, state: asyncState(ctx.now, 2) });
    });

    it('a start retried after its invoke was refused (throttled) invokes again with the same key: one accepted invoke', async () => {
      // Prepare
      const ctx = await asyncMonitoring();
      ssm.on(GetParameterCommand).rejects(notFound());
      lambda.on(InvokeCommand)
        .rejectsOnce(new TooManyRequestsException({ message: 'Rate Exceeded.', Reason: 'ConcurrentInvocationLimitExceeded', $metadata: { httpStatusCode: 429 } }))
        .resolves({ StatusCode: 202 });
      // Act
      await expect(lambdaInvoke.start(ctx)).rejects.toMatchObject({ name: 'AwsThrottlingError' });
      const retried = await lambdaInvoke.start(ctx);
      // Assess
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 2);
      expect(payloadOf(1)).toEqual(payloadOf(0));
      expect(retried).toMatchObject({ done: false, state: asyncState(ctx.now) });
    });

    it('an invoke the SDK does not answer (TimeoutError) is retryable: an Event is queued in milliseconds, so it was most likely not accepted', async () => {
      const ctx = await asyncMonitoring();
      ssm.on(GetParameterCommand).rejects(notFound());
      lambda.on(InvokeCommand).rejects(Object.assign(new Error('@smithy/node-http-handler - [ERROR] a request has exceeded the configured 60000 ms requestTimeout.'), { name: 'TimeoutError' }));
      await expect(lambdaInvoke.start(ctx)).rejects.toMatchObject({ name: 'AwsTransientError' });
      expect(sendOptions(0)).toBeUndefined();
    });

    it('an unknown function is ResourceNotFoundError, as for a synchronous step', async () => {
      const ctx = await asyncMonitoring();
      ssm.on(GetParameterCommand).rejects(notFound());
      lambda.on(InvokeCommand).rejects(new ResourceNotFoundException({ message: `Function not found: ${FUNCTION}`, $metadata: { httpStatusCode: 404 } }));
      await expect(lambdaInvoke.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    });
  });
});
