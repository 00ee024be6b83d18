import { recordTier } from '../shared/run/tiers.ts';
import type { ComponentResult, RunState } from '../shared/run/types.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

/**
 * The run's state as Record Tier Outcome receives it: the whole state, with the tier the Map ran
 * (`current`, from Select Next Tier) and its components' results (`tierResults`, the Map's output).
 */
export type TierOutcomeInput = RunState & { tierResults: ComponentResult[]; current?: unknown };

/**
 * Records a finished tier and decides whether the next tier may start. The output is the run's state
 * without the tier's working fields, so the state machine passes the state whole instead of copying
 * each of its fields.
 */
export const handler = lambdaHandler(async ({ tierResults, current: _current, ...state }: TierOutcomeInput) => {
  const next = recordTier(state, tierResults);
  const tier = next.results.tiers.at(-1);
  logger.info('Tier finished', { tier: tier?.id, status: tier?.status, achievedMinutes: tier?.achievedMinutes, met: tier?.met, next: next.status });
  return next;
});
