import { beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../functions/record-tier.ts';
import type { RunState } from '../../shared/run/types.ts';
import { exampleRun, recoveredResult } from '../shared/run/fixtures.ts';
import { lambdaContext } from './lambda.ts';

const context = lambdaContext('record-tier');
let state: RunState;

describe('functions/record-tier', () => {
  beforeAll(async () => {
    state = await exampleRun();
  });

  it('records the tier from the Map output and lets the next tier start', async () => {
    const tierResults = state.tiers[0]!.components.map((c) => recoveredResult(c, '2026-11-29T01:05:00.000Z', '2026-11-29T01:50:00.000Z'));
    const next = await handler({ ...state, tierResults }, context);
    expect(next).toMatchObject({ tierIndex: 1, status: 'running' });
    expect(next.results.tiers).toEqual([
      expect.objectContaining({ id: 'tier-1', achievedMinutes: 45, met: true, status: 'recovered' }),
    ]);
  });

  it('fails with an error named InvalidInputError when the Map output does not match the tier', async () => {
    await expect(handler({ ...state, tierResults: [] }, context)).rejects.toMatchObject({ name: 'InvalidInputError', details: { field: 'tierResults' } });
  });
});
