import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../shared/errors.ts';
import type { Plan } from '../../../../shared/plan/schema.ts';
import { parseDrift } from '../../../../shared/tools/readiness/drift.ts';
import { loadExamplePlan } from '../../run/fixtures.ts';

describe('--drift specs', () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await loadExamplePlan();
  });

  it.each([
    ['replica-missing:core-database', { kind: 'replica-missing', component: 'core-database' }],
    ['replica-lag:core-database:1800', { kind: 'replica-lag', component: 'core-database', seconds: 1800 }],
    ['replica-lag:dataset-storage:900', { kind: 'replica-lag', component: 'dataset-storage', seconds: 900 }],
    ['stale-backup:backup-system:30', { kind: 'stale-backup', component: 'backup-system', hours: 30 }],
    ['replication-off:dataset-storage', { kind: 'replication-off', component: 'dataset-storage' }],
    ['no-health-check:api-gateway', { kind: 'no-health-check', component: 'api-gateway' }],
    ['image-in-primary:authentication', { kind: 'image-in-primary', component: 'authentication' }],
    ['quota:web-application:8', { kind: 'quota', component: 'web-application', value: 8 }],
    ['function-missing:monitoring', { kind: 'function-missing', component: 'monitoring' }],
    ['unconfirmed:external', { kind: 'unconfirmed', topic: 'external' }],
    ['denied:rds:PromoteReadReplica', { kind: 'denied', action: 'rds:PromoteReadReplica' }],
    ['active-secondary', { kind: 'active-secondary' }],
  ])('%s', (spec, drift) => {
    // Act
    const parsed = parseDrift(spec, plan);
    // Assess
    expect(parsed).toEqual(drift);
  });

  it.each([
    ['nonsense:core-database', 'unknown drift "nonsense"'],
    ['replica-missing:no-such', 'unknown component "no-such"; the plan has core-database, authentication'],
    ['replica-missing:authentication', 'replica-missing applies to rds-replica-promotion, aurora-global-failover, elasticache-global-failover; authentication is ecs-scale'],
    ['replica-lag:core-database', 'SECONDS must be a number from 0 to 604800'],
    ['replica-lag:core-database:-5', 'SECONDS must be a number from 0 to 604800'],
    ['quota:web-application:many', 'VALUE must be a number from 0 to 1000000'],
    ['replication-off:dataset-storage:1', 'replication-off takes only a component'],
    ['stale-backup:backup-system:1:2', 'too many parts'],
    ['unconfirmed:everyone', 'unconfirmed takes internal or external'],
    ['denied:PromoteReadReplica', 'ACTION must be an IAM action such as rds:PromoteReadReplica'],
    ['active-secondary:ap-northeast-3', 'active-secondary takes no arguments'],
  ])('%s is refused: %s', (spec, why) => {
    // Act
    const parse = () => parseDrift(spec, plan);
    // Assess
    expect(parse).toThrow(InvalidInputError);
    expect(parse).toThrow(`--drift ${spec}: ${why}`);
    expect(parse).toThrow('forms:\nreplica-missing:COMPONENT');
  });
});
