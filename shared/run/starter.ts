import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { InvalidInputError } from '../errors.ts';
import { alarmEvent, normaliseTimestamp } from './alarm-event.ts';
import { INPUT_PARSE } from './schema-messages.ts';

export type StartOutcome =
  | { outcome: 'started'; executionArn: string; executionName: string }
  | { outcome: 'duplicate'; executionName: string }
  | { outcome: 'ignored'; reason: string };

/**
 * One execution per incident: the name is derived from the alarm and its state-change time, so a
 * second delivery of the same event (EventBridge delivers at least once) cannot start a second run.
 * Names allow 1–80 characters of 0-9A-Za-z-_ (the safe set for CloudWatch logging).
 */
export function executionNameFor(alarmName: string, stateChangedAt: string): string {
  const stamp = stateChangedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z'); // 20261129T010000Z
  const hash = createHash('sha256').update(alarmName).digest('hex').slice(0, 8);
  const safe = alarmName.replace(/[^0-9A-Za-z_-]/g, '-').slice(0, 80 - stamp.length - hash.length - 2);
  return `${safe}-${hash}-${stamp}`;
}

/** Starts the state machine for an alarm event (EventBridge "CloudWatch Alarm State Change"). */
export async function startFromAlarm(sfn: SFNClient, stateMachineArn: string, event: unknown, logger: Logger): Promise<StartOutcome> {
  const parsed = alarmEvent.safeParse(event, INPUT_PARSE);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(`alarm event: ${issue.path.map(String).join('.') || '(event)'}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const { detail, resources } = parsed.data;
  if (detail.state.value !== 'ALARM') {
    logger.info('Alarm state change ignored', { alarmName: detail.alarmName, state: detail.state.value });
    return { outcome: 'ignored', reason: `${detail.alarmName} is ${detail.state.value}` };
  }
  const stateChangedAt = normaliseTimestamp(detail.state.timestamp, 'detail.state.timestamp');
  const executionName = executionNameFor(detail.alarmName, stateChangedAt);
  const input = {
    trigger: 'alarm',
    alarmName: detail.alarmName,
    alarmArn: resources[0] ?? `arn:aws:cloudwatch:::alarm:${detail.alarmName}`,
    stateChangedAt,
    reason: detail.state.reason.slice(0, 1000),
  };
  try {
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }));
    logger.info('Recovery started', { alarmName: detail.alarmName, executionName, executionArn: out.executionArn });
    return { outcome: 'started', executionArn: out.executionArn ?? '', executionName };
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') {
      logger.warn('Duplicate alarm delivery: this incident already has an execution; nothing started', { alarmName: detail.alarmName, executionName });
      return { outcome: 'duplicate', executionName };
    }
    throw error;
  }
}
