import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../../../shared/errors.ts';
import { confirmationRequest, requestConfirmation } from '../../../shared/run/confirmation.ts';
import { parseTaskInput } from '../../../shared/run/task-input.ts';
import type { ComponentTask, RunState } from '../../../shared/run/types.ts';
import { componentOf, EXECUTION_ID, exampleRun } from './fixtures.ts';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:ap-northeast-3:123456789012:dr-autopilot-prod-internal';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf3h+kq/token==';
const NOW = new Date('2026-11-29T05:00:00.000Z');

let state: RunState;
let docs: ComponentTask;

/** The request as request-confirmation passes it: parsed at the edge (lambdaHandler), a bad one refused there. */
const ask = (request: unknown) => Promise.resolve().then(() => requestConfirmation(new SNSClient({}), TOPIC, parseTaskInput(confirmationRequest, request)));

describe('requestConfirmation', () => {
  beforeAll(async () => {
    state = await exampleRun();
    docs = componentOf(state, 'documentation-system');
  });
  beforeEach(() => {
    sns.reset();
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
    sns.reset();
  });

  it('publishes the instructions and the answer commands with the token to the internal topic', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
    // Act
    const out = await ask({ run: state.run, component: docs, taskToken: TOKEN });
    // Assess
    expect(out).toEqual({ messageId: 'msg-1' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: '[dr-autopilot] Confirm manual step: documentation-system',
      Message: [
        'Manual recovery step: Documentation system (documentation-system, tier-4)',
        `Run: dataset-platform / region-outage (${EXECUTION_ID})`,
        '',
        'Restore the documentation site from its repository to the Osaka hosting bucket, then confirm.',
        '',
        `When done:  npx dr-autopilot approve --region ap-northeast-3 --token '${TOKEN}'`,
        `If it cannot be done:  npx dr-autopilot reject --region ap-northeast-3 --token '${TOKEN}' --reason '…'`,
        'Without an answer by 2026-11-29T17:00:00.000Z the step counts as failed.',
      ].join('\n'),
      MessageAttributes: {
        audience: { DataType: 'String', StringValue: 'internal' },
        stage: { DataType: 'String', StringValue: 'confirmation-needed' },
        scenario: { DataType: 'String', StringValue: 'region-outage' },
        severity: { DataType: 'String', StringValue: 'critical' },
      },
    });
  });

  it('adds the runbook link and keeps the subject under 100 characters for the longest component id', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'msg-2' });
    const longId = `m${'x'.repeat(62)}`; // ids are at most 63 characters
    const component = { ...docs, id: longId, params: { ...(docs.params as object), runbookUrl: 'https://runbooks.example.com/docs' } } as ComponentTask;
    await ask({ run: state.run, component, taskToken: TOKEN });
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.Subject!.length).toBeLessThan(100);
    expect(input.Subject).toBe(`[dr-autopilot] Confirm manual step: ${longId}`);
    expect(input.Message).toContain('\nRunbook: https://runbooks.example.com/docs\n');
  });

  it('rejects a component that is not a manual step, without publishing', async () => {
    const auth = componentOf(state, 'authentication');
    const asking = ask({ run: state.run, component: auth, taskToken: TOKEN });
    await expect(asking).rejects.toBeInstanceOf(InvalidInputError);
    await expect(asking).rejects.toMatchObject({ details: { field: 'component.type' } });
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('rejects a request without a task token, without publishing', async () => {
    await expect(ask({ run: state.run, component: docs, taskToken: '' })).rejects.toMatchObject({
      name: 'InvalidInputError',
      details: { field: 'taskToken' },
    });
    expect(sns).not.toHaveReceivedAnyCommand();
  });
});
