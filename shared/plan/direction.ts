import type { PlanIssue } from '../errors.ts';
import { componentTypeNames, definitionOf, type RegisteredType } from '../components/registry.ts';
import type { ComponentReversal, ReversedComponents } from '../runtime/plan.ts';
import { recoveryOrder } from './recovery-order.ts';
import type { Component, Plan, Scenario } from './schema.ts';

/**
 * The plan in the reverse direction (README "Re-protect and failback"). A plan names its regions and
 * resources as they are before any recovery; after a recovery moved the system to the secondary, a
 * re-protect and a failback run the same components with the regions' roles swapped. Each type says how
 * its params read so (shared/components/<type>/reverse.ts); a database block swaps its secrets (the recovered database is the primary, the re-protect replica the recovery target).
 * Packaging compiles every component's reversal into the compiled plan, so the functions need no
 * registry.
 */

/** One component in the reverse direction, or why it cannot run so. */
export function reverseComponent(component: Component): ComponentReversal {
  const reversal = definitionOf(component.type as RegisteredType).reverse(component as never);
  if ('unsupported' in reversal) return { unsupported: `${component.type}: ${reversal.unsupported}` };
  // The database the system writes to now is the recovered one; a failback recovers to the replica re-protect built.
  const database = component.database && {
    ...component.database,
    primarySecretArn: component.database.recoverySecretArn,
    recoverySecretArn: component.database.reprotectSecretArn ?? component.database.primarySecretArn,
  };
  return { params: reversal.params as Record<string, unknown>, ...(database ? { database } : {}) };
}

/** Every component's reversal, by id: what the compiled plan carries. */
export function reversedComponents(plan: Plan): ReversedComponents {
  return Object.fromEntries(plan.components.map((c) => [c.id, reverseComponent(c)]));
}

/**
 * What a re-protect or failback scenario needs, on a plan that passed its schema and cross-references:
 * both are planned (both regions answer) and start from the console or a schedule, never an alarm; every
 * component they list runs in the reverse direction; a re-protect's components rebuild protection.
 */
export function stageIssues(plan: Plan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  plan.scenarios.forEach((scenario, i) => {
    const at = `scenarios.${i}`;
    if (scenario.stage === 'recover') return;
    if (scenario.movesActiveRegion !== undefined) {
      issues.push({ path: `${at}.movesActiveRegion`, message: `only for stage recover: a ${scenario.stage} ${scenario.stage === 'failback' ? 'always moves the system back' : 'never moves the system'}; remove it` });
    }
    if (scenario.mode !== 'planned') {
      issues.push({ path: `${at}.mode`, message: `a ${scenario.stage} runs while both regions answer: use mode planned` });
    }
    if (scenario.triggers.alarms.length > 0) {
      issues.push({ path: `${at}.triggers.alarms`, message: `a ${scenario.stage} starts from the console or a schedule, never an alarm: remove the alarms` });
    }
    for (const tier of recoveryOrder(plan, scenario.id).tiers) {
      for (const component of tier.components) {
        const where = listedAt(scenario, component.id, tier.id, at);
        const reversal = reverseComponent(component);
        if ('unsupported' in reversal) issues.push({ path: where, message: `component "${component.id}" cannot run in the reverse direction: ${reversal.unsupported}` });
        if (scenario.stage === 'reprotect' && !definitionOf(component.type as RegisteredType).reprotects) {
          issues.push({
            path: where,
            message: `component "${component.id}" (${component.type}) has nothing to re-protect; the types that do: ${reprotectingTypes().join(', ')}`,
          });
        }
      }
    }
  });
  return issues;
}

/** Where the scenario names the component: its entry in `components`, else the tier that brings it. */
function listedAt(scenario: Scenario, componentId: string, tierId: string, at: string): string {
  const j = scenario.components.indexOf(componentId);
  if (j >= 0) return `${at}.components.${j}`;
  const k = scenario.tiers.indexOf(tierId);
  return k >= 0 ? `${at}.tiers.${k}` : at;
}

/** The registered types that rebuild protection in a re-protect stage. */
export function reprotectingTypes(): string[] {
  return componentTypeNames.filter((t) => definitionOf(t).reprotects);
}
