import { SNSClient } from '@aws-sdk/client-sns';
import { createAwsClients, clientConfig } from '../shared/aws/clients.ts';
import { approvalRequest, requestApproval } from '../shared/run/approval.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { packagedPlan } from '../shared/runtime/plan.ts';

const sns = new SNSClient(clientConfig(SNSClient));
const clients = createAwsClients();

/** The plan's RPO classes, to state each component's RPO target; the request goes out without them if the plan can't be read. */
async function rpoClasses(plan: string): Promise<Record<string, { targetMinutes: number }> | undefined> {
  try {
    const packaged = await packagedPlan();
    return packaged.name === plan ? packaged.rpoClasses : undefined;
  } catch (error) {
    logger.warn('Plan not readable: the approval request states no RPO targets', { errorName: (error as Error).name });
    return undefined;
  }
}

/**
 * The approval gate (`lambda:invoke.waitForTaskToken`): publishes what will happen and what it costs,
 * with the task token, to the internal topic. Event: `{ run, tiers, approval, taskToken }`.
 */
export const handler = lambdaHandler(approvalRequest, async (event) => {
  const topicArn = process.env.INTERNAL_TOPIC_ARN;
  if (!topicArn) throw new Error('INTERNAL_TOPIC_ARN is not set');
  const result = await requestApproval(
    { sns, clients, logger, now: () => new Date(), rpoClasses: await rpoClasses(event.run.plan) },
    topicArn,
    event,
  );
  // Never the token: whoever holds it can answer the gate.
  logger.info('Approval requested', {
    messageId: result.messageId,
    tier: event.tiers[event.approval.tierIndex]?.id,
    timeoutSeconds: event.approval.timeoutSeconds,
    dataAtRisk: result.dataAtRisk.map((r) => ({ component: r.component, replicaLagSeconds: r.replicaLagSeconds, note: r.note })),
  });
  return result;
});
