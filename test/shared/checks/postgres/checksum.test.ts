import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumQuery, checksumTable, describeTable, rowHashExpression, type TableChecksum } from '../../../../shared/checks/postgres/checksum.ts';
import { parseTableName, quoteTable } from '../../../../shared/checks/postgres/sql.ts';
import type { SqlClient } from '../../../../shared/checks/types.ts';
import { startPostgres, type SingleServer } from '../../../../shared/tools/local/postgres.ts';

let server: SingleServer;
let sql: pg.Client;
const client = () => sql as unknown as SqlClient;

/** Count and checksum of `table` as a manifest would take them now (its own key range up to the current max). */
async function checksumNow(table: string, keyMax?: string | null): Promise<TableChecksum> {
  const shape = (await describeTable(client(), table))!;
  const max = keyMax !== undefined ? keyMax : shape.keyColumn ? (await sql.query<{ m: string | null }>(`SELECT max(${shape.keyColumn})::text AS m FROM ${quoteTable(table)}`)).rows[0]!.m : null;
  return checksumTable(client(), table, { ...shape, keyMax: max });
}

describe('table checksums (real PostgreSQL)', () => {
  beforeAll(async () => {
    server = await startPostgres();
    sql = await server.connect();
    await sql.query(`CREATE TABLE public.payments (id bigint PRIMARY KEY, account_id int NOT NULL, amount numeric(12,2) NOT NULL, memo text, paid_at timestamptz NOT NULL)`);
    await sql.query(`INSERT INTO public.payments SELECT g, g % 10, g / 4.0, CASE WHEN g % 3 = 0 THEN NULL ELSE 'memo ' || g END, timestamptz '2026-11-01 00:00Z' + g * interval '1 minute' FROM generate_series(1, 200) g`);
  });
  afterAll(async () => {
    await sql?.end();
    await server?.close();
  });

  describe('describeTable', () => {
    it('finds the columns in order and a single-column integer primary key; other keys compare whole', async () => {
      // Prepare
      await sql.query('CREATE TABLE public.k_int (id serial PRIMARY KEY, v text)');
      await sql.query('CREATE TABLE public.k_small (id smallint PRIMARY KEY)');
      await sql.query('CREATE TABLE public.k_text (code text PRIMARY KEY, v int)');
      await sql.query('CREATE TABLE public.k_uuid (id uuid PRIMARY KEY)');
      await sql.query('CREATE TABLE public.k_pair (a int, b int, PRIMARY KEY (a, b))');
      await sql.query('CREATE TABLE public.k_none (a int UNIQUE NOT NULL)');
      await sql.query('CREATE TABLE public.k_dropped (id bigint PRIMARY KEY, gone int, kept text)');
      await sql.query('ALTER TABLE public.k_dropped DROP COLUMN gone');
      // Act
      const shapes: Record<string, Awaited<ReturnType<typeof describeTable>>> = {};
      for (const t of ['k_int', 'k_small', 'k_text', 'k_uuid', 'k_pair', 'k_none', 'k_dropped']) shapes[t] = await describeTable(client(), `public.${t}`);
      // Assess
      expect(Object.fromEntries(Object.entries(shapes).map(([t, s]) => [t, s?.keyColumn]))).toEqual({ k_int: 'id', k_small: 'id', k_text: null, k_uuid: null, k_pair: null, k_none: null, k_dropped: 'id' });
      expect(shapes.k_dropped?.columns).toEqual([
        { name: 'id', type: 'bigint', notNull: true },
        { name: 'kept', type: 'text', notNull: false },
      ]);
      expect(await describeTable(client(), 'public.no_such_table')).toBeNull();
    });
  });

  describe('checksumTable', () => {
    it('does not depend on row order: the same rows inserted in another order, updated back and vacuumed, sum alike', async () => {
      // Prepare: a copy in reverse order, one row moved physically (updated and set back), then VACUUM FULL.
      await sql.query('CREATE TABLE public.payments_copy (LIKE public.payments INCLUDING ALL)');
      await sql.query('INSERT INTO public.payments_copy SELECT * FROM public.payments ORDER BY id DESC');
      await sql.query("UPDATE public.payments_copy SET memo = 'x' WHERE id = 7");
      await sql.query("UPDATE public.payments_copy SET memo = 'memo 7' WHERE id = 7");
      await sql.query('VACUUM FULL public.payments_copy');
      // Act
      const [original, copy] = [await checksumNow('public.payments'), await checksumNow('public.payments_copy')];
      // Assess
      expect(copy.rowCount).toBe(200);
      expect(copy.checksum).toBe(original.checksum);
      expect(original.checksum).toMatch(/^-?\d+$/);
      expect(original.keyColumn).toBe('id');
      expect(original.keyMax).toBe('200');
    });

    it('changes when any one value changes, when values swap between rows, and when a NULL becomes a value', async () => {
      // Prepare
      const before = (await checksumNow('public.payments_copy')).checksum;
      const changes = [
        ['amount 50.00 → 50.01', 'UPDATE public.payments_copy SET amount = amount + 0.01 WHERE id = 200', 'UPDATE public.payments_copy SET amount = amount - 0.01 WHERE id = 200'],
        ['account_id swapped between two rows', 'UPDATE public.payments_copy SET account_id = CASE id WHEN 1 THEN 2 ELSE 1 END WHERE id IN (1, 2)', 'UPDATE public.payments_copy SET account_id = id WHERE id IN (1, 2)'],
        ['NULL memo → empty string', "UPDATE public.payments_copy SET memo = '' WHERE id = 3", 'UPDATE public.payments_copy SET memo = NULL WHERE id = 3'],
        ['paid_at of a row whose memo is NULL', "UPDATE public.payments_copy SET paid_at = paid_at + interval '1 microsecond' WHERE id = 6", "UPDATE public.payments_copy SET paid_at = paid_at - interval '1 microsecond' WHERE id = 6"],
        ['a row deleted and inserted with another key', 'UPDATE public.payments_copy SET id = 1000 WHERE id = 150', 'UPDATE public.payments_copy SET id = 150 WHERE id = 1000'],
      ] as const;
      for (const [what, change, undo] of changes) {
        // Act
        await sql.query(change);
        const changed = (await checksumNow('public.payments_copy', '100000')).checksum;
        await sql.query(undo);
        // Assess
        expect(changed, what).not.toBe(before);
        expect((await checksumNow('public.payments_copy')).checksum, `${what} undone`).toBe(before);
      }
    });

    it('covers only rows with key ≤ keyMax; an empty range or an empty table is 0 rows, checksum 0', async () => {
      // Act
      const upTo100 = await checksumNow('public.payments', '100');
      const none = await checksumNow('public.payments', null);
      await sql.query('CREATE TABLE public.empty_one (id int PRIMARY KEY)');
      const empty = await checksumNow('public.empty_one');
      // Assess
      expect(upTo100.rowCount).toBe(100);
      expect([none.rowCount, none.checksum]).toEqual([0, '0']);
      expect([empty.rowCount, empty.checksum, empty.keyMax]).toEqual([0, '0', null]);
    });

    it('hashes every column type, including ones without a hash function (text output), the same under any session settings', async () => {
      // Prepare
      await sql.query("CREATE TYPE public.mood AS ENUM ('calm', 'busy')");
      await sql.query('CREATE DOMAIN public.positive AS numeric CHECK (VALUE > 0)');
      await sql.query(`CREATE TABLE public.everything (
        id int PRIMARY KEY, i2 int2, i8 int8, n numeric, f4 float4, f8 float8, b bool, t text, vc varchar(20), c char(5),
        ts timestamp, tz timestamptz, d date, tm time, ttz timetz, iv interval, u uuid, jb jsonb, j json, by bytea,
        ip inet, arr int[], m public.mood, p point, pos public.positive, rng int4range, x xml)`);
      await sql.query(`INSERT INTO public.everything VALUES
        (1, 1, 2, 3.5, 1.5, 2.25, true, 'text', 'vc', 'c', '2026-01-01 10:00', '2026-01-01 10:00Z', '2026-01-01', '10:00', '10:00+09', '1 day 2 hours',
         'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": 1}', '{"b":  2}', '\\xdeadbeef', '10.0.0.1/32', '{1,2,3}', 'calm', '(1.5,2.5)', 7.25, '[1,10)', '<a>x</a>'),
        (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
      const reference = (await checksumNow('public.everything')).checksum;
      // Act: other session settings the text output of some types depends on.
      await sql.query("SET TimeZone = 'Asia/Tokyo'; SET DateStyle = 'German, DMY'; SET IntervalStyle = 'sql_standard'; SET extra_float_digits = 0; SET bytea_output = 'escape'");
      const elsewhere = (await checksumNow('public.everything')).checksum;
      await sql.query('RESET ALL');
      // Assess
      expect(elsewhere).toBe(reference);
      const shape = (await describeTable(client(), 'public.everything'))!;
      for (const column of shape.columns.filter((c) => c.name !== 'id')) {
        await sql.query(`UPDATE public.everything SET ${column.name} = (SELECT ${column.name} FROM public.everything WHERE id = 1) WHERE id = 2`);
        expect((await checksumNow('public.everything')).checksum, `${column.name} (${column.type}) changed`).not.toBe(reference);
        await sql.query(`UPDATE public.everything SET ${column.name} = NULL WHERE id = 2`);
      }
      expect((await checksumNow('public.everything')).checksum).toBe(reference);
    });

    it('builds the row hash from the type hash functions, seeded with the key, nullable columns NULL-safe (SQL as documented)', async () => {
      // Prepare
      const shape = (await describeTable(client(), 'public.payments'))!;
      // Act
      const expression = rowHashExpression(shape.columns, shape.keyColumn, shape.baseTypes);
      const query = checksumQuery('public.payments', shape.columns, shape.keyColumn, shape.baseTypes);
      // Assess
      expect(expression).toBe(
        'timestamptz_hash_extended(r."paid_at", hashint8extended(coalesce(hashtextextended((r."memo")::text COLLATE "C", 4), -7046029254386353131), ' +
          'hash_numeric_extended(r."amount", hashint4extended(r."account_id", (r."id")::int8))))',
      );
      expect(query).toBe(`SELECT count(*)::int8 AS row_count, coalesce(sum(${expression}), 0)::text AS checksum FROM "public"."payments" AS r WHERE r."id" <= $1::int8`);
    });
  });

  describe('table names', () => {
    it('accepts schema.table in lower case and quotes both parts (reserved words too)', () => {
      expect(parseTableName('public.order')).toEqual({ schema: 'public', table: 'order' });
      expect(quoteTable('sales.order')).toBe('"sales"."order"');
    });

    it('refuses anything else as InvalidInputError before it reaches SQL', () => {
      for (const name of ['public.payments; DROP TABLE x', 'Public.Payments', 'payments', '"public"."payments"', 'a.b.c', 'public.pay-ments']) {
        expect(() => parseTableName(name), name).toThrow(expect.objectContaining({ name: 'InvalidInputError', details: { field: 'criticalTables', table: name } }));
      }
    });
  });
});
