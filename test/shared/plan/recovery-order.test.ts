import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../shared/errors.ts';
import { loadPlanFile, parsePlan } from '../../../shared/plan/load.ts';
import { findScenario, recoveryOrder, scenarioForAlarm } from '../../../shared/plan/recovery-order.ts';
import type { Plan } from '../../../shared/plan/schema.ts';

const EXAMPLE = fileURLToPath(new URL('../../../examples/dataset-platform.plan.yml', import.meta.url));

/** The example plan changed by `change` (on the YAML data as parsed: untyped on purpose), then validated. */
function examplePlanWith(change: (raw: ReturnType<typeof parse>) => void): Plan {
  const raw = parse(readFileSync(EXAMPLE, 'utf8'));
  change(raw);
  return parsePlan(stringify(raw), 'changed.plan.yml');
}

/** A recovery order as [tier id, rto target, [component ids]]. */
const shape = (plan: Plan, scenario: string) =>
  recoveryOrder(plan, scenario).tiers.map((t) => [t.id, t.rtoTargetMinutes, t.components.map((c) => c.id)] as const);

describe('recoveryOrder', () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await loadPlanFile(EXAMPLE);
  });

  it('recovers every tier in order for region-outage, without the storage-failure-only restore', () => {
    // Act
    const order = shape(plan, 'region-outage');
    // Assess
    expect(order).toEqual([
      ['tier-1', 240, ['core-database', 'authentication', 'api-gateway']],
      ['tier-2', 480, ['dataset-storage', 'cache-server', 'web-application', 'batch-processing']],
      ['tier-3', 480, ['report-generation', 'monitoring', 'backup-system']],
      ['tier-4', 1440, ['development-environment', 'test-environment', 'documentation-system']],
    ]);
    expect(recoveryOrder(plan, 'region-outage').scenario.id).toBe('region-outage');
  });

  it('recovers only the core database for database-failure', () => {
    expect(shape(plan, 'database-failure')).toEqual([['tier-1', 240, ['core-database']]]);
  });

  it('recovers only the dataset restore, in tier 2 with its dependencies, for storage-failure', () => {
    const order = recoveryOrder(plan, 'storage-failure');
    expect(shape(plan, 'storage-failure')).toEqual([['tier-2', 480, ['dataset-restore']]]);
    expect(order.tiers[0]).toMatchObject({ order: 2, rtoClass: 'business', dependsOn: ['tier-1'] });
    expect(order.tiers[0]?.components[0]).toMatchObject({ type: 's3-version-restore', params: { bucket: 'dataset-platform-datasets-tokyo' } });
  });

  it('follows the tiers\' order numbers, not their position in the file', () => {
    const reversed = examplePlanWith((raw) => raw.tiers.reverse());
    expect(shape(reversed, 'region-outage').map(([id]) => id)).toEqual(['tier-1', 'tier-2', 'tier-3', 'tier-4']);
  });

  it('includes a component restricted with onlyInScenarios in the scenarios it lists, and only there', () => {
    // Prepare: the restore also runs in a region outage
    const plan = examplePlanWith((raw) => {
      raw.components.find((c: { id: string }) => c.id === 'dataset-restore').onlyInScenarios = ['storage-failure', 'region-outage'];
    });
    // Act
    const tier2 = recoveryOrder(plan, 'region-outage').tiers.find((t) => t.id === 'tier-2');
    // Assess
    expect(tier2?.components.map((c) => c.id)).toEqual(['dataset-storage', 'dataset-restore', 'cache-server', 'web-application', 'batch-processing']);
    expect(shape(plan, 'database-failure')).toEqual([['tier-1', 240, ['core-database']]]);
  });

  it('includes every component of a selected tier when none is restricted', () => {
    const plan = examplePlanWith((raw) => {
      delete raw.components.find((c: { id: string }) => c.id === 'dataset-restore').onlyInScenarios;
    });
    expect(recoveryOrder(plan, 'region-outage').tiers[1]?.components.map((c) => c.id)).toContain('dataset-restore');
  });

  it('adds single components to whole tiers, each in its tier and in the tier\'s listed order', () => {
    const plan = examplePlanWith((raw) => {
      const outage = raw.scenarios[0];
      outage.tiers = ['tier-3'];
      outage.components = ['batch-processing', 'core-database', 'web-application'];
    });
    expect(shape(plan, 'region-outage')).toEqual([
      ['tier-1', 240, ['core-database']],
      ['tier-2', 480, ['web-application', 'batch-processing']],
      ['tier-3', 480, ['report-generation', 'monitoring', 'backup-system']],
    ]);
  });

  it('rejects an unknown scenario with InvalidInputError naming the field and the known scenarios', () => {
    // Act
    let thrown: unknown;
    try {
      recoveryOrder(plan, 'meteor-strike');
    } catch (error) {
      thrown = error;
    }
    // Assess
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect(thrown).toMatchObject({
      name: 'InvalidInputError',
      retryable: false,
      details: { field: 'scenario' },
      message: 'scenario: unknown scenario "meteor-strike"; the plan "dataset-platform" has region-outage, database-failure, storage-failure, reprotect, failback',
    });
    expect(() => findScenario(plan, '')).toThrow(InvalidInputError);
  });
});

describe('scenarioForAlarm', () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await loadPlanFile(EXAMPLE);
  });

  it.each([
    ['dataset-platform-tokyo-region-down', 'region-outage'],
    ['dataset-platform-core-db-down', 'database-failure'],
    ['dataset-platform-dataset-bucket-errors', 'storage-failure'],
  ])('maps alarm %s to scenario %s', (alarm, scenario) => {
    expect(scenarioForAlarm(plan, alarm)?.id).toBe(scenario);
  });

  it('returns undefined for an alarm the plan does not know (also for a scenario id or a prefix)', () => {
    expect(scenarioForAlarm(plan, 'some-other-alarm')).toBeUndefined();
    expect(scenarioForAlarm(plan, 'region-outage')).toBeUndefined();
    expect(scenarioForAlarm(plan, 'dataset-platform-core-db')).toBeUndefined();
  });
});
