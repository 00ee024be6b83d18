import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { readinessKey } from '../state/keys.ts';
import type { StateDeps } from '../state/table.ts';
import type { ReadinessReport } from './assess.ts';
import { worstStatus, type ReadinessStatus } from './types.ts';

/**
 * The latest readiness of a plan in the state table (`readiness#<plan>` / `latest`): what the next
 * assessment compares itself with, so operations hear of a change once, not every 30 minutes.
 */

/** What is kept: each item's status, by a name that says what it is. */
export interface ReadinessRecord {
  assessedAt: string;
  status: ReadinessStatus;
  /** `component:<id>`, `system:<check>`, `rto:<scenario>:<tier>`, `rpo:<class>` → status. */
  items: Record<string, ReadinessStatus>;
}

export interface ReadinessChange {
  item: string;
  from: ReadinessStatus | 'new';
  to: ReadinessStatus | 'gone';
}

/** The record of a report: every status by item. */
export function recordOf(report: ReadinessReport): ReadinessRecord {
  const items: Record<string, ReadinessStatus> = {};
  for (const c of report.components) items[`component:${c.id}`] = c.status;
  for (const f of report.system) {
    const key = `system:${f.check}`;
    // Several findings of one check (one per topic): its worst status.
    items[key] = worstStatus([items[key] ?? 'ready', f.status]);
  }
  for (const s of report.forecast.rto) for (const t of s.tiers) items[`rto:${s.scenario}:${t.id}`] = t.status;
  for (const r of report.forecast.rpo) items[`rpo:${r.rpoClass}`] = r.status;
  return { assessedAt: report.assessedAt, status: report.status, items };
}

/** What changed since the previous record; with none (the first assessment), every item not ready counts as a change. */
export function changesSince(previous: ReadinessRecord | undefined, current: ReadinessRecord): ReadinessChange[] {
  const changes: ReadinessChange[] = [];
  for (const [item, to] of Object.entries(current.items)) {
    const from = previous?.items[item];
    if (from === undefined ? to !== 'ready' : from !== to) changes.push({ item, from: from ?? 'new', to });
  }
  for (const item of Object.keys(previous?.items ?? {})) if (!(item in current.items)) changes.push({ item, from: previous?.items[item] ?? 'new', to: 'gone' });
  return changes;
}

export async function readReadinessRecord(deps: Pick<StateDeps, 'ddb' | 'tableName'>, plan: string): Promise<ReadinessRecord | undefined> {
  const out = await deps.ddb.send(new GetCommand({ TableName: deps.tableName, Key: readinessKey(plan), ConsistentRead: true }));
  const item = out.Item as (ReadinessRecord & { id: string; sk: string }) | undefined;
  return item ? { assessedAt: item.assessedAt, status: item.status, items: item.items } : undefined;
}

export async function writeReadinessRecord(deps: Pick<StateDeps, 'ddb' | 'tableName'>, plan: string, record: ReadinessRecord): Promise<void> {
  await deps.ddb.send(new PutCommand({ TableName: deps.tableName, Item: { ...readinessKey(plan), ...record } }));
}
