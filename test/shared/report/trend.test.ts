import { describe, expect, it } from 'vitest';
import { isTrendEntry, TREND_RUNS, trendEntry, withRun } from '../../../shared/report/trend.ts';
import type { RunReport, TrendEntry } from '../../../shared/report/types.ts';

/** A deployed run of the example plan's database-failure scenario, started at `startedAt`. */
const report = (startedAt: string, over: Partial<RunReport> = {}): RunReport => ({
  plan: 'dataset-platform',
  scenario: 'database-failure',
  mode: 'run',
  outcome: 'recovered',
  reason: null,
  startedAt,
  finishedAt: '2026-11-29T02:00:00.000Z',
  executionId: 'arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:run-1',
  tiers: [{ id: 'tier-1', order: 1, rtoTargetMinutes: 15, achievedMinutes: 12, met: true, status: 'recovered', startedAt, finishedAt: '2026-11-29T02:00:00.000Z' }],
  components: [],
  checks: [],
  rpo: [{ dataClass: 'transaction', targetMinutes: 5, measuredMinutes: 3, met: true, source: 'heartbeat', uncertaintyMinutes: 1, replicaLagMinutes: 0.52 }],
  ...over,
});

/** The trend entry of a run started at `startedAt` (scenario and outcome as given). */
const entry = (startedAt: string, over: Partial<TrendEntry> = {}): TrendEntry => ({ ...trendEntry(report(startedAt)), ...over });

describe('shared/report/trend', () => {
  it('trendEntry keeps per tier and per data class only the target, the achieved figure and whether it was met', () => {
    // Act
    const e = trendEntry(report('2026-11-29T01:05:00.000Z'));
    // Assess
    expect(e).toEqual({
      startedAt: '2026-11-29T01:05:00.000Z',
      scenario: 'database-failure',
      mode: 'run',
      outcome: 'recovered',
      tiers: [{ id: 'tier-1', rtoTargetMinutes: 15, achievedMinutes: 12, met: true }],
      rpo: [{ dataClass: 'transaction', targetMinutes: 5, measuredMinutes: 3, met: true }],
    });
  });

  it('withRun on no history is this run alone', () => {
    // Act
    const trend = withRun([], report('2026-11-29T01:05:00.000Z'));
    // Assess
    expect(trend).toEqual([trendEntry(report('2026-11-29T01:05:00.000Z'))]);
  });

  it('withRun orders the runs newest first, whatever order the history was in', () => {
    // Prepare: a history out of order, one run before this one and one after.
    const history = [entry('2026-11-01T00:00:00.000Z'), entry('2026-12-01T00:00:00.000Z'), entry('2026-10-01T00:00:00.000Z')];
    // Act
    const trend = withRun(history, report('2026-11-29T01:05:00.000Z'));
    // Assess
    expect(trend.map((e) => e.startedAt)).toEqual([
      '2026-12-01T00:00:00.000Z', '2026-11-29T01:05:00.000Z', '2026-11-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z',
    ]);
  });

  it('withRun replaces the entry of the same run (same start and scenario): a re-written report does not duplicate it', () => {
    // Prepare: this run's earlier entry (failed), and another scenario started at the same instant.
    const history = [entry('2026-11-29T01:05:00.000Z', { outcome: 'failed' }), entry('2026-11-29T01:05:00.000Z', { scenario: 'region-outage' })];
    // Act
    const trend = withRun(history, report('2026-11-29T01:05:00.000Z'));
    // Assess
    expect(trend).toEqual([trendEntry(report('2026-11-29T01:05:00.000Z')), entry('2026-11-29T01:05:00.000Z', { scenario: 'region-outage' })]);
  });

  it(`withRun keeps at most ${TREND_RUNS} runs: this one and the ${TREND_RUNS - 1} newest before it`, () => {
    // Prepare: TREND_RUNS earlier runs, one a day in November.
    const days = Array.from({ length: TREND_RUNS }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`);
    // Act
    const trend = withRun(days.map((d) => entry(d)), report('2026-11-29T01:05:00.000Z'));
    // Assess
    expect(TREND_RUNS).toBe(12);
    expect(trend).toHaveLength(12);
    expect(trend.map((e) => e.startedAt)).toEqual(['2026-11-29T01:05:00.000Z', ...days.slice(1).reverse()]);
  });

  it('isTrendEntry accepts what trendEntry writes', () => {
    // Act / Assess
    expect(isTrendEntry(trendEntry(report('2026-11-29T01:05:00.000Z')))).toBe(true);
    expect(isTrendEntry(JSON.parse(JSON.stringify(trendEntry(report('2026-11-29T01:05:00.000Z')))))).toBe(true);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', '2026-11-29T01:05:00.000Z'],
    ['a number', 42],
    ['an array', []],
    ['an empty object', {}],
    ['startedAt not a string', { ...entry('2026-11-29T01:05:00.000Z'), startedAt: 1_795_000_000_000 }],
    ['no scenario', { ...entry('2026-11-29T01:05:00.000Z'), scenario: undefined }],
    ['outcome not a string', { ...entry('2026-11-29T01:05:00.000Z'), outcome: null }],
    ['tiers not an array', { ...entry('2026-11-29T01:05:00.000Z'), tiers: { 'tier-1': 12 } }],
    ['no rpo', { ...entry('2026-11-29T01:05:00.000Z'), rpo: undefined }],
  ])('isTrendEntry rejects %s', (_name, value) => {
    // Act / Assess
    expect(isTrendEntry(value)).toBe(false);
  });
});

describe('trend entries read back from storage', () => {
  it('rejects an entry whose tiers or data classes are not what trendEntry writes, so one bad entry cannot break later reports', () => {
    // Prepare
    const good = { startedAt: '2026-11-01T00:00:00.000Z', scenario: 's', mode: 'run', outcome: 'recovered', tiers: [{ id: 't', rtoTargetMinutes: 240, achievedMinutes: 9, met: true }], rpo: [{ dataClass: 'd', targetMinutes: 15, measuredMinutes: null, met: null }] };
    // Act
    const verdicts = [good, { ...good, tiers: [null] }, { ...good, rpo: [{}] }, { ...good, mode: undefined }, { ...good, outcome: 'x' }, { ...good, startedAt: 'yesterday' }].map(isTrendEntry);
    // Assess
    expect(verdicts).toEqual([true, false, false, false, false, false]);
  });

  it('keeps this run even when twelve later runs are in the history', () => {
    // Prepare
    const later = Array.from({ length: 12 }, (_, i) => ({ startedAt: `2026-12-${String(i + 10).padStart(2, '0')}T00:00:00.000Z`, scenario: 's', mode: 'run' as const, outcome: 'recovered' as const, tiers: [], rpo: [] }));
    const old = { plan: 'p', scenario: 'old', mode: 'run' as const, outcome: 'recovered' as const, reason: null, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T01:00:00.000Z', tiers: [], components: [], rpo: [], checks: [] };
    // Act
    const trend = withRun(later, old);
    // Assess
    expect(trend).toHaveLength(12);
    expect(trend.at(-1)?.scenario).toBe('old');
    expect(trend[0]?.startedAt).toBe('2026-12-21T00:00:00.000Z');
  });
});
