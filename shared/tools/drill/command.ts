import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError, PlanValidationError } from '../../errors.ts';
import { trendEntry, withRun } from '../../report/trend.ts';
import type { TrendEntry } from '../../report/types.ts';
import { loadPlanFile } from '../../plan/load.ts';
import { parseInject } from './inject.ts';
import { DEFAULT_DURATIONS } from './simulator/index.ts';
import type { DurationTable } from './simulator/world.ts';
import { renderHtml, renderMarkdown } from './render.ts';
import type { DrillReport } from './report.ts';
import { recoveryOrder } from '../../plan/recovery-order.ts';
import { LiveView } from './live-view.ts';
import { drillStart, followUpScenarios, runDrill, type ProgressStep } from './run-drill.ts';

export interface DrillFlags {
  plan: string;
  scenario?: string;
  event?: string;
  inject: string[];
  /** KEY=SECONDS overrides of the simulated durations table. */
  duration?: string[];
  reportDir?: string;
  json?: boolean;
  /** Run the replicated database component against a real local PostgreSQL pair. */
  withPostgres?: boolean;
  /** Re-protect and failback scenarios to run after the drilled one (`--then`, in order). */
  then?: string[];
  /** Keep the state table on this DynamoDB-compatible endpoint (`--state-endpoint`). */
  stateEndpoint?: string;
}

export interface DrillIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** A terminal gets the live per-tier view instead of one line per state change. */
  tty?: NodeJS.WriteStream;
}

const clock = (seconds: number) => {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `+${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
};

/** One line per state change: simulated time, tier, component, action, status. */
export function progressLine(step: ProgressStep): string {
  // Run-level steps (the approval gate) have no tier or component.
  return [clock(step.elapsedSeconds), step.tier, step.component, step.type, `${step.state}: ${step.status}`].filter(Boolean).join(' ');
}

/** `--duration KEY=SECONDS` (repeatable): overrides one entry of the simulated durations table. */
export function parseDurations(specs: string[]): DurationTable {
  const table: DurationTable = {};
  for (const spec of specs) {
    const match = /^([a-z0-9.-]+)=(\d+(?:\.\d+)?)$/.exec(spec);
    const key = match?.[1];
    if (!match || !key) throw new InvalidInputError(`--duration ${spec}: use KEY=SECONDS, e.g. rds.promote-read-replica=900`, { field: 'duration' });
    if (!DEFAULT_DURATIONS[key]) {
      throw new InvalidInputError(`--duration ${spec}: unknown key "${key}"; known: ${Object.keys(DEFAULT_DURATIONS).sort().join(', ')}`, { field: 'duration' });
    }
    table[key] = { seconds: Number(match[2]), source: 'set with --duration' };
  }
  return table;
}

async function readEvent(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`--event: cannot read ${file}: ${(error as Error).message}`, { field: 'event' });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidInputError(`--event: ${file} is not valid JSON: ${(error as Error).message}`, { field: 'event' });
  }
}

/** Sends process.stdout's writes to stderr until the returned function restores it. */
function divertStdoutToStderr(): () => void {
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => (process.stderr.write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
  return () => {
    process.stdout.write = write;
  };
}

/** Where drills write their reports by default, one folder per drill. */
const DRILL_REPORTS = 'drill-reports';

/** The trend entries of the plan's earlier drills in drill-reports/ (unreadable or foreign reports are skipped). */
async function earlierDrills(plan: string, except: string): Promise<TrendEntry[]> {
  let folders: string[];
  try {
    folders = await readdir(DRILL_REPORTS);
  } catch {
    return [];
  }
  const entries: TrendEntry[] = [];
  for (const folder of folders) {
    if (path.join(DRILL_REPORTS, folder) === except) continue;
    try {
      const earlier = JSON.parse(await readFile(path.join(DRILL_REPORTS, folder, 'report.json'), 'utf8')) as DrillReport;
      if (earlier.plan === plan && earlier.outcome !== 'ignored' && Array.isArray(earlier.tiers) && Array.isArray(earlier.rpo)) entries.push(trendEntry(earlier));
    } catch {
      // Not a drill report (or half written): not part of the trend.
    }
  }
  return entries;
}

/**
 * `dr-autopilot drill`: returns the exit code (0 recovered or ignored, 1 failed or aborted, 2 bad input).
 * Bad input is found before anything runs.
 */
export async function drillCommand(flags: DrillFlags, io: DrillIo): Promise<number> {
  let report: DrillReport;
  try {
    const plan = await loadPlanFile(flags.plan);
    const faults = flags.inject.map((spec) => parseInject(spec, plan));
    const durations = parseDurations(flags.duration ?? []);
    const event = flags.event === undefined ? undefined : await readEvent(flags.event);
    const start = drillStart({ plan, scenario: flags.scenario, event });
    followUpScenarios(plan, flags.then);
    const live =
      io.tty && !flags.json && !('ignored' in start)
        ? new LiveView(
            recoveryOrder(plan, start.scenario).tiers.map((t) => ({ id: t.id, rtoTargetMinutes: t.rtoTargetMinutes, components: t.components.length })),
            io.tty,
          )
        : undefined;
    // --json: stdout carries the report alone. Whatever the run itself writes there (the functions'
    // CloudWatch EMF metrics, a log level turned up) goes to stderr until the report is printed.
    const restoreStdout = flags.json ? divertStdoutToStderr() : () => undefined;
    try {
      report = await runDrill({
        plan,
        planFile: path.resolve(flags.plan),
        scenario: flags.scenario,
        event,
        faults,
        durations,
        withPostgres: flags.withPostgres === true,
        ...(flags.stateEndpoint === undefined ? {} : { stateEndpoint: flags.stateEndpoint }),
        then: flags.then ?? [],
        onProgress: flags.json ? undefined : live ? (step) => live.update(step) : (step) => io.out(progressLine(step)),
      });
    } finally {
      live?.stop();
      restoreStdout();
    }
  } catch (error) {
    if (error instanceof PlanValidationError) {
      for (const issue of error.issues) io.err(`${error.file}: ${issue.path}: ${issue.message}`);
      return 2;
    }
    if (error instanceof InvalidInputError) {
      io.err(`dr-autopilot drill: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const dir = flags.reportDir ?? path.join(DRILL_REPORTS, report.startedAt.replace(/[:.]/g, '-'));
  // The trend: this plan's earlier drills in drill-reports/ (the default place only: a --report-dir is on its own).
  if (flags.reportDir === undefined) report.trend = withRun(await earlierDrills(report.plan, dir), report);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(path.join(dir, 'report.md'), renderMarkdown(report));
  await writeFile(path.join(dir, 'report.html'), renderHtml(report));
  if (flags.json) {
    io.out(JSON.stringify(report, null, 2));
  } else {
    io.out('');
    // An ignored event names no scenario.
    io.out(`${report.outcome.toUpperCase()}: ${report.plan}${report.scenario ? ` / ${report.scenario}` : ''}${report.reason ? ` — ${report.reason}` : ''}`);
    for (const t of report.tiers) {
      io.out(`  ${t.id}: ${t.status}, ${t.achievedMinutes ?? '—'} min of ${t.rtoTargetMinutes} (${t.met ? 'met' : 'not met'})`);
    }
    for (const p of report.rpo) io.out(`  RPO ${p.dataClass}: ${p.measuredMinutes ?? '—'}${p.uncertaintyMinutes ? ` ± ${p.uncertaintyMinutes}` : ''} min of ${p.targetMinutes} (${p.source})`);
    if (report.checks.length > 0) {
      const count = (status: string) => report.checks.filter((c) => c.status === status).length;
      io.out(`  Checks: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`);
      for (const c of report.checks.filter((x) => x.status === 'failed')) io.out(`    FAILED ${c.component ?? 'system'} ${c.name}${c.advisory ? ' (advisory)' : ''}: ${c.detail}`);
    }
    for (const f of report.followUps ?? []) {
      io.out(`${f.outcome.toUpperCase()}: then ${f.scenario} (${f.stage})${f.reason ? ` — ${f.reason}` : ''}`);
      for (const c of f.components) io.out(`  ${c.id}: ${c.status}${c.lastStatus ? ` — ${c.lastStatus}` : ''}`);
      for (const c of f.checks.filter((x) => x.status === 'failed')) io.out(`    FAILED ${c.component ?? 'system'} ${c.name}${c.advisory ? ' (advisory)' : ''}: ${c.detail}`);
    }
    io.out(`Report: ${path.join(dir, 'report.md')} (also report.json, report.html)`);
  }
  // Every --then run asked for must have recovered too (one that did not ends the list).
  const followedUp = (report.followUps ?? []).length === (flags.then ?? []).length && (report.followUps ?? []).every((f) => f.outcome === 'recovered');
  return (report.outcome === 'recovered' || report.outcome === 'ignored') && (followedUp || report.outcome === 'ignored') ? 0 : 1;
}
