import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDrill } from '../../../../shared/tools/drill/run-drill.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import { ROOT } from '../../../support/cli.ts';

/**
 * Issue 15 part 4: in a region outage the Aurora failover's old writer does not answer, so nothing proves it fenced.
 * A plan that turned the approval off for its region-failover still waits for the approver before the data tier.
 */

const SECOND = path.join(ROOT, 'test/fixtures/plans/second-shape.plan.yml');
const START = new Date('2026-11-29T09:30:00.000Z');

describe('drill: an unplanned Aurora failover waits for approval even when its scenario turned approval off', () => {
  it('asks for approval before the data tier, says the fence is unproven, and the approver\'s answer lets it on', async () => {
    // Prepare
    const loaded = await loadPlanFile(SECOND);
    const plan = { ...loaded, scenarios: loaded.scenarios.map((s) => (s.id === 'region-failover' ? { ...s, approval: { ...s.approval, required: false } } : s)) };
    // Act
    const report = await runDrill({ plan, planFile: SECOND, scenario: 'region-failover', startAt: START });
    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.approval).toMatchObject({ required: true, decision: { approved: true, force: false } });
    // The approval request (with its task token) says the fence is unproven.
    const request = report.notifications.find((n) => n.stage === 'approval-needed' && n.channel === 'sns');
    expect(request?.body).toContain('FENCING NOT PROVEN if the old writer (eu-west-1) cannot be reached at the step, as in a region outage: the failover goes on');
  });
});
