import { runState, summariseRun, summaryOutput } from '../shared/run/tiers.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { recordedResults } from '../shared/state/run-records.ts';
import { createStateDocumentClient, stateTableName } from '../shared/state/table.ts';

const ddb = createStateDocumentClient();

/**
 * The run's output: outcome, RTO achieved per tier against its target, each component's outcome and
 * each check's status. Input: the run's state (`$`); the components' full results (checks,
 * observations, for the measured RPO) are read from the state table.
 */
export const handler = lambdaHandler(runState, async (event) => {
  const recorded = await recordedResults({ ddb, tableName: stateTableName(), now: () => new Date(), logger }, event.run.executionId);
  const summary = summariseRun(event, new Date(), recorded);
  logger.info('Run finished', { outcome: summary.outcome, reason: summary.reason });
  return summaryOutput(summary);
});
