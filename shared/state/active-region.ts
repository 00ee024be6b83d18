import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RunSummary } from '../run/types.ts';
import { activeRegionKey } from './keys.ts';
import type { StateDeps } from './table.ts';

/**
 * Which region the plan's system runs in now, held in the state table (`active#<plan>` / `region`):
 * a recovery that moved the system to the plan's secondary region says so, so that readiness reports
 * that protection now runs the other way (and, with re-protect and failback, which way the plan runs).
 * No record: the plan's primary (nothing has moved it).
 */
export interface ActiveRegion {
  region: string;
  since: string;
  executionId: string;
  scenario: string;
}

/**
 * The region a recovered run left the system in, or null when it did not move it: a run moved it when
 * it recovered, and recovered a route53-failover component (traffic now goes to the secondary region).
 * A run that recovered a database or a bucket in place left the system where it was.
 */
export function activeRegionAfter(summary: Pick<RunSummary, 'outcome' | 'components'>, regions: { secondary: string }): string | null {
  if (summary.outcome !== 'recovered') return null;
  return summary.components.some((c) => c.type === 'route53-failover' && c.status === 'recovered') ? regions.secondary : null;
}

export async function readActiveRegion(deps: Pick<StateDeps, 'ddb' | 'tableName'>, plan: string): Promise<ActiveRegion | null> {
  const out = await deps.ddb.send(new GetCommand({ TableName: deps.tableName, Key: activeRegionKey(plan), ConsistentRead: true }));
  const item = out.Item as Partial<ActiveRegion> | undefined;
  if (!item || typeof item.region !== 'string') return null;
  return { region: item.region, since: String(item.since ?? ''), executionId: String(item.executionId ?? ''), scenario: String(item.scenario ?? '') };
}

/** Records where the system runs now (same item each time: a retried write writes the same). */
export async function writeActiveRegion(deps: Pick<StateDeps, 'ddb' | 'tableName'>, plan: string, active: ActiveRegion): Promise<void> {
  await deps.ddb.send(new PutCommand({ TableName: deps.tableName, Item: { ...activeRegionKey(plan), ...active } }));
}
