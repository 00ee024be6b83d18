import { describe, expect, it } from 'vitest';
import { renderReportHtml, renderReportMarkdown, runExtras } from '../../../shared/report/render.ts';
import { trendEntry } from '../../../shared/report/trend.ts';
import type { RunReport } from '../../../shared/report/types.ts';

const EXECUTION_ID = 'arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:run-1';

/** A deployed run of the example plan: tier-1 met, tier-2 missed its RTO, the transaction data class met its RPO. */
const report = (over: Partial<RunReport> = {}): RunReport => ({
  plan: 'dataset-platform',
  scenario: 'database-failure',
  mode: 'run',
  outcome: 'failed',
  reason: 'tier tier-2 missed its RTO',
  startedAt: '2026-11-29T01:05:00.000Z',
  finishedAt: '2026-11-29T02:00:00.000Z',
  executionId: EXECUTION_ID,
  tiers: [
    { id: 'tier-1', order: 1, rtoTargetMinutes: 15, achievedMinutes: 12, met: true, status: 'recovered', startedAt: '2026-11-29T01:05:00.000Z', finishedAt: '2026-11-29T01:17:00.000Z' },
    { id: 'tier-2', order: 2, rtoTargetMinutes: 30, achievedMinutes: 55, met: false, status: 'recovered', startedAt: '2026-11-29T01:17:00.000Z', finishedAt: '2026-11-29T02:00:00.000Z' },
  ],
  components: [
    { id: 'core-database', tier: 'tier-1', type: 'rds-promote-replica', status: 'recovered', startedAt: '2026-11-29T01:05:00.000Z', finishedAt: '2026-11-29T01:17:00.000Z', attempts: 1, error: null, lastStatus: 'done', retries: [] },
    { id: 'web-application', tier: 'tier-2', type: 'ec2-asg-scale', status: 'recovered', startedAt: '2026-11-29T01:17:00.000Z', finishedAt: '2026-11-29T02:00:00.000Z', attempts: 2, error: null, lastStatus: 'done', retries: [] },
  ],
  checks: [],
  rpo: [{ dataClass: 'transaction', targetMinutes: 5, measuredMinutes: 3, met: true, source: 'heartbeat', uncertaintyMinutes: 1, replicaLagMinutes: null }],
  ...over,
});

describe('shared/report/render', () => {
  it('runExtras: the incident\'s span and execution, in UTC', () => {
    // Act / Assess
    expect(runExtras(report())).toEqual({
      summary: [`Incident 2026-11-29T01:05:00.000Z → 2026-11-29T02:00:00.000Z; execution ${EXECUTION_ID}.`],
      sections: [],
      htmlTime: `Incident 2026-11-29T01:05:00.000Z → 2026-11-29T02:00:00.000Z · ${EXECUTION_ID}`,
      clock: 'UTC',
    });
    expect(runExtras(report({ executionId: undefined })).summary).toEqual(['Incident 2026-11-29T01:05:00.000Z → 2026-11-29T02:00:00.000Z.']);
  });

  it('run-mode markdown: the run title, the outcome, the incident line and the tiers', () => {
    // Act
    const lines = renderReportMarkdown(report()).split('\n');
    // Assess
    expect(lines.slice(0, 7)).toEqual([
      '# Run report: dataset-platform / database-failure',
      '',
      '**Outcome: failed** — tier tier-2 missed its RTO',
      '',
      `Incident 2026-11-29T01:05:00.000Z → 2026-11-29T02:00:00.000Z; execution ${EXECUTION_ID}.`,
      '',
      '## Tiers',
    ]);
    expect(lines).toContain('| tier-2 | 2 | 30 | 55 | **no** | recovered |');
    expect(lines).toContain('| web-application | tier-2 | ec2-asg-scale | 01:17:00 | 02:00:00 | 2 | recovered |');
    expect(lines).toContain('  title dataset-platform — database-failure (UTC)');
  });

  it('a drill-mode report is titled "Drill report"', () => {
    // Act / Assess
    expect(renderReportMarkdown(report({ mode: 'drill' })).split('\n')[0]).toBe('# Drill report: dataset-platform / database-failure');
  });

  it('the trend table: a column per tier and data class, achieved / target, a missed target in bold, newest run first', () => {
    // Prepare: this run (tier-2 missed) and an earlier one without tier-2 whose RPO was missed.
    const run = report();
    const earlier = trendEntry(report({
      startedAt: '2026-11-01T03:00:00.000Z', outcome: 'recovered', tiers: [run.tiers[0]!],
      rpo: [{ ...run.rpo[0]!, measuredMinutes: 9, met: false }],
    }));
    // Act
    const md = renderReportMarkdown({ ...run, trend: [trendEntry(run), earlier] });
    // Assess
    const lines = md.split('\n');
    const at = lines.indexOf('## Trend (RTO and RPO across runs, achieved / target in minutes)');
    expect(lines.slice(at, at + 6)).toEqual([
      '## Trend (RTO and RPO across runs, achieved / target in minutes)',
      '',
      '| started | scenario | mode | outcome | RTO tier-1 | RTO tier-2 | RPO transaction |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| 2026-11-29 01:05 | database-failure | run | failed | 12 / 15 | 55 / 30 **missed** | 3 / 5 |',
      '| 2026-11-01 03:00 | database-failure | run | recovered | 12 / 15 |  | 9 / 5 **missed** |',
    ]);
    // The trend is the report's last section.
    expect(md.endsWith('| 2026-11-01 03:00 | database-failure | run | recovered | 12 / 15 |  | 9 / 5 **missed** |\n')).toBe(true);
  });

  it('the trend in HTML: the same cells as a table before the timeline', () => {
    // Prepare
    const run = report();
    // Act
    const html = renderReportHtml({ ...run, trend: [trendEntry(run)] });
    // Assess
    expect(html).toContain('<h2>Trend (RTO and RPO across runs, achieved / target in minutes)</h2>\n<table><tr><th>started</th><th>scenario</th><th>mode</th><th>outcome</th><th>RTO tier-1</th><th>RTO tier-2</th><th>RPO transaction</th></tr>');
    expect(html).toContain('<tr><td>2026-11-29 01:05</td><td>database-failure</td><td>run</td><td>failed</td><td>12 / 15</td><td>55 / 30 missed</td><td>3 / 5</td></tr></table>\n<h2>Timeline</h2>');
    expect(renderReportHtml(run)).not.toContain('Trend');
  });

  it('an achieved figure not known is a dash in the trend', () => {
    // Prepare
    const run = report({ tiers: [{ ...report().tiers[0]!, achievedMinutes: null, met: null, status: 'not-started' }], rpo: [] });
    // Act
    const md = renderReportMarkdown({ ...run, trend: [trendEntry(run)] });
    // Assess
    expect(md).toContain('| 2026-11-29 01:05 | database-failure | run | failed | — / 15 |\n');
  });

  it('no trend (or an empty one): no trend section', () => {
    // Act / Assess
    expect(renderReportMarkdown(report())).not.toContain('## Trend');
    expect(renderReportMarkdown({ ...report(), trend: [] })).not.toContain('## Trend');
  });

  it('run-mode HTML: the run title, the incident line, and free text escaped', () => {
    // Prepare
    const run = report({ reason: 'tier tier-2 failed: <script>alert("x")</script> & more' });
    // Act
    const html = renderReportHtml(run);
    // Assess
    expect(html).toContain('<title>Run dataset-platform / database-failure</title>');
    expect(html).toContain('<h1>dataset-platform — database-failure</h1>');
    expect(html).toContain('<p class="failed"><strong>failed</strong> — tier tier-2 failed: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</p>');
    expect(html).toContain(`<p>Incident 2026-11-29T01:05:00.000Z → 2026-11-29T02:00:00.000Z · ${EXECUTION_ID}</p>`);
    expect(html).not.toContain('<script>');
    expect(html).toContain('<tr><td>tier-2</td><td>30</td><td>55</td><td>no</td><td>recovered</td></tr>');
  });
});
