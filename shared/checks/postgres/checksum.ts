import type { SqlClient } from '../types.ts';
import { inTransaction, quoteIdent, quoteTable } from './sql.ts';

/**
 * Row count and checksum of a table, computed in SQL in one sequential scan: every row is hashed on
 * its own and the hashes are summed (sum(int8) accumulates exactly, in 128 bits), so the result does
 * not depend on the order rows are read in (physical layout differs between a primary, a restored
 * copy and a vacuumed table) and nothing is gathered into one large value.
 *
 * The row hash chains PostgreSQL's own 64-bit type hash functions (the ones hash indexes use) column
 * by column, each column's hash seeded with the hash so far: `h = f_n(c_n, … f_2(c_2, f_1(c_1, seed)))`.
 * That is the fastest row hash measured here (scripts/bench-integrity.ts: ~2× hash_record_extended,
 * ~4× md5 of the row's text) and, unlike hashing the row's text, it does not depend on session
 * settings. With an integer key the key itself is the seed. Nullable columns are hashed with a fixed
 * seed, NULL replaced by a marker, and mixed in with hashint8extended (a NULL must not erase the row).
 * Text is hashed under COLLATE "C" (byte-exact even where the column's collation is not
 * deterministic). Types without a fast hash below are hashed through their text output, under fixed
 * DateStyle, IntervalStyle, TimeZone, extra_float_digits and bytea_output.
 *
 * Equal values by the type's own equality hash alike (numeric 1.0 and 1.00, float −0 and 0, char(n)
 * padding): such changes are not seen. Hash values are the server's; compare manifests with a database
 * of the same major version (a promoted replica or a restore always is).
 */

/** A column as the manifest records it; the checksum of the recovered table is computed over these. */
export interface ColumnSpec {
  name: string;
  /** format_type() of the column's type, e.g. `numeric(12,2)`, `timestamp with time zone`. */
  type: string;
  notNull: boolean;
}

/** One table's entry in a manifest. */
export interface TableChecksum {
  /** `schema.table` as the plan names it. */
  table: string;
  rowCount: number;
  /** The sum of the row hashes (a decimal integer, as text: it exceeds 64 bits). */
  checksum: string;
  /** The single-column integer primary key bounding the rows compared, or null: the table is compared whole. */
  keyColumn: string | null;
  /** The key's maximum when the manifest was taken (int8 as text; null for an empty table or no key). */
  keyMax: string | null;
  /** The columns hashed, in order. */
  columns: ColumnSpec[];
}

/** What the catalog says about a table. */
export interface TableShape {
  columns: ColumnSpec[];
  /** The primary key when it is a single int2/int4/int8 column, else null. */
  keyColumn: string | null;
}

/** Catalog name of the (domain's base) type → the hash expression for value X and seed S. */
const FAST_HASH: Record<string, (x: string, s: string) => string> = {
  int2: (x, s) => `hashint2extended(${x}, ${s})`,
  int4: (x, s) => `hashint4extended(${x}, ${s})`,
  int8: (x, s) => `hashint8extended(${x}, ${s})`,
  oid: (x, s) => `hashoidextended(${x}, ${s})`,
  numeric: (x, s) => `hash_numeric_extended(${x}, ${s})`,
  text: (x, s) => `hashtextextended((${x})::text COLLATE "C", ${s})`,
  varchar: (x, s) => `hashtextextended((${x})::text COLLATE "C", ${s})`,
  bool: (x, s) => `hashint4extended((${x})::int4, ${s})`,
  float4: (x, s) => `hashfloat4extended(${x}, ${s})`,
  float8: (x, s) => `hashfloat8extended(${x}, ${s})`,
  timestamptz: (x, s) => `timestamptz_hash_extended(${x}, ${s})`,
  timestamp: (x, s) => `timestamp_hash_extended(${x}, ${s})`,
  date: (x, s) => `timestamp_hash_extended((${x})::timestamp, ${s})`,
  time: (x, s) => `time_hash_extended(${x}, ${s})`,
  timetz: (x, s) => `timetz_hash_extended(${x}, ${s})`,
  interval: (x, s) => `interval_hash_extended(${x}, ${s})`,
  uuid: (x, s) => `uuid_hash_extended(${x}, ${s})`,
  jsonb: (x, s) => `jsonb_hash_extended(${x}, ${s})`,
};
const TEXT_HASH = (x: string, s: string) => `hashtextextended((${x})::text COLLATE "C", ${s})`;
const INTEGER_KEYS = new Set(['int2', 'int4', 'int8']);
/** Stands for NULL in a nullable column's hash (any fixed value that is not likely a hash). */
const NULL_MARKER = '-7046029254386353131';

/** Session settings the text-output fallback depends on; set for every checksum transaction. */
const DETERMINISTIC_SETTINGS = [
  "SET LOCAL DateStyle = 'ISO, YMD'",
  "SET LOCAL IntervalStyle = 'postgres'",
  "SET LOCAL TimeZone = 'UTC'",
  'SET LOCAL extra_float_digits = 3',
  "SET LOCAL bytea_output = 'hex'",
];

type CatalogColumn = { name: string; type: string; base_type: string; not_null: boolean; is_key: boolean };

/** Columns (in order, dropped ones left out) and the integer primary key of `table`; null when the table does not exist. */
export async function describeTable(sql: SqlClient, table: string): Promise<(TableShape & { baseTypes: Record<string, string> }) | null> {
  const { rows: found } = await sql.query<{ oid: number | null }>('SELECT to_regclass($1)::oid AS oid', [quoteTable(table)]);
  const oid = found[0]?.oid;
  if (oid === null || oid === undefined) return null;
  const { rows } = await sql.query<CatalogColumn>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            CASE WHEN ty.typtype = 'd' THEN bt.typname ELSE ty.typname END AS base_type,
            a.attnotnull AS not_null,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND i.indnkeyatts = 1 AND i.indkey[0] = a.attnum) AS is_key
       FROM pg_attribute a
       JOIN pg_type ty ON ty.oid = a.atttypid
       LEFT JOIN pg_type bt ON bt.oid = ty.typbasetype
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [oid],
  );
  const key = rows.find((r) => r.is_key && INTEGER_KEYS.has(r.base_type));
  return {
    columns: rows.map((r) => ({ name: r.name, type: r.type, notNull: r.not_null })),
    keyColumn: key?.name ?? null,
    baseTypes: Object.fromEntries(rows.map((r) => [r.name, r.base_type])),
  };
}

/**
 * The row hash over `columns` (alias `r`), seeded with the key when there is one. `baseTypes` maps a
 * column to its catalog type name, which picks the hash function (missing → text output).
 */
export function rowHashExpression(columns: readonly ColumnSpec[], keyColumn: string | null, baseTypes: Record<string, string>): string {
  let hash = keyColumn === null ? '0::int8' : `(r.${quoteIdent(keyColumn)})::int8`;
  columns.forEach((column, position) => {
    if (column.name === keyColumn) return;
    const fn = FAST_HASH[baseTypes[column.name] ?? ''] ?? TEXT_HASH;
    const value = `r.${quoteIdent(column.name)}`;
    hash = column.notNull ? fn(value, hash) : `hashint8extended(coalesce(${fn(value, String(position + 1))}, ${NULL_MARKER}), ${hash})`;
  });
  return hash;
}

/** The checksum query of a table: `$1` bounds the key when `keyColumn` is given. */
export function checksumQuery(table: string, columns: readonly ColumnSpec[], keyColumn: string | null, baseTypes: Record<string, string>): string {
  const where = keyColumn === null ? '' : ` WHERE r.${quoteIdent(keyColumn)} <= $1::int8`;
  return `SELECT count(*)::int8 AS row_count, coalesce(sum(${rowHashExpression(columns, keyColumn, baseTypes)}), 0)::text AS checksum FROM ${quoteTable(table)} AS r${where}`;
}

/**
 * Count and checksum of `table` in one read-only transaction. With `keyColumn`, over the rows whose
 * key is ≤ `keyMax` (none when keyMax is null); `columns` (from a manifest) fixes which columns are
 * hashed, defaulting to the table's current ones.
 */
export async function checksumTable(
  sql: SqlClient,
  table: string,
  shape: { columns: readonly ColumnSpec[]; keyColumn: string | null; keyMax: string | null; baseTypes: Record<string, string> },
): Promise<TableChecksum> {
  const text = checksumQuery(table, shape.columns, shape.keyColumn, shape.baseTypes);
  const { rows } = await inTransaction(sql, 'READ ONLY', async () => {
    for (const setting of DETERMINISTIC_SETTINGS) await sql.query(setting);
    return sql.query<{ row_count: string; checksum: string }>(text, shape.keyColumn === null ? [] : [shape.keyMax]);
  });
  return {
    table,
    rowCount: Number(rows[0]?.row_count ?? 0),
    checksum: rows[0]?.checksum ?? '0',
    keyColumn: shape.keyColumn,
    keyMax: shape.keyMax,
    columns: [...shape.columns],
  };
}
