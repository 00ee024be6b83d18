import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { InvalidInputError } from '../errors.ts';
import type { TriggerNoticeFacts } from '../notify/trigger-notice.ts';
import { alarmEvent, normaliseTimestamp } from './alarm-event.ts';
import { INPUT_PARSE } from './schema-messages.ts';
import { decideTrigger } from './suppression.ts';

export type StartOutcome =
  | { outcome: 'started'; executionArn: string; executionName: string }
  /** Started to wait out the suppressor's wait period in Step Functions: the recovery proper starts only if the alarm still asks for it then. */
  | { outcome: 'deferred'; executionArn: string; executionName: string; until: string }
  | { outcome: 'duplicate'; executionName: string }
  | { outcome: 'ignored'; reason: string };

/** What the starter needs besides the event: the state machine, and for an ignored outage alarm the metric and the internal notice. */
export interface StarterDeps {
  sfn: SFNClient;
  stateMachineArn: string;
  logger: Logger;
  /** `SuppressedTrigger` (Count, dimension `cause`: suppressed or muted). */
  metrics?: Metrics;
  /** The plan's name and the scenario an alarm triggers (null: none). */
  plan: { name: string; scenarioFor(alarmName: string): string | null };
  /** Publishes the internal notice of an outage alarm that fired while suppressed or muted; never throws. */
  notify(facts: TriggerNoticeFacts): Promise<unknown>;
}

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

/**
 * Starts the state machine for an alarm event (EventBridge "CloudWatch Alarm State Change"), once per
 * incident. The rule's pattern lets through only the plan's trigger alarms going to ALARM; what it cannot
 * judge is decided here (shared/run/suppression.ts): a suppressed or muted alarm is ignored (log, metric,
 * internal notice), a WaitPeriod one starts a deferred execution that waits in Step Functions.
 */
export async function startFromAlarm(deps: StarterDeps, event: unknown): Promise<StartOutcome> {
  const { logger } = deps;
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
  const decision = decideTrigger(detail, parsed.data.time);
  if (decision.action === 'ignore') {
    logger.warn('Outage alarm fired while suppressed: no recovery started', { alarmName: detail.alarmName, cause: decision.cause, by: decision.by, reason: decision.reason });
    countSuppressed(deps, decision.cause);
    await deps.notify({
      stage: 'trigger-suppressed',
      plan: deps.plan.name,
      alarmName: detail.alarmName,
      scenario: deps.plan.scenarioFor(detail.alarmName),
      alarmAt: stateChangedAt,
      reason: decision.reason,
      by: decision.by,
    });
    return { outcome: 'ignored', reason: decision.reason };
  }
  const executionName = executionNameFor(detail.alarmName, stateChangedAt);
  const input = {
    trigger: 'alarm',
    alarmName: detail.alarmName,
    alarmArn: resources[0] ?? `arn:aws:cloudwatch:::alarm:${detail.alarmName}`,
    stateChangedAt,
    reason: detail.state.reason.slice(0, 1000),
    // The execution waits until then (statemachines/failover.asl.json "Wait For Suppressor Wait Period"), then Prepare Run re-reads the alarm.
    ...(decision.action === 'defer' ? { deferUntil: decision.until, deferReason: decision.reason.slice(0, 1000) } : {}),
  };
  try {
    const out = await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: deps.stateMachineArn, name: executionName, input: JSON.stringify(input) }));
    const executionArn = out.executionArn ?? '';
    if (decision.action === 'defer') {
      logger.info('Recovery deferred for the suppressor\'s wait period', { alarmName: detail.alarmName, executionName, executionArn, until: decision.until, reason: decision.reason });
      return { outcome: 'deferred', executionArn, executionName, until: decision.until };
    }
    logger.info('Recovery started', { alarmName: detail.alarmName, executionName, executionArn });
    return { outcome: 'started', executionArn, executionName };
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') {
      logger.warn('Duplicate alarm delivery: this incident already has an execution; nothing started', { alarmName: detail.alarmName, executionName });
      return { outcome: 'duplicate', executionName };
    }
    throw error;
  }
}

/** One EMF line per ignored trigger; a metric that cannot be written never stops the notice. */
function countSuppressed(deps: StarterDeps, cause: 'suppressed' | 'muted'): void {
  if (!deps.metrics) return;
  try {
    const metric = deps.metrics.singleMetric();
    metric.addDimension('cause', cause);
    metric.addMetric('SuppressedTrigger', MetricUnit.Count, 1);
  } catch (error) {
    deps.logger.warn('SuppressedTrigger metric not emitted', { errorName: (error as Error).name });
  }
}
