import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/load-component.ts';
import type { RunState } from '../../shared/run/types.ts';
import { compiledExamplePlan, consoleStart, exampleRun } from '../shared/run/fixtures.ts';
import { lambdaContext } from './lambda.ts';

const context = lambdaContext('load-component');
let state: RunState;
let packaged: { file: string; remove(): void };

describe('functions/load-component', () => {
  beforeAll(async () => {
    state = await exampleRun(consoleStart({ scenario: 'storage-failure' }));
    packaged = await compiledExamplePlan();
  });
  afterAll(() => packaged.remove());
  beforeEach(() => {
    process.env.PLAN_FILE = packaged.file;
  });
  afterEach(() => {
    delete process.env.PLAN_FILE;
  });

  it('returns the Map item\'s definition from the packaged plan: params, the scenario\'s checks only, tier and timeout in seconds', async () => {
    // Prepare: the Map item as the state machine passes it.
    const item = { run: state.run, component: { id: 'core-database', type: 'rds-replica-promotion', tier: 'tier-1' } };
    // Act
    const task = await handler(item, context);
    // Assess
    expect(task).toMatchObject({ id: 'core-database', type: 'rds-replica-promotion', tier: 'tier-1', timeoutMinutes: 60, timeoutSeconds: 3600, params: { primaryDbInstanceIdentifier: 'dataset-db', replicaDbInstanceIdentifier: 'dataset-db-osaka' } });
    expect(task.checks.every((c) => c.onlyInScenarios === undefined || c.onlyInScenarios.includes('storage-failure'))).toBe(true);
  });

  it('says whether the component\'s tier holds a one-way step (the trigger is re-read before any of its steps)', async () => {
    // Act: tier 1 holds the replica promotion; tier 4 only manual steps.
    const inTier1 = await handler({ run: state.run, component: { id: 'authentication', type: 'ecs-scale', tier: 'tier-1' } as never }, context);
    const inTier4 = await handler({ run: state.run, component: { id: 'documentation-system', type: 'manual', tier: 'tier-4' } as never }, context);
    // Assess
    expect(inTier1.oneWayTier).toBe(true);
    expect(inTier4.oneWayTier).toBe(false);
  });

  it('refuses a component the plan does not have, naming component.id: InvalidInputError', async () => {
    const item = { run: state.run, component: { id: 'no-such-component', type: 'ecs-scale', tier: 'tier-1' } };
    await expect(handler(item, context)).rejects.toMatchObject({ name: 'InvalidInputError', details: { field: 'component.id' } });
  });

  it('refuses a run of another plan than the packaged one: PlanValidationError', async () => {
    const item = { run: { ...state.run, plan: 'other-plan' }, component: { id: 'core-database', type: 'rds-replica-promotion', tier: 'tier-1' } };
    await expect(handler(item, context)).rejects.toMatchObject({ name: 'PlanValidationError', message: expect.stringContaining('"other-plan"') });
  });
});
