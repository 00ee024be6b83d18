import Mustache from 'mustache';
import { COMPONENT_TYPES } from '../../components/registry.ts';
import { recoveryOrder } from '../../plan/recovery-order.ts';
import type { Plan } from '../../plan/schema.ts';
import type { DrillReport } from '../drill/report.ts';
import { PROCEDURES, WORDS, type DocLanguage } from './words.ts';

/**
 * The plan as the DR plan document (`dr-autopilot doc --plan F [--lang ja|en] [--report R]`): the
 * objectives, the recovery order, each component's procedure and checks, the scenarios, the
 * communication, the safety rules and, given a report, the latest results — all read from the plan
 * the automation runs, so the document and the automation never drift (seed plan §6.1). Markdown,
 * rendered with mustache (as the notices are: shared/notify/render.ts).
 */

/** The latest results, from a drill's (or a deployed run's) report.json. */
export type LatestReport = Pick<DrillReport, 'scenario' | 'outcome' | 'reason' | 'startedAt' | 'finishedAt' | 'tiers' | 'rpo'>;

/** Table cells: Markdown's `|` and line breaks would break the row. */
const cell = (value: string) => value.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** A component's settings worth reading in the document: its scalar params and lists of scalars. */
function settings(params: Record<string, unknown>): string {
  return Object.entries(params)
    .filter(([key, value]) => key !== 'instructions' && key !== 'runbookUrl' && (['string', 'number', 'boolean'].includes(typeof value) || (Array.isArray(value) && value.every((v) => typeof v !== 'object'))))
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join('; ');
}

function view(plan: Plan, lang: DocLanguage, report: LatestReport | undefined) {
  const w = WORDS[lang];
  const tierOf = new Map(plan.tiers.flatMap((t) => t.components.map((id) => [id, t.id] as const)));
  const rtoOf = (rtoClass: string) => plan.rtoClasses[rtoClass]?.targetMinutes ?? 0;
  return {
    w,
    name: plan.name,
    description: plan.description ?? '',
    regions: Mustache.render(w.regions!, plan.regions),
    rto: Object.entries(plan.rtoClasses).map(([id, c]) => ({ id, targetMinutes: c.targetMinutes, description: cell(c.description ?? '') })),
    rpo: Object.entries(plan.rpoClasses).map(([id, c]) => ({ id, targetMinutes: c.targetMinutes, description: cell(c.description ?? '') })),
    hasRpo: Object.keys(plan.rpoClasses).length > 0,
    tiers: [...plan.tiers].sort((a, b) => a.order - b.order).map((t) => ({
      order: t.order, id: t.id, name: cell(t.name), rtoTargetMinutes: rtoOf(t.rtoClass), dependsOn: t.dependsOn.join(', ') || '—', components: t.components.join(', '),
    })),
    components: plan.components.map((c) => {
      const params = c.params as Record<string, unknown>;
      return {
        id: c.id,
        name: c.name,
        type: c.type,
        tier: tierOf.get(c.id) ?? '—',
        rpo: c.rpoClass ? `, RPO ${plan.rpoClasses[c.rpoClass]?.targetMinutes ?? '?'} ${w.minutes}` : '',
        timeoutMinutes: c.timeoutMinutes,
        procedure: PROCEDURES[c.type][lang],
        oneWay: COMPONENT_TYPES[c.type].oneWay !== null,
        settings: settings(params),
        instructions: typeof params.instructions === 'string' ? params.instructions.trim() : '',
        runbookUrl: typeof params.runbookUrl === 'string' ? params.runbookUrl : '',
        checks: c.checks.map((k) => ({ name: k.name ?? k.type, type: k.type, advisory: k.advisory === true, only: k.onlyInScenarios?.join(', ') ?? '' })),
        hasChecks: c.checks.length > 0,
      };
    }),
    scenarios: plan.scenarios.map((s) => ({
      id: s.id, name: s.name, description: s.description ?? '', mode: s.mode, severity: s.severity,
      recovers: recoveryOrder(plan, s.id).tiers.map((t) => `${t.id} (${t.components.map((c) => c.id).join(', ')})`).join(' → '),
      approval: (s.approval.required ?? s.mode === 'unplanned') ? w.required : w.notRequired,
      alarms: s.triggers.alarms.join(', '),
      stage: s.stage === 'reprotect' ? Mustache.render(w.reprotectStage!, plan.regions) : s.stage === 'failback' ? Mustache.render(w.failbackStage!, plan.regions) : '',
    })),
    verification: plan.verification.checks.map((k) => ({ name: k.name ?? k.type, type: k.type, advisory: k.advisory === true })),
    hasVerification: plan.verification.checks.length > 0,
    audiences: plan.stakeholders.audiences.map((a) => ({ id: a.id, kind: a.kind === 'internal' ? w.internal : w.external, groups: cell(a.groups.join(', ')), languages: a.languages.join(', ') })),
    tests: plan.testProgramme.map((t) => ({ id: t.id, name: cell(t.name), scenario: t.scenario, schedule: cell(t.schedule), timezone: t.timezone ?? 'UTC' })),
    hasTests: plan.testProgramme.length > 0,
    cooldown: Mustache.render(w.cooldown!, plan.safety),
    approvalTimeout: Mustache.render(w.approvalTimeout!, plan.safety),
    readiness: Mustache.render(w.readiness!, plan.readiness),
    report: report && {
      scenario: report.scenario, outcome: report.outcome, reason: report.reason ?? '', startedAt: report.startedAt, finishedAt: report.finishedAt,
      tiers: report.tiers.map((t) => ({ id: t.id, target: t.rtoTargetMinutes, achieved: t.achievedMinutes ?? '—', met: t.met ? w.met : w.notMet })),
      rpo: report.rpo.map((r) => ({ dataClass: r.dataClass, target: r.targetMinutes, measured: r.measuredMinutes ?? '—', met: r.met ? w.met : r.met === false ? w.notMet : '—', source: cell(r.source) })),
    },
  };
}

const TEMPLATE = `# {{w.title}}: {{name}}

{{w.generated}}

## {{w.purpose}}

{{#description}}{{description}}

{{/description}}{{regions}}

## {{w.objectives}}

### {{w.rto}}

| {{w.class}} | {{w.target}} | {{w.description}} |
| --- | --- | --- |
{{#rto}}
| {{id}} | {{targetMinutes}} {{w.minutes}} | {{description}} |
{{/rto}}
{{#hasRpo}}

### {{w.rpo}}

| {{w.class}} | {{w.target}} | {{w.description}} |
| --- | --- | --- |
{{#rpo}}
| {{id}} | {{targetMinutes}} {{w.minutes}} | {{description}} |
{{/rpo}}
{{/hasRpo}}

## {{w.order}}

{{w.orderIntro}}

| # | {{w.tier}} | RTO | {{w.dependsOn}} | {{w.components}} |
| --- | --- | --- | --- | --- |
{{#tiers}}
| {{order}} | {{id}} ({{name}}) | {{rtoTargetMinutes}} {{w.minutes}} | {{dependsOn}} | {{components}} |
{{/tiers}}

## {{w.procedures}}
{{#components}}

### {{id}}: {{name}}

{{w.type}}: \`{{type}}\` · {{w.tier}}: {{tier}}{{rpo}} · {{w.timeout}}: {{timeoutMinutes}} {{w.minutes}}

{{procedure}}{{#oneWay}} **{{w.oneWay}}**{{/oneWay}}
{{#settings}}

{{w.settings}}: {{settings}}
{{/settings}}
{{#instructions}}

{{w.instructions}}:

> {{instructions}}
{{/instructions}}
{{#runbookUrl}}

{{w.runbook}}: {{runbookUrl}}
{{/runbookUrl}}
{{#hasChecks}}

{{w.checks}}:
{{#checks}}
- {{name}} (\`{{type}}\`{{#advisory}}, advisory{{/advisory}}{{#only}}; {{only}}{{/only}})
{{/checks}}
{{/hasChecks}}
{{/components}}

## {{w.scenarios}}
{{#scenarios}}

### {{id}}: {{name}}

{{#description}}{{description}}

{{/description}}{{#stage}}{{stage}}

{{/stage}}{{w.mode}}: {{mode}} · {{w.severity}}: {{severity}} · {{w.approval}}: {{approval}}

{{w.components}}: {{recovers}}

{{#alarms}}{{w.triggers}}: {{alarms}}{{/alarms}}{{^alarms}}{{w.consoleOnly}}{{/alarms}}
{{/scenarios}}

## {{w.verification}}

{{#hasVerification}}
{{#verification}}
- {{name}} (\`{{type}}\`{{#advisory}}, advisory{{/advisory}})
{{/verification}}
{{/hasVerification}}
{{^hasVerification}}
{{w.noChecks}}
{{/hasVerification}}

## {{w.communication}}

| {{w.audience}} | {{w.kind}} | {{w.groups}} | {{w.languages}} |
| --- | --- | --- | --- |
{{#audiences}}
| {{id}} | {{kind}} | {{groups}} | {{languages}} |
{{/audiences}}

## {{w.safety}}

- {{cooldown}}
- {{approvalTimeout}}

## {{w.testing}}

{{#hasTests}}
{{w.testingIntro}}

| {{w.test}} | {{w.scenario}} | {{w.schedule}} |
| --- | --- | --- |
{{#tests}}
| {{id}}: {{name}} | {{scenario}} | \`{{schedule}}\` ({{timezone}}) |
{{/tests}}
{{/hasTests}}
{{^hasTests}}
{{w.noTests}}
{{/hasTests}}

{{readiness}}

## {{w.results}}

{{#report}}
{{scenario}}: **{{outcome}}** ({{startedAt}} – {{finishedAt}}){{#reason}}: {{reason}}{{/reason}}

| {{w.tier}} | RTO {{w.target}} | {{w.achieved}} | |
| --- | --- | --- | --- |
{{#tiers}}
| {{id}} | {{target}} {{w.minutes}} | {{achieved}} {{w.minutes}} | {{met}} |
{{/tiers}}
{{#rpo.length}}

| RPO | {{w.target}} | {{w.measured}} | | |
| --- | --- | --- | --- | --- |
{{#rpo}}
| {{dataClass}} | {{target}} {{w.minutes}} | {{measured}} {{w.minutes}} | {{met}} | {{source}} |
{{/rpo}}
{{/rpo.length}}
{{/report}}
{{^report}}
{{w.noResults}}
{{/report}}
`;

/** The plan as a Markdown DR plan document, in `lang`, with the report's results when given. */
export function renderPlanDocument(plan: Plan, lang: DocLanguage, report?: LatestReport): string {
  // Markdown, not HTML: nothing is escaped.
  return Mustache.render(TEMPLATE, view(plan, lang, report), {}, { escape: (text: string) => text });
}
