import type { RunReport, TrendEntry } from './types.ts';

/** Runs kept in the trend (this one included). */
export const TREND_RUNS = 12;

/** A report as one trend entry. */
export function trendEntry(r: RunReport): TrendEntry {
  return {
    startedAt: r.startedAt,
    scenario: r.scenario,
    mode: r.mode,
    outcome: r.outcome,
    tiers: r.tiers.map(({ id, rtoTargetMinutes, achievedMinutes, met }) => ({ id, rtoTargetMinutes, achievedMinutes, met })),
    rpo: r.rpo.map(({ dataClass, targetMinutes, measuredMinutes, met }) => ({ dataClass, targetMinutes, measuredMinutes, met })),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numberOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
const boolOrNull = (v: unknown) => v === null || typeof v === 'boolean';
const MODES = new Set(['drill', 'run']);
const OUTCOMES = new Set(['recovered', 'failed', 'aborted', 'ignored']);

/**
 * Is this a trend entry as trendEntry writes it, every tier and data class included? A history read
 * back from storage is not trusted: one bad entry must not break the report of every later run.
 */
export function isTrendEntry(value: unknown): value is TrendEntry {
  if (!isObject(value)) return false;
  const v = value;
  const tierOk = (t: unknown) => isObject(t) && typeof t.id === 'string' && typeof t.rtoTargetMinutes === 'number' && numberOrNull(t.achievedMinutes) && boolOrNull(t.met);
  const rpoOk = (p: unknown) => isObject(p) && typeof p.dataClass === 'string' && typeof p.targetMinutes === 'number' && numberOrNull(p.measuredMinutes) && boolOrNull(p.met);
  return typeof v.startedAt === 'string' && !Number.isNaN(Date.parse(v.startedAt)) && typeof v.scenario === 'string' &&
    typeof v.mode === 'string' && MODES.has(v.mode) && typeof v.outcome === 'string' && OUTCOMES.has(v.outcome) &&
    Array.isArray(v.tiers) && v.tiers.every(tierOk) && Array.isArray(v.rpo) && v.rpo.every(rpoOk);
}

/**
 * The trend with this run added: newest first, one entry per run (a re-written report of the same run
 * replaces its entry), at most TREND_RUNS, this run always among them.
 */
export function withRun(history: readonly TrendEntry[], r: RunReport): TrendEntry[] {
  const entry = trendEntry(r);
  const others = history.filter((e) => !(e.startedAt === entry.startedAt && e.scenario === entry.scenario))
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, TREND_RUNS - 1);
  return [entry, ...others].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}
