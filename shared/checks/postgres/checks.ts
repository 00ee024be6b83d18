import { randomUUID } from 'node:crypto';
import type { Json } from '../../components/types.ts';
import type { ComponentTask } from '../../run/types.ts';
import type { DatabaseSpec } from '../schema.ts';
import type { CheckContext, CheckOutcome, CheckRunner, SqlClient } from '../types.ts';
import { ensureSchema, heartbeatsAfter, newestHeartbeat } from './heartbeat.ts';
import { compareWithManifest, newestManifestBefore } from './manifest.ts';
import { formatCount, sqlState } from './sql.ts';

/**
 * The PostgreSQL checks. Each connects to the component's recovered database
 * (`database.recoverySecretArn`), always closes the connection, and says in `detail` what it found.
 * Connection errors are thrown: runChecks retries the retryable ones (refused, timed out) and
 * reports the others as a failed check.
 */

type DatabaseCheck = (sql: SqlClient, database: DatabaseSpec, component: ComponentTask) => Promise<CheckOutcome>;

async function onRecoveredDatabase(ctx: CheckContext, check: DatabaseCheck): Promise<CheckOutcome> {
  const component = ctx.component;
  if (!component?.database) {
    const who = component ? `component ${component.id}` : 'the system verification';
    return { status: 'failed', detail: `${who} has no \`database\` (recoverySecretArn, criticalTables…): a PostgreSQL check needs one` };
  }
  if (!ctx.postgres) return { status: 'skipped', detail: 'no database connection in this run (drill without --with-postgres)' };
  // The database the run leaves the system writing to: the recovered one; in a re-protect, the one it
  // protects (the run's primary: the promoted database when the run is in the reverse direction).
  const secret = ctx.run.stage === 'reprotect' ? component.database.primarySecretArn : component.database.recoverySecretArn;
  const sql = await ctx.postgres(secret);
  try {
    return await check(sql, component.database, component);
  } finally {
    await sql.end().catch((error: unknown) => ctx.logger.warn('Closing the database connection failed', { errorMessage: error instanceof Error ? error.message : String(error) }));
  }
}

const writable: CheckRunner<'postgres-writable'> = (ctx) =>
  onRecoveredDatabase(ctx, async (sql, _database, component): Promise<CheckOutcome> => {
    const { rows } = await sql.query<{ in_recovery: boolean; read_only: string }>(
      "SELECT pg_is_in_recovery() AS in_recovery, current_setting('default_transaction_read_only') AS read_only",
    );
    if (rows[0]?.in_recovery !== false) {
      return { status: 'failed', detail: 'the database is still in recovery (a read-only standby): it was not promoted', observations: { inRecovery: true } };
    }
    const id = ctx.run.executionId;
    const token = `${component.id}/${randomUUID()}`;
    const started = performance.now();
    try {
      await ensureSchema(sql);
      await sql.query(
        `INSERT INTO dr_autopilot.canary (id, written_at, run) VALUES ($1, $2::timestamptz, $3)
         ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at, run = excluded.run`,
        [id, ctx.now.toISOString(), token],
      );
    } catch (error) {
      // 25006 read_only_sql_transaction: default_transaction_read_only, a read-only parameter group…
      if (sqlState(error) === '25006') {
        return { status: 'failed', detail: `the database refuses writes: ${(error as Error).message} (default_transaction_read_only = ${rows[0]?.read_only})`, observations: { inRecovery: false, readOnly: true } };
      }
      throw error;
    }
    const readBack = await sql.query<{ run: string }>('SELECT run FROM dr_autopilot.canary WHERE id = $1', [id]);
    const writeMs = Math.round(performance.now() - started);
    if (readBack.rows[0]?.run !== token) {
      return { status: 'failed', detail: `the canary row written to dr_autopilot.canary (id ${id}) did not read back as written`, observations: { inRecovery: false, canaryId: id } };
    }
    return {
      status: 'passed',
      detail: `writable: not in recovery; canary written to dr_autopilot.canary and read back in ${writeMs} ms`,
      observations: { inRecovery: false, canaryId: id, canaryWrittenAt: ctx.now.toISOString(), writeMs },
    };
  });

const tables: CheckRunner<'postgres-tables'> = (ctx, spec) =>
  onRecoveredDatabase(ctx, async (sql, database, component): Promise<CheckOutcome> => {
    const incident = ctx.run.incidentStartedAt;
    const manifest = await newestManifestBefore(ctx.state, ctx.run.plan, component.id, incident);
    if (!manifest) {
      return { status: 'failed', detail: `no manifest of ${component.id} taken before the incident started (${incident}): is write-manifest running against the primary?` };
    }
    const ageMinutes = (Date.parse(incident) - Date.parse(manifest.takenAt)) / 60_000;
    const base = { manifestTakenAt: manifest.takenAt, manifestAgeMinutes: Math.round(ageMinutes * 10) / 10 };
    if (ageMinutes > spec.maxManifestAgeMinutes) {
      return {
        status: 'failed',
        detail: `the newest manifest before the incident was taken at ${manifest.takenAt}, ${Math.round(ageMinutes)} min before it: older than maxManifestAgeMinutes (${spec.maxManifestAgeMinutes})`,
        observations: base,
      };
    }
    const byTable = new Map(manifest.tables.map((t) => [t.table, t]));
    const notInManifest = database.criticalTables.filter((t) => !byTable.has(t));
    const compared = await compareWithManifest(sql, database.criticalTables.filter((t) => byTable.has(t)).map((t) => byTable.get(t)!));
    const differing = compared.filter((c) => !c.matches);
    const problems = [...differing.map((c) => c.detail), ...notInManifest.map((t) => `${t}: not in the manifest of ${manifest.takenAt} (added to criticalTables since?)`)];
    const observations = {
      ...base,
      tables: compared.map((c) => ({
        table: c.table,
        matches: c.matches,
        rowCount: c.rowCount,
        manifestRowCount: c.manifestRowCount,
        checksumMatches: c.checksumMatches,
        keyColumn: c.keyColumn,
        keyMax: c.keyMax,
        comparedWhole: c.comparedWhole,
      })),
      notInManifest,
    };
    if (problems.length > 0) return { status: 'failed', detail: problems.join('; '), observations };
    return { status: 'passed', detail: `${compared.map((c) => c.detail).join('; ')} (manifest of ${manifest.takenAt})`, observations };
  });

const indexes: CheckRunner<'postgres-indexes'> = (ctx) =>
  onRecoveredDatabase(ctx, async (sql): Promise<CheckOutcome> => {
    const { rows } = await sql.query<{ index: string; table: string; valid: boolean; ready: boolean; live: boolean }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS index, format('%I.%I', tn.nspname, t.relname) AS table,
              i.indisvalid AS valid, i.indisready AS ready, i.indislive AS live
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace tn ON tn.oid = t.relnamespace
        WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_(catalog|toast|temp)'
        ORDER BY 1`,
    );
    const broken = rows.filter((r) => !(r.valid && r.ready && r.live));
    const observations = { indexes: rows.length, invalid: broken.map((r) => r.index) };
    if (broken.length > 0) {
      const named = broken.map((r) => `${r.index} on ${r.table} (${[!r.valid && 'not valid', !r.ready && 'not ready', !r.live && 'being dropped'].filter(Boolean).join(', ')})`);
      return {
        status: 'failed',
        detail: `${broken.length} of ${rows.length} indexes unusable: ${named.join('; ')}; a failed or unfinished CREATE INDEX CONCURRENTLY leaves them so: REINDEX or drop and recreate`,
        observations,
      };
    }
    return { status: 'passed', detail: `${rows.length} indexes, all valid and ready`, observations };
  });

const replication: CheckRunner<'postgres-replication'> = (ctx, spec) =>
  onRecoveredDatabase(ctx, async (sql): Promise<CheckOutcome> => {
    const { rows } = await sql.query<{ name: string | null; client: string | null; state: string | null; sync: string | null; lag: number | null }>(
      `SELECT application_name AS name, client_addr::text AS client, state, sync_state AS sync,
              extract(epoch FROM replay_lag)::float8 AS lag
         FROM pg_stat_replication ORDER BY application_name`,
    );
    const streaming = rows.filter((r) => r.state === 'streaming');
    const standbys = rows.map((r) => ({ name: r.name, client: r.client, state: r.state, syncState: r.sync, replayLagSeconds: r.lag }));
    const observations = { streaming: streaming.length, minStandbys: spec.minStandbys, standbys };
    if (streaming.length >= spec.minStandbys) {
      return { status: 'passed', detail: `${streaming.length} streaming standby(s) of the new primary (at least ${spec.minStandbys}): ${streaming.map((r) => r.name ?? r.client).join(', ')}`, observations };
    }
    const hidden = rows.some((r) => r.state === null) ? '; some rows hide their state: grant pg_monitor to the checking user' : '';
    const others = rows.length === 0 ? 'none connected' : rows.map((r) => `${r.name ?? r.client ?? '?'}: ${r.state ?? 'state hidden'}`).join(', ');
    return {
      status: 'failed',
      detail: `replication is not re-established: ${streaming.length} streaming standby(s) of the new primary, the plan wants at least ${spec.minStandbys} (pg_stat_replication: ${others})${hidden}`,
      observations,
    };
  });

const rpoHeartbeat: CheckRunner<'rpo-heartbeat'> = (ctx) =>
  onRecoveredDatabase(ctx, async (sql, database): Promise<CheckOutcome> => {
    const incident = new Date(ctx.run.incidentStartedAt);
    const last = await newestHeartbeat(sql);
    const interval = database.heartbeatIntervalSeconds;
    if (!last) {
      return { status: 'failed', detail: 'no heartbeat in dr_autopilot.heartbeat on the recovered database: write-heartbeat never reached the primary, so the data lost cannot be measured' };
    }
    const rpoSeconds = Math.max(0, incident.getTime() - last.getTime()) / 1000;
    const after = last > incident ? await heartbeatsAfter(sql, incident) : 0;
    const observations: Record<string, Json> = {
      lastHeartbeatAt: last.toISOString(),
      incidentStartedAt: incident.toISOString(),
      rpoSeconds,
      heartbeatIntervalSeconds: interval,
      rpoUncertaintySeconds: interval,
      heartbeatsAfterIncidentStart: after,
    };
    const detail =
      after > 0
        ? `${formatCount(after)} heartbeat(s) written after the incident started (${incident.toISOString()}) reached the recovered database (newest ${last.toISOString()}): no data loss measurable (± ${interval} s)`
        : `last heartbeat ${last.toISOString()}, ${rpoSeconds} s before the incident started: data written after it is lost (RPO ${rpoSeconds} s ± ${interval} s heartbeat interval)`;
    return { status: 'passed', detail, observations };
  });

/** The PostgreSQL runners of the check registry (shared/checks/index.ts). */
export const POSTGRES_CHECKS: {
  'postgres-writable': CheckRunner<'postgres-writable'>;
  'postgres-tables': CheckRunner<'postgres-tables'>;
  'postgres-indexes': CheckRunner<'postgres-indexes'>;
  'postgres-replication': CheckRunner<'postgres-replication'>;
  'rpo-heartbeat': CheckRunner<'rpo-heartbeat'>;
} = {
  'postgres-writable': writable,
  'postgres-tables': tables,
  'postgres-indexes': indexes,
  'postgres-replication': replication,
  'rpo-heartbeat': rpoHeartbeat,
};
