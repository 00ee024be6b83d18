import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../../shared/plan/load.ts';
import type { Plan } from '../../../shared/plan/schema.ts';

// The example plan must encode the customer's DR plan (the seed, kept outside this repository) completely: these
// figures are copied from the seed, not from the example, so a drifting example fails here.
const EXAMPLE = fileURLToPath(new URL('../../../examples/dataset-platform.plan.yml', import.meta.url));

/** Seed section 2.2: each tier's systems, as the example's component ids. */
const SEED_TIERS = [
  { id: 'tier-1', order: 1, dependsOn: [], systems: ['authentication', 'core-database', 'api-gateway'] },
  { id: 'tier-2', order: 2, dependsOn: ['tier-1'], systems: ['web-application', 'batch-processing', 'cache-server'] },
  { id: 'tier-3', order: 3, dependsOn: ['tier-1', 'tier-2'], systems: ['report-generation', 'monitoring', 'backup-system'] },
  { id: 'tier-4', order: 4, dependsOn: ['tier-1', 'tier-2', 'tier-3'], systems: ['development-environment', 'test-environment', 'documentation-system'] },
];

describe('examples/dataset-platform.plan.yml encodes the seed plan', () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await loadPlanFile(EXAMPLE);
  });

  const tierOf = (componentId: string) => plan.tiers.find((t) => t.components.includes(componentId));
  const rtoOf = (componentId: string) => plan.rtoClasses[tierOf(componentId)?.rtoClass ?? '']?.targetMinutes;

  it('validates, from Tokyo (ap-northeast-1) to Osaka (ap-northeast-3)', () => {
    // Prepare / Act: beforeAll loaded the file (it would have thrown PlanValidationError)
    // Assess
    expect(plan.apiVersion).toBe('dr-autopilot/v1');
    expect(plan.name).toBe('dataset-platform');
    expect(plan.regions).toEqual({ primary: 'ap-northeast-1', secondary: 'ap-northeast-3' });
  });

  it('defines the RTO classes 4 h / 8 h / 24 h and the RPO classes 15 min / 1 h / 24 h (section 2.1)', () => {
    const targets = (classes: Plan['rtoClasses']) => Object.fromEntries(Object.entries(classes).map(([k, v]) => [k, v.targetMinutes]));
    expect(targets(plan.rtoClasses)).toEqual({ critical: 240, business: 480, support: 1440 });
    expect(targets(plan.rpoClasses)).toEqual({ transaction: 15, user: 60, system: 1440 });
  });

  it('has the four tiers in order with the dependencies of section 2.2', () => {
    const tiers = [...plan.tiers].sort((a, b) => a.order - b.order).map((t) => ({ id: t.id, order: t.order, dependsOn: t.dependsOn }));
    expect(tiers).toEqual(SEED_TIERS.map(({ id, order, dependsOn }) => ({ id, order, dependsOn })));
    // listed in the file in the same order as they run
    expect(plan.tiers.map((t) => t.id)).toEqual(['tier-1', 'tier-2', 'tier-3', 'tier-4']);
  });

  it.each(SEED_TIERS.flatMap((tier) => tier.systems.map((system) => [system, tier.id] as const)))(
    'recovers %s as a component of %s',
    (system, tierId) => {
      const component = plan.components.find((c) => c.id === system);
      expect(component, `component ${system}`).toBeDefined();
      expect(tierOf(system)?.id).toBe(tierId);
    },
  );

  it('meets the RTO class of each system (critical 4 h for tier 1; business 8 h for web, batch, reports)', () => {
    for (const id of ['authentication', 'core-database', 'api-gateway']) expect(rtoOf(id), id).toBe(240);
    for (const id of ['web-application', 'batch-processing', 'report-generation']) expect(rtoOf(id), id).toBeLessThanOrEqual(480);
    for (const id of ['monitoring', 'backup-system']) expect(rtoOf(id), id).toBeLessThanOrEqual(1440);
    for (const id of ['development-environment', 'test-environment', 'documentation-system']) expect(rtoOf(id), id).toBe(1440);
  });

  it('tracks the database as transaction data, the datasets as user data and the backup system as system data', () => {
    const rpo = (id: string) => plan.components.find((c) => c.id === id)?.rpoClass;
    expect(rpo('core-database')).toBe('transaction');
    expect(rpo('dataset-storage')).toBe('user');
    expect(rpo('backup-system')).toBe('system');
  });

  it('has the three test scenarios of section 5.1 with their alarm triggers, then re-protect and failback (sections 3.2, 6)', () => {
    const scenarios = plan.scenarios.map((s) => ({ id: s.id, stage: s.stage, mode: s.mode, tiers: s.tiers, components: s.components, alarms: s.triggers.alarms }));
    expect(scenarios.filter((s) => s.stage !== 'recover')).toEqual([
      // after a recovery moved the system to Osaka: protection toward Tokyo, then the planned return
      { id: 'reprotect', stage: 'reprotect', mode: 'planned', tiers: [], components: ['core-database', 'dataset-storage', 'cache-server'], alarms: [] },
      { id: 'failback', stage: 'failback', mode: 'planned', tiers: [], components: ['core-database', 'api-gateway', 'dataset-storage', 'cache-server'], alarms: [] },
    ]);
    expect(scenarios.filter((s) => s.stage === 'recover').map(({ stage: _stage, ...s }) => s)).toEqual([
      // primary region stopped → automatic failover of every system
      { id: 'region-outage', mode: 'unplanned', tiers: ['tier-1', 'tier-2', 'tier-3', 'tier-4'], components: [], alarms: ['dataset-platform-tokyo-region-down'] },
      // primary DB stopped → switch to the replica
      { id: 'database-failure', mode: 'unplanned', tiers: [], components: ['core-database'], alarms: ['dataset-platform-core-db-down'] },
      // S3 bucket failure → restore the data
      { id: 'storage-failure', mode: 'unplanned', tiers: [], components: ['dataset-restore'], alarms: ['dataset-platform-dataset-bucket-errors'] },
    ]);
    const typeOf = (id: string) => plan.components.find((c) => c.id === id)?.type;
    expect(typeOf('core-database')).toBe('rds-replica-promotion');
    expect(typeOf('dataset-restore')).toBe('s3-version-restore');
  });

  it('notifies internal executives/operations/development and external customers/vendors/regulators (section 4)', () => {
    const audiences = plan.stakeholders.audiences.map((a) => ({ kind: a.kind, groups: a.groups, topic: a.topic }));
    expect(audiences).toEqual([
      { kind: 'internal', groups: ['executives', 'operations', 'development'], topic: 'internal' },
      { kind: 'external', groups: ['customers', 'vendors', 'regulators'], topic: 'external' },
    ]);
  });
});
