import type { IamContext, IamStatement } from '../../components/definition.ts';
import { definitionOf } from '../../components/registry.ts';
import type { Component, Plan } from '../../plan/schema.ts';

/** The IAM facet of the component's own type (the registry is keyed by type, so its params fit). */
const facetOf = (component: Component) => definitionOf(component.type);

/** Anti-flapping re-read of the trigger alarm before one-way steps; composite alarms need "*". */
function alarmReread(plan: Plan): IamStatement[] {
  const hasTriggerAlarms = plan.scenarios.some((s) => s.triggers.alarms.length > 0);
  return hasTriggerAlarms ? [{ Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms'], Resource: '*' }] : [];
}

/** start-action: everything the recovery of each component needs, on the resources the plan names. */
export function startActionStatements(plan: Plan, ctx: IamContext): IamStatement[] {
  return [...plan.components.flatMap((c) => facetOf(c).iam.statements(c.params, ctx)), ...alarmReread(plan)];
}

/** check-action: the same, less each type's start-only actions (statements left empty are dropped). */
export function checkActionStatements(plan: Plan, ctx: IamContext): IamStatement[] {
  const statements = plan.components.flatMap((c) => {
    const facet = facetOf(c).iam;
    return facet.statements(c.params, ctx).map((st) => ({ ...st, Action: st.Action.filter((a) => !facet.startOnly.includes(a)) }));
  });
  return [...statements, ...alarmReread(plan)].filter((st) => st.Action.length > 0);
}

/** assess-readiness: what each component type's readiness facet reads (read-only), each statement once. */
export function readinessStatements(plan: Plan, ctx: IamContext): IamStatement[] {
  const seen = new Set<string>();
  return plan.components.flatMap((c) => facetOf(c).iam.readiness(c.params, ctx)).filter((st) => {
    const key = JSON.stringify(st);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
