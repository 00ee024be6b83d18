import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../shared/errors.ts';
import { normaliseTimestamp, parseExecutionInput } from '../../../shared/run/input.ts';
import { alarmEvent, compositeAlarmEvent, consoleStart, CORE_DB_ALARM, insufficientDataEvent, okEvent, REGION_DOWN_ALARM } from './fixtures.ts';

/** The InvalidInputError `parse` throws (fails the test when it throws anything else, or nothing). */
function invalidInput(input: unknown): InvalidInputError {
  try {
    parseExecutionInput(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

describe('parseExecutionInput: console start', () => {
  it('accepts the contract form and keeps who started it and why', () => {
    // Prepare
    const input = consoleStart();
    // Act
    const request = parseExecutionInput(input);
    // Assess
    expect(request).toEqual({
      scenario: 'region-outage',
      mode: 'planned',
      incidentStartedAt: undefined,
      incidentStartedAtField: 'incidentStartedAt',
      trigger: { kind: 'console', by: 'oncall@example.com', reason: 'Tokyo unavailable since 09:40 JST' },
    });
  });

  it('normalises incidentStartedAt to ISO-8601 UTC', () => {
    const request = parseExecutionInput(consoleStart({ incidentStartedAt: '2026-11-29T09:40:00+09:00' }));
    expect(request.incidentStartedAt).toBe('2026-11-29T00:40:00.000Z');
  });

  it.each([
    ['scenario', { scenario: undefined }],
    ['scenario', { scenario: '' }],
    ['scenario', { scenario: 42 }],
    ['mode', { mode: undefined }],
    ['mode', { mode: 'drill' }],
    ['reason', { reason: undefined }],
    ['reason', { reason: 'x' }],
    ['reason', { reason: 'x'.repeat(1001) }],
    ['requestedBy', { requestedBy: undefined }],
    ['requestedBy', { requestedBy: '' }],
    ['incidentStartedAt', { incidentStartedAt: 'yesterday' }],
    ['incidentStartedAt', { incidentStartedAt: '2026' }],
    ['incidentStartedAt', { incidentStartedAt: '2026-11-29T01:00:00' }],
  ])('rejects a missing or bad %s, naming it: %j', (field, over) => {
    // Prepare
    const input = consoleStart(over);
    // Act
    const error = invalidInput(input);
    // Assess
    expect(error.name).toBe('InvalidInputError');
    expect(error.details.field).toBe(field);
    expect(error.message).toContain(`${field}:`);
  });

  it('rejects an unknown extra key and names that key', () => {
    const error = invalidInput(consoleStart({ priority: 'p1' }));
    expect(error.details.field).toBe('priority');
    expect(error.message).toContain('priority');
  });

  it.each([null, undefined, 'region-outage', 42, [consoleStart()]])('rejects a non-object input: %j', (input) => {
    const error = invalidInput(input);
    expect(error.details.field).toBe('(input)');
    expect(error.message).toContain('JSON object');
  });
});

describe('parseExecutionInput: EventBridge alarm events (CloudWatch Alarm State Change, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html)', () => {
  it('starts from a metric alarm going to ALARM, with the state time as the incident start in ISO UTC', () => {
    // Prepare
    const event = alarmEvent(CORE_DB_ALARM);
    // Act
    const request = parseExecutionInput(event);
    // Assess
    expect(request).toEqual({
      alarmName: CORE_DB_ALARM,
      incidentStartedAt: '2019-10-02T17:04:40.989Z',
      incidentStartedAtField: 'detail.state.timestamp',
      trigger: {
        kind: 'alarm',
        by: CORE_DB_ALARM,
        reason: event.detail.state.reason,
        alarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${CORE_DB_ALARM}`,
      },
    });
    expect(request.scenario).toBeUndefined();
    expect(request.mode).toBeUndefined();
  });

  it('starts from a composite alarm going to ALARM (its own name, not the child that fired it)', () => {
    const request = parseExecutionInput(compositeAlarmEvent(REGION_DOWN_ALARM));
    expect(request.alarmName).toBe(REGION_DOWN_ALARM);
    expect(request.incidentStartedAt).toBe('2022-07-22T15:57:45.394Z');
    expect(request.trigger.alarmArn).toBe(`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${REGION_DOWN_ALARM}`);
  });

  it.each([
    ['OK', okEvent()],
    ['INSUFFICIENT_DATA', insufficientDataEvent()],
  ])('does not start on %s, naming detail.state.value', (state, event) => {
    const error = invalidInput(event);
    expect(error.details.field).toBe('detail.state.value');
    expect(error.message).toContain(`detail.state.value: the alarm is ${state}`);
  });

  it('rejects an event without detail.alarmName, naming it', () => {
    // Prepare
    const event = alarmEvent() as { detail: Record<string, unknown> };
    delete event.detail.alarmName;
    // Act
    const error = invalidInput(event);
    // Assess
    expect(error.details.field).toBe('detail.alarmName');
    expect(error.message).toContain('detail.alarmName');
  });

  it('rejects an event whose state timestamp is not a timestamp, naming it', () => {
    const event = alarmEvent();
    event.detail.state.timestamp = 'Wed Oct 02 2019';
    const error = invalidInput(event);
    expect(error.details.field).toBe('detail.state.timestamp');
  });

  it('rejects an event from another source or of another detail-type', () => {
    expect(invalidInput({ ...alarmEvent(), source: 'aws.health' }).details.field).toBe('source');
    expect(invalidInput({ ...alarmEvent(), 'detail-type': 'CloudWatch Alarm Contributor State Change' }).details.field).toBe('detail-type');
  });
});

describe("parseExecutionInput: the starter's summary of an alarm", () => {
  const summary = (over: Record<string, unknown> = {}) => ({
    trigger: 'alarm',
    alarmName: CORE_DB_ALARM,
    alarmArn: `arn:aws:cloudwatch:ap-northeast-3:123456789012:alarm:${CORE_DB_ALARM}`,
    stateChangedAt: '2026-11-29T01:00:00.000Z',
    reason: 'Threshold Crossed',
    ...over,
  });

  it('starts from the alarm it names', () => {
    const request = parseExecutionInput(summary());
    expect(request).toEqual({
      alarmName: CORE_DB_ALARM,
      incidentStartedAt: '2026-11-29T01:00:00.000Z',
      incidentStartedAtField: 'stateChangedAt',
      trigger: { kind: 'alarm', by: CORE_DB_ALARM, reason: 'Threshold Crossed', alarmArn: `arn:aws:cloudwatch:ap-northeast-3:123456789012:alarm:${CORE_DB_ALARM}` },
    });
  });

  it('accepts the state time as CloudWatch writes it (+0000) and defaults the reason', () => {
    const request = parseExecutionInput(summary({ stateChangedAt: '2026-11-29T01:00:00.123+0000', reason: undefined }));
    expect(request.incidentStartedAt).toBe('2026-11-29T01:00:00.123Z');
    expect(request.trigger.reason).toBe('');
  });

  it.each([
    ['alarmName', { alarmName: '' }],
    ['alarmArn', { alarmArn: 'arn:aws:sns:ap-northeast-3:123456789012:topic' }],
    ['stateChangedAt', { stateChangedAt: 'now' }],
    ['extra', { extra: true }],
  ])('rejects a bad %s, naming it', (field, over) => {
    const error = invalidInput(summary(over));
    expect(error.details.field).toBe(field);
    expect(error.message).toContain(field);
  });
});

describe('normaliseTimestamp', () => {
  it.each([
    ['2019-10-02T17:04:40.989+0000', '2019-10-02T17:04:40.989Z'],
    ['2026-11-29T10:00:00+0900', '2026-11-29T01:00:00.000Z'],
    ['2026-11-29T10:00:00.5+09:00', '2026-11-29T01:00:00.500Z'],
    ['2026-11-29T01:00:00Z', '2026-11-29T01:00:00.000Z'],
  ])('%s → %s', (value, iso) => {
    expect(normaliseTimestamp(value, 'field')).toBe(iso);
  });

  it.each(['', '2019', 'Oct 2 2019', '2026-11-29', '2026-13-40T25:00:00Z'])('rejects %j naming the field', (value) => {
    expect(() => normaliseTimestamp(value, 'detail.state.timestamp')).toThrow(
      expect.objectContaining({ name: 'InvalidInputError', details: { field: 'detail.state.timestamp' } }),
    );
  });
});
