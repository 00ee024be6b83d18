import { Logger } from '@aws-lambda-powertools/logger';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executionNameFor, startFromAlarm } from '../../../shared/run/starter.ts';

const sfn = mockClient(SFNClient);
const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const client = new SFNClient({ region: 'ap-northeast-3' });
const SM = 'arn:aws:states:ap-northeast-3:123456789012:stateMachine:dr-autopilot-prod-failover';

const event = (value = 'ALARM', alarmName = 'dataset-platform-tokyo-region-down') => ({
  version: '0',
  id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: '123456789012',
  time: '2026-11-29T01:00:05Z',
  region: 'ap-northeast-3',
  resources: [`arn:aws:cloudwatch:ap-northeast-3:123456789012:alarm:${alarmName}`],
  detail: {
    alarmName,
    state: { value, reason: 'Threshold Crossed: 2 of 2 signals', timestamp: '2026-11-29T01:00:04.989+0000' },
    previousState: { value: 'OK', reason: '', timestamp: '2026-11-28T00:00:00.000+0000' },
  },
});

describe('start-recovery: alarm → one execution per incident', () => {
  beforeEach(() => sfn.reset());
  afterEach(() => sfn.reset());

  it('names the execution after the alarm and its state-change time, within 80 safe characters', () => {
    expect(executionNameFor('dataset-platform-tokyo-region-down', '2026-11-29T01:00:04.989Z')).toMatch(
      /^dataset-platform-tokyo-region-down-[0-9a-f]{8}-20261129T010004Z$/,
    );
    const long = executionNameFor(`${'x'.repeat(200)} with spaces/and:colons`, '2026-11-29T01:00:04.989Z');
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^[0-9A-Za-z_-]+$/);
    expect(executionNameFor('a'.repeat(200), '2026-11-29T01:00:04.989Z')).not.toBe(executionNameFor(`${'a'.repeat(199)}b`, '2026-11-29T01:00:04.989Z'));
  });

  it('starts the state machine with the alarm summary as input', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${SM.replace(':stateMachine:', ':execution:')}:x`, startDate: new Date() });
    // Act
    const result = await startFromAlarm(client, SM, event(), logger);
    // Assess
    expect(result.outcome).toBe('started');
    const input = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(input.stateMachineArn).toBe(SM);
    expect(input.name).toMatch(/^dataset-platform-tokyo-region-down-[0-9a-f]{8}-20261129T010004Z$/);
    expect(JSON.parse(input.input!)).toEqual({
      trigger: 'alarm',
      alarmName: 'dataset-platform-tokyo-region-down',
      alarmArn: 'arn:aws:cloudwatch:ap-northeast-3:123456789012:alarm:dataset-platform-tokyo-region-down',
      stateChangedAt: '2026-11-29T01:00:04.989Z',
      reason: 'Threshold Crossed: 2 of 2 signals',
    });
  });

  it('starts nothing for a duplicate delivery of the same incident (ExecutionAlreadyExists)', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const result = await startFromAlarm(client, SM, event(), logger);
    expect(result).toEqual({ outcome: 'duplicate', executionName: expect.stringMatching(/20261129T010004Z$/) });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('ignores OK and INSUFFICIENT_DATA without calling Step Functions', async () => {
    for (const value of ['OK', 'INSUFFICIENT_DATA']) {
      expect(await startFromAlarm(client, SM, event(value), logger)).toEqual({
        outcome: 'ignored',
        reason: `dataset-platform-tokyo-region-down is ${value}`,
      });
    }
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('rejects an event without detail.alarmName as InvalidInputError naming the field', async () => {
    const bad = event() as { detail: Record<string, unknown> };
    delete bad.detail.alarmName;
    await expect(startFromAlarm(client, SM, bad, logger)).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringContaining('detail.alarmName'),
    });
    expect(sfn).not.toHaveReceivedAnyCommand();
  });
});
