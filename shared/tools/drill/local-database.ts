import type pg from 'pg';
import type { SqlClient, PostgresConnector } from '../../checks/types.ts';
import { ensureSchema, writeHeartbeat } from '../../checks/postgres/heartbeat.ts';
import { storeManifest, takeManifest } from '../../checks/postgres/manifest.ts';
import { quoteTable } from '../../checks/postgres/sql.ts';
import { InvalidInputError } from '../../errors.ts';
import { startPostgresPair, type PostgresPair } from '../local/postgres.ts';
import { holdingClock } from '../local/virtual-clock.ts';
import type { Plan } from '../../plan/schema.ts';
import type { StateDeps } from '../../state/table.ts';

/** Rows in each critical table before the manifest, and after it (written before the incident, still replicated). */
const ROWS_AT_MANIFEST = 5_000;
const ROWS_AFTER_MANIFEST = 250;
/** The manifest is taken this long before the incident (within the plan's manifest interval). */
const MANIFEST_BEFORE_INCIDENT_MS = 10 * 60_000;
/** Heartbeats written before the incident. */
const HEARTBEATS = 30;

export interface DrillDatabase {
  /** The component whose database the pair stands for. */
  componentId: string;
  replicaDbInstanceIdentifier: string;
  /** Connects the checks: the recovery secret reaches the (promoted) standby; the primary is down. */
  connector: PostgresConnector;
  /** The simulated promotion of the replica was accepted: promote the real standby too. */
  promote(): void;
  /** The re-protect replica's identifier (params.reprotect), or null. */
  reprotectDbInstanceIdentifier: string | null;
  /** The simulated re-protect replica was created: build a real streaming standby of the promoted one. */
  reprotect(): void;
  /** The simulated failback promotion of the re-protect replica was accepted: promote that standby. */
  failback(): void;
  /** The newest heartbeat that reached the standby before the primary stopped (the real gap's start). */
  lastReplicatedHeartbeat: Date;
  stop(): Promise<void>;
}

/**
 * `--with-postgres`: a real PostgreSQL primary with a streaming standby stands for the plan's database
 * component. Before the incident the primary gets the critical tables, a manifest (into the drill's
 * state table) and a heartbeat every interval, dated on the drill's clock; streaming is cut and the
 * primary stopped as the incident starts, so what the standby holds is what a real replica would. The
 * drill's promotion of the replica promotes the standby; the database checks then run against it, and
 * the measured RPO is the real gap.
 */
export async function startDrillDatabase(plan: Plan, incidentAt: Date, state: StateDeps): Promise<DrillDatabase> {
  const component = plan.components.find((c) => c.type === 'rds-replica-promotion' && c.database !== undefined);
  if (!component || component.type !== 'rds-replica-promotion' || !component.database) {
    throw new InvalidInputError('--with-postgres: the plan has no rds-replica-promotion component with a database block to run against a local PostgreSQL', {
      field: 'with-postgres',
    });
  }
  const database = component.database;
  const pair: PostgresPair = await startPostgresPair();
  try {
    const primary = await pair.primary.connect();
    try {
      await ensureSchema(primary);
      for (const table of database.criticalTables) {
        const [schema] = table.split('.');
        await primary.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await primary.query(
          `CREATE TABLE IF NOT EXISTS ${quoteTable(table)} (id bigserial PRIMARY KEY, account_id int NOT NULL, amount numeric(12,2) NOT NULL, memo text, created_at timestamptz NOT NULL)`,
        );
        await primary.query(`CREATE INDEX IF NOT EXISTS ${table.split('.')[1]}_account_idx ON ${quoteTable(table)} (account_id)`);
      }
      const insert = (table: string, rows: number, at: Date) =>
        primary.query(
          `INSERT INTO ${quoteTable(table)} (account_id, amount, memo, created_at)
           SELECT g % 997, (g % 100000) / 100.0, CASE WHEN g % 7 = 0 THEN NULL ELSE 'row ' || g END, $2::timestamptz
           FROM generate_series(1, $1::int) AS g`,
          [rows, at.toISOString()],
        );
      const manifestAt = new Date(incidentAt.getTime() - MANIFEST_BEFORE_INCIDENT_MS);
      for (const table of database.criticalTables) await insert(table, ROWS_AT_MANIFEST, manifestAt);
      await storeManifest(state, plan.name, component.id, await takeManifest(primary, database.criticalTables, manifestAt, { settleMs: 0 }));
      for (const table of database.criticalTables) await insert(table, ROWS_AFTER_MANIFEST, incidentAt);
      // Heartbeats every interval up to the incident: the newest is one interval before it.
      const interval = database.heartbeatIntervalSeconds * 1000;
      let last = new Date(0);
      for (let k = HEARTBEATS; k >= 1; k--) {
        last = new Date(incidentAt.getTime() - k * interval);
        await writeHeartbeat(primary, last);
      }
      await pair.catchUp();
      await pair.disconnectStandby();
      // The incident: the primary stops without a clean shutdown.
      await pair.primary.stop('immediate');
      let promoted: Promise<void> | undefined;
      let reprotected: Promise<void> | undefined;
      let failedBack: Promise<void> | undefined;
      // The recovery secret reaches the promoted standby; the re-protect secret, the re-protect standby once made.
      const connector: PostgresConnector = async (secretArn) => {
        if (secretArn === database.recoverySecretArn) {
          await promoted;
          return local(await holdingClock(() => pair.standby.connect()));
        }
        if (secretArn === database.reprotectSecretArn && reprotected) {
          await reprotected;
          await failedBack;
          return local(await holdingClock(() => pair.reprotected!.connect()));
        }
        throw Object.assign(new Error(`connect ECONNREFUSED (the drill's primary of ${component.id} is down)`), { code: 'ECONNREFUSED', name: 'Error' });
      };
      return {
        componentId: component.id,
        replicaDbInstanceIdentifier: component.params.replicaDbInstanceIdentifier,
        connector,
        promote() {
          promoted ??= holdingClock(() => pair.promote());
        },
        reprotectDbInstanceIdentifier: component.params.reprotect?.replicaDbInstanceIdentifier ?? null,
        reprotect() {
          reprotected ??= holdingClock(async () => {
            await promoted;
            await pair.reprotect();
          });
        },
        failback() {
          failedBack ??= holdingClock(async () => {
            await reprotected;
            await pair.promoteReprotected();
          });
        },
        lastReplicatedHeartbeat: last,
        stop: () => pair.stop(),
      };
    } finally {
      await primary.end().catch(() => undefined);
    }
  } catch (error) {
    await pair.stop();
    throw error;
  }
}

/** A client whose round trips hold the drill's simulated clock (real I/O takes no simulated time). */
function local(client: pg.Client): SqlClient {
  return {
    query: (text, values) => holdingClock(() => client.query(text, values)) as never,
    end: () => holdingClock(() => client.end()),
  };
}
