import { z } from 'zod';
import type { PlanIssue } from '../errors.ts';

/**
 * The parts of a plan the cross-reference checks read, with types only (no formats, ranges or
 * component parameters). A plan that fails its schema elsewhere (a missing parameter, a bad region)
 * still has its references checked against this, so one validation reports every problem.
 */
export const planReferences = z.object({
  rtoClasses: z.record(z.string(), z.object({ targetMinutes: z.number() })),
  rpoClasses: z.record(z.string(), z.unknown()).default({}),
  tiers: z.array(
    z.object({
      id: z.string(),
      order: z.number(),
      rtoClass: z.string(),
      dependsOn: z.array(z.string()).default([]),
      components: z.array(z.string()),
    }),
  ),
  components: z.array(
    z.object({
      id: z.string(),
      rpoClass: z.string().optional(),
      onlyInScenarios: z.array(z.string()).optional(),
      // Which checks need the component's database block (the checks' own fields are the schema's business).
      checks: z.array(z.object({ type: z.string() }).loose()).catch([]).default([]),
      database: z.unknown().optional(),
    }),
  ),
  verification: z.object({ checks: z.array(z.object({ type: z.string() }).loose()).catch([]).default([]) }).catch({ checks: [] }).default({ checks: [] }),
  scenarios: z.array(
    z.object({
      id: z.string(),
      tiers: z.array(z.string()).default([]),
      components: z.array(z.string()).default([]),
      triggers: z.object({ alarms: z.array(z.string()).default([]) }).default({ alarms: [] }),
    }),
  ),
  testProgramme: z.array(z.object({ id: z.string(), scenario: z.string() })).catch([]).default([]),
  // Only audience ids are checked: a broken stakeholders section must not hide the other checks.
  stakeholders: z.object({ audiences: z.array(z.object({ id: z.string() })) }).catch({ audiences: [] }),
});

/** What the checks need; a valid `Plan` is one. */
export type PlanReferences = z.output<typeof planReferences>;

/** Every id that occurs more than once, with all its positions (first one first). */
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
export function crossReferenceIssues(plan: PlanReferences): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });

  for (const [list, label] of [
    [plan.tiers, 'tiers'],
    [plan.components, 'components'],
    [plan.scenarios, 'scenarios'],
    [plan.stakeholders.audiences, 'stakeholders.audiences'],
    [plan.testProgramme, 'testProgramme'],
  ] as const) {
    for (const [id, [first, ...again]] of duplicates(list.map((item) => item.id))) {
      for (const at of again) add(`${label}.${at}.id`, `duplicate id "${id}" (also at ${label}.${first})`);
    }
  }
  for (const [order, [first, ...again]] of duplicates(plan.tiers.map((t) => String(t.order)))) {
    for (const at of again) add(`tiers.${at}.order`, `duplicate order ${order} (also tiers.${first}); each tier needs its own position`);
  }

  const tiers = new Map(plan.tiers.map((t) => [t.id, t]));
  const components = new Map(plan.components.map((c) => [c.id, c]));
  const scenarioIds = new Set(plan.scenarios.map((s) => s.id));
  const owner = new Map<string, string>();

  plan.tiers.forEach((tier, i) => {
    if (!plan.rtoClasses[tier.rtoClass]) {
      const known = Object.keys(plan.rtoClasses);
      add(`tiers.${i}.rtoClass`, `unknown RTO class "${tier.rtoClass}"; define it under rtoClasses${known.length ? ` (${known.join(', ')})` : ''}`);
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
      const known = Object.keys(plan.rpoClasses);
      add(`components.${i}.rpoClass`, `unknown RPO class "${component.rpoClass}"; define it under rpoClasses${known.length ? ` (${known.join(', ')})` : ''}`);
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
      const only = components.get(c)?.onlyInScenarios;
      if (!components.has(c)) add(`scenarios.${i}.components.${j}`, `unknown component "${c}"`);
      else if (only && !only.includes(scenario.id)) {
        add(
          `scenarios.${i}.components.${j}`,
          `component "${c}" is restricted to scenario(s) ${only.join(', ')} (its onlyInScenarios); add "${scenario.id}" there or remove it here`,
        );
      }
    });
    if (scenario.tiers.length === 0 && scenario.components.length === 0) {
      add(`scenarios.${i}`, 'recovers nothing: list tiers or components');
    }
    scenario.triggers.alarms.forEach((alarm, j) => {
      const other = alarmOwner.get(alarm);
      if (other === scenario.id) add(`scenarios.${i}.triggers.alarms.${j}`, `alarm "${alarm}" is listed twice`);
      else if (other !== undefined) add(`scenarios.${i}.triggers.alarms.${j}`, `alarm "${alarm}" already triggers scenario "${other}"; one alarm starts one scenario`);
      else alarmOwner.set(alarm, scenario.id);
    });
  });

  // Database checks connect with the component's database block; the system verification has none.
  const DATABASE_CHECKS = new Set(['postgres-writable', 'postgres-tables', 'postgres-indexes', 'postgres-replication', 'rpo-heartbeat']);
  plan.components.forEach((component, i) => {
    component.checks.forEach((check, j) => {
      if (DATABASE_CHECKS.has(check.type) && component.database === undefined) {
        add(`components.${i}.checks.${j}.type`, `${check.type} connects to the component's database: add a database block (primarySecretArn, recoverySecretArn, criticalTables)`);
      }
    });
  });
  plan.verification.checks.forEach((check, j) => {
    if (DATABASE_CHECKS.has(check.type)) add(`verification.checks.${j}.type`, `${check.type} checks a component's database: list it under that component's checks`);
  });
  const checkScenarios = (check: Record<string, unknown>, path: string) => {
    if (!Array.isArray(check.onlyInScenarios)) return;
    check.onlyInScenarios.forEach((id, k) => {
      if (typeof id === 'string' && !scenarioIds.has(id)) add(`${path}.onlyInScenarios.${k}`, `unknown scenario "${id}"`);
    });
  };
  plan.components.forEach((component, i) => component.checks.forEach((check, j) => checkScenarios(check, `components.${i}.checks.${j}`)));
  plan.verification.checks.forEach((check, j) => checkScenarios(check, `verification.checks.${j}`));
  plan.testProgramme.forEach((test, i) => {
    if (!scenarioIds.has(test.scenario)) add(`testProgramme.${i}.scenario`, `unknown scenario "${test.scenario}"`);
  });

  return issues;
}
