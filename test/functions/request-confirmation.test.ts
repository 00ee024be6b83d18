import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
      await logs.module.handler({ run: state.run, component: devEnv, taskToken: TOKEN }, context);
      const records = logs.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records).toEqual([expect.objectContaining({ message: 'Confirmation requested', messageId: 'msg-42', component: 'development-environment', scenario: 'region-outage' })]);
      expect(logs.lines().join('\n')).not.toContain(TOKEN);
    } finally {
      logs.restore();
    }
  });
});
