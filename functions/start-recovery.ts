import { SFNClient } from '@aws-sdk/client-sfn';
import { unknown } from 'zod/mini';
import { startFromAlarm } from '../shared/run/starter.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { clientConfig } from '../shared/aws/clients.ts';

const sfn = new SFNClient(clientConfig(SFNClient));

/**
 * EventBridge target for the plan's trigger alarms: starts the failover state machine with a
 * deterministic execution name (alarm + state-change time), which EventBridge alone cannot set.
 * startFromAlarm parses the event (alarmEvent, shared/run/alarm-event.ts): an OK or INSUFFICIENT_DATA
 * change is ignored, not refused, so the edge takes any event.
 */
export const handler = lambdaHandler(unknown(), async (event) => {
  const stateMachineArn = process.env.STATE_MACHINE_ARN;
  if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not set');
  return startFromAlarm(sfn, stateMachineArn, event, logger);
});
