import { summariseRun } from '../shared/run/tiers.ts';
import type { RunState } from '../shared/run/types.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

/** The run's output: outcome, RTO achieved per tier against its target, every component's result. */
export const handler = lambdaHandler(async (event: RunState) => {
  const summary = summariseRun(event, new Date());
  logger.info('Run finished', { outcome: summary.outcome, reason: summary.reason });
  return summary;
});
