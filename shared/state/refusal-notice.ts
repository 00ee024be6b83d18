import type { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { clientConfig } from '../aws/clients.ts';
import { RecoveryInProgressError, type RecoveryCooldownError } from '../errors.ts';
import type { RunContext } from '../run/types.ts';

export type LockRefusal = RecoveryInProgressError | RecoveryCooldownError;

/**
 * Tells operations (internal topic) that a recovery was not started because another one holds the
 * plan's lock or the plan is in its cooldown. One message per refused execution.
 */
export async function publishRefusalNotice(sns: SNSClient, topicArn: string, run: RunContext, refusal: LockRefusal): Promise<{ messageId: string }> {
  const inProgress = refusal instanceof RecoveryInProgressError;
  const d = refusal.details as Record<string, string | number | null | undefined>;
  const lines = [
    `Recovery not started: ${run.plan} / ${run.scenario} (${run.executionId})`,
    ...(run.trigger ? [`Trigger: ${run.trigger.kind} by ${run.trigger.by}${run.trigger.reason ? ` (${run.trigger.reason})` : ''}`] : []),
    '',
    refusal.message,
    '',
    ...(inProgress
      ? [`Running recovery: ${d.owner} (scenario ${d.scenario ?? 'unknown'}) since ${d.since ?? 'unknown'}; lock expires at ${d.expiresAt ?? 'unknown'}.`]
      : [
          `Last recovery: ${d.lastOwner ?? 'unknown'} ended at ${d.lastReleasedAt} (${d.lastOutcome ?? 'unknown'}).`,
          `Next start allowed at ${d.nextAllowedAt}. To start anyway: console input "ignoreCooldown": true.`,
        ]),
    `This execution fails with ${refusal.name}; it changed nothing.`,
  ];
  const why = inProgress ? 'already recovering' : 'in cooldown';
  const out = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: `[dr-autopilot] Recovery not started: ${run.plan} ${why}`.slice(0, 99),
      Message: lines.join('\n'),
      MessageAttributes: {
        audience: { DataType: 'String', StringValue: 'internal' },
        stage: { DataType: 'String', StringValue: 'recovery-refused' },
        scenario: { DataType: 'String', StringValue: run.scenario },
        severity: { DataType: 'String', StringValue: run.severity },
      },
    }),
  );
  return { messageId: out.MessageId ?? '' };
}

/**
 * Publishes the refusal notice, never failing because of it: the refusal itself is what the execution
 * must end with (its error name is what the state machine and operators see). A missing topic or a
 * failed publish is logged as an error.
 */
export async function notifyRefusal(sns: SNSClient, topicArn: string | undefined, run: RunContext, refusal: LockRefusal, logger: Logger): Promise<void> {
  if (!topicArn) {
    logger.error('Recovery refusal not published: INTERNAL_TOPIC_ARN is not set', { errorName: refusal.name });
    return;
  }
  try {
    const { messageId } = await publishRefusalNotice(sns, topicArn, run, refusal);
    logger.info('Recovery refusal published', { messageId, errorName: refusal.name });
  } catch (error) {
    logger.error('Recovery refusal not published', { errorName: refusal.name, publishError: (error as Error).name, errorMessage: (error as Error).message });
  }
}

/**
 * notifyRefusal with an SNS client of the function's own region, built once here: what acquire-lock
 * loads with import() on its first refusal, so its cold start carries neither the notice nor the client.
 */
export function refusalNotifier(): (topicArn: string | undefined, run: RunContext, refusal: LockRefusal, logger: Logger) => Promise<void> {
  const sns = new SNSClient(clientConfig(SNSClient));
  return (...refused) => notifyRefusal(sns, ...refused);
}
