import { SFNClient } from '@aws-sdk/client-sfn';
import { startFromAlarm } from '../shared/run/starter.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

const sfn = new SFNClient({});

/**
 * EventBridge target for the plan's trigger alarms: starts the failover state machine with a
 * deterministic execution name (alarm + state-change time), which EventBridge alone cannot set.
 */
export const handler = lambdaHandler(async (event: unknown) => {
  const stateMachineArn = process.env.STATE_MACHINE_ARN;
  if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not set');
  return startFromAlarm(sfn, stateMachineArn, event, logger);
});
