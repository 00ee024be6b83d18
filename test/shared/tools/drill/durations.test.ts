import { describe, expect, it } from 'vitest';
import { parseDurations } from '../../../../shared/tools/drill/command.ts';
import { DEFAULT_DURATIONS } from '../../../../shared/tools/drill/simulator/index.ts';

describe('simulated durations table', () => {
  it('gives every duration a positive value and a source', () => {
    expect(Object.keys(DEFAULT_DURATIONS).length).toBeGreaterThanOrEqual(15);
    for (const [key, entry] of Object.entries(DEFAULT_DURATIONS)) {
      expect(entry.seconds, key).toBeGreaterThan(0);
      expect(entry.source.length, key).toBeGreaterThan(10);
    }
    // The customer's own estimates are used where they exist (seed plan 3.2).
    expect(DEFAULT_DURATIONS['rds.point-in-time-restore']?.seconds).toBe(3600);
    expect(DEFAULT_DURATIONS['backup.efs-restore']?.seconds).toBe(7200);
  });

  it('has the operators\' durations the approval gate and a resume wait for, each with its source', () => {
    expect(DEFAULT_DURATIONS['approval.operator-response']).toMatchObject({ seconds: 600, source: expect.stringContaining('approv') });
    expect(DEFAULT_DURATIONS['resume.operator-delay']).toMatchObject({ seconds: 900, source: expect.stringContaining('resume') });
    expect(parseDurations(['approval.operator-response=120'])).toEqual({ 'approval.operator-response': { seconds: 120, source: 'set with --duration' } });
  });

  it('takes --duration KEY=SECONDS overrides and rejects unknown keys and bad forms', () => {
    expect(parseDurations(['rds.promote-read-replica=900', 'ecs.task-start=30.5'])).toEqual({
      'rds.promote-read-replica': { seconds: 900, source: 'set with --duration' },
      'ecs.task-start': { seconds: 30.5, source: 'set with --duration' },
    });
    expect(() => parseDurations(['rds.promote=900'])).toThrow(/unknown key "rds.promote"; known: .*rds.promote-read-replica/);
    expect(() => parseDurations(['rds.promote-read-replica'])).toThrow(/use KEY=SECONDS/);
    expect(() => parseDurations(['rds.promote-read-replica=-5'])).toThrow(/use KEY=SECONDS/);
  });
});
