import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSchema, newestHeartbeat, writeHeartbeat, writeHeartbeatIfDue } from '../../../../shared/checks/postgres/heartbeat.ts';
import type { SqlClient } from '../../../../shared/checks/types.ts';
import { startPostgres, type SingleServer } from '../../../../shared/tools/local/postgres.ts';

let server: SingleServer;
let sql: pg.Client;
const client = (c: pg.Client = sql) => c as unknown as SqlClient;
const at = (iso: string) => new Date(iso);

describe('heartbeats (real PostgreSQL)', () => {
  beforeAll(async () => {
    server = await startPostgres();
    sql = await server.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await server?.close();
  });

  it('has no heartbeat before the schema exists', async () => {
    expect(await newestHeartbeat(client())).toBeNull();
  });

  it('creates dr_autopilot.heartbeat and dr_autopilot.canary once, even with two writers starting together', async () => {
    // Prepare
    const [a, b] = [await server.connect(), await server.connect()];
    // Act
    await Promise.all([ensureSchema(client(a)), ensureSchema(client(b))]);
    await ensureSchema(client());
    // Assess
    const { rows } = await sql.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'dr_autopilot' ORDER BY 1");
    expect(rows.map((r) => r.name)).toEqual(['canary', 'heartbeat']);
    await Promise.all([a.end(), b.end()]);
  });

  it('writes heartbeats at the writer\'s time and reads the newest back to the millisecond; those past 7 days are pruned', async () => {
    // Act
    await writeHeartbeat(client(), at('2026-11-20T00:00:00.000Z'));
    await writeHeartbeat(client(), at('2026-11-29T00:59:00.123Z'));
    await writeHeartbeat(client(), at('2026-11-29T01:00:00.456Z'));
    // Assess
    expect((await newestHeartbeat(client()))?.toISOString()).toBe('2026-11-29T01:00:00.456Z');
    const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM dr_autopilot.heartbeat');
    expect(rows[0]?.n).toBe(2);
  });

  it('writes when the interval is due (30 s early counts as on time on a one-minute schedule), not before', async () => {
    // Prepare: newest 01:00:00.456, interval 5 minutes.
    // Act
    const early = await writeHeartbeatIfDue(client(), 300, at('2026-11-29T01:04:30.000Z'));
    const due = await writeHeartbeatIfDue(client(), 300, at('2026-11-29T01:04:30.456Z'));
    const everyMinute = await writeHeartbeatIfDue(client(), 60, at('2026-11-29T01:05:00.456Z'));
    // Assess
    expect(early).toBeNull();
    expect(due?.toISOString()).toBe('2026-11-29T01:04:30.456Z');
    expect(everyMinute?.toISOString()).toBe('2026-11-29T01:05:00.456Z');
    expect((await newestHeartbeat(client()))?.toISOString()).toBe('2026-11-29T01:05:00.456Z');
  });
});
