import { createAwsClients } from '../shared/aws/clients.ts';
import { CHECKS } from '../shared/checks/index.ts';
import { checkIo } from '../shared/checks/io.ts';
import { postgresConnector } from '../shared/checks/postgres/connect.ts';
import { verifyComponent } from '../shared/checks/verify.ts';
import type { ActionRecord, ComponentTask, RunContext } from '../shared/run/types.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { createStateDocumentClient, stateTableName } from '../shared/state/table.ts';

const clients = createAwsClients();
const ddb = createStateDocumentClient();
const postgres = postgresConnector((region) => clients.secretsManager(region));

/** Verify Component: the integrity checks the plan lists for a component that has just recovered. */
export const handler = lambdaHandler(async (event: { run: RunContext; component: ComponentTask; action?: ActionRecord }) => {
  const now = () => new Date();
  const result = await verifyComponent(
    { clients, logger, now, io: checkIo({ postgres, fetch: globalThis.fetch }), state: { ddb, tableName: stateTableName(), now, logger }, registry: CHECKS },
    event,
  );
  logger.info('Component verified', { checks: result.checks.map((c) => `${c.name}:${c.status}${c.advisory ? ' (advisory)' : ''}`) });
  return result;
});
