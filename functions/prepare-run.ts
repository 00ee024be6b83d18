import { prepareRun, type PrepareInput } from '../shared/run/prepare.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { packagedPlan } from '../shared/runtime/plan.ts';

/** First state: validates the execution input (console or alarm) against the packaged plan and lays out the run. */
export const handler = lambdaHandler(async (event: PrepareInput) => {
  const plan = await packagedPlan();
  const state = prepareRun(plan, event);
  logger.info('Run prepared', {
    execution: state.run.executionId,
    plan: state.run.plan,
    scenario: state.run.scenario,
    trigger: state.run.trigger.kind,
    tiers: state.tiers.map((t) => `${t.id}:${t.components.length}`),
  });
  return state;
});
