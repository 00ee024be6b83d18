import { GetFunctionCommand, LambdaClient, ResourceNotFoundException, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readiness } from '../../../../shared/components/lambda-invoke/readiness.ts';
import type { ComponentOf } from '../../../../shared/plan/schema.ts';
import type { ReadinessContext } from '../../../../shared/readiness/types.ts';
import { exampleComponent } from '../../../support/action-context.ts';
import { awsError, readinessDeps } from '../../../support/readiness.ts';

const lambda = mockClient(LambdaClient);

const FUNCTION = 'dataset-platform-repoint-monitoring';
const WHAT = `function ${FUNCTION} in ap-northeast-3`;
const configuration = (over: Partial<FunctionConfiguration> = {}) => ({
  Configuration: { FunctionName: FUNCTION, State: 'Active', LastUpdateStatus: 'Successful', ...over } as FunctionConfiguration,
});
type Params = ComponentOf<'lambda-invoke'>['params'];
/** The example plan's monitoring step (region secondary). */
const context = async (params: Partial<Params> = {}): Promise<ReadinessContext<'lambda-invoke'>> => ({
  component: await exampleComponent('lambda-invoke', 'monitoring', params),
  ...readinessDeps(),
  now: new Date('2026-11-29T01:00:00.000Z'),
  rpoSeconds: null,
});

describe('lambda-invoke readiness', () => {
  beforeEach(() => lambda.reset());
  afterEach(() => lambda.reset());

  it('is ready when the function is Active and its last update succeeded; reads it in its region', async () => {
    // Prepare
    lambda.on(GetFunctionCommand).resolves(configuration());
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result).toEqual({ findings: [{ check: 'function', status: 'ready', detail: `${WHAT} is Active` }], dataAtRiskSeconds: null });
    expect(lambda).toHaveReceivedCommandTimes(GetFunctionCommand, 1);
    expect(lambda.commandCalls(GetFunctionCommand)[0]!.args[0].input).toEqual({ FunctionName: FUNCTION });
    expect(await lambda.call(0).thisValue.config.region()).toBe('ap-northeast-3');
  });

  it('reads the primary region\'s function when the plan says region: primary', async () => {
    lambda.on(GetFunctionCommand).resolves(configuration());
    const result = await readiness.assess(await context({ region: 'primary' }));
    expect(await lambda.call(0).thisValue.config.region()).toBe('ap-northeast-1');
    expect(result.findings).toEqual([{ check: 'function', status: 'ready', detail: `function ${FUNCTION} in ap-northeast-1 is Active` }]);
  });

  it('is not ready when the function is Failed, with the reason', async () => {
    lambda.on(GetFunctionCommand).resolves(configuration({ State: 'Failed', StateReason: 'The role defined for the function cannot be assumed by Lambda.' }));
    const result = await readiness.assess(await context());
    expect(result).toEqual({
      findings: [{
        check: 'function',
        status: 'not-ready',
        detail: `${WHAT} is Failed, last update Successful (The role defined for the function cannot be assumed by Lambda.): fix and redeploy it`,
      }],
      dataAtRiskSeconds: null,
    });
  });

  it('is not ready when its last update Failed', async () => {
    lambda.on(GetFunctionCommand).resolves(configuration({ LastUpdateStatus: 'Failed' }));
    const result = await readiness.assess(await context());
    expect(result.findings).toEqual([{ check: 'function', status: 'not-ready', detail: `${WHAT} is Active, last update Failed: fix and redeploy it` }]);
  });

  it.each(['Inactive', 'Pending'] as const)('is at risk when the function is %s', async (state) => {
    lambda.on(GetFunctionCommand).resolves(configuration({ State: state }));
    const result = await readiness.assess(await context());
    expect(result.findings).toEqual([{ check: 'function', status: 'at-risk', detail: `${WHAT} is ${state}: the first invoke waits for it to become Active` }]);
  });

  it('is not ready when the function does not exist or the read is denied; at risk when throttled', async () => {
    lambda.on(GetFunctionCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: `Function not found: ${FUNCTION}`, $metadata: { httpStatusCode: 404 } }))
      .rejectsOnce(awsError('AccessDeniedException', 'not authorized to perform: lambda:GetFunction'))
      .rejectsOnce(awsError('TooManyRequestsException', 'Rate exceeded'));
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'function', status: 'not-ready', detail: `${WHAT} not found (ResourceNotFoundException): create it in the recovery region, or correct the plan` },
    ]);
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'function', status: 'not-ready', detail: `${WHAT}: access denied (AccessDeniedException): the automation's role lacks a read it needs; redeploy from this plan` },
    ]);
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'function', status: 'at-risk', detail: `${WHAT}: could not be read (TooManyRequestsException: Rate exceeded); readiness unknown until it answers` },
    ]);
  });
});
