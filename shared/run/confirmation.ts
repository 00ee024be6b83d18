import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { literal, looseObject, minLength, object, optional, string, type output } from 'zod/mini';
import { componentFields, runContext } from './task-schemas.ts';
import { typed } from './task-input.ts';
import type { ComponentTask } from './types.ts';
import { automationRegion } from './regions.ts';

/** A manual step: the only component that waits for a confirmation. */
type ManualTask = Extract<ComponentTask, { type: 'manual' }>;

/** Request Operator Confirmation's Payload: `$.run`, `$.component` (a manual step) and the task token (`$$.Task.Token`). */
export const confirmationRequest = object({
  run: runContext,
  component: typed<ManualTask, ComponentTask>()(
    looseObject({
      ...componentFields,
      type: literal('manual', 'only a manual step waits for a confirmation'),
      params: looseObject({ instructions: string(), runbookUrl: optional(string()) }),
    }),
  ),
  taskToken: string().check(minLength(1, 'missing')),
});
export type ConfirmationRequest = output<typeof confirmationRequest>;

/**
 * Asks operations to carry out a manual step and confirm it. The task token goes only to the internal
 * (encrypted) topic; whoever holds it can answer with `dr-autopilot approve|reject --token T`.
 */
export async function requestConfirmation(sns: SNSClient, topicArn: string, request: ConfirmationRequest): Promise<{ messageId: string }> {
  const { run, component, taskToken } = request;
  const deadline = new Date(Date.now() + component.timeoutSeconds * 1000).toISOString();
  const lines = [
    `Manual recovery step: ${component.name} (${component.id}, ${component.tier})`,
    `Run: ${run.plan} / ${run.scenario} (${run.executionId})`,
    '',
    component.params.instructions,
    ...(component.params.runbookUrl ? [`Runbook: ${component.params.runbookUrl}`] : []),
    '',
    // The state machine runs where it is deployed (the plan's secondary region); the operator's default region may be another.
    `When done:  npx dr-autopilot approve --region ${automationRegion(run)} --token '${taskToken}'`,
    `If it cannot be done:  npx dr-autopilot reject --region ${automationRegion(run)} --token '${taskToken}' --reason '…'`,
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
