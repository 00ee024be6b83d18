import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSpec } from '../../../shared/checks/schema.ts';
import { loadPlanFile } from '../../../shared/plan/load.ts';
import type { Component, ComponentOf, Plan } from '../../../shared/plan/schema.ts';
import { planWarnings } from '../../../shared/plan/warnings.ts';
import { cli } from '../../support/cli.ts';

// Paths relative to the repository root, as a person types them (and as validate prints them).
const US_EAST_1 = 'test/fixtures/plans/us-east-1-primary.plan.yml';
const EXAMPLE = 'examples/dataset-platform.plan.yml';
const SECOND = 'test/fixtures/plans/second-shape.plan.yml';
const load = (file: string) => loadPlanFile(fileURLToPath(new URL(`../../../${file}`, import.meta.url)));

let useast1: Plan;

/** The plan with the api-dns component in health-check mode. */
function withHealthCheckMode(plan: Plan): Plan {
  const components = plan.components.map((c): Component => {
    if (c.id !== 'api-dns') return c;
    const rc = c as ComponentOf<'route53-failover'>;
    return { ...rc, params: { ...rc.params, mode: 'health-check', primaryHealthCheckId: '9a8b7c6d-0000-4000-a000-000000000001' } };
  });
  return { ...plan, components };
}

describe('planWarnings: Route 53 control-plane use in a plan whose primary region is us-east-1', () => {
  beforeAll(async () => {
    useast1 = await load(US_EAST_1);
  });

  it('warns about record mode and a dns-answer check (their fields), not about routing-control mode', () => {
    // Act
    const warnings = planWarnings(useast1);
    // Assess
    expect(warnings.map((w) => w.path)).toEqual(['components.1.params.mode', 'components.1.checks.0']);
    expect(warnings[0]?.message).toBe(
      'mode record relies on the Route 53 control plane in us-east-1, the plan\'s primary region: in an outage there the record change may never be made; ' +
        'use mode routing-control (ARC routing controls, a data plane with five Regional endpoints)',
    );
    expect(warnings[1]?.message).toMatch(/^the dns-answer check calls TestDNSAnswer, a Route 53 control-plane API in us-east-1, the plan's primary region/);
  });

  it('warns about health-check mode and route53-health-check checks, of components and of the final verification', () => {
    // Prepare
    const healthCheck = checkSpec.parse({ type: 'route53-health-check', healthCheckId: '9a8b7c6d-0000-4000-a000-000000000002' });
    const plan = { ...withHealthCheckMode(useast1), verification: { checks: [healthCheck] } };
    // Act
    const warnings = planWarnings(plan);
    // Assess
    expect(warnings.map((w) => w.path)).toEqual(['components.0.params.mode', 'components.1.params.mode', 'components.1.checks.0', 'verification.checks.0']);
    expect(warnings[0]?.message).toContain('mode health-check relies on the Route 53 control plane in us-east-1');
    expect(warnings[0]?.message).toContain('the failover cannot be confirmed');
    expect(warnings[3]?.message).toMatch(/^the route53-health-check check calls GetHealthCheckStatus/);
  });

  it('says nothing when the primary region is not us-east-1, whatever the plan uses (the example, the second plan, this plan moved)', async () => {
    // Prepare
    const moved: Plan = { ...useast1, regions: { primary: 'us-east-2', secondary: 'us-west-2' } };
    // Act / Assess
    expect(planWarnings(await load(EXAMPLE))).toEqual([]);
    expect(planWarnings(await load(SECOND))).toEqual([]);
    expect(planWarnings(moved)).toEqual([]);
  });

  it('dr-autopilot validate prints them as FILE: path: warning: message on stderr and exits 0', async () => {
    // Act
    const run = await cli('validate', '--plan', US_EAST_1);
    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toEqual([`${US_EAST_1}: valid plan "checkout" (us-east-1 -> us-west-2): 1 tiers, 2 components, 2 scenarios`]);
    expect(run.err).toEqual([
      expect.stringMatching(new RegExp(`^${US_EAST_1}: components\\.1\\.params\\.mode: warning: mode record relies on the Route 53 control plane in us-east-1`)),
      expect.stringMatching(new RegExp(`^${US_EAST_1}: components\\.1\\.checks\\.0: warning: the dns-answer check calls TestDNSAnswer`)),
    ]);
  });
});
