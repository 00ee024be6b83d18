import {
  InvokeCommand,
  LambdaClient,
  ResourceConflictException,
  ResourceNotFoundException,
  ResourceNotReadyException,
  ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { Uint8ArrayBlobAdapter } from '@smithy/core/serde';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { excerpt, recover as lambdaInvoke } from '../../../../shared/components/lambda-invoke/recover.ts';
import { actionContext, exampleComponent } from '../../../support/action-context.ts';

const lambda = mockClient(LambdaClient);
const FUNCTION = 'dataset-platform-repoint-monitoring';

const payloadOf = (call: number) => {
  const payload = lambda.commandCalls(InvokeCommand)[call]?.args[0].input.Payload;
  expect(payload).toBeInstanceOf(Uint8Array);
  return JSON.parse(new TextDecoder().decode(payload as Uint8Array)) as unknown;
};
const ok = (body: string) => ({ StatusCode: 200, ExecutedVersion: '$LATEST', Payload: Uint8ArrayBlobAdapter.fromString(body) });
const functionError = (body: string) => ({ ...ok(body), FunctionError: 'Unhandled' });

describe('lambda-invoke', () => {
  beforeEach(() => lambda.reset());
  afterEach(() => lambda.reset());

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
});
