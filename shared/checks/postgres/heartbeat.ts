import type { SqlClient } from '../types.ts';
import { inTransaction } from './sql.ts';

/**
 * Our own schema on each database: `dr_autopilot.heartbeat` (a row written to the primary on a
 * schedule; after a failover the newest one that reached the recovered database bounds the data
 * lost) and `dr_autopilot.canary` (the writable check's write-and-read-back). Both replicate with
 * the rest of the database. The connecting user needs CREATE on the database the first time.
 */
export const OUR_SCHEMA = 'dr_autopilot';

/** Heartbeats older than this are deleted as new ones are written (the newest is all the RPO needs). */
export const HEARTBEAT_RETENTION_DAYS = 7;

const CREATE = `
  CREATE SCHEMA IF NOT EXISTS dr_autopilot;
  CREATE TABLE IF NOT EXISTS dr_autopilot.heartbeat (id bigserial PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now());
  CREATE INDEX IF NOT EXISTS heartbeat_written_at ON dr_autopilot.heartbeat (written_at);
  CREATE TABLE IF NOT EXISTS dr_autopilot.canary (id text PRIMARY KEY, written_at timestamptz, run text);`;

/**
 * Creates the schema and its tables when missing. The common case (they exist) is one catalog
 * read; creation runs under a transaction-level advisory lock, so two writers starting at once do
 * not race on the catalog.
 */
export async function ensureSchema(sql: SqlClient): Promise<void> {
  const { rows } = await sql.query<{ ready: boolean }>(
    "SELECT to_regclass('dr_autopilot.heartbeat') IS NOT NULL AND to_regclass('dr_autopilot.canary') IS NOT NULL AS ready",
  );
  if (rows[0]?.ready) return;
  await inTransaction(sql, '', async () => {
    await sql.query("SELECT pg_advisory_xact_lock(hashtext('dr_autopilot.ensure_schema'))");
    await sql.query(CREATE);
  });
}

/** One heartbeat at `now` (the writer's clock); heartbeats past the retention are pruned in the same statement. */
export async function writeHeartbeat(sql: SqlClient, now: Date): Promise<void> {
  await sql.query(
    `WITH pruned AS (DELETE FROM dr_autopilot.heartbeat WHERE written_at < $1::timestamptz - make_interval(days => $2))
     INSERT INTO dr_autopilot.heartbeat (written_at) VALUES ($1::timestamptz)`,
    [now.toISOString(), HEARTBEAT_RETENTION_DAYS],
  );
}

/** The newest heartbeat on this database, or null when there is none (or no heartbeat table at all). */
export async function newestHeartbeat(sql: SqlClient): Promise<Date | null> {
  const { rows } = await sql.query<{ exists: boolean }>("SELECT to_regclass('dr_autopilot.heartbeat') IS NOT NULL AS exists");
  if (!rows[0]?.exists) return null;
  const newest = await sql.query<{ at: Date | null }>('SELECT max(written_at) AS at FROM dr_autopilot.heartbeat');
  return newest.rows[0]?.at ?? null;
}

/** How many heartbeats are later than `at` (written after the incident's start, for the report). */
export async function heartbeatsAfter(sql: SqlClient, at: Date): Promise<number> {
  const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM dr_autopilot.heartbeat WHERE written_at > $1::timestamptz', [at.toISOString()]);
  return rows[0]?.n ?? 0;
}

/**
 * What one scheduled invocation writes. The writer runs every minute or more (EventBridge); a
 * heartbeat is due when the newest is at least `interval − period/2` old, so a 5-minute interval
 * on a 1-minute schedule writes every fifth run whatever the invocations' jitter. Returns the time
 * written, or null when none was due.
 */
export async function writeHeartbeatIfDue(sql: SqlClient, intervalSeconds: number, now: Date, periodSeconds = 60): Promise<Date | null> {
  const newest = await newestHeartbeat(sql);
  if (newest && now.getTime() - newest.getTime() < (intervalSeconds - periodSeconds / 2) * 1000) return null;
  await writeHeartbeat(sql, now);
  return now;
}
