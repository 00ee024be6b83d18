import { SNSClient } from '@aws-sdk/client-sns';
import { createAwsClients, clientConfig } from '../shared/aws/clients.ts';
import { approvalRequest, requestApproval } from '../shared/run/approval.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { componentTask } from '../shared/run/component-task.ts';
import { runPlan, runReversedComponents } from '../shared/runtime/plan.ts';

const sns = new SNSClient(clientConfig(SNSClient));
const clients = createAwsClients();


/**
 * The approval gate (`lambda:invoke.waitForTaskToken`): publishes what will happen and what it costs,
 * with the task token, to the internal topic. Event: `{ run, tiers, approval, taskToken, attempt }`.
 */
export const handler = lambdaHandler(approvalRequest, async (event) => {
  const topicArn = process.env.INTERNAL_TOPIC_ARN;
  if (!topicArn) throw new Error('INTERNAL_TOPIC_ARN is not set');
  // The one-way components' definitions and the RPO targets come from the packaged plan.
  const plan = await runPlan(event.run);
  const reversed = event.run.direction === 'reverse' ? await runReversedComponents(event.run) : undefined;
  const result = await requestApproval(
    { sns, clients, logger, now: () => new Date(), rpoClasses: plan.rpoClasses, componentTask: (id) => componentTask(plan, event.run.scenario, id, reversed) },
    topicArn,
    event,
  );
  // Never the token: whoever holds it can answer the gate.
  logger.info('Approval requested', {
    messageId: result.messageId,
    // Above 0: a retried request, which says it replaces the earlier one (its token no longer answers).
    attempt: event.attempt ?? 0,
    tier: event.tiers[event.approval.tierIndex]?.id,
    timeoutSeconds: event.approval.timeoutSeconds,
    dataAtRisk: result.dataAtRisk.map((r) => ({ component: r.component, replicaLagSeconds: r.replicaLagSeconds, note: r.note })),
  });
  return result;
});
