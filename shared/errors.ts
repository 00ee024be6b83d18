import { isThrottlingError, isTransientError } from '@smithy/core/retry';

/**
 * Every error a function throws on purpose. The `name` of each class is the contract with the state
 * machine's `ErrorEquals` (test/statemachines/definition.test.ts checks every name used in ASL is
 * defined here). Retryable errors are retried by the state machine with backoff; terminal errors are
 * caught and end the component (or the run) without a retry.
 */
export abstract class DrAutopilotError extends Error {
  abstract override readonly name: string;
  abstract readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.details = details;
  }
}

// ---- terminal -------------------------------------------------------------------------------------

/** Execution input, event or CLI flag that does not satisfy its schema. */
export class InvalidInputError extends DrAutopilotError {
  override readonly name = 'InvalidInputError';
  readonly retryable = false;
}

/** One problem of a plan file: where (`path.to.field`, or `line N` for YAML syntax) and what to write instead. */
export interface PlanIssue {
  path: string;
  message: string;
}

/** The recovery plan file is invalid. `issues` holds every problem as { path, message }. */
export class PlanValidationError extends DrAutopilotError {
  override readonly name = 'PlanValidationError';
  readonly retryable = false;
  readonly file: string;
  readonly issues: PlanIssue[];
  constructor(file: string, issues: PlanIssue[]) {
    super(`${file}: ${issues.length} problem(s): ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
    this.file = file;
    this.issues = issues;
  }
}

/** AWS reported that the recovery operation itself failed (restore job FAILED, instance restore-error…). */
export class ActionFailedError extends DrAutopilotError {
  override readonly name = 'ActionFailedError';
  readonly retryable = false;
}

/** A resource is in a state the action does not understand or cannot act on: fail closed. */
export class UnexpectedStateError extends DrAutopilotError {
  override readonly name = 'UnexpectedStateError';
  readonly retryable = false;
}

/** A resource the plan names does not exist. */
export class ResourceNotFoundError extends DrAutopilotError {
  override readonly name = 'ResourceNotFoundError';
  readonly retryable = false;
}

/** The action did not finish within the component's timeout. */
export class ActionTimedOutError extends DrAutopilotError {
  override readonly name = 'ActionTimedOutError';
  readonly retryable = false;
}

/** An operator rejected a manual step or an approval (or it timed out, which counts as a denial). */
export class ApprovalDeniedError extends DrAutopilotError {
  override readonly name = 'ApprovalDeniedError';
  readonly retryable = false;
}

/** An invoked custom function (lambda-invoke) returned a function error. */
export class CustomStepFailedError extends DrAutopilotError {
  override readonly name = 'CustomStepFailedError';
  readonly retryable = false;
}

/** Raised by the state machine's final Fail state when the run did not recover; the cause is the run summary. */
export class RecoveryFailedError extends DrAutopilotError {
  override readonly name = 'RecoveryFailedError';
  readonly retryable = false;
}

/** The trigger alarm went back to OK before a one-way step: the run stops before the step (outcome aborted). */
export class RecoveryAbortedError extends DrAutopilotError {
  override readonly name = 'RecoveryAbortedError';
  readonly retryable = false;
}

/** The old primary is still available (it may accept writes): promoting now would leave two writers. */
export class SplitBrainRiskError extends DrAutopilotError {
  override readonly name = 'SplitBrainRiskError';
  readonly retryable = false;
}

/** Another recovery of the same plan holds the lock: at most one recovery per plan runs at a time. */
export class RecoveryInProgressError extends DrAutopilotError {
  override readonly name = 'RecoveryInProgressError';
  readonly retryable = false;
}

/**
 * Right before a one-way step, this execution no longer holds the plan's lock (released when the execution
 * was stopped, failed or timed out, or taken by another run) or is no longer RUNNING: a Lambda invocation
 * of a stopped execution still runs, and must not send the step.
 */
export class ExecutionNotCurrentError extends DrAutopilotError {
  override readonly name = 'ExecutionNotCurrentError';
  readonly retryable = false;
}

/** The plan's previous recovery ended less than `safety.cooldownMinutes` ago (anti-flapping). */
export class RecoveryCooldownError extends DrAutopilotError {
  override readonly name = 'RecoveryCooldownError';
  readonly retryable = false;
}

/** A check the plan lists (not advisory) failed after the component recovered, or in the final verification. */
export class IntegrityCheckFailedError extends DrAutopilotError {
  override readonly name = 'IntegrityCheckFailedError';
  readonly retryable = false;
}

// ---- retryable ------------------------------------------------------------------------------------

/** AWS throttled the call (Throttling, ThrottlingException, SlowDown, TooManyRequestsException…). */
export class AwsThrottlingError extends DrAutopilotError {
  override readonly name = 'AwsThrottlingError';
  readonly retryable = true;
}

/** A transient AWS failure (HTTP 5xx, timeouts, connection resets). */
export class AwsTransientError extends DrAutopilotError {
  override readonly name = 'AwsTransientError';
  readonly retryable = true;
}

/** The resource is busy with another operation (PriorRequestNotComplete, ScalingActivityInProgress…). */
export class ResourceBusyError extends DrAutopilotError {
  override readonly name = 'ResourceBusyError';
  readonly retryable = true;
}

/** The same task (execution + component + step) is still running in another invocation: try again after it. */
export class TaskInProgressError extends DrAutopilotError {
  override readonly name = 'TaskInProgressError';
  readonly retryable = true;
}

export const ERROR_NAMES = [
  'InvalidInputError',
  'PlanValidationError',
  'ActionFailedError',
  'UnexpectedStateError',
  'ResourceNotFoundError',
  'ActionTimedOutError',
  'ApprovalDeniedError',
  'CustomStepFailedError',
  'RecoveryFailedError',
  'RecoveryAbortedError',
  'SplitBrainRiskError',
  'RecoveryInProgressError',
  'RecoveryCooldownError',
  'IntegrityCheckFailedError',
  'AwsThrottlingError',
  'AwsTransientError',
  'ResourceBusyError',
  'TaskInProgressError',
] as const;
export type ErrorName = (typeof ERROR_NAMES)[number];

export const RETRYABLE_ERROR_NAMES: readonly ErrorName[] = ['AwsThrottlingError', 'AwsTransientError', 'ResourceBusyError', 'TaskInProgressError'];

/** AWS error names (SDK v3 `name`) that mean "busy, try again shortly" rather than a failure. */
const BUSY_NAMES = new Set([
  'PriorRequestNotComplete',
  'ScalingActivityInProgressFault',
  'ResourceContentionFault',
  'HealthCheckVersionMismatch',
  'TooManyUpdates',
  'ConcurrentModificationException',
]);

/**
 * Maps anything thrown by an action to one of our named errors, so the state machine can tell
 * retryable from terminal. Our own errors pass through; AWS throttling and transient failures become
 * retryable; everything else (including AWS errors we did not anticipate) is terminal: fail closed.
 */
export function classifyError(error: unknown): DrAutopilotError {
  if (error instanceof DrAutopilotError) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const sdkLike = err as Error & { $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const details = { awsErrorName: err.name, httpStatusCode: sdkLike.$metadata?.httpStatusCode };
  if (BUSY_NAMES.has(err.name)) return new ResourceBusyError(err.message, details, { cause: err });
  // Powertools idempotency: an earlier invocation of the same task holds its record (still running, or
  // died before its in-progress expiry): retry later rather than run the task twice.
  if (err.name === 'IdempotencyAlreadyInProgressError') return new TaskInProgressError(err.message, details, { cause: err });
  // The smithy classifiers look at the error's name, $retryable trait and HTTP status.
  const asSdk = err as Parameters<typeof isThrottlingError>[0];
  if (isThrottlingError(asSdk)) return new AwsThrottlingError(err.message, details, { cause: err });
  if (isTransientError(asSdk) || (sdkLike.$metadata?.httpStatusCode ?? 0) >= 500) {
    return new AwsTransientError(err.message, details, { cause: err });
  }
  return new UnexpectedStateError(`${err.name}: ${err.message}`, details, { cause: err });
}

/** Maps an AWS "not found" error (by name) to ResourceNotFoundError, anything else through classifyError. */
export function notFoundOr(error: unknown, notFoundNames: readonly string[], what: string): DrAutopilotError {
  if (error instanceof Error && notFoundNames.includes(error.name)) {
    return new ResourceNotFoundError(`${what} does not exist (${error.name})`, { awsErrorName: error.name }, { cause: error });
  }
  return classifyError(error);
}
