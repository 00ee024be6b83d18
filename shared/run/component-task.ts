import { InvalidInputError, PlanValidationError } from '../errors.ts';
import type { Component, Plan } from '../plan/schema.ts';
import type { ComponentReversal, ReversedComponents } from '../runtime/plan.ts';
import type { ComponentTask } from './types.ts';

/**
 * The component as it runs in the reverse direction: its params (and database block) as packaging
 * reversed them. A component packaging could not reverse never reaches a run (plan validation refuses
 * it in a re-protect or failback scenario): PlanValidationError, terminal.
 */
function inReverse(component: Component, reversal: ComponentReversal | undefined, plan: string): Component {
  if (!reversal || 'unsupported' in reversal) {
    throw new PlanValidationError('.dr-autopilot/plan.json', [
      { path: `reversed.${component.id}`, message: `component "${component.id}" of plan "${plan}" cannot run in the reverse direction: ${reversal?.unsupported ?? 'not in the compiled plan; re-package'}` },
    ]);
  }
  return { ...component, params: reversal.params, ...(reversal.database ? { database: reversal.database } : {}) } as Component;
}

/** A check without onlyInScenarios runs in every scenario. */
export const inScenario = (check: { onlyInScenarios?: string[] }, scenario: string) => check.onlyInScenarios === undefined || check.onlyInScenarios.includes(scenario);

/**
 * A component of the plan as its branch of the run works on it: the plan's definition with only the
 * scenario's checks, its tier and its timeout in seconds. Load Component Definition (functions/load-component.ts)
 * builds it from the packaged plan; the run's state names the component only (`ComponentRef`).
 */
export function componentTask(plan: Plan, scenarioId: string, componentId: string, reversed?: ReversedComponents): ComponentTask {
  const found = plan.components.find((c) => c.id === componentId);
  if (!found) throw new InvalidInputError(`component.id: "${componentId}" is not a component of plan "${plan.name}"`, { field: 'component.id' });
  const component = reversed ? inReverse(found, reversed[componentId], plan.name) : found;
  const tier = plan.tiers.find((t) => t.components.includes(componentId));
  if (!tier) throw new InvalidInputError(`component.id: "${componentId}" is in no tier of plan "${plan.name}"`, { field: 'component.id' });
  const checks = component.checks.filter((k) => inScenario(k, scenarioId));
  return { ...component, checks, tier: tier.id, timeoutSeconds: component.timeoutMinutes * 60, metricWindowSeconds: metricWindowSeconds(checks) };
}

/**
 * How long the state machine waits after a recovery before it verifies (statemachines/failover.asl.json
 * "Wait For Metric Window"): the longest window of the `metric` checks, so each reads a window that lies
 * wholly after the recovery; 0 without metric checks.
 */
export function metricWindowSeconds(checks: readonly { type: string; windowMinutes?: number }[]): number {
  return Math.max(0, ...checks.map((k) => (k.type === 'metric' ? (k.windowMinutes ?? 0) * 60 : 0)));
}
