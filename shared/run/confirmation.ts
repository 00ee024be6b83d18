import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { int, lazy, literal, looseObject, minLength, nonnegative, object, optional, string, type output } from 'zod/mini';
import { componentFields, runContext } from './task-schemas.ts';
import { typed } from './task-input.ts';
import type { ComponentTask } from './types.ts';
import { automationRegion } from './regions.ts';

/**
 * A waitForTaskToken request's attempt: `$$.State.RetryCount` of its Task (0 the first time, 1 after one
 * retry, …). Step Functions gives every attempt a new task token and accepts only the current one, so a
 * retried request voids the token of any request sent before it. (Request Recovery Approval's too.)
 */
export const attemptField = int().check(nonnegative('must be a whole number, 0 or more ($$.State.RetryCount)'));

/**
 * The first lines of a retried request (none for the first attempt): it replaces the earlier one, whose
 * token no longer answers. The earlier attempt may have failed before or after its message went out, so
 * this speaks of "any" earlier request.
 */
export function replacesEarlierRequest(attempt: number, what: string): string[] {
  if (attempt === 0) return [];
  return [
    `REPLACES AN EARLIER REQUEST (attempt ${attempt + 1}): this ${what} replaces any earlier ${what} for the same step; ` +
      `the earlier token no longer answers (Step Functions accepts only this request's token). Answer with the commands below.`,
    '',
  ];
}

/** A manual step: the only component that waits for a confirmation. */
type ManualTask = Extract<ComponentTask, { type: 'manual' }>;

/**
 * Request Operator Confirmation's Payload: `$.run`, `$.component` (a manual step), the task token
 * (`$$.Task.Token`) and the attempt (`$$.State.RetryCount`: 0 for the first request).
 */
export const confirmationRequest = lazy(() =>
  object({
    run: runContext,
    component: typed<ManualTask, ComponentTask>()(
      looseObject({
        ...componentFields(),
        type: literal('manual', 'only a manual step waits for a confirmation'),
        params: looseObject({ instructions: string(), runbookUrl: optional(string()) }),
      }),
    ),
    taskToken: string().check(minLength(1, 'missing')),
    attempt: optional(attemptField),
  }),
);
export type ConfirmationRequest = output<typeof confirmationRequest>;

/**
 * Asks operations to carry out a manual step and confirm it. The task token goes only to the internal
 * (encrypted) topic; whoever holds it can answer with `dr-autopilot approve|reject --token T`.
 */
export async function requestConfirmation(sns: SNSClient, topicArn: string, request: ConfirmationRequest): Promise<{ messageId: string }> {
  const { run, component, taskToken } = request;
  const deadline = new Date(Date.now() + component.timeoutSeconds * 1000).toISOString();
  const lines = [
    ...replacesEarlierRequest(request.attempt ?? 0, 'confirmation request'),
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
