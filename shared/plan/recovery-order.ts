import { InvalidInputError } from '../errors.ts';
import type { Component, Plan, Scenario } from './schema.ts';

export interface TierRun {
  id: string;
  name: string;
  order: number;
  rtoClass: string;
  rtoTargetMinutes: number;
  dependsOn: string[];
  components: Component[];
}

export interface RecoveryOrder {
  scenario: Scenario;
  tiers: TierRun[];
}

export function findScenario(plan: Plan, scenarioId: string): Scenario {
  const scenario = plan.scenarios.find((s) => s.id === scenarioId);
  if (!scenario) {
    throw new InvalidInputError(
      `scenario: unknown scenario "${scenarioId}"; the plan "${plan.name}" has ${plan.scenarios.map((s) => s.id).join(', ')}`,
      { field: 'scenario' },
    );
  }
  return scenario;
}

/** The scenario a CloudWatch alarm triggers, or undefined when the plan does not know the alarm. */
export function scenarioForAlarm(plan: Plan, alarmName: string): Scenario | undefined {
  return plan.scenarios.find((s) => s.triggers.alarms.includes(alarmName));
}

/**
 * What a scenario recovers, tier by tier in the plan's order: whole tiers it names (less components
 * restricted to other scenarios) plus single components it names. Dependencies outside the selection
 * are taken to be healthy (a database failure does not rebuild the API tier).
 */
export function recoveryOrder(plan: Plan, scenarioId: string): RecoveryOrder {
  const scenario = findScenario(plan, scenarioId);
  const components = new Map(plan.components.map((c) => [c.id, c]));
  const selected = new Set<string>(scenario.components);
  for (const tier of plan.tiers) {
    if (!scenario.tiers.includes(tier.id)) continue;
    for (const id of tier.components) {
      const only = components.get(id)?.onlyInScenarios;
      if (!only || only.includes(scenario.id)) selected.add(id);
    }
  }
  const tiers = [...plan.tiers]
    .sort((a, b) => a.order - b.order)
    .map((tier) => ({
      id: tier.id,
      name: tier.name,
      order: tier.order,
      rtoClass: tier.rtoClass,
      rtoTargetMinutes: plan.rtoClasses[tier.rtoClass]!.targetMinutes,
      dependsOn: tier.dependsOn,
      components: tier.components.filter((id) => selected.has(id)).map((id) => components.get(id)!),
    }))
    .filter((tier) => tier.components.length > 0);
  return { scenario, tiers };
}

/**
 * Whether a recovered run of the scenario moves the system to the other region (plan
 * `scenarios[].movesActiveRegion`, defaulted): a failback does, a re-protect never does, a recovery does
 * when it fails traffic over (it recovers a route53-failover component).
 */
export function movesActiveRegion(plan: Plan, scenario: Scenario): boolean {
  if (scenario.stage === 'reprotect') return false;
  if (scenario.stage === 'failback') return true;
  if (scenario.movesActiveRegion !== undefined) return scenario.movesActiveRegion;
  return recoveryOrder(plan, scenario.id).tiers.some((t) => t.components.some((c) => c.type === 'route53-failover'));
}
