import { object } from 'zod/mini';
import { componentTask } from '../shared/run/component-task.ts';
import { componentRef, runContext } from '../shared/run/task-schemas.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { runPlan, runReversedComponents } from '../shared/runtime/plan.ts';

/** Load Component Definition's input: `$.run` and the Map item (`{ id, type, tier }`). */
export const loadComponentInput = object({ run: runContext, component: componentRef });

/**
 * First state of a component's branch: the component's definition from the packaged plan (the
 * scenario's checks, its tier, its timeout in seconds), so the run's state names components and
 * does not carry their definitions. Reads a file; changes nothing.
 */
export const handler = lambdaHandler(loadComponentInput, async ({ run, component }) => {
  // A run in the reverse direction (re-protect or failback after a recovery) reads the component as packaging reversed it.
  const reversed = run.direction === 'reverse' ? await runReversedComponents(run) : undefined;
  const task = componentTask(await runPlan(run), run.scenario, component.id, reversed);
  logger.debug('Component definition loaded', { component: task.id, type: task.type, checks: task.checks.length });
  return task;
});
