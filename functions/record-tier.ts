import { recordTier } from '../shared/run/tiers.ts';
import type { ComponentResult, RunState } from '../shared/run/types.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

/** Records a finished tier and decides whether the next tier may start. */
export const handler = lambdaHandler(async (event: { state: RunState; tierResults: ComponentResult[] }) => {
  const state = recordTier(event.state, event.tierResults);
  const tier = state.results.tiers.at(-1);
  logger.info('Tier finished', { tier: tier?.id, status: tier?.status, achievedMinutes: tier?.achievedMinutes, met: tier?.met, next: state.status });
  return state;
});
