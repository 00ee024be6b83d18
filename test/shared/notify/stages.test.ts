import { beforeAll, describe, expect, it } from 'vitest';
import { noticeFacts, resolveEvent, STAGE_DEFINITIONS, STAGES } from '../../../shared/notify/stages.ts';
import type { Plan } from '../../../shared/plan/schema.ts';
import type { RunState } from '../../../shared/run/types.ts';
import { abortedSummary, completedSummary, failedSummary, INCIDENT, loadExamplePlan, minutesAfter, regionOutage, tierFailed, tierRecovered } from './fixtures.ts';

let plan: Plan;
let state: RunState;

describe('shared/notify/stages', () => {
  beforeAll(async () => {
    plan = await loadExamplePlan();
    state = await regionOutage();
  });

  it('defines the seven stages, the external ones and the final ones', () => {
    expect(STAGES).toEqual(['run-started', 'approval-needed', 'tier-recovered', 'component-failed', 'run-completed', 'run-failed', 'run-aborted']);
    expect(STAGES.filter((s) => STAGE_DEFINITIONS[s].external)).toEqual(['run-started', 'tier-recovered', 'run-completed', 'run-failed', 'run-aborted']);
    expect(STAGES.filter((s) => STAGE_DEFINITIONS[s].final)).toEqual(['run-completed', 'run-failed', 'run-aborted']);
  });

  it('run-started: trigger, scenario, severity and impact (tiers with their RTO deadlines); external estimates from the RTO targets', () => {
    const facts = noticeFacts('run-started', { run: state.run, tiers: state.tiers }, { now: minutesAfter(1), plan });
    expect(facts.severity).toBe('critical');
    expect(facts.run).toMatchObject({ plan: 'dataset-platform', scenario: 'region-outage', mode: 'unplanned', incidentStartedAt: INCIDENT, trigger: { kind: 'console', by: 'oncall@example.com' } });
    expect(facts.internal.tiers.map((t) => [t.id, t.rtoTargetMinutes, t.dueAt])).toEqual([
      ['tier-1', 240, '2026-11-29T05:05:00.000Z'],
      ['tier-2', 480, '2026-11-29T09:05:00.000Z'],
      ['tier-3', 480, '2026-11-29T09:05:00.000Z'],
      ['tier-4', 1440, '2026-11-30T01:05:00.000Z'],
    ]);
    expect(facts.external).toEqual({
      status: 'recovering',
      severity: 'critical',
      startedAt: INCIDENT,
      expectedBy: '2026-11-30T01:05:00.000Z',
      expectedWithinMinutes: 1440,
      overdue: false,
      core: { restored: false, by: '2026-11-29T05:05:00.000Z', withinMinutes: 240, overdue: false },
      progress: null,
      restoredAt: null,
      downtimeMinutes: null,
      nextUpdateBy: '2026-11-29T02:06:00.000Z',
    });
  });

  it('approval-needed: the decision pending, never the task token', () => {
    const approval = { ...state.approval, taskToken: 'AQCEAAAA-secret-token' } as typeof state.approval;
    const facts = noticeFacts('approval-needed', { run: state.run, approval, tiers: state.tiers }, { now: minutesAfter(2), plan });
    expect(facts.internal.approval).toEqual({ tier: 'tier-1', oneWay: ['core-database'], timeoutMinutes: 30, deadline: '2026-11-29T01:37:00.000Z' });
    expect(JSON.stringify(facts)).not.toContain('secret-token');
  });

  it('tier-recovered: achieved against target, progress and the next tier; core functions restored after the first tier', () => {
    const after = tierRecovered(state, 38).state;
    const facts = noticeFacts(
      'tier-recovered',
      { run: after.run, tier: after.results.tiers.slice(-1), tiers: after.tiers, progress: { done: after.tierIndex, total: after.tierCount } },
      { now: minutesAfter(38), plan },
    );
    expect(facts.internal.tier).toMatchObject({ id: 'tier-1', achievedMinutes: 38, rtoTargetMinutes: 240, met: true, name: 'Tier 1 (highest): authentication, core database, API gateway' });
    expect(facts.internal.next).toBe('tier-2');
    expect(facts.internal.progress).toEqual({ done: 1, total: 4 });
    expect(facts.external.core).toEqual({ restored: true, by: null, withinMinutes: null, overdue: false });
    expect(facts.external.progress).toEqual({ done: 1, total: 4 });
  });

  it('tier-recovered: a missed RTO in the critical tier raises the severity to critical', () => {
    const db = { ...state, run: { ...state.run, severity: 'high' as const } };
    const tier = { id: 'tier-1', order: 1, rtoTargetMinutes: 240, achievedMinutes: 250, met: false, status: 'recovered' as const, startedAt: INCIDENT, finishedAt: minutesAfter(250).toISOString() };
    const facts = noticeFacts('tier-recovered', { run: db.run, tier, next: null }, { now: minutesAfter(250), plan });
    expect(facts.severity).toBe('critical');
    expect(facts.external.overdue).toBe(false);
    expect(facts.internal.next).toBeNull();
  });

  it('component-failed: only the failed components of the tier given', () => {
    const after = tierFailed(state, 'core-database', 42).state;
    const facts = noticeFacts('component-failed', { run: after.run, components: after.results.components, tier: 'tier-1' }, { now: minutesAfter(42), plan });
    expect(facts.internal.components).toEqual([
      { id: 'core-database', tier: 'tier-1', type: 'rds-replica-promotion', status: 'failed', attempts: 1, error: { name: 'ActionFailedError', message: 'restore-error' } },
    ]);
    expect(facts.severity).toBe('critical');
  });

  it('run-completed: RTO per tier, RPO per data class, checks; external says restored with the downtime and no next update', async () => {
    const facts = noticeFacts('run-completed', { summary: await completedSummary() }, { now: minutesAfter(311), plan });
    expect(facts.internal.tiers.map((t) => [t.id, t.achievedMinutes, t.met])).toEqual([
      ['tier-1', 38, true],
      ['tier-2', 95, true],
      ['tier-3', 150, true],
      ['tier-4', 300, true],
    ]);
    expect(facts.internal.rpo.map((r) => r.dataClass)).toEqual(['transaction', 'user', 'system']);
    expect(facts.internal.checks).toEqual({ passed: 0, failed: 0, skipped: 0, failedNames: [] });
    expect(facts.external).toMatchObject({ status: 'restored', restoredAt: minutesAfter(310).toISOString(), downtimeMinutes: 310, nextUpdateBy: null, expectedBy: null, core: null });
  });

  it('run-failed and run-aborted from the summary: severity from the plan scenario, raised by failures', async () => {
    const failed = noticeFacts('run-failed', { summary: await failedSummary() }, { now: minutesAfter(45), plan });
    expect(failed.severity).toBe('critical');
    expect(failed.external.status).toBe('continuing');
    expect(failed.internal.components.map((c) => c.id)).toEqual(['core-database']);
    const aborted = noticeFacts('run-aborted', { summary: await abortedSummary() }, { now: minutesAfter(12), plan });
    expect(aborted.external.status).toBe('assessing');
    expect(aborted.internal.reason).toBe('approval before tier-1 (core-database) was denied: Tokyo is back: no failover');
  });

  it('past the RTO the external estimate becomes "overdue" instead of a time in the past', () => {
    const facts = noticeFacts('run-started', { run: state.run, tiers: state.tiers }, { now: minutesAfter(2000), plan });
    expect(facts.external).toMatchObject({ expectedBy: null, expectedWithinMinutes: null, overdue: true, core: { restored: false, by: null, overdue: true } });
  });

  it('resolves run-finished by the outcome and tier-finished by the tier status', async () => {
    expect(resolveEvent({ stage: 'run-finished', summary: await completedSummary() }).stage).toBe('run-completed');
    expect(resolveEvent({ stage: 'run-finished', summary: await failedSummary() }).stage).toBe('run-failed');
    expect(resolveEvent({ stage: 'run-finished', summary: await abortedSummary() }).stage).toBe('run-aborted');
    const ok = tierRecovered(state, 38).state;
    expect(resolveEvent({ stage: 'tier-finished', run: ok.run, tier: ok.results.tiers.slice(-1) }).stage).toBe('tier-recovered');
    const bad = tierFailed(state, 'core-database', 42).state;
    expect(resolveEvent({ stage: 'tier-finished', run: bad.run, tier: bad.results.tiers.slice(-1), components: bad.results.components })).toEqual({
      stage: 'component-failed',
      input: { run: bad.run, components: bad.results.components, tier: 'tier-1' },
    });
  });

  it('refuses an unknown stage or an input without what the stage needs, naming the field', () => {
    expect(() => resolveEvent({ stage: 'tea-time' })).toThrow(expect.objectContaining({ name: 'InvalidInputError', details: { field: 'stage' } }));
    expect(() => resolveEvent('run-started')).toThrow(expect.objectContaining({ name: 'InvalidInputError' }));
    expect(() => noticeFacts('run-started', { run: state.run, tiers: [] }, { now: minutesAfter(1) })).toThrow(expect.objectContaining({ details: { field: 'tiers' } }));
    expect(() => noticeFacts('tier-recovered', { run: undefined as never, tier: [] }, { now: minutesAfter(1) })).toThrow(expect.objectContaining({ details: { field: 'run' } }));
    expect(() => noticeFacts('run-completed', { summary: { plan: 'p', scenario: 's', outcome: 'maybe' } as never }, { now: minutesAfter(1) })).toThrow(
      expect.objectContaining({ details: { field: 'summary.outcome' } }),
    );
  });
});
