import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../../shared/aws/clients.ts';
import { POSTGRES_CHECKS } from '../../../../shared/checks/postgres/checks.ts';
import { storeManifest } from '../../../../shared/checks/postgres/manifest.ts';
import { checkSpec, database, POSTGRES_CHECK_TYPES, type CheckSpec } from '../../../../shared/checks/schema.ts';
import type { CheckContext, CheckRunner, SqlClient } from '../../../../shared/checks/types.ts';
import type { ComponentTask, RunContext } from '../../../../shared/run/types.ts';
import type { StateDeps } from '../../../../shared/state/table.ts';
import { startDynalite, type LocalDynamo } from '../../../support/dynalite.ts';
import { componentOf, exampleRun, silentLogger } from '../../run/fixtures.ts';

/**
 * The checks' own logic with a scripted database (each query answered by the first pattern it
 * matches): what they say when there is nothing to compare with, and that they always close the
 * connection. The real database runs in recovery.test.ts.
 */

const RECOVERY_SECRET = 'arn:aws:secretsmanager:ap-northeast-3:123456789012:secret:dataset-db-osaka-GhIjKl';
const INCIDENT = '2026-11-29T01:00:00.000Z';

type Script = [RegExp, Record<string, unknown>[] | Error][];
interface FakeDatabase {
  connector: (arn: string) => Promise<SqlClient>;
  connectedTo: string[];
  ended: number;
  queries: string[];
}

function fakeDatabase(script: Script): FakeDatabase {
  const db: FakeDatabase = {
    connectedTo: [],
    ended: 0,
    queries: [],
    connector: async (arn) => {
      db.connectedTo.push(arn);
      return {
        query: async <R extends Record<string, unknown>>(text: string) => {
          db.queries.push(text);
          const answer = script.find(([pattern]) => pattern.test(text))?.[1];
          if (answer === undefined) throw new Error(`unexpected query: ${text}`);
          if (answer instanceof Error) throw answer;
          return { rows: answer as R[], rowCount: answer.length };
        },
        end: async () => {
          db.ended++;
        },
      };
    },
  };
  return db;
}

let local: LocalDynamo;
let state: StateDeps;
let run: RunContext;
let component: ComponentTask;

function context(db: FakeDatabase | null, over: { component?: ComponentTask | null } = {}): CheckContext {
  return {
    run,
    component: over.component === undefined ? component : over.component,
    clients: createAwsClients(),
    logger: silentLogger(),
    now: new Date(Date.parse(INCIDENT) + 600_000),
    postgres: db ? db.connector : null,
    fetch: () => Promise.reject(new Error('no HTTP here')),
    state,
  };
}
const spec = <T extends CheckSpec['type']>(type: T, extra: Record<string, unknown> = {}) => checkSpec.parse({ type, ...extra }) as Extract<CheckSpec, { type: T }>;
const runner = (type: CheckSpec['type']) => POSTGRES_CHECKS[type as keyof typeof POSTGRES_CHECKS] as CheckRunner<CheckSpec['type']>;

describe('PostgreSQL checks: their own logic', () => {
  beforeAll(async () => {
    local = await startDynalite();
    state = { ddb: local.ddb, tableName: local.tableName, now: () => new Date(), logger: silentLogger() };
    const example = await exampleRun();
    run = { ...example.run, incidentStartedAt: INCIDENT };
    component = {
      ...componentOf(example, 'core-database'),
      database: database.parse({
        primarySecretArn: 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dataset-db-primary-AbCdEf',
        recoverySecretArn: RECOVERY_SECRET,
        criticalTables: ['public.transactions'],
        heartbeatIntervalSeconds: 300,
      }),
    };
  });
  afterAll(async () => {
    await local?.stop();
  });

  it('every PostgreSQL check type has a runner', () => {
    expect(Object.keys(POSTGRES_CHECKS).sort()).toEqual([...POSTGRES_CHECK_TYPES].sort());
  });

  it('each check fails, saying why, for a component without a database, and for the system verification', async () => {
    for (const type of POSTGRES_CHECK_TYPES) {
      // Prepare
      const { database: _none, ...withoutDatabase } = component;
      const db = fakeDatabase([]);
      // Act
      const outcome = await runner(type)(context(db, { component: withoutDatabase as ComponentTask }), spec(type));
      const system = await runner(type)(context(db, { component: null }), spec(type));
      // Assess
      expect(outcome, type).toEqual({ status: 'failed', detail: 'component core-database has no `database` (recoverySecretArn, criticalTables…): a PostgreSQL check needs one' });
      expect(system.detail, type).toBe('the system verification has no `database` (recoverySecretArn, criticalTables…): a PostgreSQL check needs one');
      expect(db.connectedTo).toEqual([]);
    }
  });

  it('each check is skipped when the run has no database connection (drill without --with-postgres)', async () => {
    for (const type of POSTGRES_CHECK_TYPES) {
      expect(await runner(type)(context(null), spec(type)), type).toEqual({ status: 'skipped', detail: 'no database connection in this run (drill without --with-postgres)' });
    }
  });

  it('connects with the recovery secret and closes the connection, also when a query throws', async () => {
    for (const type of POSTGRES_CHECK_TYPES) {
      // Prepare
      const db = fakeDatabase([[/./, Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })]]);
      const entry = { table: 'public.transactions', rowCount: 1, checksum: '1', keyColumn: 'id', keyMax: '1', columns: [{ name: 'id', type: 'bigint', notNull: true }] };
      await storeManifest(state, run.plan, component.id, { takenAt: '2026-11-29T00:50:00.000Z', tables: [entry] });
      // Act
      const outcome = runner(type)(context(db), spec(type));
      // Assess
      await expect(outcome, type).rejects.toThrow('terminating connection due to administrator command');
      expect(db.connectedTo, type).toEqual([RECOVERY_SECRET]);
      expect(db.ended, type).toBe(1);
    }
  });

  describe('postgres-tables', () => {
    it('fails when no manifest was taken before the incident (one taken after it does not count)', async () => {
      // Prepare
      const other = { ...component, id: 'orders-db' };
      await storeManifest(state, run.plan, 'orders-db', { takenAt: '2026-11-29T01:00:00.001Z', tables: [] });
      const db = fakeDatabase([]);
      // Act
      const outcome = await POSTGRES_CHECKS['postgres-tables'](context(db, { component: other }), spec('postgres-tables'));
      // Assess
      expect(outcome).toEqual({ status: 'failed', detail: `no manifest of orders-db taken before the incident started (${INCIDENT}): is write-manifest running against the primary?` });
      expect(db.ended).toBe(1);
    });

    it('fails when the newest manifest before the incident is older than maxManifestAgeMinutes', async () => {
      // Prepare
      const other = { ...component, id: 'stale-db' };
      await storeManifest(state, run.plan, 'stale-db', { takenAt: '2026-11-28T22:59:00.000Z', tables: [] });
      // Act
      const outcome = await POSTGRES_CHECKS['postgres-tables'](context(fakeDatabase([]), { component: other }), spec('postgres-tables', { maxManifestAgeMinutes: 120 }));
      // Assess
      expect(outcome).toEqual({
        status: 'failed',
        detail: 'the newest manifest before the incident was taken at 2026-11-28T22:59:00.000Z, 121 min before it: older than maxManifestAgeMinutes (120)',
        observations: { manifestTakenAt: '2026-11-28T22:59:00.000Z', manifestAgeMinutes: 121 },
      });
    });

    it('fails naming a critical table the manifest does not have (added to the plan since)', async () => {
      // Prepare
      const other = { ...component, id: 'new-table-db' };
      await storeManifest(state, run.plan, 'new-table-db', { takenAt: '2026-11-29T00:45:00.000Z', tables: [] });
      // Act
      const outcome = await POSTGRES_CHECKS['postgres-tables'](context(fakeDatabase([]), { component: other }), spec('postgres-tables'));
      // Assess
      expect(outcome).toMatchObject({ status: 'failed', detail: 'public.transactions: not in the manifest of 2026-11-29T00:45:00.000Z (added to criticalTables since?)' });
    });
  });

  describe('rpo-heartbeat', () => {
    it('fails when the recovered database has no heartbeat at all', async () => {
      const db = fakeDatabase([[/to_regclass/, [{ exists: false }]]]);
      expect(await POSTGRES_CHECKS['rpo-heartbeat'](context(db), spec('rpo-heartbeat'))).toEqual({
        status: 'failed',
        detail: 'no heartbeat in dr_autopilot.heartbeat on the recovered database: write-heartbeat never reached the primary, so the data lost cannot be measured',
      });
    });

    it('reports 0 s when heartbeats written after the incident start reached the recovered database', async () => {
      // Prepare
      const db = fakeDatabase([
        [/to_regclass/, [{ exists: true }]],
        [/max\(written_at\)/, [{ at: new Date('2026-11-29T01:02:00.000Z') }]],
        [/count\(\*\)/, [{ n: 2 }]],
      ]);
      // Act
      const outcome = await POSTGRES_CHECKS['rpo-heartbeat'](context(db), spec('rpo-heartbeat'));
      // Assess
      expect(outcome).toEqual({
        status: 'passed',
        detail: `2 heartbeat(s) written after the incident started (${INCIDENT}) reached the recovered database (newest 2026-11-29T01:02:00.000Z): no data loss measurable (± 300 s)`,
        observations: {
          lastHeartbeatAt: '2026-11-29T01:02:00.000Z',
          incidentStartedAt: INCIDENT,
          rpoSeconds: 0,
          heartbeatIntervalSeconds: 300,
          rpoUncertaintySeconds: 300,
          heartbeatsAfterIncidentStart: 2,
        },
      });
    });
  });

  describe('postgres-replication', () => {
    it('passes with enough streaming standbys and lists them', async () => {
      const db = fakeDatabase([[/pg_stat_replication/, [
        { name: 'osaka-replica', client: '10.1.2.3', state: 'streaming', sync: 'async', lag: 0.25 },
        { name: 'tokyo-rebuild', client: '10.9.8.7', state: 'catchup', sync: 'async', lag: null },
      ]]]);
      expect(await POSTGRES_CHECKS['postgres-replication'](context(db), spec('postgres-replication'))).toEqual({
        status: 'passed',
        detail: '1 streaming standby(s) of the new primary (at least 1): osaka-replica',
        observations: {
          streaming: 1,
          minStandbys: 1,
          standbys: [
            { name: 'osaka-replica', client: '10.1.2.3', state: 'streaming', syncState: 'async', replayLagSeconds: 0.25 },
            { name: 'tokyo-rebuild', client: '10.9.8.7', state: 'catchup', syncState: 'async', replayLagSeconds: null },
          ],
        },
      });
    });

    it('in a re-protect, asks the database the system writes to (the run\'s primary), not the recovery target', async () => {
      // Prepare
      const db = fakeDatabase([[/pg_stat_replication/, [{ name: 'dataset-db-tokyo', client: '10.9.8.7', state: 'streaming', sync: 'async', lag: 0.5 }]]]);
      const reprotect = { ...context(db), run: { ...run, stage: 'reprotect' as const } };
      // Act
      const outcome = await POSTGRES_CHECKS['postgres-replication'](reprotect, spec('postgres-replication'));
      // Assess
      expect(outcome.status).toBe('passed');
      expect(db.connectedTo).toEqual(['arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dataset-db-primary-AbCdEf']);
      expect(db.ended).toBe(1);
    });

    it('says when the user cannot see the standbys\' state (needs pg_monitor)', async () => {
      const db = fakeDatabase([[/pg_stat_replication/, [{ name: null, client: null, state: null, sync: null, lag: null }]]]);
      const outcome = await POSTGRES_CHECKS['postgres-replication'](context(db), spec('postgres-replication', { minStandbys: 1 }));
      expect(outcome.detail).toBe(
        'replication is not re-established: 0 streaming standby(s) of the new primary, the plan wants at least 1 (pg_stat_replication: ?: state hidden); some rows hide their state: grant pg_monitor to the checking user',
      );
    });
  });

  it('postgres-writable: a database that refuses writes (default_transaction_read_only) fails saying so', async () => {
    // Prepare
    const db = fakeDatabase([
      [/pg_is_in_recovery/, [{ in_recovery: false, read_only: 'on' }]],
      [/to_regclass/, [{ ready: true }]],
      [/INSERT INTO dr_autopilot\.canary/, Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' })],
    ]);
    // Act
    const outcome = await POSTGRES_CHECKS['postgres-writable'](context(db), spec('postgres-writable'));
    // Assess
    expect(outcome).toEqual({
      status: 'failed',
      detail: 'the database refuses writes: cannot execute INSERT in a read-only transaction (default_transaction_read_only = on)',
      observations: { inRecovery: false, readOnly: true },
    });
    expect(db.ended).toBe(1);
  });
});
