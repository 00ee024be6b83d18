import { object } from 'zod/mini';
import { oneWayTypes } from '../shared/components/load.ts';
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
  const plan = await runPlan(run);
  const task = componentTask(plan, run.scenario, component.id, reversed);
  // A tier that holds a one-way step: an alarm-started run re-reads its trigger before any of the tier's steps (shared/run/component.ts).
  const tierTypes = (plan.tiers.find((t) => t.id === task.tier)?.components ?? []).flatMap((id) => plan.components.filter((c) => c.id === id).map((c) => c.type));
  const oneWay = await oneWayTypes(tierTypes);
  logger.debug('Component definition loaded', { component: task.id, type: task.type, checks: task.checks.length });
  return { ...task, oneWayTier: tierTypes.some((t) => oneWay.has(t)) };
});
