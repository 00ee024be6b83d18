import type { Json } from '../shared/components/types.ts';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { unknown } from 'zod/mini';
import { perRegion } from '../shared/aws/clients.ts';
import { postgresConnector } from '../shared/checks/postgres/connect.ts';
import { ensureSchema, writeHeartbeatIfDue } from '../shared/checks/postgres/heartbeat.ts';
import { forEachDatabase } from '../shared/checks/postgres/scheduled.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { packagedPlan } from '../shared/runtime/plan.ts';

const secretsManager = perRegion(SecretsManagerClient);
// Short timeouts: the next heartbeat is a minute away, and a primary whose region is down must not hold the others up.
const connect = postgresConnector(secretsManager, { connectTimeoutMs: 5_000, statementTimeoutMs: 10_000 });

/**
 * Scheduled (every minute): a heartbeat row in dr_autopilot.heartbeat on the primary of every
 * component with a `database`, when its heartbeatIntervalSeconds is due.
 * After a failover, the newest heartbeat on the recovered database bounds the data lost (rpo-heartbeat).
 * The scheduled event says nothing it needs: any event is accepted.
 */
export const handler = lambdaHandler(unknown(), async () => {
  const plan = await packagedPlan();
  return forEachDatabase(plan, logger, 'Heartbeat', async (_component, database): Promise<Record<string, Json>> => {
    const sql = await connect(database.primarySecretArn);
    try {
      await ensureSchema(sql);
      const written = await writeHeartbeatIfDue(sql, database.heartbeatIntervalSeconds, new Date());
      return written ? { written: true, at: written.toISOString() } : { written: false, reason: 'not due' };
    } finally {
      await sql.end().catch(() => undefined);
    }
  });
});
