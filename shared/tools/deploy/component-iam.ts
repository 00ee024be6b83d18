import type { IamContext, IamStatement } from '../../components/definition.ts';
import { definitionOf } from '../../components/registry.ts';
import { reverseComponent } from '../../plan/direction.ts';
import { recoveryOrder } from '../../plan/recovery-order.ts';
import type { Component, Plan } from '../../plan/schema.ts';

/** The IAM facet of the component's own type (the registry is keyed by type, so its params fit). */
const facetOf = (component: Component) => definitionOf(component.type);

/**
 * Re-reads of the trigger alarm (before one-way steps; after a deferred start's wait): its state and
 * suppression (DescribeAlarms; composite alarms need "*") and its active mute rules (ListAlarmMuteRules,
 * which has no resource-level permissions).
 */
export function triggerAlarmReads(plan: Plan): IamStatement[] {
  const hasTriggerAlarms = plan.scenarios.some((s) => s.triggers.alarms.length > 0);
  return hasTriggerAlarms ? [{ Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListAlarmMuteRules'], Resource: '*' }] : [];
}

/**
 * What the runs of each component need: its recovery as the plan writes it; and, for a component a
 * re-protect or failback scenario lists, its recovery in the reverse direction (reversed params, the
 * regions' roles swapped) and its re-protect in both directions. `startOnly`: the type's start-only actions are kept.
 */
function componentStatements(plan: Plan, ctx: IamContext, startOnly: boolean): IamStatement[] {
  const swapped: IamContext = { ...ctx, regions: { primary: ctx.regions.secondary, secondary: ctx.regions.primary } };
  const staged = (stage: 'reprotect' | 'failback') =>
    new Set(plan.scenarios.filter((s) => s.stage === stage).flatMap((s) => recoveryOrder(plan, s.id).tiers.flatMap((t) => t.components.map((c) => c.id))));
  const reprotected = staged('reprotect');
  const reversed = new Set([...reprotected, ...staged('failback')]);
  return plan.components.flatMap((c) => {
    const facet = facetOf(c).iam;
    const reversal = reverseComponent(c);
    const back = reversed.has(c.id) && 'params' in reversal ? (reversal.params as typeof c.params) : null;
    const statements = [
      ...facet.statements(c.params, ctx),
      ...(back ? facet.statements(back as never, swapped) : []),
      ...(reprotected.has(c.id) && facet.reprotect ? [...facet.reprotect(c.params as never, ctx, 'forward'), ...(back ? facet.reprotect(back as never, swapped, 'reverse') : [])] : []),
    ];
    return startOnly ? statements : statements.map((st) => ({ ...st, Action: st.Action.filter((a) => !facet.startOnly.includes(a)) }));
  }).filter(once());
}

/** Keeps the first of equal statements (a component's directions can grant the same read twice). */
function once(): (st: IamStatement) => boolean {
  const seen = new Set<string>();
  return (st) => {
    const key = JSON.stringify(st);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}

/** start-action: everything the recovery of each component needs, on the resources the plan names. */
export function startActionStatements(plan: Plan, ctx: IamContext): IamStatement[] {
  return [...componentStatements(plan, ctx, true), ...triggerAlarmReads(plan)];
}

/** check-action: the same, less each type's start-only actions (statements left empty are dropped). */
export function checkActionStatements(plan: Plan, ctx: IamContext): IamStatement[] {
  return [...componentStatements(plan, ctx, false), ...triggerAlarmReads(plan)].filter((st) => st.Action.length > 0);
}

/** assess-readiness: what each component type's readiness facet reads (read-only), each statement once. */
export function readinessStatements(plan: Plan, ctx: IamContext): IamStatement[] {
  return plan.components.flatMap((c) => facetOf(c).iam.readiness(c.params, ctx)).filter(once());
}
