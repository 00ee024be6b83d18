import { CloudWatchClient, DescribeAlarmsCommand, ListAlarmMuteRulesCommand } from '@aws-sdk/client-cloudwatch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AwsClients } from '../aws/clients.ts';
import { RecoveryAbortedError } from '../errors.ts';

/** The trigger alarm as CloudWatch has it now. */
export interface TriggerAlarmState {
  found: boolean;
  /** ALARM, OK or INSUFFICIENT_DATA; null when the alarm cannot be found. */
  state: string | null;
  since: string | null;
  /** A composite alarm's ActionsSuppressedBy (WaitPeriod, ExtensionPeriod, Alarm), else null. */
  suppressedBy: string | null;
  suppressor: string | null;
  /** ARN of an ACTIVE alarm mute rule that targets the alarm, else null. */
  mutedBy: string | null;
}

/**
 * Reads the trigger alarm (in the recovery region, where it is evaluated): DescribeAlarms for its state
 * and, for a composite alarm, whether its suppressor holds its actions back; ListAlarmMuteRules for an
 * ACTIVE mute rule that targets it (alarm mute rules: its actions are muted while the rule is active).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_CompositeAlarm.html,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListAlarmMuteRules.html
 */
export async function readTriggerAlarm(cloudwatch: CloudWatchClient, alarmName: string): Promise<TriggerAlarmState> {
  const out = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ['CompositeAlarm', 'MetricAlarm'] }));
  const composite = out.CompositeAlarms?.[0];
  const alarm = composite ?? out.MetricAlarms?.[0];
  if (!alarm) return { found: false, state: null, since: null, suppressedBy: null, suppressor: null, mutedBy: null };
  const mutes = await cloudwatch.send(new ListAlarmMuteRulesCommand({ AlarmName: alarmName, Statuses: ['ACTIVE'] }));
  const mute = (mutes.AlarmMuteRuleSummaries ?? []).find((m) => m.Status === undefined || m.Status === 'ACTIVE');
  return {
    found: true,
    state: alarm.StateValue ?? null,
    since: alarm.StateUpdatedTimestamp?.toISOString() ?? null,
    suppressedBy: composite?.ActionsSuppressedBy ?? null,
    suppressor: composite?.ActionsSuppressor ?? null,
    mutedBy: mute ? (mute.AlarmMuteRuleArn ?? 'an alarm mute rule') : null,
  };
}

/**
 * Why the alarm no longer asks for a recovery, or null while it does: back to OK, its actions
 * suppressed by its suppressor alarm (any of WaitPeriod, ExtensionPeriod, Alarm), or muted by an active
 * mute rule. ALARM and INSUFFICIENT_DATA (an outage often starves metrics) still ask for it.
 */
export function triggerNoLongerFiring(alarmName: string, alarm: TriggerAlarmState): string | null {
  if (!alarm.found) return null;
  if (alarm.state === 'OK') return `trigger alarm ${alarmName} is back to OK (since ${alarm.since ?? 'unknown time'})`;
  if (alarm.suppressedBy) {
    return `trigger alarm ${alarmName}'s actions are suppressed (${alarm.suppressedBy}${alarm.suppressor ? ` by suppressor alarm ${alarm.suppressor}` : ''}): a maintenance window`;
  }
  if (alarm.mutedBy) return `trigger alarm ${alarmName} is muted by alarm mute rule ${alarm.mutedBy}`;
  return null;
}

/**
 * Anti-flapping: right before a one-way step of an alarm-started run, re-read the trigger alarm. Back to
 * OK, suppressed or muted (treated as OK: someone said this is not an outage to act on) → stop before the
 * step; the run ends aborted and its notice gives the reason. ALARM or INSUFFICIENT_DATA → go on; an alarm
 * that cannot be found → go on with a warning (the trigger did fire; the step is not held hostage by a
 * deleted alarm).
 */
export async function assertTriggerStillAlarming(cloudwatch: CloudWatchClient, alarmName: string, step: string, logger: Logger): Promise<void> {
  const alarm = await readTriggerAlarm(cloudwatch, alarmName);
  if (!alarm.found) {
    logger.warn('Trigger alarm not found; going on with the one-way step', { alarmName, step });
    return;
  }
  const why = triggerNoLongerFiring(alarmName, alarm);
  if (why) throw new RecoveryAbortedError(`${why}: stopped before ${step}`, { alarmName, since: alarm.since, suppressedBy: alarm.suppressedBy, mutedBy: alarm.mutedBy });
}

/**
 * assertTriggerStillAlarming with the CloudWatch client of `region` from the function's clients: what
 * start-action and check-action load with import() (shared/run/component.ts) when an alarm-started
 * run reaches a one-way step, so no other invocation loads this module or its client.
 */
export function guardTrigger(clients: AwsClients, region: string, alarmName: string, step: string, logger: Logger): Promise<void> {
  return assertTriggerStillAlarming(clients.get(CloudWatchClient, region), alarmName, step, logger);
}
