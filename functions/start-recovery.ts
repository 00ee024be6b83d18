import { Metrics } from '@aws-lambda-powertools/metrics';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { unknown } from 'zod/mini';
import { clientConfig, onFirstUse } from '../shared/aws/clients.ts';
import { notifyTrigger } from '../shared/notify/trigger-notice.ts';
import { scenarioForAlarm } from '../shared/plan/recovery-order.ts';
import { startFromAlarm } from '../shared/run/starter.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { packagedPlan } from '../shared/runtime/plan.ts';

const sfn = new SFNClient(clientConfig(SFNClient));
// Only an ignored trigger sends a notice.
const sns = onFirstUse(() => new SNSClient(clientConfig(SNSClient)));
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
        notify: (facts) =>
          notifyTrigger({ sns: sns(), logger, metrics, now: () => new Date() }, { internal: process.env.INTERNAL_TOPIC_ARN, external: undefined }, facts, plan.stakeholders.audiences, plan.stakeholders.timeZone),
      },
      event,
    );
});
