import { classifyError } from '../errors.ts';
import type { CheckSpec, CheckType } from './schema.ts';
import type { CheckContext, CheckResult, CheckRunner } from './types.ts';

/** One runner per check type. */
export type CheckRegistry = { [T in CheckType]: CheckRunner<T> };

/** Finds the runner of a check type (shared/checks/index.ts loads it on first use). */
export type CheckLoader = <T extends CheckType>(type: T) => Promise<CheckRunner<T>>;

/**
 * Runs the listed checks one after the other and returns every result. A check that fails, or whose
 * runner throws a terminal error, is a failed result naming what went wrong; a retryable error
 * (throttling, a 5xx) is thrown, so the state machine retries the whole verification.
 */
export async function runChecks(ctx: CheckContext, specs: readonly CheckSpec[], load: CheckLoader): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const spec of specs) {
    const runner = (await load(spec.type)) as CheckRunner<CheckType>;
    const base = { component: ctx.component?.id ?? null, name: spec.name ?? spec.type, type: spec.type, advisory: spec.advisory };
    try {
      const outcome = await runner(ctx, spec as never);
      results.push({ ...base, status: outcome.status, detail: outcome.detail, observations: outcome.observations ?? {}, checkedAt: ctx.now.toISOString() });
    } catch (error) {
      const classified = classifyError(error);
      if (classified.retryable) throw classified;
      results.push({ ...base, status: 'failed', detail: `${classified.name}: ${classified.message}`, observations: {}, checkedAt: ctx.now.toISOString() });
    }
    ctx.logger.info('Check finished', { check: base.name, component: base.component, status: results.at(-1)!.status, advisory: base.advisory });
  }
  return results;
}

/** The results that fail their component (or the run): failed and not advisory. */
export const blocking = (results: readonly CheckResult[]): CheckResult[] => results.filter((r) => r.status === 'failed' && !r.advisory);

/** One line naming every blocking failure, for the component's error or the run's reason. */
export function describeFailures(results: readonly CheckResult[]): string {
  return blocking(results)
    .map((r) => `${r.component ? `${r.component}: ` : ''}${r.name} failed: ${r.detail}`)
    .join('; ');
}
