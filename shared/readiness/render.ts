import type { ReadinessReport } from './assess.ts';
import { duration } from './findings.ts';
import type { ReadinessChange } from './record.ts';
import { worstStatus, type ReadinessFinding, type ReadinessStatus } from './types.ts';

const MARK: Record<ReadinessStatus, string> = { ready: 'ready', 'at-risk': 'AT RISK', 'not-ready': 'NOT READY' };

const findingLine = (f: ReadinessFinding) => `    ${f.status === 'ready' ? '-' : '!'} ${f.check}: ${f.detail}`;

/**
 * The report for people, one line per fact: per component its status and every finding (the ready
 * ones too with `verbose`, else only those that are not), the system's checks, then the forecasts.
 */
export function renderReadiness(report: ReadinessReport, options: { verbose?: boolean } = {}): string[] {
  const lines = [`readiness of ${report.plan} (${report.regions.primary} -> ${report.regions.secondary}) at ${report.assessedAt}: ${MARK[report.status]}`, '', 'components:'];
  for (const c of report.components) {
    lines.push(`  ${MARK[c.status].padEnd(9)} ${c.id} (${c.type}, ${c.tier})`);
    for (const f of c.findings) if (options.verbose || f.status !== 'ready') lines.push(findingLine(f));
  }
  lines.push('', 'system:');
  for (const f of report.system) lines.push(`  ${MARK[f.status].padEnd(9)} ${f.check}: ${f.detail}`);
  lines.push('', 'RTO forecast (from the run\'s start; detection and approval not counted; a manual step counts its timeout):');
  for (const s of report.forecast.rto) {
    lines.push(`  ${s.scenario}: ${s.tiers.map((t) => `${t.id} ${t.forecastMinutes}/${t.targetMinutes} min ${t.status === 'ready' ? 'ok' : MARK[t.status]}`).join(', ')}`);
  }
  lines.push('', 'RPO forecast (data a recovery now would lose):');
  for (const r of report.forecast.rpo) {
    lines.push(`  ${MARK[r.status].padEnd(9)} ${r.rpoClass}: ${r.forecastMinutes !== null ? duration(r.forecastMinutes * 60) : r.measurable ? 'not measured' : 'not measurable before a recovery'} of ${r.targetMinutes} min (${r.components.join(', ')})`);
  }
  return lines;
}

/** The internal notice when readiness changed: what changed, and every finding that is not ready now. */
export function readinessNotice(report: ReadinessReport, changes: ReadinessChange[]): { subject: string; message: string } {
  const worse = changes.some((c) => c.to === 'not-ready' || (c.to === 'at-risk' && c.from !== 'not-ready'));
  const subject = `[dr-autopilot] ${report.plan} readiness ${worse ? 'dropped' : 'changed'}: ${MARK[report.status]}`.slice(0, 99);
  const problems = report.components.flatMap((c) => c.findings.filter((f) => f.status !== 'ready').map((f) => `- ${c.id}: ${f.check} ${MARK[f.status]}: ${f.detail}`));
  const system = report.system.filter((f) => f.status !== 'ready').map((f) => `- ${f.check} ${MARK[f.status]}: ${f.detail}`);
  const message = [
    `Readiness of ${report.plan} (${report.regions.primary} -> ${report.regions.secondary}) at ${report.assessedAt}: ${MARK[report.status]}`,
    '',
    'Changed:',
    ...changes.map((c) => `- ${c.item}: ${c.from} -> ${c.to}`),
    ...(problems.length + system.length > 0 ? ['', 'Not ready or at risk now:', ...problems, ...system] : ['', 'Everything is ready.']),
    '',
    'RTO forecast: ' + report.forecast.rto.map((s) => `${s.scenario} ${s.tiers.at(-1)?.forecastMinutes ?? 0} min (${MARK[worstStatus(s.tiers.map((t) => t.status))]})`).join(', '),
    'RPO forecast: ' + report.forecast.rpo.map((r) => `${r.rpoClass} ${r.forecastMinutes ?? '?'} / ${r.targetMinutes} min`).join(', '),
  ];
  return { subject, message: message.join('\n') };
}
