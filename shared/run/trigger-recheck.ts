import type { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { clientConfig, onFirstUse } from '../aws/clients.ts';
import type { TriggerNoticeFacts } from '../notify/trigger-notice.ts';
import { scenarioForAlarm } from '../plan/recovery-order.ts';
import type { Plan } from '../plan/schema.ts';
import { readTriggerAlarm, triggerNoLongerFiring } from './alarm-guard.ts';
import type { StartRequest } from './input.ts';

/** The trigger alarms are evaluated in the recovery region, where prepare-run runs: its own region's client, built once. */
const ownRegionCloudWatch = onFirstUse(() => new CloudWatchClient(clientConfig(CloudWatchClient)));

/**
 * The second look at a deferred trigger (the starter deferred it for its suppressor's wait period; the
 * execution has waited in Step Functions until `deferred.until`): the alarm is read again and the run goes
 * on only if it is still ALARM (or INSUFFICIENT_DATA) and neither suppressed nor muted. Returns null to go
 * on, or the facts of the `trigger-cleared` notice: then nothing is recorded, locked or changed.
 * An alarm that cannot be found goes on (the trigger did fire), as before a one-way step. prepare-run
 * loads this module with import() for a deferred start only, so no other start loads it or its client.
 */
export async function recheckDeferredTrigger(plan: Plan, request: StartRequest, logger: Logger, cloudwatch = ownRegionCloudWatch): Promise<TriggerNoticeFacts | null> {
  if (!request.deferred || !request.alarmName) return null;
  const alarmName = request.alarmName;
  const alarm = await readTriggerAlarm(cloudwatch(), alarmName);
  if (!alarm.found) {
    logger.warn('Deferred trigger alarm not found; the recovery goes on', { alarmName });
    return null;
  }
  const why = triggerNoLongerFiring(alarmName, alarm);
  if (!why) {
    logger.info('Deferred trigger still in ALARM after the wait period; the recovery goes on', { alarmName, deferredUntil: request.deferred.until });
    return null;
  }
  logger.warn('Deferred trigger cleared during its wait period: no recovery started', { alarmName, reason: why });
  return {
    stage: 'trigger-cleared',
    plan: plan.name,
    alarmName,
    scenario: scenarioForAlarm(plan, alarmName)?.id ?? null,
    alarmAt: request.incidentStartedAt ?? request.deferred.until,
    reason: `${why} after the suppressor's wait period (until ${request.deferred.until})`,
    by: alarm.mutedBy ?? alarm.suppressor ?? alarmName,
  };
}
