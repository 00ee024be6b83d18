import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../../shared/aws/clients.ts';
import { loadCheck } from '../../../../shared/checks/index.ts';
import { postgresConnector } from '../../../../shared/checks/postgres/connect.ts';
import { ensureSchema, newestHeartbeat, writeHeartbeat } from '../../../../shared/checks/postgres/heartbeat.ts';
import { POSTGRES_CHECKS } from '../../../../shared/checks/postgres/checks.ts';
import { storeManifest, takeManifest, type Manifest } from '../../../../shared/checks/postgres/manifest.ts';
import { runChecks } from '../../../../shared/checks/run.ts';
import { checkSpec, database, type CheckSpec } from '../../../../shared/checks/schema.ts';
import type { CheckContext, CheckOutcome, SqlClient } from '../../../../shared/checks/types.ts';
import type { ComponentTask, RunContext } from '../../../../shared/run/types.ts';
import type { StateDeps } from '../../../../shared/state/table.ts';
import { startDynalite, type LocalDynamo } from '../../../support/dynalite.ts';
import { startPostgresPair, type PostgresPair } from '../../../../shared/tools/local/postgres.ts';
import { componentOf, exampleRun, silentLogger } from '../../run/fixtures.ts';

/**
 * The whole story on a real primary + streaming standby: heartbeats and writes flow to the primary,
 * a manifest is taken, more writes follow, the standby is cut off at a known point, writes go on
 * (they are lost), the primary stops (immediate) at the incident start, the standby is promoted
 * with pg_promote() and the five PostgreSQL checks run against it.
 */

const PRIMARY_SECRET = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dataset-db-primary-AbCdEf';
const RECOVERY_SECRET = 'arn:aws:secretsmanager:ap-northeast-3:123456789012:secret:dataset-db-osaka-GhIjKl';
const HEARTBEAT_EVERY_MS = 100; // the plan's 60 s, shortened for the test
const secretsManager = mockClient(SecretsManagerClient);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let pair: PostgresPair;
let local: LocalDynamo;
let state: StateDeps;
let run: RunContext;
let component: ComponentTask;
let manifest: Manifest;
/** Newest heartbeat on the primary when the standby was cut off: the last one the standby has. */
let lastReplicatedHeartbeat: Date;
/** Newest heartbeat on the primary when it stopped (written after the cut: lost). */
let lastPrimaryHeartbeat: Date;
let incidentStart: Date;
let beforePromotion: { writableOnStandby: CheckOutcome; replicationOnPrimary: CheckOutcome; heartbeatOnStandbyBeforeCut: Date | null };
let promoted: pg.Client;

const spec = <T extends CheckSpec['type']>(type: T, extra: Record<string, unknown> = {}) => checkSpec.parse({ type, ...extra }) as Extract<CheckSpec, { type: T }>;

function contextFor(recoverySecretArn: string): CheckContext {
  const logger = silentLogger();
  return {
    run,
    component: { ...component, database: { ...component.database!, recoverySecretArn } },
    clients: createAwsClients(),
    logger,
    now: new Date(),
    postgres: postgresConnector((region) => createAwsClients().get(SecretsManagerClient, region)),
    fetch: () => Promise.reject(new Error('no HTTP in the database checks')),
    state,
  };
}

/** Writes a heartbeat every HEARTBEAT_EVERY_MS on its own connection until stopped. */
function heartbeatWriter(client: SqlClient) {
  let running = true;
  const done = (async () => {
    while (running) {
      await writeHeartbeat(client, new Date());
      await sleep(HEARTBEAT_EVERY_MS);
    }
  })();
  return { stop: async () => ((running = false), await done) };
}

describe('PostgreSQL checks on a promoted standby (real primary + streaming standby)', () => {
  beforeAll(async () => {
    // Prepare: a primary with a streaming standby; Secrets Manager answers with their credentials.
    [pair, local] = await Promise.all([startPostgresPair(), startDynalite()]);
    state = { ddb: local.ddb, tableName: local.tableName, now: () => new Date(), logger: silentLogger() };
    secretsManager.on(GetSecretValueCommand, { SecretId: PRIMARY_SECRET }).resolves({ SecretString: JSON.stringify(pair.secret('primary')) });
    secretsManager.on(GetSecretValueCommand, { SecretId: RECOVERY_SECRET }).resolves({ SecretString: JSON.stringify(pair.secret('standby')) });
    const example = await exampleRun();
    run = example.run; // its incidentStartedAt becomes the incident's start below
    const base = componentOf(example, 'core-database');
    component = {
      ...base,
      database: database.parse({ primarySecretArn: PRIMARY_SECRET, recoverySecretArn: RECOVERY_SECRET, criticalTables: ['public.transactions', 'public.accounts'], heartbeatIntervalSeconds: 60 }),
    };

    // The application's data: an integer-keyed table and one keyed by text (compared whole).
    const primary = await pair.primary.connect();
    await ensureSchema(primary);
    await primary.query(`CREATE TABLE public.accounts (code text PRIMARY KEY, name text NOT NULL)`);
    await primary.query(`INSERT INTO public.accounts SELECT 'acct-' || g, 'Account ' || g FROM generate_series(1, 50) g`);
    await primary.query(`CREATE TABLE public.transactions (
      id bigserial PRIMARY KEY, account_id int NOT NULL, amount numeric(12,2) NOT NULL, memo text, created_at timestamptz NOT NULL DEFAULT now())`);
    await primary.query('CREATE INDEX transactions_account ON public.transactions (account_id)');
    await primary.query(`INSERT INTO public.transactions (account_id, amount, memo)
      SELECT g % 50, (g % 1000) / 10.0, CASE WHEN g % 7 = 0 THEN NULL ELSE 'payment ' || g END FROM generate_series(1, 10000) g`);
    const heartbeatConnection = await pair.primary.connect();
    let heartbeats = heartbeatWriter(heartbeatConnection);
    await sleep(3 * HEARTBEAT_EVERY_MS);

    // The manifest, as write-manifest takes it; then writes after it (replicated, not a difference).
    const takenAt = new Date();
    manifest = await takeManifest(primary, component.database!.criticalTables, takenAt);
    await storeManifest(state, run.plan, component.id, manifest);
    await primary.query('INSERT INTO public.transactions (account_id, amount, memo) SELECT g % 50, 1.00, NULL FROM generate_series(1, 500) g');
    await sleep(3 * HEARTBEAT_EVERY_MS);

    // The standby catches up to a known point and is cut off there.
    await heartbeats.stop();
    const replicationOnPrimary = await POSTGRES_CHECKS['postgres-replication'](contextFor(PRIMARY_SECRET), spec('postgres-replication'));
    await pair.catchUp();
    await pair.disconnectStandby();
    lastReplicatedHeartbeat = (await newestHeartbeat(primary))!;
    const standbyBeforeCut = await pair.standby.connect();
    const heartbeatOnStandbyBeforeCut = await newestHeartbeat(standbyBeforeCut);
    await standbyBeforeCut.end();
    const writableOnStandby = await POSTGRES_CHECKS['postgres-writable'](contextFor(RECOVERY_SECRET), spec('postgres-writable'));

    // Writes the standby never gets: heartbeats and rows after the cut are the data lost.
    heartbeats = heartbeatWriter(heartbeatConnection);
    await primary.query('INSERT INTO public.transactions (account_id, amount, memo) SELECT 1, 9.99, NULL FROM generate_series(1, 100)');
    await sleep(4 * HEARTBEAT_EVERY_MS);
    await heartbeats.stop();
    lastPrimaryHeartbeat = (await newestHeartbeat(primary))!;
    await Promise.all([primary.end(), heartbeatConnection.end()]);

    // The incident: the primary stops dead at a known time; the standby is promoted.
    incidentStart = new Date();
    await pair.primary.stop('immediate');
    await pair.promote();
    run = { ...run, incidentStartedAt: incidentStart.toISOString() };
    beforePromotion = { writableOnStandby, replicationOnPrimary, heartbeatOnStandbyBeforeCut };
    promoted = await pair.standby.connect();
  });

  afterAll(async () => {
    await promoted?.end();
    await Promise.all([pair?.stop(), local?.stop()]);
    secretsManager.reset();
  });

  it('set up as described: heartbeats reached the standby up to the cut, later ones only the primary', () => {
    expect(beforePromotion.heartbeatOnStandbyBeforeCut?.toISOString()).toBe(lastReplicatedHeartbeat.toISOString());
    expect(lastPrimaryHeartbeat.getTime()).toBeGreaterThan(lastReplicatedHeartbeat.getTime());
    expect(manifest.tables.map((t) => [t.table, t.rowCount, t.keyColumn, t.keyMax])).toEqual([
      ['public.transactions', 10_000, 'id', '10000'],
      ['public.accounts', 50, null, null],
    ]);
  });

  it('before the failover: the standby is not writable and the primary streams to one standby', () => {
    expect(beforePromotion.writableOnStandby).toEqual({
      status: 'failed',
      detail: 'the database is still in recovery (a read-only standby): it was not promoted',
      observations: { inRecovery: true },
    });
    expect(beforePromotion.replicationOnPrimary).toMatchObject({ status: 'passed', detail: expect.stringMatching(/^1 streaming standby\(s\) of the new primary \(at least 1\): standby_1$/) });
  });

  it('runs all five checks through the registry: four pass, replication fails (the new primary has no standby yet)', async () => {
    // Prepare
    const specs = [spec('postgres-writable'), spec('postgres-tables'), spec('postgres-indexes'), spec('postgres-replication'), spec('rpo-heartbeat')];
    // Act
    const results = await runChecks(contextFor(RECOVERY_SECRET), specs, loadCheck);
    // Assess
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['postgres-writable', 'passed'],
      ['postgres-tables', 'passed'],
      ['postgres-indexes', 'passed'],
      ['postgres-replication', 'failed'],
      ['rpo-heartbeat', 'passed'],
    ]);
    expect(JSON.parse(JSON.stringify(results))).toEqual(results); // observations are JSON
  });

  it('postgres-writable: not in recovery, the canary row written and read back', async () => {
    // Act
    const outcome = await POSTGRES_CHECKS['postgres-writable'](contextFor(RECOVERY_SECRET), spec('postgres-writable'));
    // Assess
    expect(outcome).toMatchObject({ status: 'passed', detail: expect.stringMatching(/^writable: not in recovery; canary written to dr_autopilot\.canary and read back in \d+ ms$/) });
    expect(outcome.observations).toMatchObject({ inRecovery: false, canaryId: run.executionId });
    const { rows } = await promoted.query<{ run: string }>('SELECT run FROM dr_autopilot.canary WHERE id = $1', [run.executionId]);
    expect(rows[0]?.run).toMatch(/^core-database\/[0-9a-f-]{36}$/);
  });

  it('postgres-tables: both tables match the manifest; rows written after it do not count', async () => {
    // Act
    const outcome = await POSTGRES_CHECKS['postgres-tables'](contextFor(RECOVERY_SECRET), spec('postgres-tables'));
    // Assess
    expect(outcome.status).toBe('passed');
    expect(outcome.detail).toBe(
      'public.transactions: 10,000 rows (over id ≤ 10000), checksum matches; ' +
        'public.accounts: 50 rows, checksum matches (compared whole: no single-column integer primary key, so writes after the manifest count too) ' +
        `(manifest of ${manifest.takenAt})`,
    );
    const { rows } = await promoted.query<{ n: number }>('SELECT count(*)::int AS n FROM public.transactions');
    expect(rows[0]?.n).toBe(10_500); // the 500 rows after the manifest reached it; the 100 after the cut did not
  });

  it('postgres-indexes: every index valid and ready', async () => {
    const outcome = await POSTGRES_CHECKS['postgres-indexes'](contextFor(RECOVERY_SECRET), spec('postgres-indexes'));
    expect(outcome).toMatchObject({ status: 'passed', detail: expect.stringMatching(/^\d+ indexes, all valid and ready$/), observations: { invalid: [] } });
  });

  it('postgres-replication: fails with a clear detail, no standby streams from the new primary', async () => {
    const outcome = await POSTGRES_CHECKS['postgres-replication'](contextFor(RECOVERY_SECRET), spec('postgres-replication'));
    expect(outcome).toEqual({
      status: 'failed',
      detail: 'replication is not re-established: 0 streaming standby(s) of the new primary, the plan wants at least 1 (pg_stat_replication: none connected)',
      observations: { streaming: 0, minStandbys: 1, standbys: [] },
    });
  });

  it('rpo-heartbeat: the measured RPO is the real gap, incident start − last heartbeat that reached the standby', async () => {
    // Act
    const outcome = await POSTGRES_CHECKS['rpo-heartbeat'](contextFor(RECOVERY_SECRET), spec('rpo-heartbeat'));
    // Assess
    const expected = (incidentStart.getTime() - lastReplicatedHeartbeat.getTime()) / 1000;
    expect(outcome.status).toBe('passed');
    expect(outcome.observations).toEqual({
      lastHeartbeatAt: lastReplicatedHeartbeat.toISOString(),
      incidentStartedAt: incidentStart.toISOString(),
      rpoSeconds: expected,
      heartbeatIntervalSeconds: 60,
      rpoUncertaintySeconds: 60,
      heartbeatsAfterIncidentStart: 0,
    });
    // The heartbeats written after the cut were lost with the primary: the gap is longer than the primary's last one says.
    expect(expected).toBeGreaterThan((incidentStart.getTime() - lastPrimaryHeartbeat.getTime()) / 1000);
    expect(outcome.detail).toBe(`last heartbeat ${lastReplicatedHeartbeat.toISOString()}, ${expected} s before the incident started: data written after it is lost (RPO ${expected} s ± 60 s heartbeat interval)`);
  });

  it('postgres-indexes: an index left INVALID by a failed CREATE UNIQUE INDEX CONCURRENTLY fails the check, named', async () => {
    // Prepare: account_id repeats, so the unique build fails and leaves the index behind, invalid.
    await expect(promoted.query('CREATE UNIQUE INDEX CONCURRENTLY transactions_account_unique ON public.transactions (account_id)')).rejects.toThrow(/could not create unique index/);
    // Act
    const outcome = await POSTGRES_CHECKS['postgres-indexes'](contextFor(RECOVERY_SECRET), spec('postgres-indexes'));
    // Assess
    expect(outcome.status).toBe('failed');
    expect(outcome.detail).toMatch(/^1 of \d+ indexes unusable: public\.transactions_account_unique on public\.transactions \(not valid, not ready\); a failed or unfinished CREATE INDEX CONCURRENTLY leaves them so: REINDEX or drop and recreate$/);
    expect(outcome.observations).toMatchObject({ invalid: ['public.transactions_account_unique'] });
    await promoted.query('DROP INDEX public.transactions_account_unique');
  });

  it('postgres-tables: rows deleted on the recovered database fail the check, naming the table and the difference', async () => {
    // Prepare
    await promoted.query('DELETE FROM public.transactions WHERE id BETWEEN 101 AND 110');
    // Act
    const outcome = await POSTGRES_CHECKS['postgres-tables'](contextFor(RECOVERY_SECRET), spec('postgres-tables'));
    // Assess
    expect(outcome.status).toBe('failed');
    expect(outcome.detail).toBe('public.transactions: 9,990 rows, manifest 10,000 (−10); checksum differs (over id ≤ 10000)');
    expect(outcome.observations).toMatchObject({
      manifestTakenAt: manifest.takenAt,
      tables: [
        { table: 'public.transactions', matches: false, rowCount: 9990, manifestRowCount: 10_000, checksumMatches: false, keyColumn: 'id', keyMax: '10000', comparedWhole: false },
        { table: 'public.accounts', matches: true, rowCount: 50, manifestRowCount: 50, checksumMatches: true, keyColumn: null, keyMax: null, comparedWhole: true },
      ],
    });
  });

  it('re-protect: a streaming standby of the promoted database passes postgres-replication in a re-protect run; a failback promotes it with every row', async () => {
    // Prepare: the re-protect's new replica (a standby of the promoted database), as CreateDBInstanceReadReplica makes one.
    await pair.reprotect();
    const REPROTECT_SECRET = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dataset-db-tokyo-replica-AbCdEf';
    secretsManager.on(GetSecretValueCommand, { SecretId: REPROTECT_SECRET }).resolves({ SecretString: JSON.stringify(pair.secret('reprotected')) });
    await promoted.end();
    promoted = await pair.standby.connect();
    const rows = Number((await promoted.query<{ n: string }>('SELECT count(*) AS n FROM public.transactions')).rows[0]?.n);
    // The re-protect run goes the other way: its primary is the promoted database (the plan's recovery secret).
    const reprotect = { ...contextFor(REPROTECT_SECRET), run: { ...run, stage: 'reprotect' as const, direction: 'reverse' as const } };
    reprotect.component = { ...reprotect.component!, database: { ...component.database!, primarySecretArn: RECOVERY_SECRET, recoverySecretArn: REPROTECT_SECRET } };
    // Act
    const replication = await POSTGRES_CHECKS['postgres-replication'](reprotect, spec('postgres-replication'));
    await pair.promoteReprotected();
    const failback = await POSTGRES_CHECKS['postgres-writable'](contextFor(REPROTECT_SECRET), spec('postgres-writable'));
    // Assess
    expect(replication).toMatchObject({ status: 'passed', detail: '1 streaming standby(s) of the new primary (at least 1): reprotect_1', observations: { streaming: 1 } });
    expect(failback.status).toBe('passed');
    const back = await pair.reprotected!.connect();
    try {
      expect(Number((await back.query<{ n: string }>('SELECT count(*) AS n FROM public.transactions')).rows[0]?.n)).toBe(rows);
    } finally {
      await back.end();
    }
  });
});
