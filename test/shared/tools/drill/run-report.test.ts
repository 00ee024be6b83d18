import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import { consoleUrl } from '../../../../shared/report/store.ts';
import { drillReportSchema } from '../../../../shared/tools/drill/report-schema.ts';
import type { DrillReport } from '../../../../shared/tools/drill/report.ts';
import { runDrill } from '../../../../shared/tools/drill/run-drill.ts';
import { DRILL_REPORT_BUCKET } from '../../../../shared/tools/drill/simulator/s3.ts';

/**
 * A drill's Summarise Run writes the run's report as a deployed run does (REPORT_BUCKET), into the
 * simulated report bucket: the drill's report says where (runReport), and the internal final notice
 * links it; the external one does not.
 */

const PLAN_FILE = path.resolve(import.meta.dirname, '../../../../examples/dataset-platform.plan.yml');
/** The incident starts time-to-detect (20 min) before the console start at 09:30; the execution is named after the scenario and its start. */
const PREFIX = 'reports/dataset-platform/2026-11-29T09-10-00-000Z-drill-database-failure-2026-11-29T09-30-00-000Z/';
const REPORT_URI = `s3://dr-autopilot-drill-reports/${PREFIX}`;
const REPORT_URL = consoleUrl('dr-autopilot-drill-reports', 'ap-northeast-3', `${PREFIX}report.html`);
let report: DrillReport;

describe('drill: the run\'s report in the (simulated) report bucket', () => {
  beforeAll(async () => {
    // Prepare / Act: the quickest scenario of the example plan.
    const plan = await loadPlanFile(PLAN_FILE);
    report = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'database-failure', startAt: new Date('2026-11-29T09:30:00.000Z') });
  });

  it('the drill\'s report says where Summarise Run wrote the run\'s report: the drill bucket, under the plan, in the automation region', () => {
    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.runReport).toEqual({ uri: REPORT_URI, url: REPORT_URL });
    expect(DRILL_REPORT_BUCKET).toBe('dr-autopilot-drill-reports');
    expect(REPORT_URL).toBe(
      'https://ap-northeast-3.console.aws.amazon.com/s3/object/dr-autopilot-drill-reports?region=ap-northeast-3&prefix=' +
        'reports%2Fdataset-platform%2F2026-11-29T09-10-00-000Z-drill-database-failure-2026-11-29T09-30-00-000Z%2Freport.html',
    );
  });

  it('the report bucket is not part of the simulated account\'s final state', () => {
    // Assess
    expect(JSON.stringify(report.finalState)).not.toContain(DRILL_REPORT_BUCKET);
  });

  it('the internal run-completed notices link the report (Slack mrkdwn escapes the REPORT_URL\'s "&"), in each language', () => {
    // Prepare
    const internal = report.notifications.filter((n) => n.stage === 'run-completed' && n.audience === 'internal');
    const line = `${REPORT_URL.replaceAll('&', '&amp;')} (${REPORT_URI})`;
    // Assess
    expect(internal.map((n) => `${n.language} ${n.channel}`)).toEqual(['ja chatbot', 'en chatbot']);
    expect(internal.find((n) => n.language === 'en')!.body.split('\n')).toContain(`*Report:* ${line}`);
    expect(internal.find((n) => n.language === 'ja')!.body.split('\n')).toContain(`*レポート:* ${line}`);
  });

  it('no external notice, and no notice before the run completed, names the report', () => {
    // Assess
    const others = report.notifications.filter((n) => n.audience === 'external' || n.stage !== 'run-completed');
    expect(others.length).toBeGreaterThan(0);
    for (const n of others) {
      expect(n.body, `${n.stage} ${n.audience} ${n.language}`).not.toContain(DRILL_REPORT_BUCKET);
      expect(n.body, `${n.stage} ${n.audience} ${n.language}`).not.toContain('console.aws.amazon.com');
    }
  });

  it('the drill\'s report, runReport included, passes drillReportSchema', () => {
    // Act
    const parsed = drillReportSchema.safeParse(JSON.parse(JSON.stringify(report)));
    // Assess
    expect(parsed.error).toBeUndefined();
    expect(parsed.data?.runReport).toEqual({ uri: REPORT_URI, url: REPORT_URL });
  });
});
