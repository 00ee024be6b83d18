import { beforeAll, describe, expect, it } from 'vitest';
import { oneWayTypes, unprovenFencingTypes } from '../../../shared/components/load.ts';
import type { Plan } from '../../../shared/plan/schema.ts';
import { prepareRun } from '../../../shared/run/prepare.ts';
import { consoleStart, EXECUTION_ID, EXECUTION_START, loadExamplePlan } from './fixtures.ts';

/**
 * Issue 15 part 4: an unreachable old primary is not proof of fencing. A run whose one-way step goes on past an
 * old primary that does not answer (rds-replica-promotion, aurora-global-failover) waits for a person's approval
 * when unplanned, even where its scenario says `approval.required: false`.
 */

let plan: Plan;
let oneWay: Set<string>;
let unproven: Set<string>;
/** The example plan with every scenario's approval turned off, as a plan owner may write it. */
let noApproval: Plan;
const prepare = (p: Plan, input: Record<string, unknown>) =>
  prepareRun(p, { input: consoleStart(input), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, undefined, oneWay, null, unproven);

describe('prepareRun: one-way steps that cannot prove an unreachable old primary fenced', () => {
  beforeAll(async () => {
    plan = await loadExamplePlan();
    const types = plan.components.map((c) => c.type);
    oneWay = await oneWayTypes(types);
    unproven = await unprovenFencingTypes(types);
    noApproval = { ...plan, scenarios: plan.scenarios.map((s) => ({ ...s, approval: { ...s.approval, required: false } })) };
  });

  it('are the replica promotion and the Aurora failover, not the S3 version restore', async () => {
    expect([...(await unprovenFencingTypes(['rds-replica-promotion', 'aurora-global-failover', 's3-version-restore', 'ecs-scale']))].toSorted())
      .toEqual(['aurora-global-failover', 'rds-replica-promotion']);
  });

  it('an unplanned scenario with approval.required false still waits before the promotion', () => {
    // Act
    const state = prepare(noApproval, { scenario: 'database-failure', mode: 'unplanned' });
    // Assess
    expect(state.approval).toMatchObject({ required: true, tierIndex: 0, oneWayComponents: ['core-database'] });
  });

  it('a planned run of it does not (a planned promotion fences first and refuses an old primary that does not answer)', () => {
    expect(prepare(noApproval, { scenario: 'database-failure', mode: 'planned' }).approval.required).toBe(false);
  });

  it('an unplanned scenario whose only one-way step is an S3 version restore keeps approval.required false', () => {
    expect(prepare(noApproval, { scenario: 'storage-failure', mode: 'unplanned' }).approval).toMatchObject({ required: false, oneWayComponents: ['dataset-restore'] });
  });
});
