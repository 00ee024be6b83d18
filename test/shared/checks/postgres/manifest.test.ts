import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareWithManifest,
  manifestDue,
  newestManifestBefore,
  storeManifest,
  takeManifest,
  tryLockManifest,
  type Manifest,
} from '../../../../shared/checks/postgres/manifest.ts';
import type { SqlClient } from '../../../../shared/checks/types.ts';
import type { StateDeps } from '../../../../shared/state/table.ts';
import { startDynalite, type LocalDynamo } from '../../../support/dynalite.ts';
import { startPostgres, type SingleServer } from '../../../../shared/tools/local/postgres.ts';
import { silentLogger } from '../../run/fixtures.ts';

const PLAN = 'dataset-platform';
let server: SingleServer;
let local: LocalDynamo;
let state: StateDeps;
let sql: pg.Client;
const client = (c: pg.Client = sql) => c as unknown as SqlClient;
const manifestOf = (takenAt: string, rowCount = 1): Manifest => ({
  takenAt,
  tables: [{ table: 'public.orders', rowCount, checksum: '42', keyColumn: 'id', keyMax: String(rowCount), columns: [{ name: 'id', type: 'bigint', notNull: true }] }],
});

describe('manifests', () => {
  beforeAll(async () => {
    [server, local] = await Promise.all([startPostgres(), startDynalite()]);
    state = { ddb: local.ddb, tableName: local.tableName, now: () => new Date(), logger: silentLogger() };
    sql = await server.connect();
    await sql.query('CREATE TABLE public.orders (id bigserial PRIMARY KEY, customer text NOT NULL, total numeric(10,2) NOT NULL)');
    await sql.query("INSERT INTO public.orders (customer, total) SELECT 'c' || g, g FROM generate_series(1, 10) g");
  });
  afterAll(async () => {
    await sql?.end();
    await Promise.all([server?.close(), local?.stop()]);
  });

  describe('in the state table', () => {
    it('stores a manifest under manifest#<plan>#<component>, sorted by the time taken, kept 30 days', async () => {
      // Prepare
      const manifest = manifestOf('2026-11-29T00:00:00.000Z');
      // Act
      await storeManifest(state, PLAN, 'core-database', manifest);
      // Assess
      const { Item } = await local.ddb.send(new GetCommand({ TableName: local.tableName, Key: { id: `manifest#${PLAN}#core-database`, sk: '2026-11-29T00:00:00.000Z' } }));
      expect(Item).toEqual({
        id: `manifest#${PLAN}#core-database`,
        sk: '2026-11-29T00:00:00.000Z',
        plan: PLAN,
        component: 'core-database',
        takenAt: '2026-11-29T00:00:00.000Z',
        tables: manifest.tables,
        expiration: Date.parse('2026-12-29T00:00:00.000Z') / 1000,
      });
    });

    it('finds the newest manifest taken at or before a time, and none before the first', async () => {
      // Prepare
      for (const at of ['2026-11-28T22:00:00.000Z', '2026-11-28T23:00:00.000Z', '2026-11-29T01:00:00.000Z']) await storeManifest(state, PLAN, 'orders-db', manifestOf(at));
      await storeManifest(state, PLAN, 'other-db', manifestOf('2026-11-29T00:30:00.000Z'));
      // Act + Assess
      expect((await newestManifestBefore(state, PLAN, 'orders-db', new Date('2026-11-29T00:59:59.999Z')))?.takenAt).toBe('2026-11-28T23:00:00.000Z');
      expect((await newestManifestBefore(state, PLAN, 'orders-db', '2026-11-29T01:00:00.000Z'))?.takenAt).toBe('2026-11-29T01:00:00.000Z');
      expect(await newestManifestBefore(state, PLAN, 'orders-db', '2026-11-28T21:59:59.999Z')).toBeNull();
      expect(await newestManifestBefore(state, 'another-plan', 'orders-db', '2026-12-01T00:00:00.000Z')).toBeNull();
    });

    it('is due when the newest is at least the interval old (30 s early is on time), or when there is none', async () => {
      // Prepare: the newest orders-db manifest is 01:00.
      const at = (iso: string) => new Date(iso);
      // Act + Assess
      expect(await manifestDue(state, PLAN, 'orders-db', 60, at('2026-11-29T01:59:29.000Z'))).toBe(false);
      expect(await manifestDue(state, PLAN, 'orders-db', 60, at('2026-11-29T01:59:30.000Z'))).toBe(true);
      expect(await manifestDue(state, PLAN, 'never-taken', 60, at('2026-11-29T01:00:00.000Z'))).toBe(true);
    });
  });

  describe('takeManifest and compareWithManifest', () => {
    it('records count, checksum, key and columns, and compares equal on the same data', async () => {
      // Act
      const manifest = await takeManifest(client(), ['public.orders'], new Date('2026-11-29T00:00:00.000Z'));
      const comparison = await compareWithManifest(client(), manifest.tables);
      // Assess
      expect(manifest).toEqual({
        takenAt: '2026-11-29T00:00:00.000Z',
        tables: [
          {
            table: 'public.orders',
            rowCount: 10,
            checksum: expect.stringMatching(/^-?\d+$/),
            keyColumn: 'id',
            keyMax: '10',
            columns: [
              { name: 'id', type: 'bigint', notNull: true },
              { name: 'customer', type: 'text', notNull: true },
              { name: 'total', type: 'numeric(10,2)', notNull: true },
            ],
          },
        ],
      });
      expect(comparison).toEqual([
        { table: 'public.orders', matches: true, detail: 'public.orders: 10 rows (over id ≤ 10), checksum matches', rowCount: 10, manifestRowCount: 10, checksumMatches: true, keyColumn: 'id', keyMax: '10', comparedWhole: false },
      ]);
    });

    it('counts a lower key still in flight when the key maximum was read: it waits for that transaction to end', async () => {
      // Prepare: a transaction takes id 11 and stays open; another commits id 12 (the maximum the manifest reads).
      const slow = await server.connect();
      await slow.query('BEGIN');
      const { rows } = await slow.query<{ id: string }>("INSERT INTO public.orders (customer, total) VALUES ('slow', 1) RETURNING id::text AS id");
      await sql.query("INSERT INTO public.orders (customer, total) VALUES ('fast', 2)");
      // Act
      const started = Date.now();
      const taking = takeManifest(client(), ['public.orders'], new Date());
      await new Promise((resolve) => setTimeout(resolve, 300));
      await slow.query('COMMIT');
      const manifest = await taking;
      await slow.end();
      // Assess
      expect(rows[0]?.id).toBe('11');
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(manifest.tables[0]).toMatchObject({ rowCount: 12, keyMax: '12' });
      expect((await compareWithManifest(client(), manifest.tables))[0]?.matches).toBe(true);
    });

    it('does not wait for ever: a transaction open longer than settleMs is left behind', async () => {
      // Prepare
      const idle = await server.connect();
      await idle.query('BEGIN');
      await idle.query("INSERT INTO public.orders (customer, total) VALUES ('idle', 3)");
      // Act
      const started = Date.now();
      const manifest = await takeManifest(client(), ['public.orders'], new Date(), { settleMs: 200 });
      // Assess
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(manifest.tables[0]?.rowCount).toBe(12);
      await idle.query('ROLLBACK');
      await idle.end();
    });

    it('names what differs: an updated row (same count), a changed column type, a missing table', async () => {
      // Prepare
      await sql.query('CREATE TABLE public.lines (id int PRIMARY KEY, qty int NOT NULL)');
      await sql.query('CREATE TABLE public.notes (id int PRIMARY KEY, body text)');
      await sql.query('INSERT INTO public.lines SELECT g, g FROM generate_series(1, 5) g');
      const manifest = await takeManifest(client(), ['public.orders', 'public.lines', 'public.notes'], new Date());
      await sql.query('UPDATE public.orders SET total = total + 1 WHERE id = 3');
      await sql.query('ALTER TABLE public.lines ALTER COLUMN qty TYPE bigint');
      await sql.query('DROP TABLE public.notes');
      // Act
      const comparison = await compareWithManifest(client(), manifest.tables);
      // Assess
      expect(comparison.map((c) => [c.matches, c.detail])).toEqual([
        [false, 'public.orders: 12 rows, manifest 12; checksum differs (over id ≤ 12)'],
        [false, 'public.lines: columns differ from the manifest: qty is bigint, manifest integer'],
        [false, 'public.notes: missing on the recovered database (manifest 0 rows)'],
      ]);
    });

    it('refuses a critical table missing on the primary, naming it', async () => {
      await expect(takeManifest(client(), ['public.orders', 'public.nope'], new Date())).rejects.toMatchObject({
        name: 'InvalidInputError',
        message: 'critical table public.nope does not exist on the primary',
        details: { field: 'criticalTables', table: 'public.nope' },
      });
    });

    it('lets one writer at a time take a manifest of a database (session advisory lock)', async () => {
      // Prepare
      const [first, second] = [await server.connect(), await server.connect()];
      // Act + Assess
      expect(await tryLockManifest(client(first))).toBe(true);
      expect(await tryLockManifest(client(second))).toBe(false);
      await first.end();
      expect(await tryLockManifest(client(second))).toBe(true);
      await second.end();
    });
  });
});
