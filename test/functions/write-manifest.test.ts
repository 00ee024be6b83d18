import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { newestManifestBefore } from '../../shared/checks/postgres/manifest.ts';
import type { ScheduledSummary } from '../../shared/checks/postgres/scheduled.ts';
import { POSTGRES_CHECK_TYPES, type CheckType } from '../../shared/checks/schema.ts';
import type { StateDeps } from '../../shared/state/table.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { compilePlan, writeCompiledPlan } from '../../shared/tools/deploy/compiled-plan.ts';
import { startPostgres, type SingleServer } from '../../shared/tools/local/postgres.ts';
import { EXAMPLE_PLAN_FILE, silentLogger } from '../shared/run/fixtures.ts';
import { lambdaContext, withLogs } from './lambda.ts';

const PLAN = 'dataset-platform';
const PRIMARY = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dataset-db-primary-AbCdEf';
const DOWN = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:auth-db-primary-GhIjKl';
const RECOVERY = 'arn:aws:secretsmanager:ap-northeast-3:123456789012:secret:dataset-db-osaka-MnOpQr';
const context = lambdaContext('write-manifest');
const secretsManager = mockClient(SecretsManagerClient);
type Handler = (event: unknown, ctx: typeof context) => Promise<ScheduledSummary>;

let server: SingleServer;
let local: LocalDynamo;
let state: StateDeps;
let sql: pg.Client;
let dir: string;
let plans = 0;

/** The example plan with exactly `databases` (by component id), validated and compiled where PLAN_FILE can point. */
async function planWith(databases: Record<string, { primarySecretArn: string; criticalTables: string[] }>): Promise<string> {
  const plan = parse(await readFile(EXAMPLE_PLAN_FILE, 'utf8')) as { components: { id: string; database?: unknown; checks?: { type: string }[] }[] };
  for (const component of plan.components) {
    const db = databases[component.id];
    delete component.database;
    if (!db) component.checks = component.checks?.filter((c) => !POSTGRES_CHECK_TYPES.includes(c.type as CheckType));
    if (db) component.database = { ...db, recoverySecretArn: RECOVERY, manifestIntervalMinutes: 15 };
  }
  const source = path.join(dir, `plan-${++plans}.yml`);
  await writeFile(source, stringify(plan));
  // Compiled as packaging compiles it (validated first): the functions read only compiled plans.
  const file = source.replace(/\.yml$/, '.json');
  writeCompiledPlan(file, await compilePlan(source));
  return file;
}

function loadHandler(planFile: string) {
  // The state table as useStateTable points it, set through withLogs (it restores the environment).
  return withLogs(
    { PLAN_FILE: planFile, POWERTOOLS_LOG_LEVEL: 'INFO', AWS_ENDPOINT_URL_DYNAMODB: local.endpoint, STATE_TABLE_NAME: local.tableName },
    async () => (await import('../../functions/write-manifest.ts')).handler as unknown as Handler,
  );
}

async function refusedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('functions/write-manifest', () => {
  beforeAll(async () => {
    [server, local, dir] = await Promise.all([startPostgres(), startDynalite(), mkdtemp(path.join(os.tmpdir(), 'write-manifest-'))]);
    state = { ddb: local.ddb, tableName: local.tableName, now: () => new Date(), logger: silentLogger() };
    sql = await server.connect();
    await sql.query('CREATE TABLE public.transactions (id bigserial PRIMARY KEY, account_id int NOT NULL, amount numeric(12,2) NOT NULL)');
    await sql.query('INSERT INTO public.transactions (account_id, amount) SELECT g % 7, g / 100.0 FROM generate_series(1, 1000) g');
    secretsManager.on(GetSecretValueCommand, { SecretId: PRIMARY }).resolves({ SecretString: JSON.stringify(server.secret()) });
    secretsManager.on(GetSecretValueCommand, { SecretId: DOWN }).resolves({ SecretString: JSON.stringify({ ...server.secret(), port: await refusedPort() }) });
  });
  afterAll(async () => {
    secretsManager.reset();
    await sql?.end();
    await Promise.all([server?.close(), local?.stop(), rm(dir, { recursive: true, force: true })]);
  });

  it('takes a manifest of each reachable primary into the state table; an unreachable one is logged and counted', async () => {
    // Prepare
    const { module: handler, lines, restore } = await loadHandler(
      await planWith({ 'core-database': { primarySecretArn: PRIMARY, criticalTables: ['public.transactions'] }, authentication: { primarySecretArn: DOWN, criticalTables: ['public.users'] } }),
    );
    try {
      // Act
      const summary = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, context);
      // Assess
      expect(summary).toEqual({
        databases: 2,
        succeeded: 1,
        failed: 1,
        results: [{ component: 'core-database', ok: true, taken: true, takenAt: expect.any(String), tables: ['public.transactions: 1000 rows'] }],
        failures: [{ component: 'authentication', errorName: 'Error', errorMessage: expect.stringMatching(/^connect ECONNREFUSED/) }],
      });
      const stored = await newestManifestBefore(state, PLAN, 'core-database', new Date());
      expect(stored).toEqual({
        takenAt: summary.results[0]!.takenAt,
        tables: [expect.objectContaining({ table: 'public.transactions', rowCount: 1000, keyColumn: 'id', keyMax: '1000', checksum: expect.stringMatching(/^-?\d+$/) })],
      });
      expect(lines().map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual(
        expect.arrayContaining([expect.objectContaining({ level: 'WARN', message: 'Manifest: failed', component: 'authentication' })]),
      );
      expect(lines().join('\n')).not.toContain(server.secret().password);
    } finally {
      restore();
    }
  });

  it('takes none while the newest is younger than manifestIntervalMinutes', async () => {
    // Prepare
    const { module: handler, restore } = await loadHandler(await planWith({ 'core-database': { primarySecretArn: PRIMARY, criticalTables: ['public.transactions'] } }));
    try {
      // Act
      const summary = await handler({}, context);
      // Assess
      expect(summary.results).toEqual([{ component: 'core-database', ok: true, taken: false, reason: 'not due' }]);
    } finally {
      restore();
    }
  });

  it('fails when no manifest could be taken, naming the database and the cause (a critical table missing)', async () => {
    // Prepare: another component, so no manifest of it exists yet.
    const { module: handler, restore } = await loadHandler(await planWith({ authentication: { primarySecretArn: PRIMARY, criticalTables: ['public.transactions', 'public.users'] } }));
    try {
      // Act + Assess
      await expect(handler({}, context)).rejects.toMatchObject({
        name: 'UnexpectedStateError',
        message: 'Manifest failed for every database: authentication: critical table public.users does not exist on the primary',
      });
      expect(await newestManifestBefore(state, PLAN, 'authentication', new Date())).toBeNull();
    } finally {
      restore();
    }
  });
});
