import type { Logger } from '@aws-lambda-powertools/logger';
import type { Json } from '../../components/types.ts';
import { UnexpectedStateError } from '../../errors.ts';
import type { Component, Plan } from '../../plan/schema.ts';
import { readActiveRegion } from '../../state/active-region.ts';
import type { StateDeps } from '../../state/table.ts';
import type { DatabaseSpec } from '../schema.ts';

/** What a scheduled writer (heartbeat, manifest) did for each database of the plan. */
export interface ScheduledSummary {
  databases: number;
  succeeded: number;
  failed: number;
  results: ({ component: string; ok: true } & Record<string, Json>)[];
  failures: { component: string; errorName: string; errorMessage: string }[];
}

/**
 * Runs `work` for every component of the plan that has a `database`, all at once: the primary's
 * region may be down, so one database failing (or hanging until its connect timeout) never holds up
 * the others. Every outcome is logged. Throws only when every database failed, so the function's
 * error metric says "no database was reached".
 */
export async function forEachDatabase(
  plan: Plan,
  logger: Logger,
  what: string,
  work: (component: Component, database: DatabaseSpec) => Promise<Record<string, Json>>,
): Promise<ScheduledSummary> {
  const components = plan.components.filter((c): c is Component & { database: DatabaseSpec } => c.database !== undefined);
  const settled = await Promise.allSettled(components.map((c) => work(c, c.database)));
  const summary: ScheduledSummary = { databases: components.length, succeeded: 0, failed: 0, results: [], failures: [] };
  settled.forEach((outcome, i) => {
    const component = components[i]!.id;
    if (outcome.status === 'fulfilled') {
      summary.succeeded++;
      summary.results.push({ component, ok: true, ...outcome.value });
      logger.info(`${what}: done`, { component, ...outcome.value });
    } else {
      const error = outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
      summary.failed++;
      summary.failures.push({ component, errorName: error.name, errorMessage: error.message });
      logger.warn(`${what}: failed`, { component, errorName: error.name, errorMessage: error.message });
    }
  });
  if (components.length === 0) logger.info(`${what}: no component of plan ${plan.name} has a database`);
  if (components.length > 0 && summary.failed === components.length) {
    throw new UnexpectedStateError(`${what} failed for every database: ${summary.failures.map((f) => `${f.component}: ${f.errorMessage}`).join('; ')}`, { failures: summary.failures });
  }
  return summary;
}

/**
 * Where the system writes now, for the scheduled writers: the state table's active region (a recovery
 * moved the system to the plan's secondary: heartbeats and manifests go to the recovered database, so a
 * failback's RPO is measured too). A state table that cannot be read leaves them on the plan's primary
 * (logged): the writers never stop for it.
 */
export async function writingRegion(deps: Pick<StateDeps, 'ddb' | 'tableName'> | null, plan: Plan, logger: Logger): Promise<string> {
  if (!deps) return plan.regions.primary;
  try {
    return (await readActiveRegion(deps, plan.name))?.region ?? plan.regions.primary;
  } catch (error) {
    logger.warn('Active region not read: writing to the plan\'s primary', { errorName: error instanceof Error ? error.name : 'Error', errorMessage: error instanceof Error ? error.message : String(error) });
    return plan.regions.primary;
  }
}

/** The secret of the database the system writes to in `region`: the recovered one when that is the plan's secondary. */
export const writerSecret = (plan: Plan, database: DatabaseSpec, region: string): string =>
  region === plan.regions.secondary ? database.recoverySecretArn : database.primarySecretArn;
