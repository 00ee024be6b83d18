import { describe, expect, it } from 'vitest';
import { assessSeverity, atLeast, SEVERITIES } from '../../../shared/notify/severity.ts';

const critical = ['tier-1'];

describe('shared/notify/severity', () => {
  it('keeps the scenario severity when nothing went wrong', () => {
    for (const scenario of SEVERITIES) {
      expect(assessSeverity({ scenario, criticalTiers: critical })).toBe(scenario);
      expect(
        assessSeverity({ scenario, criticalTiers: critical, tiers: [{ id: 'tier-1', status: 'recovered', met: true, achievedMinutes: 38 }], rpo: [{ met: true }] }),
      ).toBe(scenario);
    }
  });

  it('raises to critical when a component of the highest-priority tier fails', () => {
    expect(assessSeverity({ scenario: 'low', criticalTiers: critical, components: [{ tier: 'tier-1', status: 'failed' }] })).toBe('critical');
  });

  it('raises to critical when the highest-priority tier misses its RTO or fails', () => {
    expect(assessSeverity({ scenario: 'medium', criticalTiers: critical, tiers: [{ id: 'tier-1', status: 'recovered', met: false, achievedMinutes: 300 }] })).toBe('critical');
    expect(assessSeverity({ scenario: 'medium', criticalTiers: critical, tiers: [{ id: 'tier-1', status: 'failed', met: false, achievedMinutes: null }] })).toBe('critical');
  });

  it('raises to at least high for failures outside the critical tier, a missed RPO or a failed run', () => {
    expect(assessSeverity({ scenario: 'low', criticalTiers: critical, components: [{ tier: 'tier-3', status: 'failed' }] })).toBe('high');
    expect(assessSeverity({ scenario: 'medium', criticalTiers: critical, tiers: [{ id: 'tier-2', status: 'recovered', met: false, achievedMinutes: 600 }] })).toBe('high');
    expect(assessSeverity({ scenario: 'low', criticalTiers: critical, rpo: [{ met: false }] })).toBe('high');
    expect(assessSeverity({ scenario: 'low', criticalTiers: critical, runFailed: true })).toBe('high');
  });

  it('never goes below the scenario severity', () => {
    expect(assessSeverity({ scenario: 'critical', criticalTiers: critical, components: [{ tier: 'tier-3', status: 'failed' }] })).toBe('critical');
    expect(atLeast('high', 'low')).toBe('high');
    expect(atLeast('low', 'critical')).toBe('critical');
  });

  it('does not count tiers that never started (the failed run counts instead)', () => {
    expect(assessSeverity({ scenario: 'medium', criticalTiers: critical, tiers: [{ id: 'tier-1', status: 'not-started', met: false, achievedMinutes: null }] })).toBe('medium');
  });
});
