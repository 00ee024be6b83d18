import type { ReadinessFinding, ReadinessStatus } from './types.ts';

/**
 * Builders of findings and the readings most types share (a read's failure, the age of the newest
 * copy). Nothing here loads an SDK client: the replication-lag reading, which does, is lag.ts, so a
 * facet that does not read lag does not load CloudWatch with it.
 */

export const finding = (check: string, status: ReadinessStatus, detail: string): ReadinessFinding => ({ check, status, detail });

/** AWS errors that mean the resource a precondition names does not exist. */
const NOT_FOUND = /NotFound|NoSuch|DoesNotExist|ResourceNotFound/;
const ACCESS_DENIED = /AccessDenied|UnauthorizedOperation|AuthorizationError|NotAuthorized/;

/**
 * A read that failed, as a finding: a resource that is not there is not-ready (the recovery would fail
 * on it); access denied is not-ready too (the automation's roles carry the same read actions, so the
 * recovery would be refused as well); anything else (throttling, a timeout) is at-risk: unknown, not
 * known bad.
 */
export function readFailure(check: string, what: string, error: unknown): ReadinessFinding {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (NOT_FOUND.test(name)) return finding(check, 'not-ready', `${what} not found (${name}): create it in the recovery region, or correct the plan`);
  if (ACCESS_DENIED.test(name)) return finding(check, 'not-ready', `${what}: access denied (${name}): the automation's role lacks a read it needs; redeploy from this plan`);
  return finding(check, 'at-risk', `${what}: could not be read (${name}: ${message.slice(0, 200)}); readiness unknown until it answers`);
}

/**
 * How long one read may take: the SDK's own timeouts allow a black-holed endpoint a minute and more
 * (3 attempts of 20 s, shared/aws/clients.ts), and an assessment reads every component; a read that
 * has not answered by then is unknown (at risk), and the assessment goes on.
 */
export const READ_TIMEOUT_MS = 10_000;

/** Runs a read; its failure, or no answer within READ_TIMEOUT_MS, becomes a finding (readFailure) instead of an exception. */
export async function reading<T>(check: string, what: string, read: () => Promise<T>, timeoutMs = READ_TIMEOUT_MS): Promise<{ value: T } | { failed: ReadinessFinding }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { name: 'TimeoutError' })), timeoutMs);
  });
  try {
    return { value: await Promise.race([read(), late]) };
  } catch (error) {
    return { failed: readFailure(check, what, error) };
  } finally {
    clearTimeout(timer);
  }
}

const minutes = (seconds: number) => (seconds < 120 ? `${Math.round(seconds)} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`);
export const duration = minutes;

/**
 * How old the newest copy of the data is (replica lag, a recovery point's age, a restorable time's age)
 * (`what` then its age, e.g. "newest recovery point 3.0 h old", "ReplicaLag 3 s") against the component's RPO: above it, a recovery now would lose more than the plan allows (at-risk);
 * without an RPO class the age is only reported.
 */
export function ageFinding(check: string, what: string, ageSeconds: number, rpoSeconds: number | null, suffix = ' old'): ReadinessFinding {
  const age = `${what} ${minutes(ageSeconds)}${suffix}`;
  if (rpoSeconds === null) return finding(check, 'ready', `${age} (no RPO class)`);
  if (ageSeconds > rpoSeconds) return finding(check, 'at-risk', `${age}, above the RPO of ${minutes(rpoSeconds)}: a recovery now would lose more than the plan allows`);
  return finding(check, 'ready', `${age}, within the RPO of ${minutes(rpoSeconds)}`);
}
