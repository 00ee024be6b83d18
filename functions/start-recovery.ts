import { Metrics } from '@aws-lambda-powertools/metrics';
import { SFNClient } from '@aws-sdk/client-sfn';
import { unknown } from 'zod/mini';
import { clientConfig, onFirstUse } from '../shared/aws/clients.ts';
import { scenarioForAlarm } from '../shared/plan/recovery-order.ts';
import { startFromAlarm } from '../shared/run/starter.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { packagedPlan } from '../shared/runtime/plan.ts';

const sfn = new SFNClient(clientConfig(SFNClient));
// Only an ignored trigger sends a notice: its code and SNS client load on the first one, not at cold start.
const triggerNotifier = onFirstUse(async () => (await import('../shared/notify/trigger-notice.ts')).triggerNotifier());
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'dr-autopilot', serviceName: 'dr-autopilot' });

/**
 * EventBridge target for the plan's trigger alarms: starts the failover state machine with a
 * deterministic execution name (alarm + state-change time), which EventBridge alone cannot set.
 * startFromAlarm parses the event (alarmEvent, shared/run/alarm-event.ts): an OK or INSUFFICIENT_DATA
 * change is ignored, not refused, so the edge takes any event; an alarm fired while suppressed or muted
 * is ignored with a metric and an internal notice; one in its suppressor's wait period starts deferred.
 */
export const handler = lambdaHandler(unknown(), async (event) => {
  const stateMachineArn = process.env.STATE_MACHINE_ARN;
  if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not set');
  const plan = await packagedPlan();
  return startFromAlarm(
      {
        sfn,
        stateMachineArn,
        logger,
        metrics,
        plan: { name: plan.name, scenarioFor: (alarm) => scenarioForAlarm(plan, alarm)?.id ?? null },
        // Never throws (the starter's contract): a notice that cannot even load is only logged.
        notify: (facts) =>
          triggerNotifier()
            .then((notify) => notify({ logger, metrics, now: () => new Date() }, { internal: process.env.INTERNAL_TOPIC_ARN, external: undefined }, facts, plan.stakeholders.audiences, plan.stakeholders.timeZone))
            .catch((notLoaded: unknown) => logger.error('Trigger notice not published', { alarmName: facts.alarmName, publishError: (notLoaded as Error).name })),
      },
      event,
    );
});
