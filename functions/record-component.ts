import { outcomeOf, recordComponent, recordInput } from '../shared/run/component-outcome.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { recordComponentResult } from '../shared/state/run-records.ts';
import { createStateDocumentClient, stateTableName } from '../shared/state/table.ts';

const ddb = createStateDocumentClient();

/**
 * Turns a component's branch (its action, or the error caught) into its result, kept in the state table
 * (for the summary and a resume); returns the component's outcome, which the run's state carries.
 */
export const handler = lambdaHandler(recordInput, async (event) => {
  const now = () => new Date();
  const result = recordComponent({ now }, event);
  await recordComponentResult(
    { ddb, tableName: stateTableName(), now, logger },
    { incidentId: event.run.incidentId, executionId: event.run.executionId, result },
  );
  logger.info('Component finished', { component: result.id, status: result.status, error: result.error?.name });
  return outcomeOf(result);
});
