import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { RecoveryAbortedError } from '../errors.ts';

/**
 * Anti-flapping: right before a one-way step of an alarm-started run, re-read the trigger alarm (in
 * the recovery region, where it is evaluated). Back to OK → stop before the step. ALARM or
 * INSUFFICIENT_DATA (an outage often starves metrics) → go on; an alarm that cannot be found → go
 * on with a warning (the trigger did fire; the step is not held hostage by a deleted alarm).
 */
export async function assertTriggerStillAlarming(cloudwatch: CloudWatchClient, alarmName: string, step: string, logger: Logger): Promise<void> {
  const out = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ['CompositeAlarm', 'MetricAlarm'] }));
  const alarm = [...(out.CompositeAlarms ?? []), ...(out.MetricAlarms ?? [])][0];
  if (!alarm) {
    logger.warn('Trigger alarm not found; going on with the one-way step', { alarmName, step });
    return;
  }
  if (alarm.StateValue === 'OK') {
    const since = alarm.StateUpdatedTimestamp?.toISOString() ?? 'unknown time';
    throw new RecoveryAbortedError(`trigger alarm ${alarmName} is back to OK (since ${since}): stopped before ${step}`, { alarmName, since });
  }
}
