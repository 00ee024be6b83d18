import type { Json } from '../shared/components/types.ts';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { unknown } from 'zod/mini';
import { perRegion } from '../shared/aws/clients.ts';
import { postgresConnector } from '../shared/checks/postgres/connect.ts';
import { ensureSchema, writeHeartbeatIfDue } from '../shared/checks/postgres/heartbeat.ts';
import { forEachDatabase, writerSecret, writingRegion } from '../shared/checks/postgres/scheduled.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { packagedPlan } from '../shared/runtime/plan.ts';
import { createStateDocumentClient } from '../shared/state/table.ts';

const secretsManager = perRegion(SecretsManagerClient);
// Short timeouts: the next heartbeat is a minute away, and a primary whose region is down must not hold the others up.
const connect = postgresConnector(secretsManager, { connectTimeoutMs: 5_000, statementTimeoutMs: 10_000 });
const ddb = createStateDocumentClient();

/**
 * Scheduled (every minute): a heartbeat row in dr_autopilot.heartbeat on the primary of every
 * component with a `database`, when its heartbeatIntervalSeconds is due — on the recovered database
 * while a recovery has moved the system to the secondary region (the state table's active region).
 * After a failover, the newest heartbeat on the recovered database bounds the data lost (rpo-heartbeat).
 * The scheduled event says nothing it needs: any event is accepted.
 */
export const handler = lambdaHandler(unknown(), async () => {
  const plan = await packagedPlan();
  const region = await writingRegion(process.env.STATE_TABLE_NAME ? { ddb, tableName: process.env.STATE_TABLE_NAME } : null, plan, logger);
  return forEachDatabase(plan, logger, 'Heartbeat', async (_component, database): Promise<Record<string, Json>> => {
    const sql = await connect(writerSecret(plan, database, region));
    try {
      await ensureSchema(sql);
      const written = await writeHeartbeatIfDue(sql, database.heartbeatIntervalSeconds, new Date());
      return written ? { written: true, at: written.toISOString() } : { written: false, reason: 'not due' };
    } finally {
      await sql.end().catch(() => undefined);
    }
  });
});
