import type { Plan } from './schema.ts';
import type { PlanIssue } from './load.ts';

function duplicates(ids: string[]): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  ids.forEach((id, index) => seen.set(id, [...(seen.get(id) ?? []), index]));
  return new Map([...seen].filter(([, at]) => at.length > 1));
}

/** Finds a dependency cycle among tiers and returns it as a list of ids (first id repeated at the end). */
function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Checks what a schema cannot: that every id a plan refers to exists, once, and that tiers form an order. */
export function crossReferenceIssues(plan: Plan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });

  for (const [list, label] of [
    [plan.tiers, 'tiers'],
    [plan.components, 'components'],
    [plan.scenarios, 'scenarios'],
    [plan.stakeholders.audiences, 'stakeholders.audiences'],
  ] as const) {
    for (const [id, at] of duplicates(list.map((item) => item.id))) {
      add(`${label}.${at[1]}.id`, `duplicate id "${id}" (also at ${label}.${at[0]})`);
    }
  }
  for (const [order, at] of duplicates(plan.tiers.map((t) => String(t.order)))) {
    add(`tiers.${at[1]}.order`, `duplicate order ${order} (also tiers.${at[0]}); each tier needs its own position`);
  }

  const tiers = new Map(plan.tiers.map((t) => [t.id, t]));
  const components = new Map(plan.components.map((c) => [c.id, c]));
  const scenarioIds = new Set(plan.scenarios.map((s) => s.id));
  const owner = new Map<string, string>();

  plan.tiers.forEach((tier, i) => {
    if (!plan.rtoClasses[tier.rtoClass]) {
      add(`tiers.${i}.rtoClass`, `unknown RTO class "${tier.rtoClass}"; define it under rtoClasses (${Object.keys(plan.rtoClasses).join(', ')})`);
    }
    tier.components.forEach((componentId, j) => {
      if (!components.has(componentId)) {
        add(`tiers.${i}.components.${j}`, `unknown component "${componentId}"; define it under components`);
      } else if (owner.has(componentId)) {
        add(`tiers.${i}.components.${j}`, `component "${componentId}" is already in tier "${owner.get(componentId)}"; a component belongs to one tier`);
      } else owner.set(componentId, tier.id);
    });
    tier.dependsOn.forEach((dep, j) => {
      const target = tiers.get(dep);
      if (!target) {
        add(`tiers.${i}.dependsOn.${j}`, `depends on unknown tier "${dep}"`);
        return;
      }
      if (dep === tier.id) add(`tiers.${i}.dependsOn.${j}`, 'a tier cannot depend on itself');
      else if (target.order >= tier.order) {
        add(`tiers.${i}.dependsOn.${j}`, `depends on tier "${dep}" (order ${target.order}) which does not come before it (order ${tier.order})`);
      }
      const mine = plan.rtoClasses[tier.rtoClass]?.targetMinutes;
      const theirs = plan.rtoClasses[target.rtoClass]?.targetMinutes;
      if (mine !== undefined && theirs !== undefined && mine < theirs) {
        add(
          `tiers.${i}.rtoClass`,
          `RTO target ${mine} min is shorter than that of tier "${dep}" it depends on (${theirs} min); it cannot be met before its dependency is`,
        );
      }
    });
  });

  const cycle = findCycle(new Map(plan.tiers.map((t) => [t.id, t.dependsOn.filter((d) => tiers.has(d))])));
  if (cycle && cycle.length > 2) add('tiers', `dependency cycle: ${cycle.join(' -> ')}`);

  plan.components.forEach((component, i) => {
    if (!owner.has(component.id)) add(`components.${i}.id`, `component "${component.id}" is in no tier; list it in a tier's components`);
    if (component.rpoClass && !plan.rpoClasses[component.rpoClass]) {
      add(`components.${i}.rpoClass`, `unknown RPO class "${component.rpoClass}"; define it under rpoClasses`);
    }
    component.onlyInScenarios?.forEach((s, j) => {
      if (!scenarioIds.has(s)) add(`components.${i}.onlyInScenarios.${j}`, `unknown scenario "${s}"`);
    });
  });

  const alarmOwner = new Map<string, string>();
  plan.scenarios.forEach((scenario, i) => {
    scenario.tiers.forEach((t, j) => {
      if (!tiers.has(t)) add(`scenarios.${i}.tiers.${j}`, `unknown tier "${t}"`);
    });
    scenario.components.forEach((c, j) => {
      if (!components.has(c)) add(`scenarios.${i}.components.${j}`, `unknown component "${c}"`);
    });
    if (scenario.tiers.length === 0 && scenario.components.length === 0) {
      add(`scenarios.${i}`, 'recovers nothing: list tiers or components');
    }
    scenario.triggers.alarms.forEach((alarm, j) => {
      const other = alarmOwner.get(alarm);
      if (other) add(`scenarios.${i}.triggers.alarms.${j}`, `alarm "${alarm}" already triggers scenario "${other}"; one alarm starts one scenario`);
      else alarmOwner.set(alarm, scenario.id);
    });
  });

  return issues;
}
