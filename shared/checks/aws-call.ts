import { classifyError } from '../errors.ts';
import type { CheckOutcome } from './result.ts';

/** An AWS error a check reports rather than retries: its name, and "Name (message)" for a detail. */
export interface AwsRefusal {
  awsError: string;
  said: string;
}

export type AwsAnswer<T> = { ok: true; value: T } | ({ ok: false } & AwsRefusal);

/**
 * One AWS call of a check. Throttling and 5xx are rethrown classified (AwsThrottlingError,
 * AwsTransientError: the state machine retries the verification); any other error (NotFound,
 * AccessDenied, a bad input…) is returned, named, for the check to report as what it found.
 */
export async function awsCall<T>(send: () => Promise<T>): Promise<AwsAnswer<T>> {
  try {
    return { ok: true, value: await send() };
  } catch (error) {
    const classified = classifyError(error);
    if (classified.retryable) throw classified;
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, awsError: name, said: `${name}${message && message !== name ? ` (${message})` : ''}` };
  }
}

/** "API what: Name (message)": the one-line account of a refused call. */
export const refusedDetail = (api: string, what: string, refusal: AwsRefusal): string => `${api} ${what}: ${refusal.said}`;

/** A check that fails because AWS refused the call, naming the API, what it was asked and the error. */
export const failedCall = (api: string, what: string, refusal: AwsRefusal): CheckOutcome => ({
  status: 'failed',
  detail: refusedDetail(api, what, refusal),
  observations: { api, awsError: refusal.awsError },
});
