import type { Json } from '../shared/components/types.ts';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { unknown } from 'zod/mini';
import { perRegion } from '../shared/aws/clients.ts';
import { postgresConnector } from '../shared/checks/postgres/connect.ts';
import { manifestDue, storeManifest, takeManifest, tryLockManifest } from '../shared/checks/postgres/manifest.ts';
import { forEachDatabase, writerSecret, writingRegion } from '../shared/checks/postgres/scheduled.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { packagedPlan } from '../shared/runtime/plan.ts';
import { createStateDocumentClient, stateTableName } from '../shared/state/table.ts';

const secretsManager = perRegion(SecretsManagerClient);
// A manifest scans the critical tables whole: statements may run for minutes (the function's timeout is 15).
const connect = postgresConnector(secretsManager, { connectTimeoutMs: 10_000, statementTimeoutMs: 12 * 60_000 });
const ddb = createStateDocumentClient();

/**
 * Scheduled: a manifest (row count and checksum of each critical table, up to its key's maximum) of
 * every component's primary whose newest manifest is manifestIntervalMinutes old, stored in the
 * state table; the postgres-tables check compares the recovered database with it. The scheduled
 * event says nothing it needs: any event is accepted.
 */
export const handler = lambdaHandler(unknown(), async () => {
  const plan = await packagedPlan();
  const state = { ddb, tableName: stateTableName(), now: () => new Date(), logger };
  // While a recovery has moved the system to the secondary region, the recovered database is the one to describe.
  const region = await writingRegion(state, plan, logger);
  return forEachDatabase(plan, logger, 'Manifest', async (component, database): Promise<Record<string, Json>> => {
    const now = new Date();
    if (!(await manifestDue(state, plan.name, component.id, database.manifestIntervalMinutes, now))) return { taken: false, reason: 'not due' };
    const sql = await connect(writerSecret(plan, database, region));
    try {
      if (!(await tryLockManifest(sql))) return { taken: false, reason: 'another manifest of this database is being taken' };
      const manifest = await takeManifest(sql, database.criticalTables, now);
      await storeManifest(state, plan.name, component.id, manifest);
      return { taken: true, takenAt: manifest.takenAt, tables: manifest.tables.map((t) => `${t.table}: ${t.rowCount} rows`) };
    } finally {
      await sql.end().catch(() => undefined);
    }
  });
});
