import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInject } from '../../../../shared/tools/drill/inject.ts';
import { drillReportSchema } from '../../../../shared/tools/drill/report-schema.ts';
import { runDrill } from '../../../../shared/tools/drill/run-drill.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import { ROOT } from '../../../support/cli.ts';

const PLAN_FILE = path.join(ROOT, 'examples/dataset-platform.plan.yml');
const event = (name: string): unknown => JSON.parse(readFileSync(path.join(ROOT, 'examples/events', `${name}.json`), 'utf8'));

describe('drill --event: suppressed, muted and wait-period trigger alarms (examples/events)', () => {
  it.each([
    ['region-down-suppressed', 'suppressed by suppressor alarm dataset-platform-maintenance-window (in ALARM: a maintenance window)'],
    ['region-down-extension-period', "suppressor alarm dataset-platform-maintenance-window's extension period (180 s)"],
    ['region-down-muted', 'muted by alarm mute rule arn:aws:cloudwatch:ap-northeast-3:123456789012:alarm-mute-rule:dataset-platform-monthly-patching'],
  ])('%s: no execution, nothing changed, and the internal audience told in ja and en', async (name, why) => {
    // Prepare
    const plan = await loadPlanFile(PLAN_FILE);
    // Act
    const report = await runDrill({ plan, planFile: PLAN_FILE, event: event(name) });
    // Assess
    expect(drillReportSchema.safeParse(report).success).toBe(true);
    expect(report.outcome).toBe('ignored');
    expect(report.reason).toContain(why);
    expect(report.stateTransitions).toBe(0);
    // Published together (one SNS Publish per language, concurrently): in either order.
    expect(report.notifications.map((n) => [n.stage, n.audience, n.language, n.subject]).sort((a, b) => a[2]!.localeCompare(b[2]!))).toEqual([
      ['trigger-suppressed', 'internal', 'en', '[dr-autopilot] No recovery: dataset-platform-tokyo-region-down fired while suppressed'],
      ['trigger-suppressed', 'internal', 'ja', '[dr-autopilot] 復旧なし: dataset-platform-tokyo-region-down が抑制中に発報'],
    ]);
    expect(report.notifications.find((n) => n.language === 'en')!.body).toContain('start the recovery from the console: scenario "region-outage"');
    const replica = (report.finalState.rds as { instances: Record<string, Record<string, { replicaOf: string | null }>> }).instances['ap-northeast-3']!['dataset-db-osaka']!;
    expect(replica.replicaOf).toBe('arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db');
  });

  it('region-down-wait-period: waits out the suppressor\'s wait period in Step Functions, re-reads the alarm, then recovers with RTO from the alarm', async () => {
    // Prepare
    const plan = await loadPlanFile(PLAN_FILE);
    // Act
    const report = await runDrill({ plan, planFile: PLAN_FILE, event: event('region-down-wait-period') });
    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.startedAt).toBe('2026-11-29T01:00:04.989Z');
    // The first component started after the 120 s wait, not before.
    const first = report.components.map((c) => c.startedAt!).sort()[0]!;
    expect(Date.parse(first) - Date.parse('2026-11-29T01:00:04.989Z')).toBeGreaterThanOrEqual(120_000);
    expect(report.executions).toHaveLength(1);
  });

  it('region-down-wait-period with the alarm back to OK during the wait: ends ignored, nothing locked or changed, on-call told', async () => {
    // Prepare
    const plan = await loadPlanFile(PLAN_FILE);
    // Act
    const report = await runDrill({ plan, planFile: PLAN_FILE, event: event('region-down-wait-period'), faults: [parseInject('alarm-ok:1', plan)] });
    // Assess
    expect(drillReportSchema.safeParse(report).success).toBe(true);
    expect(report.outcome).toBe('ignored');
    expect(report.reason).toContain('trigger alarm dataset-platform-tokyo-region-down is back to OK');
    expect(report.executions?.map((x) => x.outcome)).toEqual(['ignored']);
    expect(report.notifications.map((n) => n.stage)).toEqual(['trigger-cleared', 'trigger-cleared']);
    const replica = (report.finalState.rds as { instances: Record<string, Record<string, { replicaOf: string | null }>> }).instances['ap-northeast-3']!['dataset-db-osaka']!;
    expect(replica.replicaOf).toBe('arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db');
  });
});
