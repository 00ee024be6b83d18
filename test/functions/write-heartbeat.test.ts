import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { POSTGRES_CHECK_TYPES, type CheckType } from '../../shared/checks/schema.ts';
import type { ScheduledSummary } from '../../shared/checks/postgres/scheduled.ts';
import { compilePlan, writeCompiledPlan } from '../../shared/tools/deploy/compiled-plan.ts';
import { startPostgres, type SingleServer } from '../../shared/tools/local/postgres.ts';
import { EXAMPLE_PLAN_FILE } from '../shared/run/fixtures.ts';
import { lambdaContext, withLogs } from './lambda.ts';
import { writeActiveRegion } from '../../shared/state/active-region.ts';
import { startDynalite } from '../support/dynalite.ts';

const PRIMARY = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dataset-db-primary-AbCdEf';
const DOWN = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:auth-db-primary-GhIjKl';
const RECOVERY = 'arn:aws:secretsmanager:ap-northeast-3:123456789012:secret:dataset-db-osaka-MnOpQr';
const context = lambdaContext('write-heartbeat');
const secretsManager = mockClient(SecretsManagerClient);
type Handler = (event: unknown, ctx: typeof context) => Promise<ScheduledSummary>;

let server: SingleServer;
let sql: pg.Client;
let dir: string;
let plans = 0;

/** The example plan with exactly `databases` (by component id), validated and compiled where PLAN_FILE can point. */
async function planWith(databases: Record<string, { primarySecretArn: string }>): Promise<string> {
  const plan = parse(await readFile(EXAMPLE_PLAN_FILE, 'utf8')) as { components: { id: string; database?: unknown; checks?: { type: string }[] }[] };
  for (const component of plan.components) {
    const db = databases[component.id];
    delete component.database;
    // Without a database, the component's PostgreSQL checks would not validate.
    if (!db) component.checks = component.checks?.filter((c) => !POSTGRES_CHECK_TYPES.includes(c.type as CheckType));
    if (db) component.database = { ...db, recoverySecretArn: RECOVERY, criticalTables: ['public.transactions'] };
  }
  const source = path.join(dir, `plan-${++plans}.yml`);
  await writeFile(source, stringify(plan));
  // Compiled as packaging compiles it (validated first): the functions read only compiled plans.
  const file = source.replace(/\.yml$/, '.json');
  writeCompiledPlan(file, await compilePlan(source));
  return file;
}

/** The handler loaded with PLAN_FILE = `planFile` (and `env`), with its logs captured. */
function loadHandler(planFile: string, env: Record<string, string> = {}) {
  return withLogs({ PLAN_FILE: planFile, POWERTOOLS_LOG_LEVEL: 'INFO', ...env }, async () => (await import('../../functions/write-heartbeat.ts')).handler as unknown as Handler);
}

async function refusedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('functions/write-heartbeat', () => {
  beforeAll(async () => {
    [server, dir] = await Promise.all([startPostgres(), mkdtemp(path.join(os.tmpdir(), 'write-heartbeat-'))]);
    sql = await server.connect();
    secretsManager.on(GetSecretValueCommand, { SecretId: PRIMARY }).resolves({ SecretString: JSON.stringify(server.secret()) });
    secretsManager.on(GetSecretValueCommand, { SecretId: DOWN }).resolves({ SecretString: JSON.stringify({ ...server.secret(), port: await refusedPort() }) });
  });
  afterAll(async () => {
    secretsManager.reset();
    await sql?.end();
    await Promise.all([server?.close(), rm(dir, { recursive: true, force: true })]);
  });

  it('writes a heartbeat to each reachable primary; a primary that cannot be reached is logged and counted, not thrown', async () => {
    // Prepare
    const { module: handler, lines, restore } = await loadHandler(await planWith({ 'core-database': { primarySecretArn: PRIMARY }, authentication: { primarySecretArn: DOWN } }));
    try {
      // Act
      const before = Date.now();
      const summary = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, context);
      // Assess
      expect(summary).toEqual({
        databases: 2,
        succeeded: 1,
        failed: 1,
        results: [{ component: 'core-database', ok: true, written: true, at: expect.any(String) }],
        failures: [{ component: 'authentication', errorName: 'Error', errorMessage: expect.stringMatching(/^connect ECONNREFUSED 127\.0\.0\.1:\d+$/) }],
      });
      const { rows } = await sql.query<{ at: Date }>('SELECT written_at AS at FROM dr_autopilot.heartbeat');
      expect(rows.map((r) => r.at.toISOString())).toEqual([summary.results[0]!.at]);
      expect(rows[0]!.at.getTime()).toBeGreaterThanOrEqual(before - 1);
      const logged = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ level: 'INFO', message: 'Heartbeat: done', component: 'core-database', written: true }),
          expect.objectContaining({ level: 'WARN', message: 'Heartbeat: failed', component: 'authentication', errorMessage: expect.stringContaining('ECONNREFUSED') }),
        ]),
      );
      expect(lines().join('\n')).not.toContain(server.secret().password);
    } finally {
      restore();
    }
  });

  it('while a recovery has moved the system to Osaka (the state table\'s active region), writes to the recovered database', async () => {
    // Prepare: the Tokyo primary is down; the recovered database is the test's server; the state table says Osaka.
    const local = await startDynalite();
    await writeActiveRegion(local, 'dataset-platform', { region: 'ap-northeast-3', since: '2026-11-29T02:00:00.000Z', executionId: 'run-1', scenario: 'region-outage' });
    secretsManager.on(GetSecretValueCommand, { SecretId: RECOVERY }).resolves({ SecretString: JSON.stringify(server.secret()) });
    await sql.query('DELETE FROM dr_autopilot.heartbeat');
    const { module: handler, restore } = await loadHandler(await planWith({ 'core-database': { primarySecretArn: DOWN } }), {
      AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
      STATE_TABLE_NAME: local.tableName,
    });
    secretsManager.resetHistory();
    try {
      // Act
      const summary = await handler({}, context);
      // Assess
      expect(summary).toMatchObject({ succeeded: 1, failed: 0, results: [{ component: 'core-database', written: true }] });
      const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM dr_autopilot.heartbeat');
      expect(rows[0]?.n).toBe(1);
      expect(secretsManager.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).toContain(RECOVERY);
      expect(secretsManager.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).not.toContain(DOWN);
    } finally {
      restore();
      await local.stop();
    }
  });

  it('writes nothing the next minute when the plan\'s interval (60 s) is not due yet', async () => {
    // Prepare
    const { module: handler, restore } = await loadHandler(await planWith({ 'core-database': { primarySecretArn: PRIMARY } }));
    try {
      // Act
      const summary = await handler({}, context);
      // Assess
      expect(summary.results).toEqual([{ component: 'core-database', ok: true, written: false, reason: 'not due' }]);
      const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM dr_autopilot.heartbeat');
      expect(rows[0]?.n).toBe(1);
    } finally {
      restore();
    }
  });

  it('fails when no primary could be reached, naming each', async () => {
    // Prepare
    const { module: handler, restore } = await loadHandler(await planWith({ 'core-database': { primarySecretArn: DOWN } }));
    try {
      // Act + Assess
      await expect(handler({}, context)).rejects.toMatchObject({
        name: 'UnexpectedStateError',
        message: expect.stringMatching(/^Heartbeat failed for every database: core-database: connect ECONNREFUSED 127\.0\.0\.1:\d+$/),
      });
    } finally {
      restore();
    }
  });

  it('has nothing to do for a plan without databases', async () => {
    // Prepare
    const { module: handler, restore } = await loadHandler(await planWith({}));
    try {
      // Act + Assess
      expect(await handler({}, context)).toEqual({ databases: 0, succeeded: 0, failed: 0, results: [], failures: [] });
    } finally {
      restore();
    }
  });
});
