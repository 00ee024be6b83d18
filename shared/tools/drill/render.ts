import { HISTORY_EVENTS_LIMIT, STATE_PAYLOAD_LIMIT_BYTES } from './limits.ts';
import type { DrillReport } from './report.ts';
import { escapeHtml, renderReportHtml, renderReportMarkdown, type ReportExtras } from '../../report/render.ts';

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

/** The `--then` runs in the HTML report: each stage's outcome and its components' last status. */
function followUpHtml(r: DrillReport): string {
  const runs = (r.followUps ?? []).map((f) => {
    const rows = f.components.map((c) => `<tr><td>${escapeHtml(c.id)}</td><td class="${escapeHtml(c.status)}">${escapeHtml(c.status)}</td><td>${escapeHtml(c.lastStatus ?? '')}</td></tr>`).join('');
    return `<h3>${escapeHtml(`${f.scenario} (${f.stage})`)}: <span class="${escapeHtml(f.outcome)}">${escapeHtml(f.outcome)}</span></h3><p>${escapeHtml(`${f.startedAt} → ${f.finishedAt}${f.reason ? `: ${f.reason}` : ''}`)}</p><table><tr><th>component</th><th>status</th><th>last status</th></tr>${rows}</table>`;
  });
  return `<h2>Re-protect and failback</h2>\n${runs.join('\n')}`;
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
    htmlSections: r.followUps?.length ? [followUpHtml(r)] : [],
    clock: 'simulated time',
  };
}

/** The Markdown report of a drill (shared/report/render.ts with the drill's extras). */
export const renderMarkdown = (r: DrillReport): string => renderReportMarkdown(r, drillExtras(r));

/** The HTML report of a drill. */
export const renderHtml = (r: DrillReport): string => renderReportHtml(r, drillExtras(r));
