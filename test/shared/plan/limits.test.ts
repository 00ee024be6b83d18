import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PlanValidationError } from '../../../shared/errors.ts';
import { historyEventsEstimate, largestStateEstimate, STATE_PAYLOAD_LIMIT_BYTES } from '../../../shared/plan/limits.ts';
import { planWarnings } from '../../../shared/plan/warnings.ts';
import { loadPlanFile, parsePlan } from '../../../shared/plan/load.ts';
import { plan as planSchema } from '../../../shared/plan/schema.ts';
import { HISTORY_EVENTS_LIMIT } from '../../../shared/tools/drill/limits.ts';
import { runDrill } from '../../../shared/tools/drill/run-drill.ts';
import { syntheticPlanYaml } from '../../../shared/tools/drill/synthetic-plan.ts';

const EXAMPLE = path.resolve(import.meta.dirname, '../../../examples/dataset-platform.plan.yml');

describe('plan limits: a run must fit Step Functions\' 256 KiB per state', () => {
  it('refuses a plan whose run would pass the limit, naming the scenario and the fix (validate, packaging)', () => {
    // Prepare: 1,000 services with a check each in one scenario.
    const text = syntheticPlanYaml({ components: 1000 });
    // Act
    const error = (() => {
      try {
        parsePlan(text, 'synthetic-1000.yml');
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    // Assess
    expect(error).toBeInstanceOf(PlanValidationError);
    const issues = (error as PlanValidationError).issues;
    // It passes the history limit too (26 events a component with a check, at the least): both are named.
    expect(issues).toHaveLength(2);
    expect(issues.map((i) => i.path)).toEqual(['scenarios.0', 'scenarios.0']);
    expect(issues[0]!.message).toMatch(/^a run of "region-outage" would carry about \d+ KiB of state at Summarise Run \(output\), over Step Functions' 256 KiB per state \(States\.DataLimitExceeded\): recover fewer components per scenario/);
    expect(issues[1]!.message).toMatch(/^a run of "region-outage" would take at least 26,\d{3} history events/);
  });

  it('accepts plans that fit: the example, 30 and 300 services', async () => {
    await expect(loadPlanFile(EXAMPLE)).resolves.toMatchObject({ name: 'dataset-platform' });
    expect(() => parsePlan(syntheticPlanYaml({ components: 30 }), 'synthetic-30.yml')).not.toThrow();
    expect(() => parsePlan(syntheticPlanYaml({ components: 300 }), 'synthetic-300.yml')).not.toThrow();
  });

  it('a 300-service plan drills within the limits: the state names components, outcomes only; the estimate within 5 %', async () => {
    // Prepare
    const plan = parsePlan(syntheticPlanYaml({ components: 300 }), 'synthetic-300.yml');
    // Act
    const report = await runDrill({ plan, planFile: 'synthetic-300.yml', scenario: 'region-outage', startAt: new Date('2026-11-29T00:00:00Z') });
    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.components.filter((c) => c.status === 'recovered')).toHaveLength(300);
    expect(report.checks.filter((c) => c.status === 'passed')).toHaveLength(300);
    expect(report.limits.largestPayloadBytes).toBeLessThan(STATE_PAYLOAD_LIMIT_BYTES / 2);
    expect(report.limits.historyEvents).toBeLessThan(HISTORY_EVENTS_LIMIT / 2);
    const estimate = largestStateEstimate(plan, 'region-outage');
    expect(estimate.bytes).toBeGreaterThanOrEqual(report.limits.largestPayloadBytes);
    expect(estimate.bytes).toBeLessThanOrEqual(report.limits.largestPayloadBytes * 1.05);
    // History: each ECS service takes one wait and one check; the estimate with one poll is the measure within 1 %.
    const events = historyEventsEstimate(plan, 'region-outage');
    expect(events.min).toBeLessThan(report.limits.historyEvents);
    expect(Math.abs(events.typical - report.limits.historyEvents) / report.limits.historyEvents).toBeLessThan(0.01);
  }, 120_000);

  it('refuses a plan whose run would pass 25,000 history events even with every action done at once; warns when one poll each would', () => {
    // Prepare: 1,400 services without checks (19 events each at the least); 800 with checks (26 at the least, 35 with a poll).
    const refused = (() => {
      try {
        parsePlan(syntheticPlanYaml({ components: 1400, checks: false }), 'synthetic-1400.yml');
        return [];
      } catch (error) {
        return (error as PlanValidationError).issues.map((i) => i.message);
      }
    })();
    const warned = parsePlan(syntheticPlanYaml({ components: 800 }), 'synthetic-800.yml');
    // Assess
    expect(refused).toContainEqual(expect.stringMatching(/^a run of "region-outage" would take at least 26,727 history events, over Step Functions' 25,000 per execution: recover fewer components/));
    expect(planWarnings(warned)).toEqual([{
      path: 'scenarios.0',
      message: expect.stringMatching(/^a run of "region-outage" takes about 28,127 history events with one check of each action \(at least 20,927\), over Step Functions' 25,000/),
    }]);
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

  it('a drill of a plan past the limits fails as Step Functions would (1,000 services pass 25,000 history events first)', async () => {
    // Prepare: the 1,000-service plan validate refuses, past validation (the schema alone), as if deployed anyway.
    const plan = planSchema.parse(parse(syntheticPlanYaml({ components: 1000 })));
    // Act
    const report = await runDrill({ plan, planFile: 'synthetic-1000.yml', scenario: 'region-outage', startAt: new Date('2026-11-29T00:00:00Z') });
    // Assess
    expect(report.outcome).toBe('failed');
    expect(report.reason).toMatch(/^States\.Runtime: the execution's history reached 25,0\d\d events, over Step Functions' 25,000$/);
    expect(report.limits.historyEvents).toBeGreaterThan(HISTORY_EVENTS_LIMIT);
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
