import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import { parseInject } from '../../../../shared/tools/drill/inject.ts';
import { runDrill } from '../../../../shared/tools/drill/run-drill.ts';
import { ROOT } from '../../../support/cli.ts';

const PLAN_FILE = path.join(ROOT, 'examples/dataset-platform.plan.yml');
const START = new Date('2026-11-29T01:20:00Z');

describe('drill: the verification the plan\'s §4 and §5.2 name, passing and each failing with an actionable detail', () => {
  it('passes every new check in the example\'s region-outage drill', async () => {
    // Prepare
    const plan = await loadPlanFile(PLAN_FILE);
    // Act
    const report = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'region-outage', startAt: START });
    // Assess
    expect(report.outcome).toBe('recovered');
    const added = report.checks.filter((c) => ['load-balancer', 'vpn-connection', 'metric', 'security-settings'].includes(c.type));
    expect(added.map((c) => [c.component, c.name, c.status])).toEqual([
      ['core-database', 'security-settings', 'passed'],
      ['authentication', 'load-balancer', 'passed'],
      [null, 'vpn-connection', 'passed'],
      [null, 'api-error-rate', 'passed'],
      [null, 'api-latency-p95', 'passed'],
      [null, 'database-read-latency', 'passed'],
    ]);
  });

  it('parses the four faults and refuses an argument, naming the forms', async () => {
    const plan = await loadPlanFile(PLAN_FILE);
    for (const kind of ['unhealthy-targets', 'vpn-down', 'error-spike', 'open-security-group'] as const) {
      expect(parseInject(kind, plan)).toEqual({ kind });
      expect(() => parseInject(`${kind}:5`, plan)).toThrow(new RegExp(`^--inject ${kind}:5: ${kind} takes no arguments\nforms:\n`));
    }
  });

  it.each([
    ['unhealthy-targets', 'authentication', 'load-balancer', /^target group auth-osaka in ap-northeast-3: 0 of 2 targets healthy \(need 2\); unhealthy: i-0[0-9a-f]{16}:8080 Target\.FailedHealthChecks \(Health checks failed\)/],
    ['vpn-down', null, 'vpn-connection', /0 of 2 tunnels UP, need 1: 203\.0\.113\.10 DOWN \(IPSEC IS DOWN\).*Direct Connect virtual interface dxvif-fg5hij6k is down, must be available/],
    ['error-spike', null, 'api-error-rate', /^metric api-error-rate in ap-northeast-3: 5 of 5 datapoints from \S+ to \S+ UTC breach LessThanOrEqualToThreshold 1 \(worst 2\d\.\d+ at /],
    ['open-security-group', 'core-database', 'security-settings', /^dataset-db-osaka in ap-northeast-3: security group sg-0[0-9a-f]{16} \(dataset-db-osaka-db\) opens tcp 5432 to 0\.0\.0\.0\/0$/],
  ])('--inject %s fails %s %s, blocking: the run fails and names it', async (fault, component, name, detail) => {
    // Prepare
    const plan = await loadPlanFile(PLAN_FILE);
    // Act
    const report = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'region-outage', startAt: START, faults: [parseInject(fault, plan)] });
    // Assess
    expect(report.outcome).toBe('failed');
    const failed = report.checks.filter((c) => c.status === 'failed' && !c.advisory);
    expect(failed.find((c) => c.component === component && c.name === name)?.detail).toMatch(detail);
    expect(report.reason).toContain(`${name} failed`);
  });
});
