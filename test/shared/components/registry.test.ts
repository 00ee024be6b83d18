import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IamContext, OneWayRun } from '../../../shared/components/definition.ts';
import { loadOneWay, oneWayTypes } from '../../../shared/components/load.ts';
import { loadReadinessProbe } from '../../../shared/components/readiness.ts';
import { loadReprotectAction } from '../../../shared/components/reprotection.ts';
import { COMPONENT_TYPES, componentTypeNames, definitionOf } from '../../../shared/components/registry.ts';

/**
 * One home per component type: every folder of shared/components/ that holds a recover.ts is a
 * registered type, and every registered type has every facet (params, oneWay, iam, recover, readiness, services
 * the drill simulates) and a test of its recovery.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const COMPONENTS = path.join(ROOT, 'shared/components');
const SIMULATOR = path.join(ROOT, 'shared/tools/drill/simulator');
/** Between them, these plans hold a component of every type. */
const PLANS = ['examples/dataset-platform.plan.yml', 'test/fixtures/plans/second-shape.plan.yml'];
const ONE_WAY = ['aurora-global-failover', 'rds-replica-promotion', 's3-version-restore'];

interface RawComponent {
  id: string;
  type: string;
  params: unknown;
}
interface Example {
  component: RawComponent;
  regions: { primary: string; secondary: string };
}

const iamContext = (regions: Example['regions']): IamContext => ({
  regions,
  arn: (service, region, resource, withAccount = true) => `arn:aws:${service}:${region}:${withAccount ? '123456789012' : ''}:${resource}`,
});

/** The first component of each type in the plans, as written (before the schema's defaults). */
function examples(): Map<string, Example> {
  const found = new Map<string, Example>();
  for (const file of PLANS) {
    const plan = parse(readFileSync(path.join(ROOT, file), 'utf8')) as { regions: Example['regions']; components: RawComponent[] };
    for (const component of plan.components) if (!found.has(component.type)) found.set(component.type, { component, regions: plan.regions });
  }
  return found;
}

/** The @aws-sdk/client-* packages a file imports values from, following its relative value imports. */
function sdkClients(file: string, seen = new Set<string>()): Set<string> {
  const clients = new Set<string>();
  if (seen.has(file)) return clients;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const [, from] of source.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?\sfrom\s+'([^']+)';/gm)) {
    const client = /^@aws-sdk\/client-(.+)$/.exec(from!)?.[1];
    if (client) clients.add(client);
    else if (from!.startsWith('.')) for (const c of sdkClients(path.resolve(path.dirname(file), from!), seen)) clients.add(c);
  }
  return clients;
}

describe('the component type registry', () => {
  let byType: Map<string, Example>;
  beforeAll(() => {
    byType = examples();
  });

  const example = (type: string): Example => {
    const found = byType.get(type);
    if (!found) throw new Error(`no component of type ${type} in ${PLANS.join(' or ')}`);
    return found;
  };

  it('registers exactly the folders of shared/components/ that hold a recover.ts, each under its own type name', () => {
    // Prepare
    const folders = readdirSync(COMPONENTS, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(path.join(COMPONENTS, e.name, 'recover.ts')))
      .map((e) => e.name);
    // Act
    const registered = Object.entries(COMPONENT_TYPES).map(([key, definition]) => [key, definition.type]);
    // Assess
    expect(componentTypeNames.toSorted()).toEqual(folders.toSorted());
    expect(componentTypeNames).toHaveLength(12);
    for (const [key, type] of registered) expect(type).toBe(key);
  });

  it('the example plans hold a component of every registered type', () => {
    expect([...byType.keys()].toSorted()).toEqual(componentTypeNames.toSorted());
  });

  describe.each(componentTypeNames)('%s', (type) => {
    it('params: a zod schema that parses the example component as written, as the plan does', async () => {
      // Prepare
      const { component } = example(type);
      const definition = definitionOf(type);
      // Act
      const parsed = definition.params.safeParse(component.params);
      // Assess
      expect(parsed.error).toBeUndefined();
      expect(parsed.success).toBe(true);
    });

    it('oneWay: null, or a step that words the example component and names what it puts at risk', () => {
      // Prepare
      const { component, regions } = example(type);
      const definition = definitionOf(type);
      const run: OneWayRun = { regions, mode: 'unplanned', incidentStartedAt: '2026-11-29T01:05:00.000Z' };
      // Act
      const oneWay = definition.oneWay;
      // Assess
      if (oneWay === null) {
        expect(ONE_WAY).not.toContain(type);
        return;
      }
      const params = definition.params.parse(component.params);
      expect(oneWay.describe(run, { id: component.id, params })).toMatch(/\S/);
      const risk = oneWay.dataAtRisk(run, { id: component.id, params });
      expect(typeof risk.database).toBe('boolean');
      // Something must be said: a lag to read, or a note on what is at risk instead.
      expect(risk.lagMetric !== null || (risk.note ?? '') !== '').toBe(true);
    });

    it('readiness: a facet for this type (readiness.ts, loaded by path) and the IAM its reads need', async () => {
      // Prepare
      const { component, regions } = example(type);
      const definition = definitionOf(type);
      // Act
      const probe = await loadReadinessProbe(type);
      const statements = definition.iam.readiness(definition.params.parse(component.params), iamContext(regions));
      // Assess: the facet is the type's own; its reads are read-only (a type with nothing to read, manual, needs none).
      expect(probe.type).toBe(type);
      expect(typeof probe.assess).toBe('function');
      for (const st of statements) for (const action of st.Action) expect(action).toMatch(/^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]+$/);
      expect(statements.length === 0).toBe(type === 'manual');
    });

    it('loadOneWay (the Lambda side) gives the registry\'s own oneWay facet', async () => {
      // Act
      const loaded = await loadOneWay(type);
      // Assess
      expect(loaded).toBe(COMPONENT_TYPES[type].oneWay);
    });

    it('iam: statements for the example component, and every start-only action among those of the plans\' components of the type', () => {
      // Prepare: statements can depend on params (route53-failover grants per mode), so every component of the type counts.
      const { component, regions } = example(type);
      const definition = definitionOf(type);
      const others = PLANS.flatMap((file) => {
        const plan = parse(readFileSync(path.join(ROOT, file), 'utf8')) as { regions: Example['regions']; components: RawComponent[] };
        return plan.components.filter((c) => c.type === type).map((c) => definition.iam.statements(definition.params.parse(c.params), iamContext(plan.regions)));
      });
      // Act
      const statements = definition.iam.statements(definition.params.parse(component.params), iamContext(regions));
      // Assess
      const actions = new Set([...statements, ...others.flat()].flatMap((s) => s.Action));
      for (const statement of statements) expect(statement.Action.length).toBeGreaterThan(0);
      for (const action of definition.iam.startOnly) expect(actions, `${type}: start-only ${action} in no statement`).toContain(action);
    });

    it('recover: recover.ts exports `recover` with start and check, for this type', async () => {
      // Act
      const mod = (await import(`../../../shared/components/${type}/recover.ts`)) as { recover?: { type?: string; start?: unknown; check?: unknown } };
      // Assess
      expect(mod.recover, `shared/components/${type}/recover.ts exports no recover`).toBeDefined();
      expect(mod.recover?.type).toBe(type);
      expect(typeof mod.recover?.start).toBe('function');
      expect(typeof mod.recover?.check).toBe('function');
    });

    it('reverse: the example component in the reverse direction (params its own schema accepts), or what is missing, named', () => {
      // Prepare
      const { component } = example(type);
      const definition = definitionOf(type);
      // Act
      const reversal = definition.reverse({ id: component.id, params: definition.params.parse(component.params) });
      // Assess
      if ('unsupported' in reversal) {
        expect(reversal.unsupported).toMatch(/^(add params\.|[a-z].* leave it out of the failback|health-check mode)/);
        return;
      }
      expect(definition.params.safeParse(reversal.params).error).toBeUndefined();
      expect(reversal.params).not.toEqual(definition.params.parse(component.params));
    });

    it('reprotect: a reprotect.ts with its action and IAM facet exactly when the type re-protects, and a test of it', async () => {
      // Prepare
      const definition = definitionOf(type);
      const file = path.join(COMPONENTS, type, 'reprotect.ts');
      // Act
      const exists = existsSync(file);
      // Assess
      expect(exists, `${type}: reprotects ${definition.reprotects}, reprotect.ts ${exists ? 'present' : 'absent'}`).toBe(definition.reprotects);
      expect(typeof definition.iam.reprotect === 'function').toBe(definition.reprotects);
      if (!exists) {
        await expect(loadReprotectAction(type)).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining('does not re-protect') });
        return;
      }
      const action = await loadReprotectAction(type);
      expect(action.type).toBe(type);
      expect(existsSync(path.join(ROOT, 'test/shared/components', type, 'reprotect.test.ts')), `missing test/shared/components/${type}/reprotect.test.ts`).toBe(true);
    });

    it('services: exactly the SDK clients its recovery and re-protect import, each simulated by the drill', () => {
      // Prepare
      const { services } = definitionOf(type);
      // Act
      const reprotect = path.join(COMPONENTS, type, 'reprotect.ts');
      const imported = new Set([...sdkClients(path.join(COMPONENTS, type, 'recover.ts')), ...(existsSync(reprotect) ? sdkClients(reprotect) : [])]);
      // Assess
      expect([...services].toSorted()).toEqual([...imported].toSorted());
      for (const service of services) {
        // route-53 → route53.ts, auto-scaling → autoscaling.ts; route53-recovery-cluster → route53-recovery-cluster.ts
        const simulator = [`${service.replaceAll('-', '')}.ts`, `${service}.ts`].map((file) => path.join(SIMULATOR, file)).find(existsSync) ?? path.join(SIMULATOR, `${service}.ts`);
        expect(existsSync(simulator), `${type}: no drill simulator for ${service} (${path.relative(ROOT, simulator)})`).toBe(true);
      }
    });

    it('has a test of its recovery: test/shared/components/<type>/recover.test.ts', () => {
      const mirrored = path.join(ROOT, 'test/shared/components', type, 'recover.test.ts');
      expect(existsSync(mirrored), `missing ${path.relative(ROOT, mirrored)}`).toBe(true);
    });
  });

  it('the one-way types are the promotion, the Aurora failover and the S3 version restore, in the registry and as loaded', async () => {
    // Act
    const registered = componentTypeNames.filter((type) => COMPONENT_TYPES[type].oneWay !== null);
    const loaded = await oneWayTypes(componentTypeNames);
    // Assess
    expect(registered.toSorted()).toEqual(ONE_WAY);
    expect([...loaded].toSorted()).toEqual(ONE_WAY);
  });

  it('loadOneWay refuses a type that is not a folder of shared/components/', async () => {
    await expect(loadOneWay('no-such-type')).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining('"no-such-type"') });
    await expect(loadOneWay('../plan')).rejects.toMatchObject({ name: 'UnexpectedStateError' });
  });
});
