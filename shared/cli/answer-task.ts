import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { InvalidInputError } from '../errors.ts';

export interface Answer {
  token: string;
  /** Who answers (recorded in the run's output). */
  by: string;
  approve: boolean;
  reason?: string;
  now: Date;
}

/** Task tokens are 1–2048 characters (SendTaskSuccess/SendTaskFailure). */
function checkToken(token: string): void {
  if (!token || token.length > 2048 || /\s/.test(token)) {
    throw new InvalidInputError('--token: a task token is 1-2048 characters without spaces; copy it from the notice', { field: 'token' });
  }
}

/**
 * Answers an approval gate or a manual step waiting on a task token: SendTaskSuccess with who and
 * when, or SendTaskFailure with ApprovalDeniedError (the state machine's Catch records the reason).
 */
export async function answerTask(sfn: SFNClient, answer: Answer): Promise<void> {
  checkToken(answer.token);
  if (answer.approve) {
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: answer.token,
        output: JSON.stringify({ confirmedBy: answer.by, confirmedAt: answer.now.toISOString() }),
      }),
    );
    return;
  }
  const reason = (answer.reason ?? 'rejected by an operator').slice(0, 32_768);
  await sfn.send(
    new SendTaskFailureCommand({
      taskToken: answer.token,
      error: 'ApprovalDeniedError',
      cause: JSON.stringify({ errorMessage: `${reason} (rejected by ${answer.by})` }),
    }),
  );
}
