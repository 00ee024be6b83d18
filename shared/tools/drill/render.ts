import { HISTORY_EVENTS_LIMIT, STATE_PAYLOAD_LIMIT_BYTES } from './limits.ts';
import type { DrillReport } from './report.ts';
import { renderReportHtml, renderReportMarkdown, type ReportExtras } from '../../report/render.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The `--then` runs: each re-protect or failback, its components and its checks that failed. */
function followUpSection(r: DrillReport): string[] {
  return [
    '',
    '## Re-protect and failback',
    '',
    ...(r.followUps ?? []).flatMap((f) => [
      `### ${f.scenario} (${f.stage}): ${f.outcome}`,
      '',
      `${f.startedAt} → ${f.finishedAt}${f.reason ? `: ${cell(f.reason)}` : ''}`,
      '',
      '| Component | Status | Last status |',
      '|---|---|---|',
      ...f.components.map((c) => `| ${c.id} | ${c.status} | ${cell(c.lastStatus ?? '')} |`),
      '',
      ...f.checks.map((c) => `- ${c.component ?? 'system'} ${c.name}: ${c.status}${c.advisory ? ' (advisory)' : ''} — ${cell(c.detail)}`),
      '',
    ]),
  ];
}

/** What a drill's report adds to a run's: simulated time, injected faults, Step Functions limits, the notices sent. */
function drillExtras(r: DrillReport): ReportExtras {
  return {
    summary: [
      `Simulated time ${r.startedAt} → ${r.finishedAt}; ${r.stateTransitions} state transitions.${r.faults.length ? ` Injected: ${r.faults.join(', ')}.` : ''}`,
      `Step Functions limits: largest state payload ${r.limits.largestPayloadBytes.toLocaleString('en-US')} of ${STATE_PAYLOAD_LIMIT_BYTES.toLocaleString('en-US')} bytes${r.limits.largestPayloadAt ? ` (${r.limits.largestPayloadAt})` : ''}; ` +
        `${r.limits.historyEvents.toLocaleString('en-US')} of ${HISTORY_EVENTS_LIMIT.toLocaleString('en-US')} history events.`,
    ],
    sections: [
      ...(r.followUps?.length ? [followUpSection(r)] : []),
      ...(r.notifications.length ? [['', '## Notifications', '', ...r.notifications.map((n) => `- **${n.stage}** → ${n.audience} (${n.channel}): ${cell(n.subject)}`)]] : []),
    ],
    htmlTime: `Simulated time ${r.startedAt} → ${r.finishedAt} · ${r.stateTransitions} state transitions`,
    clock: 'simulated time',
  };
}

/** The Markdown report of a drill (shared/report/render.ts with the drill's extras). */
export const renderMarkdown = (r: DrillReport): string => renderReportMarkdown(r, drillExtras(r));

/** The HTML report of a drill. */
export const renderHtml = (r: DrillReport): string => renderReportHtml(r, drillExtras(r));
