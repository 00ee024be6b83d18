import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { unknown } from 'zod/mini';
import { clientConfig, createAwsClients, onFirstUse } from '../shared/aws/clients.ts';
import { assessReadiness } from '../shared/readiness/assess.ts';
import { publishReadiness, type ReadinessOutcome } from '../shared/readiness/publish.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { packagedPlan, packagedRecoveryStatements } from '../shared/runtime/plan.ts';
import { readActiveRegion } from '../shared/state/active-region.ts';
import { stateDocumentClient, stateTableName } from '../shared/state/table.ts';

const clients = createAwsClients();
// Only an assessment that found a change sends a notice.
const sns = onFirstUse(() => new SNSClient(clientConfig(SNSClient)));
const ddb = stateDocumentClient(new DynamoDBClient(clientConfig(DynamoDBClient)));
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'dr-autopilot', serviceName: 'dr-autopilot' });

/**
 * Scheduled in the recovery region (the plan's `readiness.schedule`, default every 30 minutes): reads
 * every component's recovery preconditions and the system's own (shared/readiness/assess.ts), read-only;
 * publishes the metrics ReadinessNotReady / ReadinessAtRisk (the deployed alarm watches the first) and,
 * when anything changed since the last assessment, a notice to operations (internal topic).
 * The scheduled event says nothing it needs: any event is accepted.
 */
export const handler = lambdaHandler(unknown(), async (): Promise<ReadinessOutcome> => {
  const plan = await packagedPlan();
  const state = { ddb, tableName: stateTableName() };
  const report = await assessReadiness(plan, {
    clients,
    logger,
    now: new Date(),
    topics: { internal: process.env.INTERNAL_TOPIC_ARN, external: process.env.EXTERNAL_TOPIC_ARN },
    automationRoleArn: process.env.START_ACTION_ROLE_ARN,
    recoveryStatements: await packagedRecoveryStatements(),
    activeRegion: await readActiveRegion(state, plan.name),
  });
  try {
    return await publishReadiness({ state, sns, internalTopicArn: process.env.INTERNAL_TOPIC_ARN, metrics, logger }, report);
  } finally {
    // The metrics go out with this invocation's log (EMF) even when the notice failed.
    metrics.publishStoredMetrics();
  }
});
