import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TriggerNoticeFacts } from '../../../shared/notify/trigger-notice.ts';
import { executionNameFor, startFromAlarm, type StarterDeps } from '../../../shared/run/starter.ts';

const sfn = mockClient(SFNClient);
const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const client = new SFNClient({ region: 'ap-northeast-3' });
const SM = 'arn:aws:states:ap-northeast-3:123456789012:stateMachine:dr-autopilot-prod-failover';
const REGION_DOWN = 'dataset-platform-tokyo-region-down';
/** The example events (examples/events/), the documented CloudWatch shapes with the example plan's alarm. */
const exampleEvent = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../examples/events/${name}.json`, import.meta.url), 'utf8'));

let notices: TriggerNoticeFacts[] = [];
const deps = (overrides: Partial<StarterDeps> = {}): StarterDeps => ({
  sfn: client,
  stateMachineArn: SM,
  logger,
  plan: { name: 'dataset-platform', scenarioFor: (alarm) => (alarm === REGION_DOWN ? 'region-outage' : null) },
  notify: async (facts) => {
    notices.push(facts);
  },
  ...overrides,
});

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
  beforeEach(() => {
    sfn.reset();
    notices = [];
  });
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
    const result = await startFromAlarm(deps(), event());
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
    const result = await startFromAlarm(deps(), event());
    expect(result).toEqual({ outcome: 'duplicate', executionName: expect.stringMatching(/20261129T010004Z$/) });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('ignores OK and INSUFFICIENT_DATA without calling Step Functions', async () => {
    for (const value of ['OK', 'INSUFFICIENT_DATA']) {
      expect(await startFromAlarm(deps(), event(value))).toEqual({
        outcome: 'ignored',
        reason: `dataset-platform-tokyo-region-down is ${value}`,
      });
    }
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect(notices).toEqual([]);
  });

  it('rejects an event without detail.alarmName as InvalidInputError naming the field', async () => {
    const bad = event() as { detail: Record<string, unknown> };
    delete bad.detail.alarmName;
    await expect(startFromAlarm(deps(), bad)).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringContaining('detail.alarmName'),
    });
    expect(sfn).not.toHaveReceivedAnyCommand();
  });
});

describe('start-recovery: suppressed, muted and wait-period alarms (maintenance windows)', () => {
  beforeEach(() => {
    sfn.reset();
    notices = [];
  });
  afterEach(() => {
    sfn.reset();
    vi.restoreAllMocks();
  });

  it.each([
    ['region-down-suppressed', 'suppressed', 'dataset-platform-maintenance-window', "alarm dataset-platform-tokyo-region-down's actions are suppressed by suppressor alarm dataset-platform-maintenance-window (in ALARM: a maintenance window), so no recovery starts"],
    ['region-down-extension-period', 'suppressed', 'dataset-platform-maintenance-window', "alarm dataset-platform-tokyo-region-down's actions are suppressed by suppressor alarm dataset-platform-maintenance-window's extension period (180 s) after it went back to OK, so no recovery starts"],
    ['region-down-muted', 'muted', 'arn:aws:cloudwatch:ap-northeast-3:123456789012:alarm-mute-rule:dataset-platform-monthly-patching', 'alarm dataset-platform-tokyo-region-down is muted by alarm mute rule arn:aws:cloudwatch:ap-northeast-3:123456789012:alarm-mute-rule:dataset-platform-monthly-patching (window 2026-11-29T00:00:00Z to 2026-11-29T03:00:00Z): its actions are off, so no recovery starts'],
  ] as const)('%s: starts nothing, and on-call gets an internal notice and a %s metric', async (file, cause, by, reason) => {
    // Prepare: Powertools writes the EMF metric line to stdout.
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const metrics = new Metrics({ namespace: 'dr-autopilot', serviceName: 'dr-autopilot' });
    // Act
    const result = await startFromAlarm(deps({ metrics }), exampleEvent(file));
    // Assess
    expect(result).toEqual({ outcome: 'ignored', reason });
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect(notices).toEqual([{ stage: 'trigger-suppressed', plan: 'dataset-platform', alarmName: REGION_DOWN, scenario: 'region-outage', alarmAt: '2026-11-29T01:00:04.989Z', reason, by }]);
    const emf = written.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => 'SuppressedTrigger' in line);
    expect(emf).toMatchObject({ SuppressedTrigger: 1, cause, service: 'dr-autopilot' });
  });

  it('starts as usual when the mute window does not hold the alarm\'s state change', async () => {
    // Prepare: the mute rule's window ended before the alarm fired.
    const event = exampleEvent('region-down-muted') as { detail: { muteDetail: { muteWindowStart: string; muteWindowEnd: string } } };
    event.detail.muteDetail = { ...event.detail.muteDetail, muteWindowStart: '2026-11-28T22:00:00.000+0000', muteWindowEnd: '2026-11-29T01:00:00.000+0000' };
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${SM}:x` });
    // Act
    const result = await startFromAlarm(deps(), event);
    // Assess
    expect(result.outcome).toBe('started');
    expect(notices).toEqual([]);
  });

  it('defers a WaitPeriod alarm: one execution, named for the incident, that waits in Step Functions until the wait period has passed', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${SM.replace(':stateMachine:', ':execution:')}:x` });
    // Act
    const result = await startFromAlarm(deps(), exampleEvent('region-down-wait-period'));
    // Assess: the suppressor's wait period (120 s) from the state change.
    expect(result).toMatchObject({ outcome: 'deferred', until: '2026-11-29T01:02:04.989Z', executionName: expect.stringMatching(/^dataset-platform-tokyo-region-down-[0-9a-f]{8}-20261129T010004Z$/) });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!)).toEqual({
      trigger: 'alarm',
      alarmName: REGION_DOWN,
      alarmArn: `arn:aws:cloudwatch:ap-northeast-3:123456789012:alarm:${REGION_DOWN}`,
      stateChangedAt: '2026-11-29T01:00:04.989Z',
      reason: expect.stringContaining('dataset-platform-tokyo-api-errors transitioned to ALARM'),
      deferUntil: '2026-11-29T01:02:04.989Z',
      deferReason: "alarm dataset-platform-tokyo-region-down's actions wait for suppressor alarm dataset-platform-maintenance-window's wait period (120 s, until 2026-11-29T01:02:04.989Z): the alarm is read again then, and the recovery starts only if it is still ALARM and no longer suppressed",
    });
    expect(notices).toEqual([]);
    // A second delivery of the same event is the same execution.
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    expect(await startFromAlarm(deps(), exampleEvent('region-down-wait-period'))).toMatchObject({ outcome: 'duplicate' });
  });

  it('reads AWS\'s own composite-alarm sample (WaitPeriod, with a mute window that does not hold it) as a deferral', async () => {
    // Prepare: AWS's composite-alarm sample (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html), verbatim but for the region.
    const sample = {
      version: '0', id: 'd3dfc86d-384d-24c8-0345-9f7986db0b80', 'detail-type': 'CloudWatch Alarm State Change', source: 'aws.cloudwatch', account: '123456789012',
      time: '2022-07-22T15:57:45Z', region: 'us-east-1', resources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServiceAggregatedAlarm'],
      detail: {
        alarmName: 'ServiceAggregatedAlarm',
        state: { actionsSuppressedBy: 'WaitPeriod', actionsSuppressedReason: 'Actions suppressed by WaitPeriod', value: 'ALARM', reason: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:SuppressionDemo.EventBridge.FirstChild transitioned to ALARM at Friday 22 July, 2022 15:57:45 UTC', reasonData: '{"triggeringAlarms":[]}', timestamp: '2022-07-22T15:57:45.394+0000' },
        previousState: { value: 'OK', reason: 'created', timestamp: '2022-07-22T15:56:14.552+0000' },
        configuration: { alarmRule: 'ALARM(ServerCpuTooHigh) OR ALARM(TotalNetworkTrafficTooHigh)', actionsSuppressor: 'ServiceMaintenanceAlarm', actionsSuppressorWaitPeriod: 120, actionsSuppressorExtensionPeriod: 180 },
        muteDetail: { mutedByArn: 'arn:aws:cloudwatch:us-east-1:1234567890:alarm-mute-rule:testMute', muteWindowStart: '2026-01-01T10:00:00.000+0000', muteWindowEnd: '2026-01-01T12:00:00.000+0000' },
      },
    };
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${SM}:x` });
    // Act
    const result = await startFromAlarm(deps(), sample);
    // Assess
    expect(result).toMatchObject({ outcome: 'deferred', until: '2022-07-22T15:59:45.394Z' });
  });

  it('refuses an unknown actionsSuppressedBy as InvalidInputError naming the field, starting nothing', async () => {
    const event = exampleEvent('region-down-suppressed') as { detail: { state: Record<string, unknown> } };
    event.detail.state.actionsSuppressedBy = 'Maintenance';
    await expect(startFromAlarm(deps(), event)).rejects.toMatchObject({ name: 'InvalidInputError', message: expect.stringContaining('detail.state.actionsSuppressedBy') });
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect(notices).toEqual([]);
  });
});
