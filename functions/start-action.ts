import { createAwsClients } from '../shared/aws/clients.ts';
import { startComponent, type StartInput } from '../shared/run/component.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

const clients = createAwsClients();

/** Starts one component's recovery action (idempotent). */
export const handler = lambdaHandler(async (event: StartInput) => {
  const action = await startComponent({ clients, logger, now: () => new Date() }, event);
  logger.info('Action started', { status: action.status, done: action.done, nextCheckSeconds: action.nextCheckSeconds });
  return action;
});
