import { createAwsClients } from '../shared/aws/clients.ts';
import type { CheckSpec } from '../shared/checks/schema.ts';
import { CHECKS } from '../shared/checks/index.ts';
import { checkIo } from '../shared/checks/io.ts';
import { postgresConnector } from '../shared/checks/postgres/connect.ts';
import { verifySystem } from '../shared/checks/verify.ts';
import type { RunContext } from '../shared/run/types.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { createStateDocumentClient, stateTableName } from '../shared/state/table.ts';

const clients = createAwsClients();
const ddb = createStateDocumentClient();
const postgres = postgresConnector((region) => clients.secretsManager(region));

/** Verify System: the plan's final verification checks, after every tier recovered. */
export const handler = lambdaHandler(async (event: { run: RunContext; checks: CheckSpec[] }) => {
  const now = () => new Date();
  const results = await verifySystem(
    { clients, logger, now, io: checkIo({ postgres, fetch: globalThis.fetch }), state: { ddb, tableName: stateTableName(), now, logger }, registry: CHECKS },
    event,
  );
  logger.info('System verified', { checks: results.map((c) => `${c.name}:${c.status}${c.advisory ? ' (advisory)' : ''}`) });
  return results;
});
