import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../shared/plan/schema.ts';
import { activeRegionFinding } from '../../../shared/readiness/system.ts';
import { loadExamplePlan } from '../run/fixtures.ts';

describe('readiness: the active region', () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await loadExamplePlan();
  });
  const moved = (region: string) => ({ region, since: '2026-11-29T02:00:00.000Z', executionId: 'arn:aws:states:ap-northeast-3:123456789012:execution:f:run-1', scenario: 'region-outage' });

  it('is ready while the plan\'s primary is active (nothing moved it, or it was moved back)', () => {
    // Act
    const never = activeRegionFinding(plan, null);
    const back = activeRegionFinding(plan, moved('ap-northeast-1'));
    // Assess
    expect(never).toEqual({ check: 'active-region', status: 'ready', detail: 'the plan\'s primary region ap-northeast-1 is active (no recovery has moved it)' });
    expect(back).toEqual({ check: 'active-region', status: 'ready', detail: 'the plan\'s primary region ap-northeast-1 is active (since 2026-11-29T02:00:00.000Z, scenario region-outage)' });
  });

  it('is not ready while the system runs in the plan\'s secondary: the failover has nowhere to go', () => {
    // Act
    const active = activeRegionFinding(plan, moved('ap-northeast-3'));
    // Assess
    expect(active).toEqual({
      check: 'active-region',
      status: 'not-ready',
      detail:
        'ap-northeast-3 has been active since 2026-11-29T02:00:00.000Z (scenario region-outage, arn:aws:states:ap-northeast-3:123456789012:execution:f:run-1): this plan\'s failover has nowhere to go; ' +
        'rebuild protection toward ap-northeast-1 (scenario reprotect) and fail back (scenario failback) before relying on it',
    });
    // A plan without those stages is told to add them.
    const bare = { ...plan, scenarios: plan.scenarios.filter((s) => s.stage === 'recover') };
    expect(activeRegionFinding(bare, moved('ap-northeast-3')).detail).toMatch(/rebuild protection toward ap-northeast-1 \(add a scenario with stage reprotect\) and fail back \(add a scenario with stage failback\) before relying on it$/);
  });

  it('is at risk when the record names a region the plan does not', () => {
    expect(activeRegionFinding(plan, moved('us-east-1')).status).toBe('at-risk');
  });
});
