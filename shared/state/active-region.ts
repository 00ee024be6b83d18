import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RunContext, RunSummary } from '../run/types.ts';
import { activeRegionKey } from './keys.ts';
import type { StateDeps } from './table.ts';

/**
 * Which region the plan's system runs in now, held in the state table (`active#<plan>` / `region`):
 * a recovery that moved the system to the plan's secondary region says so, so that readiness reports
 * that protection now runs the other way, and Prepare Run knows which way the plan runs (a failback
 * runs it in reverse; shared/run/prepare.ts runDirection). No record: the plan's primary (nothing has
 * moved it). A failback writes the plan's primary back.
 */
export interface ActiveRegion {
  region: string;
  since: string;
  executionId: string;
  scenario: string;
}

/**
 * The region a run left the system in, or null when it did not move it: a recovered run of a scenario
 * that moves the system (RunContext.movesActiveRegion: a failback, or a recovery that fails traffic
 * over) moved it to the run's secondary region, which in a failback is the plan's primary. A run that
 * recovered a database or a bucket in place, a re-protect, or a run that did not recover, left it where it was.
 */
export function activeRegionAfter(summary: Pick<RunSummary, 'outcome'>, run: Pick<RunContext, 'movesActiveRegion' | 'regions'>): string | null {
  return summary.outcome === 'recovered' && run.movesActiveRegion ? run.regions.secondary : null;
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
