import type { RunReport } from './types.ts';

const hhmm = (iso: string | null) => (iso ? iso.slice(11, 19) : '—');
/** Text as HTML (element content and attribute values). */
export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const esc = escapeHtml;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const yesNo = (met: boolean | null) => (met === null ? '—' : met ? 'yes' : '**no**');
/** "plan / scenario"; an ignored event names no scenario. */
const title = (r: RunReport, separator: string) => (r.scenario ? `${r.plan}${separator}${r.scenario}` : r.plan);

/** What a kind of report adds: paragraphs after the outcome, sections at the end, the HTML's time line. */
export interface ReportExtras {
  /** Markdown paragraphs after the outcome (each followed by a blank line). */
  summary: string[];
  /** Markdown sections after the timeline (each a list of lines). */
  sections: string[][];
  /** The HTML's line under the outcome. */
  htmlTime: string;
  /** The timeline's title suffix ("simulated time" in a drill). */
  clock: string;
  /** HTML sections after the timeline (already escaped). */
  htmlSections?: string[];
}

/** A deployed run's extras: its time span and execution. */
export function runExtras(r: RunReport): ReportExtras {
  const span = `${r.startedAt} → ${r.finishedAt}`;
  return {
    summary: [`Incident ${span}${r.executionId ? `; execution ${r.executionId}` : ''}.`],
    sections: [],
    htmlTime: `Incident ${span}${r.executionId ? ` · ${r.executionId}` : ''}`,
    clock: 'UTC',
  };
}

const minutes = (m: number | null) => (m === null ? '—' : String(m));

/** The trend section: each run of the plan, newest first, achieved against target per tier and data class. */
function trendLines(r: RunReport): string[] {
  if (!r.trend?.length) return [];
  const tiers = [...new Set(r.trend.flatMap((e) => e.tiers.map((t) => t.id)))];
  const classes = [...new Set(r.trend.flatMap((e) => e.rpo.map((p) => p.dataClass)))];
  const tierCell = (e: NonNullable<RunReport['trend']>[number], id: string) => {
    const t = e.tiers.find((x) => x.id === id);
    return t ? `${minutes(t.achievedMinutes)} / ${t.rtoTargetMinutes}${t.met === false ? ' **missed**' : ''}` : '';
  };
  const rpoCell = (e: NonNullable<RunReport['trend']>[number], id: string) => {
    const p = e.rpo.find((x) => x.dataClass === id);
    return p ? `${minutes(p.measuredMinutes)} / ${p.targetMinutes}${p.met === false ? ' **missed**' : ''}` : '';
  };
  return [
    '',
    '## Trend (RTO and RPO across runs, achieved / target in minutes)',
    '',
    `| started | scenario | mode | outcome | ${[...tiers.map((t) => `RTO ${t}`), ...classes.map((c) => `RPO ${c}`)].join(' | ')} |`,
    `| --- | --- | --- | --- | ${[...tiers, ...classes].map(() => '---').join(' | ')} |`,
    ...r.trend.map((e) => `| ${e.startedAt.slice(0, 16).replace('T', ' ')} | ${e.scenario} | ${e.mode} | ${e.outcome} | ${[...tiers.map((t) => tierCell(e, t)), ...classes.map((c) => rpoCell(e, c))].join(' | ')} |`),
  ];
}

/** The Markdown report: per tier RTO target vs achieved, per component start/end/attempts/outcome, a Mermaid gantt, the trend. */
export function renderReportMarkdown(r: RunReport, extras: ReportExtras = runExtras(r)): string {
  const lines = [
    `# ${r.mode === 'drill' ? 'Drill' : 'Run'} report: ${title(r, ' / ')}`,
    '',
    `**Outcome: ${r.outcome}**${r.reason ? ` — ${cell(r.reason)}` : ''}`,
    '',
    ...extras.summary.flatMap((p) => [p, '']),
    '## Tiers',
    '',
    '| tier | order | RTO target (min) | achieved (min) | met | status |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.tiers.map((t) => `| ${t.id} | ${t.order} | ${t.rtoTargetMinutes} | ${t.achievedMinutes ?? '—'} | ${yesNo(t.met)} | ${t.status} |`),
    '',
    '## Components',
    '',
    '| component | tier | type | start | end | attempts | outcome |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...r.components.map(
      (c) =>
        `| ${c.id} | ${c.tier} | ${c.type} | ${hhmm(c.startedAt)} | ${hhmm(c.finishedAt)} | ${c.attempts} | ${c.status}${c.error ? `: ${cell(`${c.error.name}: ${c.error.message}`)}` : ''} |`,
    ),
  ];
  if (r.checks.length) {
    lines.push('', '## Checks', '', '| component | check | status | detail |', '| --- | --- | --- | --- |');
    lines.push(...r.checks.map((c) => `| ${c.component ?? '(system)'} | ${cell(c.name)}${c.advisory ? ' (advisory)' : ''} | ${c.status} | ${cell(c.detail)} |`));
  }
  if (r.rpo.length) {
    lines.push('', '## RPO per data class', '', '| data class | target (min) | measured (min) | met | source |', '| --- | --- | --- | --- | --- |');
    lines.push(...r.rpo.map((p) => `| ${p.dataClass} | ${p.targetMinutes} | ${p.measuredMinutes ?? '—'}${p.uncertaintyMinutes ? ` ± ${p.uncertaintyMinutes}` : ''} | ${yesNo(p.met)} | ${cell(p.source)}${p.replicaLagMinutes !== null && p.replicaLagMinutes !== undefined ? ` (replica lag at promotion ${p.replicaLagMinutes} min)` : ''} |`));
  }
  const timed = r.components.filter((c) => c.startedAt && c.finishedAt);
  if (timed.length) {
    lines.push('', '## Timeline', '', '```mermaid', 'gantt', `  title ${r.plan} — ${r.scenario} (${extras.clock})`, '  dateFormat YYYY-MM-DDTHH:mm:ss', '  axisFormat %H:%M');
    for (const tier of r.tiers) {
      const members = timed.filter((c) => c.tier === tier.id);
      if (!members.length) continue;
      lines.push(`  section ${tier.id}`);
      for (const c of members) {
        const tag = c.status === 'failed' ? 'crit, ' : '';
        lines.push(`  ${c.id} :${tag}${c.id.replace(/[^a-z0-9]/g, '')}, ${c.startedAt!.slice(0, 19)}, ${c.finishedAt!.slice(0, 19)}`);
      }
    }
    lines.push('```');
  }
  for (const section of extras.sections) lines.push(...section);
  lines.push(...trendLines(r));
  return `${lines.join('\n')}\n`;
}

/** The trend as an HTML table (the same cells as the Markdown table). */
function trendHtml(r: RunReport): string {
  const md = trendLines(r);
  if (md.length === 0) return '';
  const row = (line: string, tag: 'th' | 'td') => `<tr>${line.slice(2, -2).split(' | ').map((c) => `<${tag}>${esc(c.replace(/\*\*/g, ''))}</${tag}>`).join('')}</tr>`;
  const [, heading = '', , header = '', , ...rows] = md;
  return `<h2>${esc(heading.replace(/^## /, ''))}</h2>\n<table>${row(header, 'th')}${rows.map((l) => row(l, 'td')).join('')}</table>\n`;
}

/** The HTML report: a self-contained timeline (inline SVG and CSS, no network). */
export function renderReportHtml(r: RunReport, extras: ReportExtras = runExtras(r)): string {
  const t0 = Date.parse(r.startedAt);
  const end = Math.max(Date.parse(r.finishedAt), ...r.components.map((c) => (c.finishedAt ? Date.parse(c.finishedAt) : t0)));
  const span = Math.max(end - t0, 60_000);
  const rowH = 24;
  const left = 220;
  const width = 900;
  const x = (iso: string) => left + ((Date.parse(iso) - t0) / span) * (width - left - 20);
  const rows = r.components.filter((c) => c.startedAt);
  const colour = (status: string) => (status === 'recovered' ? '#2e7d32' : status === 'failed' ? '#c62828' : '#9e9e9e');
  const bars = rows
    .map((c, i) => {
      const y = 30 + i * rowH;
      const x1 = x(c.startedAt!);
      const x2 = Math.max(x(c.finishedAt ?? r.finishedAt), x1 + 2);
      return `<text x="8" y="${y + 15}">${esc(`${c.tier} · ${c.id}`)}</text><rect x="${x1.toFixed(1)}" y="${y + 3}" width="${(x2 - x1).toFixed(1)}" height="${rowH - 8}" fill="${colour(c.status)}"><title>${esc(`${c.id}: ${c.startedAt} → ${c.finishedAt} (${c.status}, ${c.attempts} attempt(s))`)}</title></rect>`;
    })
    .join('\n');
  const targets = r.tiers
    .filter((t) => t.rtoTargetMinutes * 60_000 <= span)
    .map((t) => {
      const tx = left + ((t.rtoTargetMinutes * 60_000) / span) * (width - left - 20);
      return `<line x1="${tx}" x2="${tx}" y1="20" y2="${40 + rows.length * rowH}" stroke="#ef6c00" stroke-dasharray="4"/><text x="${tx + 3}" y="16" fill="#ef6c00">${esc(`${t.id} RTO`)}</text>`;
    })
    .join('\n');
  const height = 60 + rows.length * rowH;
  const tierRows = r.tiers
    .map((t) => `<tr><td>${esc(t.id)}</td><td>${t.rtoTargetMinutes}</td><td>${t.achievedMinutes ?? '—'}</td><td>${t.met === null ? '—' : t.met ? 'yes' : 'no'}</td><td>${esc(t.status)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(`${r.mode === 'drill' ? 'Drill' : 'Run'} ${title(r, ' / ')}`)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}svg text{font:12px system-ui,sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}.recovered{color:#2e7d32}.failed{color:#c62828}</style></head>
<body><h1>${esc(title(r, ' — '))}</h1>
<p class="${esc(r.outcome)}"><strong>${esc(r.outcome)}</strong>${r.reason ? ` — ${esc(r.reason)}` : ''}</p>
<p>${esc(extras.htmlTime)}</p>
<table><tr><th>tier</th><th>RTO target (min)</th><th>achieved (min)</th><th>met</th><th>status</th></tr>${tierRows}</table>
${trendHtml(r)}<h2>Timeline</h2>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="recovery timeline">
${bars}
${targets}
<text x="${left}" y="${height - 6}">+0</text><text x="${width - 80}" y="${height - 6}">+${Math.round(span / 60_000)} min</text>
</svg>${(extras.htmlSections ?? []).join('\n')}</body></html>
`;
}
