import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/request-confirmation.ts';
import type { ComponentTask, RunState } from '../../shared/run/types.ts';
import { componentOf, exampleRun } from '../shared/run/fixtures.ts';
import { lambdaContext, withLogs } from './lambda.ts';

const sns = mockClient(SNSClient);
const context = lambdaContext('request-confirmation');
const TOPIC = 'arn:aws:sns:ap-northeast-3:123456789012:dr-autopilot-prod-internal';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf3h-secret-task-token';

let state: RunState;
let devEnv: ComponentTask;

describe('functions/request-confirmation', () => {
  beforeAll(async () => {
    state = await exampleRun();
    devEnv = componentOf(state, 'development-environment');
  });
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'msg-42' });
    process.env.INTERNAL_TOPIC_ARN = TOPIC;
  });
  afterEach(() => {
    delete process.env.INTERNAL_TOPIC_ARN;
    sns.reset();
  });

  it('publishes the request with its task token to INTERNAL_TOPIC_ARN', async () => {
    const out = await handler({ run: state.run, component: devEnv, taskToken: TOKEN }, context);
    expect(out).toEqual({ messageId: 'msg-42' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: '[dr-autopilot] Confirm manual step: development-environment',
      Message: expect.stringContaining(`npx dr-autopilot approve --region ap-northeast-3 --token '${TOKEN}'`),
      MessageAttributes: expect.objectContaining({ audience: { DataType: 'String', StringValue: 'internal' } }),
    });
  });

  it('opens a retried request by saying it replaces the earlier one, whose token no longer answers', async () => {
    // Prepare: one clock for both requests (each states its deadline).
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-29T05:00:00.000Z') });
    try {
      // Act: the third attempt ($$.State.RetryCount 2) and a first one.
      await handler({ run: state.run, component: devEnv, taskToken: TOKEN, attempt: 2 }, context);
      await handler({ run: state.run, component: devEnv, taskToken: TOKEN, attempt: 0 }, context);
    } finally {
      vi.useRealTimers();
    }
    // Assess: the retried request is the first one under a line that voids any earlier request.
    const [retried, first] = sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Message!);
    expect(first).toMatch(/^Manual recovery step: /);
    expect(retried).toBe(
      [
        "REPLACES AN EARLIER REQUEST (attempt 3): this confirmation request replaces any earlier confirmation request for the same step; the earlier token no longer answers (Step Functions accepts only this request's token). Answer with the commands below.",
        '',
        first,
      ].join('\n'),
    );
  });

  it('fails with InvalidInputError naming attempt when it is not a retry count, publishing nothing', async () => {
    await expect(handler({ run: state.run, component: devEnv, taskToken: TOKEN, attempt: -1 }, context)).rejects.toMatchObject({ name: 'InvalidInputError', details: { field: 'attempt' } });
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('fails without publishing when INTERNAL_TOPIC_ARN is not set', async () => {
    delete process.env.INTERNAL_TOPIC_ARN;
    await expect(handler({ run: state.run, component: devEnv, taskToken: TOKEN }, context)).rejects.toMatchObject({
      name: 'UnexpectedStateError',
      message: expect.stringContaining('INTERNAL_TOPIC_ARN'),
    });
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('fails with InvalidInputError for a component that is not a manual step', async () => {
    await expect(handler({ run: state.run, component: componentOf(state, 'authentication'), taskToken: TOKEN }, context)).rejects.toMatchObject({
      name: 'InvalidInputError',
    });
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('never writes the task token to its logs, even with POWERTOOLS_LOGGER_LOG_EVENT=true', async () => {
    const logs = await withLogs({ POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_LOGGER_LOG_EVENT: 'true' }, () => import('../../functions/request-confirmation.ts'));
    try {
      await logs.module.handler({ run: state.run, component: devEnv, taskToken: TOKEN, attempt: 1 }, context);
      const records = logs.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records).toEqual([expect.objectContaining({ message: 'Confirmation requested', messageId: 'msg-42', attempt: 1, component: 'development-environment', scenario: 'region-outage' })]);
      expect(logs.lines().join('\n')).not.toContain(TOKEN);
    } finally {
      logs.restore();
    }
  });
});
