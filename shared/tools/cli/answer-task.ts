import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { InvalidInputError } from '../../errors.ts';
import type { ApprovalDecision } from '../../run/types.ts';

export interface Answer {
  token: string;
  /** Who answers (recorded in the run's output). */
  by: string;
  approve: boolean;
  /** Approve only: approved knowing the old primary may still be up (split-brain guards fence it and go on). */
  force?: boolean;
  reason?: string;
  now: Date;
}

/**
 * SendTaskSuccess's output: the approval gate's decision ($.approval.decision), plus the keys a
 * manual step's confirmation has always carried (confirmedBy, confirmedAt), which reports read.
 */
export type ApprovalOutput = ApprovalDecision & { confirmedBy: string; confirmedAt: string };

/** SendTaskFailure's cause is at most 32,768 characters; an approval's reason is held to the same. */
const MAX_REASON_CHARS = 32_768;

/** Task tokens are 1–2048 characters (SendTaskSuccess/SendTaskFailure). */
function checkToken(token: string): void {
  if (!token || token.length > 2048 || /\s/.test(token)) {
    throw new InvalidInputError('--token: a task token is 1-2048 characters without spaces; copy it from the notice', { field: 'token' });
  }
}

/**
 * Answers an approval gate or a manual step waiting on a task token: SendTaskSuccess with the
 * decision (who, when, force, reason), or SendTaskFailure with ApprovalDeniedError (the state
 * machine's Catch records the reason). Bad input throws InvalidInputError before any AWS call.
 */
export async function answerTask(sfn: SFNClient, answer: Answer): Promise<void> {
  checkToken(answer.token);
  if (answer.force === true && !answer.approve) {
    throw new InvalidInputError('--force: only approve takes --force; reject stops the run whatever the old primary does', { field: 'force' });
  }
  if (answer.approve) {
    const at = answer.now.toISOString();
    const reason = answer.reason?.trim() ? answer.reason.slice(0, MAX_REASON_CHARS) : null;
    const output: ApprovalOutput = { approved: true, by: answer.by, force: answer.force === true, reason, at, confirmedBy: answer.by, confirmedAt: at };
    await sfn.send(new SendTaskSuccessCommand({ taskToken: answer.token, output: JSON.stringify(output) }));
    return;
  }
  const reason = (answer.reason ?? 'rejected by an operator').slice(0, MAX_REASON_CHARS);
  await sfn.send(
    new SendTaskFailureCommand({
      taskToken: answer.token,
      error: 'ApprovalDeniedError',
      cause: JSON.stringify({ errorMessage: `${reason} (rejected by ${answer.by})` }),
    }),
  );
}
