import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/summarise-run.ts';
import { recordTier } from '../../shared/run/tiers.ts';
import type { RunState } from '../../shared/run/types.ts';
import { consoleStart, exampleRun, failedResult, recoveredResult } from '../shared/run/fixtures.ts';
import { lambdaContext } from './lambda.ts';

const context = lambdaContext('summarise-run');
let state: RunState;

describe('functions/summarise-run', () => {
  beforeAll(async () => {
    state = await exampleRun(consoleStart({ scenario: 'database-failure' }));
  });
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-29T02:00:00.000Z') }));
  afterEach(() => vi.useRealTimers());

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
