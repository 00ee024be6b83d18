import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_TYPES, definitionOf } from '../../../../shared/components/registry.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import type { Component } from '../../../../shared/plan/schema.ts';
import { cfnArn, iamContext } from '../../../../shared/tools/deploy/arn.ts';
import { checkActionStatements, startActionStatements } from '../../../../shared/tools/deploy/component-iam.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const PLANS = ['examples/dataset-platform.plan.yml', 'test/fixtures/plans/second-shape.plan.yml'];
const facetOf = (c: Component) => definitionOf(c.type).iam;
const ctx = iamContext({ primary: 'eu-west-1', secondary: 'eu-central-1' });

/** Every component of the two plans (between them they hold all twelve types). */
let samples: Component[];

describe('component types\' IAM facets', () => {
  beforeAll(async () => {
    // Prepare
    const plans = await Promise.all(PLANS.map((file) => loadPlanFile(path.join(ROOT, file))));
    samples = plans.flatMap((p) => p.components);
  });

  it('has a sample component of every registered type', () => {
    expect([...new Set(samples.map((c) => c.type))].sort()).toEqual(Object.keys(COMPONENT_TYPES).sort());
  });

  it('lists as start-only only actions the type\'s own statements grant', () => {
    for (const type of Object.keys(COMPONENT_TYPES)) {
      // Act: what the type's components of both plans are granted (route53-failover in routing-control and record mode).
      const ofType = samples.filter((c) => c.type === type);
      const actions = ofType.flatMap((c) => facetOf(c).statements(c.params, ctx).flatMap((st) => st.Action));
      // Assess
      for (const action of facetOf(ofType[0]!).startOnly) expect(actions, `${type}: ${action}`).toContain(action);
    }
  });

  it('start-only: the mutations a check never sends, and only those (fencing, promotion, restores and batched copies stay with the checks)', () => {
    // Act
    const startOnly = Object.values(COMPONENT_TYPES).flatMap((t) => t.iam.startOnly);
    // Assess
    expect([...startOnly].sort()).toEqual(
      [
        'rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster', 'route53-recovery-cluster:UpdateRoutingControlStates', 'route53:ChangeResourceRecordSets',
        'ssm:PutParameter', 'backup:StartRestoreJob', 'iam:PassRole', 'ecs:UpdateService', 'autoscaling:UpdateAutoScalingGroup',
        'elasticache:FailoverGlobalReplicationGroup', 'lambda:InvokeFunction',
      ].sort(),
    );
  });

  it('gives check-action every statement of start-action less the start-only actions', async () => {
    // Prepare
    const plan = await loadPlanFile(path.join(ROOT, PLANS[0]!));
    const startOnly = new Set(plan.components.flatMap((c) => facetOf(c).startOnly));
    // Act
    const start = startActionStatements(plan, ctx);
    const check = checkActionStatements(plan, ctx);
    // Assess
    // Each check statement is a start statement on the same resources with start-only actions left out (of its own
    // type: iam:PassRole is start-only for backup-restore's restore job, not for s3-failover's re-protect rule), and
    // every start statement keeps its other actions in one.
    const same = (a: (typeof start)[number], b: (typeof start)[number]) => JSON.stringify([a.Resource, a.Condition]) === JSON.stringify([b.Resource, b.Condition]);
    for (const st of check) {
      const from = start.filter((s) => same(s, st) && st.Action.every((a) => s.Action.includes(a)) && s.Action.every((a) => st.Action.includes(a) || startOnly.has(a)));
      expect(from, JSON.stringify(st)).not.toEqual([]);
    }
    for (const st of start) {
      const kept = st.Action.filter((a) => !startOnly.has(a));
      if (kept.length > 0) expect(check.some((c) => same(c, st) && kept.every((a) => c.Action.includes(a))), JSON.stringify(st)).toBe(true);
    }
    expect(check.length).toBeLessThanOrEqual(start.length);
  });

  it('re-reads trigger alarms only for a plan that has some', async () => {
    // Prepare
    const plan = await loadPlanFile(path.join(ROOT, PLANS[0]!));
    const withoutAlarms = { ...plan, scenarios: plan.scenarios.map((s) => ({ ...s, triggers: { alarms: [] } })) };
    // Act / Assess
    expect(startActionStatements(plan, ctx).flatMap((st) => st.Action)).toContain('cloudwatch:DescribeAlarms');
    expect(startActionStatements(withoutAlarms, ctx).flatMap((st) => st.Action)).not.toContain('cloudwatch:DescribeAlarms');
  });

  it('builds ARNs from the stack\'s partition and account, with no account for global resources that have none', () => {
    expect(cfnArn('rds', 'eu-west-1', 'db:x')).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:eu-west-1:', { Ref: 'AWS::AccountId' }, ':db:x']] });
    expect(cfnArn('s3', '', 'bucket', false)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3::', ':bucket']] });
  });
});
