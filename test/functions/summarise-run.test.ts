import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/summarise-run.ts';
import { recordComponentResult, recordRunStart } from '../../shared/state/run-records.ts';
import { recordTier } from '../../shared/run/tiers.ts';
import type { RunState } from '../../shared/run/types.ts';
import { outcomeOf } from '../../shared/run/component-outcome.ts';
import { consoleStart, exampleRun, failedResult, recoveredResult, silentLogger } from '../shared/run/fixtures.ts';
import { startDynalite, useStateTable, type LocalDynamo } from '../support/dynalite.ts';
import { lambdaContext } from './lambda.ts';

const context = lambdaContext('summarise-run');
let state: RunState;
let local: LocalDynamo;

describe('functions/summarise-run', () => {
  beforeAll(async () => {
    state = await exampleRun(consoleStart({ scenario: 'database-failure' }));
    local = await startDynalite();
    useStateTable(local);
    const deps = { ddb: local.ddb, tableName: local.tableName, now: () => new Date(), logger: silentLogger() };
    await recordRunStart(deps, { incidentId: state.run.incidentId, executionId: state.run.executionId, plan: state.run.plan, scenario: state.run.scenario, incidentStartedAt: state.run.incidentStartedAt, executionStartedAt: state.run.incidentStartedAt });
  });
  afterAll(() => local.stop());
  beforeEach(() => {
    useStateTable(local);
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-29T02:00:00.000Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it('takes each component\'s checks and observations from the state table; the output names them without their details', async () => {
    // Prepare: the full result in the table, the outcome in the state.
    const db = state.tiers[0]!.components[0]!;
    const check = { component: db.id, name: 'writable', type: 'postgres-writable' as const, advisory: false, status: 'passed' as const, detail: 'INSERT … committed', observations: { ms: 12 }, checkedAt: '2026-11-29T01:17:00.000Z' };
    const full = { ...recoveredResult(db, '2026-11-29T01:05:00.000Z', '2026-11-29T01:17:00.000Z'), observations: { replicaLagSeconds: 31 }, verification: [check] };
    const deps = { ddb: local.ddb, tableName: local.tableName, now: () => new Date(), logger: silentLogger() };
    await recordComponentResult(deps, { incidentId: state.run.incidentId, executionId: state.run.executionId, result: full });
    const done = recordTier(state, [outcomeOf(full)]);
    // Act
    const summary = await handler(done, context);
    // Assess
    expect(summary.checks).toEqual([{ component: db.id, name: 'writable', type: 'postgres-writable', advisory: false, status: 'passed' }]);
    expect(summary.components).toEqual([outcomeOf(full)]);
    // The measured RPO reads the recorded observations (the replica lag lost at promotion).
    expect(summary.rpo).toEqual([expect.objectContaining({ dataClass: 'transaction', replicaLagMinutes: 0.52 })]);
  });

  it('fails with UnexpectedStateError naming the execution when the state table has no record of the run', async () => {
    const other = { ...state, run: { ...state.run, executionId: 'arn:aws:states:ap-northeast-3:123456789012:execution:f:not-recorded' } };
    await expect(handler(other, context)).rejects.toMatchObject({
      name: 'UnexpectedStateError', message: 'state table: no run record of arn:aws:states:ap-northeast-3:123456789012:execution:f:not-recorded, so its components\' results cannot be read',
    });
  });

  it('summarises a recovered run, finished now', async () => {
    const done = recordTier(state, [recoveredResult(state.tiers[0]!.components[0]!, '2026-11-29T01:05:00.000Z', '2026-11-29T01:17:00.000Z')]);
    const summary = await handler(done, context);
    expect(summary).toMatchObject({ scenario: 'database-failure', outcome: 'recovered', reason: null, finishedAt: '2026-11-29T02:00:00.000Z' });
    expect(summary.tiers).toEqual([expect.objectContaining({ id: 'tier-1', achievedMinutes: 12, met: true })]);
  });

  it('summarises a failed run with the reason', async () => {
    const failed = recordTier(state, [
      failedResult(state.tiers[0]!.components[0]!, '2026-11-29T01:05:00.000Z', '2026-11-29T01:06:00.000Z', { name: 'ActionFailedError', message: 'promotion failed' }),
    ]);
    const summary = await handler(failed, context);
    expect(summary).toMatchObject({ outcome: 'failed', reason: 'tier tier-1 failed: core-database (ActionFailedError: promotion failed)' });
  });
});
