import { runState, summariseRun } from '../shared/run/tiers.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

/** The run's output: outcome, RTO achieved per tier against its target, every component's result. Input: the run's state (`$`). */
export const handler = lambdaHandler(runState, async (event) => {
  const summary = summariseRun(event, new Date());
  logger.info('Run finished', { outcome: summary.outcome, reason: summary.reason });
  return summary;
});
