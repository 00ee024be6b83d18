import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlanValidationError, type PlanIssue } from '../../../shared/errors.ts';
import { reverseComponent, reversedComponents } from '../../../shared/plan/direction.ts';
import { loadPlanFile, parsePlan } from '../../../shared/plan/load.ts';
import { movesActiveRegion } from '../../../shared/plan/recovery-order.ts';
import type { Plan } from '../../../shared/plan/schema.ts';

const EXAMPLE = fileURLToPath(new URL('../../../examples/dataset-platform.plan.yml', import.meta.url));
const exampleText = readFileSync(EXAMPLE, 'utf8');
type RawPlan = ReturnType<typeof parse>;
const byId = <T extends { id: string }>(list: T[], id: string): T => list.find((item) => item.id === id)!;

/** The issues of the example plan after `change` (the plan must be rejected). */
function issuesAfter(change: (raw: RawPlan) => void): PlanIssue[] {
  const raw = parse(exampleText);
  change(raw);
  try {
    parsePlan(stringify(raw), 'broken.plan.yml');
  } catch (error) {
    if (error instanceof PlanValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected the plan to be rejected');
}

describe('the plan in the reverse direction (re-protect and failback)', () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await loadPlanFile(EXAMPLE);
  });
  const component = (id: string) => plan.components.find((c) => c.id === id)!;

  it('reverses the promoted database: the Osaka instance is the primary, the re-protect replica in Tokyo the one promoted, the secrets swapped', () => {
    // Act
    const reversal = reverseComponent(component('core-database'));
    // Assess
    expect(reversal).toMatchObject({
      params: {
        primaryDbInstanceIdentifier: 'dataset-db-osaka',
        replicaDbInstanceIdentifier: 'dataset-db-tokyo',
        // The Osaka instance has the Tokyo replica, so a failback isolates it; the old Tokyo primary is stopped.
        fencing: { method: 'isolate', isolationSecurityGroupIds: ['sg-0f1e2d3c4b5a69788'] },
        reverseFencing: { method: 'stop' },
        reprotect: { replicaDbInstanceIdentifier: 'dataset-db', fenceDbInstanceIdentifier: 'dataset-db', dbSubnetGroupName: 'dataset-platform-tokyo-db' },
      },
      database: {
        primarySecretArn: 'arn:aws:secretsmanager:ap-northeast-3:123456789012:secret:dataset-platform/db-osaka-Ef34Gh',
        recoverySecretArn: 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dataset-platform/db-tokyo-replica-Ij56Kl',
      },
    });
  });

  it('swaps routing controls, buckets and replication groups; names what a type cannot do in reverse', () => {
    // Act
    const reversed = reversedComponents(plan);
    // Assess
    expect(reversed['api-gateway']).toMatchObject({
      params: {
        primaryRoutingControlArn: expect.stringMatching(/routingcontrol\/7b2c4e6f8a0d1e35$/),
        secondaryRoutingControlArn: expect.stringMatching(/routingcontrol\/3f9a1c2d4e5b6a70$/),
        expectedAnswer: ['api-tokyo.dataset-platform.example.com'],
      },
    });
    expect(reversed['dataset-storage']).toMatchObject({ params: { primaryBucket: 'dataset-platform-datasets-osaka', replicaBucket: 'dataset-platform-datasets-tokyo' } });
    expect(reversed['cache-server']).toMatchObject({ params: { secondaryReplicationGroupId: 'dataset-cache-tokyo', primaryReplicationGroupId: 'dataset-cache-osaka' } });
    expect(reversed.authentication).toEqual({ unsupported: expect.stringMatching(/^ecs-scale: names only the recovery region's service.*leave it out of the failback/) });
    expect(reversed['development-environment']).toEqual({ unsupported: 'manual: add params.failbackInstructions: what the operator does when the plan runs back to the primary region' });
    expect(Object.keys(reversed)).toEqual(plan.components.map((c) => c.id));
  });

  it('says which scenarios move the system: a failback always, a re-protect never, a recovery when it fails traffic over', () => {
    const moves = Object.fromEntries(plan.scenarios.map((s) => [s.id, movesActiveRegion(plan, s)]));
    expect(moves).toEqual({ 'region-outage': true, 'database-failure': false, 'storage-failure': false, reprotect: false, failback: true });
    // The plan can say so for a recovery.
    const said = { ...byId(plan.scenarios, 'database-failure'), movesActiveRegion: true } as Plan['scenarios'][number];
    expect(movesActiveRegion(plan, said)).toBe(true);
  });

  describe('validation of re-protect and failback scenarios', () => {
    it('refuses a component that cannot run in reverse, naming where the scenario lists it and what to add', () => {
      const issues = issuesAfter((raw) => byId<RawPlan>(raw.scenarios, 'failback').components.push('authentication', 'development-environment'));
      expect(issues).toEqual([
        { path: 'scenarios.4.components.4', message: expect.stringMatching(/^component "authentication" cannot run in the reverse direction: ecs-scale: names only the recovery region's service/) },
        { path: 'scenarios.4.components.5', message: 'component "development-environment" cannot run in the reverse direction: manual: add params.failbackInstructions: what the operator does when the plan runs back to the primary region' },
      ]);
    });

    it('refuses a re-protect of a type that has nothing to re-protect, listing the types that do', () => {
      const issues = issuesAfter((raw) => byId<RawPlan>(raw.scenarios, 'reprotect').components.push('api-gateway'));
      expect(issues).toEqual([
        {
          path: 'scenarios.3.components.3',
          message: 'component "api-gateway" (route53-failover) has nothing to re-protect; the types that do: rds-replica-promotion, aurora-global-failover, s3-failover, elasticache-global-failover',
        },
      ]);
    });

    it('refuses an unplanned or alarm-started stage, and movesActiveRegion outside a recovery', () => {
      const issues = issuesAfter((raw) => {
        const failback = byId<RawPlan>(raw.scenarios, 'failback');
        failback.mode = 'unplanned';
        failback.triggers = { alarms: ['dataset-platform-osaka-down'] };
        byId<RawPlan>(raw.scenarios, 'reprotect').movesActiveRegion = true;
      });
      expect(issues).toEqual([
        { path: 'scenarios.3.movesActiveRegion', message: 'only for stage recover: a reprotect never moves the system; remove it' },
        { path: 'scenarios.4.mode', message: 'a failback runs while both regions answer: use mode planned' },
        { path: 'scenarios.4.triggers.alarms', message: 'a failback starts from the console or a schedule, never an alarm: remove the alarms' },
      ]);
    });

    it('refuses a re-protect replica named as an instance that still exists after a recovery', () => {
      const issues = issuesAfter((raw) => (byId<RawPlan>(raw.components, 'core-database').params.reprotect.replicaDbInstanceIdentifier = 'dataset-db'));
      expect(issues).toEqual([
        {
          path: 'components.0.params.reprotect.replicaDbInstanceIdentifier',
          message: 'must be a new name: dataset-db is still in use after a recovery (RDS identifiers are unique per region and account)',
        },
      ]);
    });
  });
});
