import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillReportSchema } from '../../../../shared/tools/drill/report-schema.ts';
import type { DrillReport } from '../../../../shared/tools/drill/report.ts';
import { DEFAULT_DURATIONS } from '../../../../shared/tools/drill/simulator/index.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import type { Plan } from '../../../../shared/plan/schema.ts';
import { cli, ROOT, type Run } from '../../../support/cli.ts';
import { alarmEvent } from '../../../support/alarm-event.ts';

/** `dr-autopilot drill` through the CLI (runCli with a capturing io): exit codes, printed lines, report files. */

// Paths relative to the repository root, as a person types them (and as error lines print them).
const EXAMPLE = 'examples/dataset-platform.plan.yml';
const SECOND = 'test/fixtures/plans/second-shape.plan.yml';
const BAD_PLAN = 'test/fixtures/plans/several-problems.yml';
const DETECTION_SECONDS = DEFAULT_DURATIONS['detection.time-to-detect']?.seconds ?? 0;
/** The example plan's replica promotion (database-failure's only component), in seconds. */
/** A replica promotion, as RDS goes through it: modifying, the backup it takes (backups turned on), the reboot. */
const PROMOTION_SECONDS = ['rds.promote-read-replica', 'rds.promote-read-replica-backup', 'rds.promote-read-replica-reboot']
  .reduce((sum, key) => sum + DEFAULT_DURATIONS[key]!.seconds, 0);
/** The drill's approver answers the approval gate of an unplanned scenario (database-failure) after this long. */
const APPROVAL_SECONDS = DEFAULT_DURATIONS['approval.operator-response']!.seconds;

const PROGRESS_APPROVAL = /^\+(\d{2}):([0-5]\d):([0-5]\d) Request Recovery Approval: (waiting for approval of the one-way steps|approved by drill approver)$/;
const PROGRESS_COMPONENT = /^\+(\d{2}):([0-5]\d):([0-5]\d) (\S+) (\S+) (\S+) ([A-Z][A-Za-z ]+): (.+)$/;
const PROGRESS_TIER = /^\+(\d{2}):([0-5]\d):([0-5]\d) (\S+) Record Tier Outcome: (.+)$/;
/** Run-level steps (the approval gate, the final verification): no tier or component. */
const PROGRESS_RUN = /^\+(\d{2}):([0-5]\d):([0-5]\d) (Request Recovery Approval|Verify System|Notify [A-Z][a-z]+(?: [A-Z][a-z]+)*): (.+)$/;
const seconds = (m: RegExpExecArray) => Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);

let scratch: string;
let plan: Plan;
let n = 0;
/** A fresh, not yet existing report directory. */
const reportDir = () => path.join(scratch, `report-${++n}`);
/** Writes an event file and returns its path. */
function eventFile(content: unknown): string {
  const file = path.join(scratch, `event-${++n}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}
const readReport = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as DrillReport;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'dr-autopilot-drill-cli-'));
  plan = await loadPlanFile(path.join(ROOT, EXAMPLE));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('dr-autopilot drill --then: a recovery, its re-protect and its failback', () => {
  it('exits 0 when every run recovered and prints each follow-up\'s outcome and components after the drilled run\'s summary', async () => {
    // Prepare
    const dir = reportDir();
    // Act
    const run = await cli('drill', '--plan', EXAMPLE, '--scenario', 'region-outage', '--then', 'reprotect', '--then', 'failback', '--report-dir', dir);
    // Assess
    expect(run.code).toBe(0);
    // 2 h after the recovery ended (its final verification waits 5 min for the metric checks' window).
    expect(run.out).toContain('+05:23:10 Region Back: ap-northeast-1 answers again');
    const summary = run.out.slice(run.out.indexOf('RECOVERED: dataset-platform / region-outage'));
    expect(summary.filter((l) => /^(RECOVERED|FAILED|ABORTED): then /.test(l))).toEqual(['RECOVERED: then reprotect (reprotect)', 'RECOVERED: then failback (failback)']);
    expect(summary).toContain('  dataset-storage: recovered — /dataset-platform/storage/bucket is dataset-platform-datasets-tokyo');
    expect(readReport(dir)).toMatchObject({ followUps: [{ scenario: 'reprotect', outcome: 'recovered' }, { scenario: 'failback', outcome: 'recovered' }] });
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toContain('## Re-protect and failback\n\n### reprotect (reprotect): recovered');
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Re-protect and failback</h2>\n<h3>reprotect (reprotect): <span class="recovered">recovered</span></h3>');
    expect(html).toContain('<tr><td>core-database</td><td class="recovered">recovered</td><td>replica dataset-db-tokyo in ap-northeast-1 is available');
  });
});

describe('dr-autopilot drill: a recovered run', () => {
  let run: Run;
  let dir: string;
  beforeAll(async () => {
    dir = reportDir();
    run = await cli('drill', '--plan', EXAMPLE, '--scenario', 'database-failure', '--report-dir', dir);
  });

  it('exits 0 and writes report.json, report.md and report.html', () => {
    // Assess
    expect(run.code).toBe(0);
    expect(run.err).toEqual([]);
    expect(readReport(dir)).toMatchObject({ plan: 'dataset-platform', scenario: 'database-failure', outcome: 'recovered' });
    expect(drillReportSchema.safeParse(readReport(dir)).success).toBe(true);
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toContain('```mermaid\ngantt\n');
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('<svg');
  });

  it('prints one progress line per state change: "+HH:MM:SS tier component type State: status", in time order', () => {
    // Assess
    const all = run.out.slice(0, run.out.indexOf(''));
    // Each stakeholder notice is a line of its own: audience, language and subject.
    expect(all).toContain('+00:20:00 Notify Run Started: [notice] run-started external/en: [Service notice] Service disruption: recovery in progress');
    const progress = all.filter((l) => !l.includes(' Notify '));
    expect(progress.length).toBeGreaterThan(4);
    let last = -1;
    for (const line of progress) {
      const approval = PROGRESS_APPROVAL.exec(line) ?? PROGRESS_RUN.exec(line);
      if (approval) {
        const at = seconds(approval);
        expect(at, line).toBeGreaterThanOrEqual(last);
        last = at;
        continue;
      }
      const component = PROGRESS_COMPONENT.exec(line);
      const tier = PROGRESS_TIER.exec(line);
      expect(component ?? tier, line).not.toBeNull();
      if (component && !tier) {
        const [, , , , tierId, id, type] = component;
        const planned = plan.components.find((c) => c.id === id);
        expect(planned, line).toMatchObject({ type });
        expect(plan.tiers.find((t) => t.components.includes(id!))?.id, line).toBe(tierId);
      }
      const at = seconds((component ?? tier)!);
      expect(at, line).toBeGreaterThanOrEqual(last);
      last = at;
    }
    // Counted from the incident: the run starts when it is detected and waits for the approval of the
    // promotion (an unplanned scenario), then the promotion takes its time.
    const clock = (s: number) => `+${new Date(s * 1000).toISOString().slice(11, 19)}`;
    expect(progress.slice(0, 2)).toEqual([
      `${clock(DETECTION_SECONDS)} Request Recovery Approval: waiting for approval of the one-way steps`,
      `${clock(DETECTION_SECONDS + APPROVAL_SECONDS)} Request Recovery Approval: approved by drill approver`,
    ]);
    expect(progress.filter((line) => PROGRESS_APPROVAL.test(line))).toHaveLength(2);
    expect(progress[2]).toMatch(/^\+\d{2}:\d{2}:\d{2} tier-1 core-database rds-replica-promotion Start Recovery Action: promotion requested/);
    expect(seconds(PROGRESS_COMPONENT.exec(progress[2]!)!)).toBe(DETECTION_SECONDS + APPROVAL_SECONDS);
    const done = DETECTION_SECONDS + APPROVAL_SECONDS + PROMOTION_SECONDS;
    expect(progress.at(-2)).toBe(`${clock(done)} tier-1 Record Tier Outcome: recovered in ${done / 60} min (target 240, met)`);
    // Then the final verification (the plan's system checks that hold in this scenario), once the
    // database-read-latency metric check's window (5 min) has passed after the last tier.
    expect(progress.at(-1)).toBe(`${clock(done + 300)} Verify System: http passed, database-read-latency passed`);
  });

  it('ends with the outcome, each tier against its target and where the report is', () => {
    // Assess
    const summary = run.out.slice(run.out.indexOf('') + 1);
    expect(summary[0]).toBe('RECOVERED: dataset-platform / database-failure');
    expect(summary).toContain(`  tier-1: recovered, ${(DETECTION_SECONDS + APPROVAL_SECONDS + PROMOTION_SECONDS) / 60} min of 240 (met)`);
    expect(summary.at(-1)).toBe(`Report: ${path.join(dir, 'report.md')} (also report.json, report.html)`);
  });
});

describe('dr-autopilot drill --json', () => {
  it('prints report.json (parseable, the same as the file) instead of progress lines', async () => {
    // Prepare
    const dir = reportDir();
    // Act
    const run = await cli('drill', '--plan', SECOND, '--scenario', 'planned-switchover', '--report-dir', dir, '--json');
    // Assess
    expect(run.code).toBe(0);
    expect(run.out).toHaveLength(1);
    expect(run.out.join('\n')).not.toMatch(/^\+\d{2}:\d{2}:\d{2} /m);
    const printed = JSON.parse(run.out[0]!) as DrillReport;
    expect(printed).toEqual(readReport(dir));
    expect(printed).toMatchObject({ plan: 'web-shop', scenario: 'planned-switchover', outcome: 'recovered' });
    expect(drillReportSchema.safeParse(printed).success).toBe(true);
  });

  it('writes nothing else to stdout: a notice that cannot be published (its NoticeFailed metric, CloudWatch EMF) goes to stderr', async () => {
    // Prepare: SNS refuses every publish of the run's first notices, so the notify function emits its metric.
    // The command as a user runs it (its own process: stdout and stderr as the shell sees them).
    const dir = reportDir();
    // Act
    const run = spawnSync(process.execPath, ['bin/dr-autopilot.mjs', 'drill', '--plan', EXAMPLE, '--scenario', 'database-failure', '--inject', 'throttle:sns:9', '--report-dir', dir, '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    // Assess: stdout is exactly one JSON document, the report; the metric went to stderr.
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(readReport(dir));
    expect(run.stderr).toMatch(/"NoticeFailed":1/);
  });

  it('exits 1 for a failed run and still prints the report', async () => {
    // Act
    const run = await cli('drill', '--plan', EXAMPLE, '--scenario', 'database-failure', '--inject', 'fail:core-database', '--report-dir', reportDir(), '--json');
    // Assess
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out.join('\n'))).toMatchObject({ outcome: 'failed', components: [{ id: 'core-database', status: 'failed' }] });
  });
});

describe('dr-autopilot drill --event', () => {
  it('runs the scenario an ALARM of a trigger alarm starts, measuring RTO from detail.state.timestamp', async () => {
    // Prepare
    const dir = reportDir();
    const event = eventFile(alarmEvent('dataset-platform-core-db-down', 'ALARM', '2026-11-29T01:04:40.989+0000', 'ap-northeast-3'));
    // Act
    const run = await cli('drill', '--plan', EXAMPLE, '--event', event, '--report-dir', dir);
    // Assess
    expect(run.code).toBe(0);
    const report = readReport(dir);
    expect(report).toMatchObject({ scenario: 'database-failure', outcome: 'recovered', startedAt: '2026-11-29T01:04:40.989Z' });
    // The run starts at the alarm and asks for approval at once; the promotion starts when the approver
    // answers, and the tier is done one promotion later.
    const alarmAt = Date.parse('2026-11-29T01:04:40.989Z');
    expect(report.components[0]?.startedAt).toBe(new Date(alarmAt + APPROVAL_SECONDS * 1000).toISOString());
    expect(report.tiers).toEqual([
      expect.objectContaining({
        id: 'tier-1',
        achievedMinutes: (APPROVAL_SECONDS + PROMOTION_SECONDS) / 60,
        finishedAt: new Date(alarmAt + (APPROVAL_SECONDS + PROMOTION_SECONDS) * 1000).toISOString(),
      }),
    ]);
    // Stakeholder notices are progress lines of their own ("Notify …: [notice] stage audience/language: subject").
    const steps = run.out.filter((l) => !l.includes(' Notify '));
    expect(run.out.filter((l) => l.includes(' Notify Run Started: [notice] run-started '))).toHaveLength(4);
    expect(steps[0]).toBe('+00:00:00 Request Recovery Approval: waiting for approval of the one-way steps');
    expect(steps[2]).toMatch(new RegExp(`^\\+${new Date(APPROVAL_SECONDS * 1000).toISOString().slice(11, 19)} tier-1 core-database rds-replica-promotion Start Recovery Action: `));
  });

  it.each([
    ['an OK state', alarmEvent('dataset-platform-core-db-down', 'OK', '2026-11-29T01:04:40.989+0000', 'ap-northeast-3'), 'alarm dataset-platform-core-db-down is OK: only ALARM starts a recovery'],
    ['an INSUFFICIENT_DATA state', alarmEvent('dataset-platform-core-db-down', 'INSUFFICIENT_DATA', '2026-11-29T01:04:40.989+0000', 'ap-northeast-3'), 'alarm dataset-platform-core-db-down is INSUFFICIENT_DATA: only ALARM starts a recovery'],
    ['an alarm the plan does not know', alarmEvent('BillingAlarm', 'ALARM', '2026-11-29T01:04:40.989+0000', 'ap-northeast-3'), 'alarm BillingAlarm triggers no scenario of plan dataset-platform'],
  ])('ignores %s: exit 0, the reason printed', async (_what, event, reason) => {
    // Prepare
    const dir = reportDir();
    // Act
    const run = await cli('drill', '--plan', EXAMPLE, '--event', eventFile(event), '--report-dir', dir);
    // Assess
    expect(run.code).toBe(0);
    expect(run.err).toEqual([]);
    expect(run.out).toContain(`IGNORED: dataset-platform — ${reason}`);
    expect(run.out.some((line) => /^\+\d{2}:/.test(line))).toBe(false);
    const report = readReport(dir);
    expect(report).toMatchObject({ outcome: 'ignored', reason, tiers: [], components: [], stateTransitions: 0 });
    // Dated at the event's state change (simulated time), not the wall clock.
    expect(report.startedAt).toBe('2026-11-29T01:04:40.989Z');
    expect(drillReportSchema.safeParse(report).success).toBe(true);
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toMatch(/^# Drill report: dataset-platform\n\n\*\*Outcome: ignored\*\* — alarm /);
  });

  const valid = alarmEvent('dataset-platform-core-db-down', 'ALARM', '2026-11-29T01:04:40.989+0000', 'ap-northeast-3');
  const without = (field: 'alarmName' | 'state.timestamp' | 'state') => {
    const event = structuredClone(valid) as { detail: Record<string, unknown> & { state: Record<string, unknown> } };
    if (field === 'state.timestamp') delete event.detail.state.timestamp;
    else delete event.detail[field];
    return event;
  };
  it.each([
    ['not JSON', '{"source": "aws.cloudwatch", "detail": ', /--event: .*event-\d+\.json is not valid JSON/],
    ['without detail.alarmName', without('alarmName'), /--event: detail\.alarmName: /],
    ['without detail.state.timestamp', without('state.timestamp'), /--event: detail\.state\.timestamp: /],
    ['without detail.state', without('state'), /--event: detail\.state: /],
    ['of another source', { ...valid, source: 'aws.ec2' }, /--event: source: /],
  ])('refuses an event %s: exit 2 naming what is wrong, no run and no report', async (_what, event, message) => {
    // Prepare
    const dir = reportDir();
    // Act
    const run = await cli('drill', '--plan', EXAMPLE, '--event', eventFile(event), '--report-dir', dir);
    // Assess
    expect(run.code).toBe(2);
    expect(run.out).toEqual([]);
    expect(run.err).toEqual([expect.stringMatching(message)]);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses an event file that does not exist (exit 2)', async () => {
    // Act
    const run = await cli('drill', '--plan', EXAMPLE, '--event', path.join(scratch, 'no-such-event.json'));
    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toEqual([expect.stringMatching(/^dr-autopilot drill: --event: cannot read .*no-such-event\.json/)]);
  });
});

describe('dr-autopilot drill: bad input exits 2 before anything runs', () => {
  it.each([
    ['an unknown service', 'throttle:dynamodb:3', 'unknown service "dynamodb"'],
    ['a throttle without a count', 'throttle:rds', 'N must be a whole number'],
    ['a zero count', 'throttle:rds:0', 'N must be a whole number'],
    ['an unknown component', 'fail:no-such-component', 'unknown component "no-such-component"'],
    ['a slow fault without a factor', 'slow:core-database', 'X must be a number'],
    ['a slow factor of 0', 'slow:core-database:0', 'X must be a number'],
    ['an unknown fault', 'explode:core-database', 'unknown fault "explode"'],
    ['too many parts', 'fail:core-database:3', 'fail takes only a component'],
  ])('--inject with %s', async (_what, spec, message) => {
    // Prepare
    const dir = reportDir();
    // Act
    const run = await cli('drill', '--plan', EXAMPLE, '--scenario', 'region-outage', '--inject', spec, '--report-dir', dir);
    // Assess
    expect(run.code).toBe(2);
    expect(run.out).toEqual([]);
    expect(run.err[0]?.startsWith(`dr-autopilot drill: --inject ${spec}: `), run.err[0]).toBe(true);
    expect(run.err.join('\n')).toContain(message);
    // The accepted forms are listed.
    expect(run.err.join('\n')).toMatch(/throttle:SERVICE:N[\s\S]*fail:COMPONENT[\s\S]*slow:COMPONENT:X/);
    expect(existsSync(dir)).toBe(false);
  });

  it('an unknown scenario, naming the plan\'s scenarios', async () => {
    // Act
    const run = await cli('drill', '--plan', EXAMPLE, '--scenario', 'meteor-strike', '--report-dir', reportDir());
    // Assess
    expect(run).toEqual({
      code: 2,
      out: [],
      err: ['dr-autopilot drill: --scenario: unknown scenario "meteor-strike"; the plan has region-outage, database-failure, storage-failure, reprotect, failback'],
    });
  });

  it('a --then that is a recovery, naming the re-protect and failback scenarios; nothing is written', async () => {
    // Prepare
    const dir = reportDir();
    // Act
    const run = await cli('drill', '--plan', EXAMPLE, '--scenario', 'region-outage', '--then', 'reprotect', '--then', 'storage-failure', '--report-dir', dir);
    // Assess
    expect(run).toEqual({
      code: 2,
      out: [],
      err: ['dr-autopilot drill: --then: "storage-failure" is a recovery; --then runs re-protect and failback scenarios after the drilled one: reprotect, failback'],
    });
    expect(existsSync(dir)).toBe(false);
  });

  it('neither --scenario nor --event', async () => {
    // Act
    const run = await cli('drill', '--plan', EXAMPLE);
    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toEqual(['dr-autopilot drill: --scenario: name the scenario to drill (or give --event)']);
  });

  it('an --event whose alarm starts another scenario than --scenario', async () => {
    // Act
    const event = eventFile(alarmEvent('dataset-platform-core-db-down', 'ALARM', '2026-11-29T01:04:40.989+0000', 'ap-northeast-3'));
    const run = await cli('drill', '--plan', EXAMPLE, '--scenario', 'region-outage', '--event', event);
    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toEqual([expect.stringContaining('triggers "database-failure", not "region-outage"')]);
  });

  it('an invalid plan: every problem as FILE: path: message', async () => {
    // Prepare
    const dir = reportDir();
    // Act
    const run = await cli('drill', '--plan', BAD_PLAN, '--scenario', 'region-outage', '--report-dir', dir);
    // Assess
    expect(run.code).toBe(2);
    expect(run.out).toEqual([]);
    expect(run.err.length).toBeGreaterThanOrEqual(5);
    for (const line of run.err) expect(line).toMatch(new RegExp(`^${BAD_PLAN}: [A-Za-z0-9_.()-]+: \\S.*$`));
    expect(run.err).toContain(`${BAD_PLAN}: tiers.1.dependsOn.1: depends on unknown tier "tier-0"`);
    expect(existsSync(dir)).toBe(false);
  });

  it('a plan file that does not exist', async () => {
    // Act
    const run = await cli('drill', '--plan', 'examples/no-such.plan.yml', '--scenario', 'region-outage');
    // Assess
    expect(run.code).toBe(2);
    expect(run.err).toEqual([expect.stringMatching(/^examples\/no-such\.plan\.yml: \(file\): cannot read the plan file: /)]);
  });
});
