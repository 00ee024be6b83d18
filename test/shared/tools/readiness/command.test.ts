import { describe, expect, it } from 'vitest';
import type { ReadinessReport } from '../../../../shared/readiness/assess.ts';
import { DRIFT_HELP } from '../../../../shared/tools/readiness/drift.ts';
import { cli } from '../../../support/cli.ts';

const EXAMPLE = 'examples/dataset-platform.plan.yml';
const SECOND = 'test/fixtures/plans/second-shape.plan.yml';

describe('dr-autopilot readiness (offline, against the simulated account)', () => {
  it(`${EXAMPLE} as deployed is ready: exit 0, every component, system check and forecast ready`, async () => {
    // Act
    const run = await cli('readiness', '--plan', EXAMPLE, '--json');
    // Assess
    expect(run.err).toEqual([]);
    const report = JSON.parse(run.out.join('\n')) as ReadinessReport;
    expect(report.components.filter((c) => c.status !== 'ready').map((c) => [c.id, c.findings])).toEqual([]);
    // The three ECS services' needs of the region's Fargate quota, summed; the recovery role's packaged statements, simulated.
    expect(report.system.map((f) => [f.check, f.status])).toEqual([['active-region', 'ready'], ['service-quota', 'ready'], ['topic-subscribers', 'ready'], ['topic-subscribers', 'ready'], ['automation-role', 'ready']]);
    expect(report.system.at(-1)?.detail).toBe('the recovery role arn:aws:iam::123456789012:role/dr-autopilot-prod-start-action may do all 62 action(s) the recovery needs (IAM policy simulation)');
    expect(report.forecast.rto.flatMap((s) => s.tiers.map((t) => t.status)).filter((status) => status !== 'ready')).toEqual([]);
    expect(report.forecast.rpo.map((r) => [r.rpoClass, r.status])).toEqual([['transaction', 'ready'], ['user', 'ready'], ['system', 'ready']]);
    expect(report.status).toBe('ready');
    expect(run.code).toBe(0);
  });

  it(`${SECOND} as deployed: exit 1, only its record-mode route53 component at risk (by design)`, async () => {
    // Act
    const run = await cli('readiness', '--plan', SECOND, '--json');
    // Assess
    expect(run.err).toEqual([]);
    const report = JSON.parse(run.out.join('\n')) as ReadinessReport;
    expect(report.components.filter((c) => c.status !== 'ready').map((c) => [c.id, c.status, c.findings])).toEqual([['storefront-dns', 'at-risk', [{
      check: 'failover-records',
      status: 'at-risk',
      detail: 'record www.shop.example.org A in zone Z0SHOPEXAMPLE42 is rewritten through Route 53\'s control plane (us-east-1) during the outage; failover records with health checks (mode health-check or routing-control) flip without it',
    }]]]);
    expect(report.system).toEqual([
      { check: 'active-region', status: 'ready', detail: 'the plan\'s primary region eu-west-1 is active (no recovery has moved it)' },
      { check: 'topic-subscribers', status: 'ready', detail: 'the internal topic has 2 confirmed subscriber(s) (email, https)' },
      { check: 'automation-role', status: 'ready', detail: 'the recovery role arn:aws:iam::210987654321:role/dr-autopilot-prod-start-action may do all 22 action(s) the recovery needs (IAM policy simulation)' },
    ]);
    // At risk is not a failure: every tier's forecast stays ready.
    expect(report.forecast.rto.flatMap((s) => s.tiers.map((t) => t.status)).filter((status) => status !== 'ready')).toEqual([]);
    // The catalogue's only component (a version restore) measures no data at risk: not measurable, which is not a risk.
    expect(report.forecast.rpo.map((r) => [r.rpoClass, r.forecastMinutes, r.measurable, r.status])).toEqual([['orders', 0, true, 'ready'], ['ledger', 5, true, 'ready'], ['catalogue', null, false, 'ready']]);
    expect(report.status).toBe('at-risk');
    expect(run.code).toBe(1);
  });

  it.each([
    ['replica-lag:core-database:1800', 'core-database', 'replication-lag', 'at-risk', 'ReplicaLag 30 min, above the RPO of 15 min'],
    ['replica-missing:core-database', 'core-database', 'replica-exists', 'not-ready', 'replica dataset-db-osaka in ap-northeast-3 not found'],
    ['stale-backup:backup-system:30', 'backup-system', 'recovery-point', 'at-risk', '30.0 h old, above the RPO of 24.0 h'],
    ['replication-off:dataset-storage', 'dataset-storage', 'replication', 'not-ready', 'dataset-platform-datasets-tokyo'],
    ['replication-off:dataset-restore', 'dataset-restore', 'versioning', 'not-ready', 'versioning is Suspended'],
    ['no-health-check:api-gateway', 'api-gateway', 'health-check', 'not-ready', 'has no health check: DNS cannot fail over by itself'],
    ['image-in-primary:authentication', 'authentication', 'images', 'not-ready', '.dkr.ecr.ap-northeast-1.amazonaws.com/'],
    ['quota:batch-processing:2', 'batch-processing', 'service-quota', 'not-ready', 'quota Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances in ap-northeast-3 is 2; the scale-up needs 4 (2 × m6i.large (2 vCPU))'],
    ['function-missing:monitoring', 'monitoring', 'function', 'not-ready', 'function dataset-platform-repoint-monitoring in ap-northeast-3 not found'],
    ['replica-missing:cache-server', 'cache-server', 'secondary-member', 'not-ready', 'dataset-cache-osaka is not a member'],
  ])('--drift %s: %s %s is %s', async (drift, component, check, status, detail) => {
    // Act
    const run = await cli('readiness', '--plan', EXAMPLE, '--drift', drift, '--json');
    // Assess: that finding, and no other component changed.
    const report = JSON.parse(run.out.join('\n')) as ReadinessReport;
    const found = report.components.find((c) => c.id === component)?.findings.find((f) => f.check === check);
    expect(found?.status).toBe(status);
    expect(found?.detail).toContain(detail);
    expect(report.components.filter((c) => c.status !== 'ready').map((c) => c.id)).toEqual([component]);
    expect(run.code).toBe(1);
  });

  it('--drift quota:web-application:8: the region\'s Fargate quota, shared: each service\'s need fits, their sum (9) does not', async () => {
    // Act
    const run = await cli('readiness', '--plan', EXAMPLE, '--drift', 'quota:web-application:8', '--json');
    // Assess
    const report = JSON.parse(run.out.join('\n')) as ReadinessReport;
    expect(report.components.filter((c) => c.type === 'ecs-scale').map((c) => [c.id, c.status, c.quota?.need, c.quota?.value])).toEqual([
      ['authentication', 'ready', 3, 8], ['web-application', 'ready', 4, 8], ['report-generation', 'ready', 2, 8],
    ]);
    expect(report.components.filter((c) => c.status !== 'ready')).toEqual([]);
    expect(report.system.filter((f) => f.status !== 'ready')).toEqual([{
      check: 'service-quota',
      status: 'not-ready',
      detail: 'quota Fargate On-Demand vCPU resource count in ap-northeast-3 is 8; the scale-up needs 9 (authentication 3 + web-application 4 + report-generation 2): request an increase (Service Quotas fargate L-3032A538)',
    }]);
    expect(report.status).toBe('not-ready');
    expect(run.code).toBe(1);
  });

  it.each([
    ['unconfirmed:external', 'topic-subscribers', 'the external topic has no confirmed subscriber (2 pending confirmation)'],
    ['active-secondary', 'active-region', 'ap-northeast-3 has been active since'],
    ['denied:rds:PromoteReadReplica', 'automation-role', 'rds:PromoteReadReplica on arn:aws:rds:ap-northeast-3:123456789012:db:dataset-db-osaka (explicitDeny)'],
  ])('--drift %s: the system check %s is not ready', async (drift, check, detail) => {
    // Act
    const run = await cli('readiness', '--plan', EXAMPLE, '--drift', drift);
    // Assess
    expect(run.out).toContainEqual(expect.stringMatching(new RegExp(`^  NOT READY ${check}: .*${detail.replace(/[()]/g, '\\$&')}`)));
    expect(run.out[0]).toMatch(/^readiness of dataset-platform \(ap-northeast-1 -> ap-northeast-3\) at \S+: NOT READY$/);
    expect(run.code).toBe(1);
  });

  it('bad input exits 2 with the reason and the forms, reading nothing', async () => {
    // Act
    const run = await cli('readiness', '--plan', EXAMPLE, '--drift', 'replica-lag:authentication:60');
    // Assess
    expect(run.code).toBe(2);
    expect(run.out).toEqual([]);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toBe(`dr-autopilot readiness: --drift replica-lag:authentication:60: replica-lag applies to rds-replica-promotion, aurora-global-failover, s3-failover; authentication is ecs-scale\nforms:\n${DRIFT_HELP}`);
    expect(DRIFT_HELP).toMatch(/^replica-missing:COMPONENT .*\nreplica-lag:COMPONENT:SECONDS /);
  });
});
