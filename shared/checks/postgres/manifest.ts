import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidInputError } from '../../errors.ts';
import { manifestKey } from '../../state/keys.ts';
import { expirationAfterDays, type StateDeps } from '../../state/table.ts';
import type { SqlClient } from '../types.ts';
import { checksumTable, describeTable, type ColumnSpec, type TableChecksum } from './checksum.ts';
import { formatCount, quoteIdent, quoteTable } from './sql.ts';

/**
 * Manifests: row counts and checksums of a component's critical tables, taken on the primary on a
 * schedule and kept in the state table, to compare the recovered database with.
 *
 * Rows written after a manifest must not count as differences. Where a table has a single-column
 * integer primary key, the manifest records the key's maximum and covers only rows with key ≤ that
 * maximum; the check recomputes over the same range. Before counting, the writer waits (up to
 * `settleMs`) for the transactions in flight when the maximum was read to end, so a lower key
 * committed a moment later is still counted. Not covered (they show as differences):
 * - tables without such a key are compared whole, so every write after the manifest is a difference:
 *   list them under an `advisory` check, or give them an integer key;
 * - updates and deletes of rows already in the manifest after it was taken (the check cannot tell a
 *   legitimate update from a lost or corrupted row);
 * - keys handed out before the manifest but written after the wait (ids fetched long in advance, sequence caches).
 */

export interface Manifest {
  /** When the manifest was taken (the writer's clock), ISO 8601. */
  takenAt: string;
  tables: TableChecksum[];
}

export const MANIFEST_RETENTION_DAYS = 30;

const manifestId = manifestKey;

/** Session-level advisory lock key: one manifest of a database at a time (released when the connection ends). */
const MANIFEST_LOCK = "hashtext('dr_autopilot.manifest')";

/** False when another writer is taking a manifest of this database right now. */
export async function tryLockManifest(sql: SqlClient): Promise<boolean> {
  const { rows } = await sql.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${MANIFEST_LOCK}) AS locked`);
  return rows[0]?.locked === true;
}

/** Waits until every transaction that was running when `xmax` was read has ended (or `settleMs` passed). */
async function settle(sql: SqlClient, xmax: string, settleMs: number): Promise<boolean> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const { rows } = await sql.query<{ settled: boolean }>('SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::xid8 AS settled', [xmax]);
    if (rows[0]?.settled) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}

/**
 * Takes a manifest of `tables` on the primary: per table its columns and integer key, the key's
 * maximum, then (once in-flight transactions ended) count and checksum up to that maximum.
 * A table that does not exist is an InvalidInputError naming it.
 */
export async function takeManifest(sql: SqlClient, tables: readonly string[], now: Date, options: { settleMs?: number } = {}): Promise<Manifest> {
  const shapes = [];
  for (const table of tables) {
    const shape = await describeTable(sql, table);
    if (!shape) throw new InvalidInputError(`critical table ${table} does not exist on the primary`, { field: 'criticalTables', table });
    let keyMax: string | null = null;
    if (shape.keyColumn !== null) {
      const { rows } = await sql.query<{ max: string | null }>(`SELECT max(${quoteIdent(shape.keyColumn)})::text AS max FROM ${quoteTable(table)}`);
      keyMax = rows[0]?.max ?? null;
    }
    shapes.push({ table, ...shape, keyMax });
  }
  const { rows } = await sql.query<{ xmax: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax');
  await settle(sql, rows[0]!.xmax, options.settleMs ?? 10_000);
  const entries: TableChecksum[] = [];
  for (const shape of shapes) entries.push(await checksumTable(sql, shape.table, shape));
  return { takenAt: now.toISOString(), tables: entries };
}

/** Stores a manifest under `manifest#<plan>#<component>`, sorted by the time it was taken; kept 30 days. */
export async function storeManifest(state: StateDeps, plan: string, component: string, manifest: Manifest): Promise<void> {
  await state.ddb.send(
    new PutCommand({
      TableName: state.tableName,
      Item: {
        id: manifestId(plan, component),
        sk: manifest.takenAt,
        plan,
        component,
        takenAt: manifest.takenAt,
        tables: manifest.tables,
        expiration: expirationAfterDays(new Date(manifest.takenAt), MANIFEST_RETENTION_DAYS),
      },
    }),
  );
}

/** The newest manifest taken at or before `at`, or null. */
export async function newestManifestBefore(state: StateDeps, plan: string, component: string, at: Date | string): Promise<Manifest | null> {
  const { Items } = await state.ddb.send(
    new QueryCommand({
      TableName: state.tableName,
      KeyConditionExpression: 'id = :id AND sk <= :at',
      ExpressionAttributeValues: { ':id': manifestId(plan, component), ':at': typeof at === 'string' ? at : at.toISOString() },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const item = Items?.[0];
  if (!item) return null;
  return { takenAt: String(item.takenAt), tables: item.tables as TableChecksum[] };
}

/** A manifest should be taken when the newest one (before `now`) is at least `interval − 30 s` old. */
export async function manifestDue(state: StateDeps, plan: string, component: string, intervalMinutes: number, now: Date): Promise<boolean> {
  const newest = await newestManifestBefore(state, plan, component, now);
  return !newest || now.getTime() - Date.parse(newest.takenAt) >= intervalMinutes * 60_000 - 30_000;
}

/** One table of the recovered database against its manifest entry. */
export interface TableComparison {
  table: string;
  matches: boolean;
  /** People's words: `public.transactions: 9,990 rows, manifest 10,000 (−10); checksum differs`. */
  detail: string;
  rowCount: number | null;
  manifestRowCount: number;
  checksumMatches: boolean | null;
  keyColumn: string | null;
  keyMax: string | null;
  /** No integer key: every row counts, writes after the manifest included. */
  comparedWhole: boolean;
}

const sameColumn = (a: ColumnSpec, b: ColumnSpec | undefined) => b !== undefined && a.type === b.type;

/** Recomputes each manifest entry on the recovered database over the same key range and columns. */
export async function compareWithManifest(sql: SqlClient, entries: readonly TableChecksum[]): Promise<TableComparison[]> {
  const results: TableComparison[] = [];
  for (const entry of entries) {
    const base = {
      table: entry.table,
      manifestRowCount: entry.rowCount,
      keyColumn: entry.keyColumn,
      keyMax: entry.keyMax,
      comparedWhole: entry.keyColumn === null,
    };
    const whole = base.comparedWhole ? ' (compared whole: no single-column integer primary key, so writes after the manifest count too)' : '';
    const shape = await describeTable(sql, entry.table);
    if (!shape) {
      results.push({ ...base, matches: false, rowCount: null, checksumMatches: null, detail: `${entry.table}: missing on the recovered database (manifest ${formatCount(entry.rowCount)} rows)` });
      continue;
    }
    const current = new Map(shape.columns.map((c) => [c.name, c]));
    const changed = entry.columns.filter((c) => !sameColumn(c, current.get(c.name)));
    if (changed.length > 0) {
      const what = changed.map((c) => (current.has(c.name) ? `${c.name} is ${current.get(c.name)!.type}, manifest ${c.type}` : `${c.name} (${c.type}) is missing`)).join(', ');
      results.push({ ...base, matches: false, rowCount: null, checksumMatches: null, detail: `${entry.table}: columns differ from the manifest: ${what}` });
      continue;
    }
    const now = await checksumTable(sql, entry.table, { columns: entry.columns, keyColumn: entry.keyColumn, keyMax: entry.keyMax, baseTypes: shape.baseTypes });
    const checksumMatches = now.checksum === entry.checksum;
    const matches = checksumMatches && now.rowCount === entry.rowCount;
    const range = entry.keyColumn === null ? '' : entry.keyMax === null ? ' (empty when the manifest was taken)' : ` (over ${entry.keyColumn} ≤ ${entry.keyMax})`;
    let detail: string;
    if (matches) {
      detail = `${entry.table}: ${formatCount(now.rowCount)} rows${range}, checksum matches${whole}`;
    } else {
      const delta = now.rowCount - entry.rowCount;
      const diff = delta === 0 ? '' : ` (${delta > 0 ? '+' : '−'}${formatCount(Math.abs(delta))})`;
      detail = `${entry.table}: ${formatCount(now.rowCount)} rows, manifest ${formatCount(entry.rowCount)}${diff}; ${checksumMatches ? 'checksum matches' : 'checksum differs'}${range}${whole}`;
    }
    results.push({ ...base, matches, rowCount: now.rowCount, checksumMatches, detail });
  }
  return results;
}
