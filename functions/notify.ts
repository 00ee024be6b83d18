import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { clientConfig, createAwsClients } from '../shared/aws/clients.ts';
import { notifyStage, type PublishResult } from '../shared/notify/publish.ts';
import { noticeEventInput, TRIGGER_STAGES, type NoticeStage } from '../shared/notify/stages.ts';
import { notifyTrigger, triggerNoticeEvent } from '../shared/notify/trigger-notice.ts';
import { parseTaskInput } from '../shared/run/task-input.ts';
import type { Plan } from '../shared/plan/schema.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { packagedPlan } from '../shared/runtime/plan.ts';

const sns = new SNSClient(clientConfig(SNSClient));
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'dr-autopilot', serviceName: 'dr-autopilot' });
const clients = createAwsClients();

/** The secret's own region (from its ARN), else the function's. */
function secretsFor(secretArn: string): SecretsManagerClient {
  const region = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):/.exec(secretArn)?.[1] ?? process.env.AWS_REGION ?? '';
  return clients.get(SecretsManagerClient, region);
}

/**
 * Stakeholder notices (`lambda:invoke`, ResultPath null: nothing the run needs comes back). Event:
 * `{ stage, ...the stage's input }` (shared/notify/stages.ts). Publishes to INTERNAL_TOPIC_ARN and
 * EXTERNAL_TOPIC_ARN per the packaged plan's audiences, with times in its `stakeholders.timeZone`;
 * posts internal notices to Slack when SLACK_WEBHOOK_SECRET_ARN is set. Returns `{ stage, sent, failed }`;
 * never throws for a notice that could not be delivered, only InvalidInputError for an event its stage
 * cannot use (an unknown stage is refused at the edge: noticeEventInput).
 */
export const handler = lambdaHandler(noticeEventInput, async (event): Promise<PublishResult & { stage: NoticeStage }> => {
  const plan: Plan = await packagedPlan();
  const slackWebhookSecretArn = process.env.SLACK_WEBHOOK_SECRET_ARN || undefined;
  const deps = {
    sns,
    logger,
    metrics,
    now: () => new Date(),
    ...(slackWebhookSecretArn ? { slackWebhookSecretArn, secrets: secretsFor(slackWebhookSecretArn) } : {}),
  };
  const topics = { internal: process.env.INTERNAL_TOPIC_ARN, external: process.env.EXTERNAL_TOPIC_ARN };
  // A trigger alarm that started no recovery (`trigger-cleared` after a deferred start): internal notices, no run facts.
  if ((TRIGGER_STAGES as readonly string[]).includes(event.stage)) {
    const { stage, trigger } = parseTaskInput(triggerNoticeEvent, event);
    const sent = await notifyTrigger(deps, topics, { stage, ...trigger }, plan.stakeholders.audiences, plan.stakeholders.timeZone);
    logger.info('Notices published', { stage, sent: sent.sent.length, failed: sent.failed.length });
    return { stage, ...sent };
  }
  const result = await notifyStage(
    deps,
    topics,
    event,
    {
      audiences: plan.stakeholders.audiences,
      plan,
      // Times in the plan's time zone (stakeholders.timeZone).
      timeZone: plan.stakeholders.timeZone,
      // The drill and tests refuse an external notice the scrubber would have to touch.
      strict: process.env.NOTICE_STRICT_REDACTION === 'true',
    },
  );
  logger.info('Notices published', {
    stage: result.stage,
    sent: result.sent.length,
    failed: result.failed.map((f) => ({ audience: f.audience, language: f.language, channel: f.channel, errorName: f.errorName })),
  });
  return result;
});
