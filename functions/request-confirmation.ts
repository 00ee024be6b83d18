import { SNSClient } from '@aws-sdk/client-sns';
import { confirmationRequest, requestConfirmation } from '../shared/run/confirmation.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { clientConfig } from '../shared/aws/clients.ts';

const sns = new SNSClient(clientConfig(SNSClient));

/** Publishes a manual step's confirmation request (with its task token and attempt) to the internal topic. */
export const handler = lambdaHandler(confirmationRequest, async (event) => {
  const topicArn = process.env.INTERNAL_TOPIC_ARN;
  if (!topicArn) throw new Error('INTERNAL_TOPIC_ARN is not set');
  const { messageId } = await requestConfirmation(sns, topicArn, event);
  // Above 0: a retried request, which says it replaces the earlier one (its token no longer answers).
  logger.info('Confirmation requested', { messageId, attempt: event.attempt ?? 0 });
  return { messageId };
});
