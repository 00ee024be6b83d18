import { classifyError } from '../errors.ts';

/**
 * Whether a region answered. During a region outage its endpoints stop answering: a call hangs until
 * the client's timeouts (shared/aws/clients.ts) or a probe's own bound end it. Code that calls into
 * the primary region in a recovery treats these errors as "the region does not answer" and takes its
 * unreachable path, never as a reason to wait.
 *
 * Not answering is not being fenced: a database whose region does not answer may still take writes from
 * clients in that region, and will when the region comes back. A split-brain guard that goes on past an
 * unreachable old primary says so in the approval request and needs a person's approval for the step
 * (OneWayStep.fencingUnprovenWhenUnreachable; shared/components/rds-replica-promotion, aurora-global-failover).
 */

/** How long a read of the primary region may take before the region counts as not answering. */
export const PROBE_TIMEOUT_MS = 5_000;

/** Node's network error codes for a peer that is not there (refused, reset, unreachable, no DNS answer). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** A timeout, an abort, a network error or an HTTP 5xx: the region did not answer. */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  if (error.name === 'AbortError' || error.name === 'TimeoutError' || (typeof code === 'string' && NETWORK_CODES.has(code))) return true;
  return classifyError(error).name === 'AwsTransientError';
}
