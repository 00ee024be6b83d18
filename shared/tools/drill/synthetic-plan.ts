import { stringify } from 'yaml';

export interface SyntheticPlanOptions {
  /** How many components (ECS services), spread evenly over the tiers. */
  components: number;
  /** How many tiers (each depends on the one before). Default 4. */
  tiers?: number;
  /** An `http` check per component (the drill's simulated services answer it). Default true. */
  checks?: boolean;
}

/**
 * A plan of any size, for measuring the engine against Step Functions' limits (`npm run bench:drill --
 * --synthetic 300`, test/shared/plan/limits.test.ts): N ECS services in tiers, each with
 * an HTTP check, one unplanned scenario over every tier. The text is YAML, validated like any plan.
 */
export function syntheticPlanYaml({ components, tiers = 4, checks = true }: SyntheticPlanOptions): string {
  if (!Number.isInteger(components) || components < 1) throw new Error(`components must be a whole number of at least 1, got ${components}`);
  const tierIds = Array.from({ length: tiers }, (_, i) => `tier-${i + 1}`);
  const ids = Array.from({ length: components }, (_, i) => `svc-${String(i + 1).padStart(4, '0')}`);
  const tierOf = (i: number) => Math.floor((i * tiers) / components);
  const plan = {
    apiVersion: 'dr-autopilot/v1',
    name: `synthetic-${components}`,
    description: `${components} ECS services in ${tiers} tiers (synthetic plan for limits)`,
    regions: { primary: 'ap-northeast-1', secondary: 'ap-northeast-3' },
    rtoClasses: { standard: { targetMinutes: 240 } },
    tiers: tierIds.map((id, t) => ({
      id,
      name: `Tier ${t + 1}`,
      order: t + 1,
      rtoClass: 'standard',
      ...(t > 0 ? { dependsOn: [tierIds[t - 1]] } : {}),
      components: ids.filter((_, i) => tierOf(i) === t),
    })),
    components: ids.map((id) => ({
      id,
      name: `Service ${id}`,
      type: 'ecs-scale',
      timeoutMinutes: 30,
      params: { cluster: 'synthetic', service: id, desiredCount: 2 },
      ...(checks ? { checks: [{ type: 'http', url: `https://${id}.synthetic.example.com/health`, expectStatus: 200 }] } : {}),
    })),
    scenarios: [{ id: 'region-outage', name: 'Region outage', mode: 'unplanned', severity: 'critical', tiers: tierIds, approval: { required: false } }],
    stakeholders: { audiences: [{ id: 'operations', kind: 'internal', groups: ['on-call engineers'], topic: 'internal', languages: ['en'] }] },
  };
  return stringify(plan);
}
