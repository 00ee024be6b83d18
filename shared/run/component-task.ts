import { InvalidInputError } from '../errors.ts';
import type { Plan } from '../plan/schema.ts';
import type { ComponentTask } from './types.ts';

/** A check without onlyInScenarios runs in every scenario. */
export const inScenario = (check: { onlyInScenarios?: string[] }, scenario: string) => check.onlyInScenarios === undefined || check.onlyInScenarios.includes(scenario);

/**
 * A component of the plan as its branch of the run works on it: the plan's definition with only the
 * scenario's checks, its tier and its timeout in seconds. Load Component Definition (functions/load-component.ts)
 * builds it from the packaged plan; the run's state names the component only (`ComponentRef`).
 */
export function componentTask(plan: Plan, scenarioId: string, componentId: string): ComponentTask {
  const component = plan.components.find((c) => c.id === componentId);
  if (!component) throw new InvalidInputError(`component.id: "${componentId}" is not a component of plan "${plan.name}"`, { field: 'component.id' });
  const tier = plan.tiers.find((t) => t.components.includes(componentId));
  if (!tier) throw new InvalidInputError(`component.id: "${componentId}" is in no tier of plan "${plan.name}"`, { field: 'component.id' });
  return { ...component, checks: component.checks.filter((k) => inScenario(k, scenarioId)), tier: tier.id, timeoutSeconds: component.timeoutMinutes * 60 };
}
