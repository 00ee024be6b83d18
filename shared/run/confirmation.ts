import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { InvalidInputError } from '../errors.ts';
import type { ComponentTask, RunContext } from './types.ts';

export interface ConfirmationRequest {
  run: RunContext;
  component: ComponentTask;
  taskToken: string;
}

/**
 * Asks operations to carry out a manual step and confirm it. The task token goes only to the internal
 * (encrypted) topic; whoever holds it can answer with `dr-autopilot approve|reject --token T`.
 */
export async function requestConfirmation(sns: SNSClient, topicArn: string, request: ConfirmationRequest): Promise<{ messageId: string }> {
  const { run, component, taskToken } = request;
  if (component.type !== 'manual') {
    throw new InvalidInputError(`component.type: ${component.type} does not wait for a confirmation`, { field: 'component.type' });
  }
  if (!taskToken) throw new InvalidInputError('taskToken: missing', { field: 'taskToken' });
  const deadline = new Date(Date.now() + component.timeoutSeconds * 1000).toISOString();
  const lines = [
    `Manual recovery step: ${component.name} (${component.id}, ${component.tier})`,
    `Run: ${run.plan} / ${run.scenario} (${run.executionId})`,
    '',
    component.params.instructions,
    ...(component.params.runbookUrl ? [`Runbook: ${component.params.runbookUrl}`] : []),
    '',
    // The state machine runs in the secondary region; the operator's default region may be the primary.
    `When done:  npx dr-autopilot approve --region ${run.regions.secondary} --token '${taskToken}'`,
    `If it cannot be done:  npx dr-autopilot reject --region ${run.regions.secondary} --token '${taskToken}' --reason '…'`,
    `Without an answer by ${deadline} the step counts as failed.`,
  ];
  const out = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: `[dr-autopilot] Confirm manual step: ${component.id}`.slice(0, 99),
      Message: lines.join('\n'),
      MessageAttributes: {
        audience: { DataType: 'String', StringValue: 'internal' },
        stage: { DataType: 'String', StringValue: 'confirmation-needed' },
        scenario: { DataType: 'String', StringValue: run.scenario },
        severity: { DataType: 'String', StringValue: run.severity },
      },
    }),
  );
  return { messageId: out.MessageId ?? '' };
}
