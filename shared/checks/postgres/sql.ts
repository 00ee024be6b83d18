import pg from 'pg';
import { InvalidInputError } from '../../errors.ts';
import type { SqlClient } from '../types.ts';

/** `schema.table` as the plan writes it (lower case, unquoted identifiers). */
const TABLE_NAME = /^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$/;

/** Splits and validates `schema.table`; anything else is refused before it gets near SQL text. */
export function parseTableName(name: string): { schema: string; table: string } {
  const match = TABLE_NAME.exec(name);
  if (!match) throw new InvalidInputError(`table ${JSON.stringify(name)} must be schema.table in lower case`, { field: 'criticalTables', table: name });
  return { schema: match[1]!, table: match[2]! };
}

/** `"schema"."table"`, each part quoted with pg's escapeIdentifier. */
export function quoteTable(name: string): string {
  const { schema, table } = parseTableName(name);
  return `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
}

export const quoteIdent = (identifier: string): string => pg.escapeIdentifier(identifier);

/** Runs `work` in one transaction (BEGIN `mode`; COMMIT, or ROLLBACK when it throws). */
export async function inTransaction<T>(sql: SqlClient, mode: string, work: () => Promise<T>): Promise<T> {
  await sql.query(`BEGIN ${mode}`.trim());
  try {
    const result = await work();
    await sql.query('COMMIT');
    return result;
  } catch (error) {
    await sql.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The SQLSTATE of a PostgreSQL error (`pg`'s DatabaseError carries it as `code`), or null. */
export function sqlState(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** `n` with thousands separators (10,000), for details people read. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');
