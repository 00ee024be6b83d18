import { recordTier, tierOutcomeInput } from '../shared/run/tiers.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

export type { TierOutcomeInput } from '../shared/run/tiers.ts';

/**
 * Records a finished tier and decides whether the next tier may start. The output is the run's state
 * without the tier's working fields, so the state machine passes the state whole instead of copying
 * each of its fields.
 */
export const handler = lambdaHandler(tierOutcomeInput, async ({ tierResults, current: _current, ...state }) => {
  const next = recordTier(state, tierResults);
  const tier = next.results.tiers.at(-1);
  logger.info('Tier finished', { tier: tier?.id, status: tier?.status, achievedMinutes: tier?.achievedMinutes, met: tier?.met, next: next.status });
  return next;
});
