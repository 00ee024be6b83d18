import { recordComponent, type RecordInput } from '../shared/run/component.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

/** Turns a component's branch (its action, or the error caught) into its result. */
export const handler = lambdaHandler(async (event: RecordInput) => {
  const result = recordComponent({ now: () => new Date() }, event);
  logger.info('Component finished', { component: result.id, status: result.status, error: result.error?.name });
  return result;
});
