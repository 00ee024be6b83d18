import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PlanValidationError } from '../../../shared/errors.ts';
import { largestStateEstimate, STATE_PAYLOAD_LIMIT_BYTES } from '../../../shared/plan/limits.ts';
import { loadPlanFile, parsePlan } from '../../../shared/plan/load.ts';
import { plan as planSchema } from '../../../shared/plan/schema.ts';
import { runDrill } from '../../../shared/tools/drill/run-drill.ts';
import { syntheticPlanYaml } from '../../../shared/tools/drill/synthetic-plan.ts';

const EXAMPLE = path.resolve(import.meta.dirname, '../../../examples/dataset-platform.plan.yml');

describe('plan limits: a run must fit Step Functions\' 256 KiB per state', () => {
  it('refuses a plan whose run would pass the limit, naming the scenario and the fix (validate, packaging)', () => {
    // Prepare: 300 services with a check each in one scenario.
    const text = syntheticPlanYaml({ components: 300 });
    // Act
    const error = (() => {
      try {
        parsePlan(text, 'synthetic-300.yml');
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    // Assess
    expect(error).toBeInstanceOf(PlanValidationError);
    const issues = (error as PlanValidationError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('scenarios.0');
    expect(issues[0]!.message).toMatch(/^a run of "region-outage" would carry about \d+ KiB of state at Recover Tier Components \(output\), over Step Functions' 256 KiB per state \(States\.DataLimitExceeded\): recover fewer components per scenario/);
  });

  it('accepts plans that fit: the example and 30 services', async () => {
    await expect(loadPlanFile(EXAMPLE)).resolves.toMatchObject({ name: 'dataset-platform' });
    expect(() => parsePlan(syntheticPlanYaml({ components: 30 }), 'synthetic-30.yml')).not.toThrow();
  });

  it('estimates at or above what a drill of the example really carries, within 25 %', async () => {
    // Prepare
    const plan = await loadPlanFile(EXAMPLE);
    // Act
    const estimate = largestStateEstimate(plan, 'region-outage');
    const report = await runDrill({ plan, planFile: EXAMPLE, scenario: 'region-outage', startAt: new Date('2026-11-29T00:00:00Z') });
    // Assess
    expect(report.outcome).toBe('recovered');
    expect(estimate.bytes).toBeGreaterThanOrEqual(report.limits.largestPayloadBytes);
    expect(estimate.bytes).toBeLessThanOrEqual(report.limits.largestPayloadBytes * 1.25);
    expect(estimate.at).toBe(report.limits.largestPayloadAt);
  });

  it('a drill of a plan past the limit fails as Step Functions would: States.DataLimitExceeded', async () => {
    // Prepare: the same 300-service plan, past validation (the schema alone), as if deployed anyway.
    const plan = planSchema.parse(parse(syntheticPlanYaml({ components: 300 })));
    // Act
    const report = await runDrill({ plan, planFile: 'synthetic-300.yml', scenario: 'region-outage', startAt: new Date('2026-11-29T00:00:00Z') });
    // Assess
    expect(report.outcome).toBe('failed');
    expect(report.reason).toMatch(/^States\.DataLimitExceeded: the output of Recover Tier Components is [\d,]+ bytes, over Step Functions' 262,144$/);
    expect(report.limits.largestPayloadBytes).toBeGreaterThan(STATE_PAYLOAD_LIMIT_BYTES);
  }, 120_000);
});

describe('a tier recovers its components all at once, not in waves', () => {
  it('30 services in one tier take as long as 10 (the Map runs up to 40 at once)', async () => {
    // Prepare
    const drill = async (components: number) => {
      const plan = parsePlan(syntheticPlanYaml({ components, tiers: 1, checks: false }), `synthetic-${components}.yml`);
      return runDrill({ plan, planFile: `synthetic-${components}.yml`, scenario: 'region-outage', startAt: new Date('2026-11-29T00:00:00Z') });
    };
    // Act
    const [ten, thirty] = [await drill(10), await drill(30)];
    // Assess: same simulated RTO; with MaxConcurrency 10 the thirty would take three waves.
    expect(ten.outcome).toBe('recovered');
    expect(thirty.outcome).toBe('recovered');
    expect(thirty.tiers[0]!.achievedMinutes).toBe(ten.tiers[0]!.achievedMinutes);
  }, 120_000);
});
