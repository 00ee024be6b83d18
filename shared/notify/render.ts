import Mustache from 'mustache';
import type { Audience } from '../plan/schema.ts';
import { chatbotNotification, chatText, type ChatbotNotification } from './chatbot.ts';
import { scrubExternal, type LeakKind } from './redact.ts';
import type { Severity } from './severity.ts';
import { STAGE_DEFINITIONS, type ComponentFact, type ExternalFacts, type NoticeFacts, type NoticeStage, type Stage, type TierFact } from './stages.ts';
import { TEMPLATES, type Words } from './templates/index.ts';
import { clip, DEFAULT_TIME_ZONE, executionName, fitBytes, formatMinutes, formatTime, minutesBetween, oneLine, subjectLine, type Language } from './text.ts';

/** One notice for one audience in one language: what is published and what a person reads. */
export interface Notice {
  stage: NoticeStage;
  /** The plan's audience id (message attribute `audience`). */
  audience: string;
  kind: 'internal' | 'external';
  /** Which of the two SNS topics (serverless.yml) it goes to. */
  topic: 'internal' | 'external';
  language: Language;
  severity: Severity;
  scenario: string;
  /** SNS Subject: one line, fewer than 100 characters. */
  subject: string;
  /** Readable text: the external body, or an internal notice's title, description and next steps. */
  body: string;
  /** The SNS Message: the Chatbot custom notification as JSON (internal) or the body (external). */
  message: string;
  /** The Chatbot notification (internal only). */
  chat: ChatbotNotification | null;
  /** External only: kinds of text the final scrubber replaced (empty when the text was clean, as it should be). */
  redacted: LeakKind[];
}

export interface RenderOptions {
  /** Time zone times are written in: the plan's stakeholders.timeZone (default DEFAULT_TIME_ZONE, Asia/Tokyo). */
  timeZone?: string;
  /** Throw when the scrubber finds anything in an external notice (tests, the drill) instead of replacing it. */
  strict?: boolean;
}

/** Free text from the run (reasons, error messages, operator names) is kept to one short line. */
const MAX_VALUE_CHARS = 300;
const MAX_REASON_CHARS = 1000;
/** The report's s3:// location; its console URL is never cut (a cut link leads nowhere: stages.ts lets through only short one-token https URLs). */
const MAX_URI_CHARS = 1000;

/** Slack mrkdwn (what Chatbot's client-markdown becomes in Slack) escapes only these three. */
const escapeChat = (value: unknown): string => String(value).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const asIs = (value: unknown): string => String(value);

const render = (template: string, view: object, escape: (value: unknown) => string, partials: Record<string, string> = {}) =>
  Mustache.render(template, view, partials, { escape });

const text = (value: string | null | undefined, max = MAX_VALUE_CHARS): string => clip(oneLine(value ?? ''), max);

// ---- internal ------------------------------------------------------------------------------------

function metWord(words: Words, met: boolean | null): string {
  return met === true ? words.met.yes : met === false ? words.met.no : words.met.unknown;
}

function tierView(t: TierFact, words: Words, language: Language, timeZone: string) {
  return {
    id: t.id,
    name: t.name ? text(t.name) : '',
    target: formatMinutes(t.rtoTargetMinutes, language),
    due: t.dueAt ? formatTime(t.dueAt, language, timeZone) : words.unknown,
    components: t.components.join(words.listSeparator),
    status: t.status ? words.tierStatus[t.status] : '',
    achieved: t.achievedMinutes === null ? words.unknown : formatMinutes(t.achievedMinutes, language),
    // A tier not started has no RTO figure yet (the summary counts it as not met).
    met: t.status === 'not-started' ? words.met.unknown : metWord(words, t.met),
  };
}

function componentView(c: ComponentFact) {
  return {
    id: c.id,
    tier: c.tier,
    type: c.type,
    attempts: c.attempts,
    error: c.error ? { name: text(c.error.name, 100), message: text(c.error.message) } : false,
  };
}

/** The values internal templates may use. */
export function internalView(facts: NoticeFacts, language: Language, timeZone = DEFAULT_TIME_ZONE) {
  const words = TEMPLATES[language].words;
  const { run, internal } = facts;
  const time = (iso: string | null) => (iso ? formatTime(iso, language, timeZone) : words.unknown);
  const tiers = internal.tiers.map((t) => tierView(t, words, language, timeZone));
  const duration = internal.finishedAt ? minutesBetween(run.incidentStartedAt, internal.finishedAt) : null;
  return {
    severity: words.severity[facts.severity],
    plan: run.plan,
    scenario: run.scenario,
    scenarioName: text(run.scenarioName),
    mode: words.mode[run.mode],
    modeId: run.mode,
    execution: executionName(run.executionId ?? run.incidentId),
    executionId: run.executionId ?? run.incidentId,
    /** What a resume names: the execution when known, else words telling the operator which ARN to give. */
    resumeTarget: run.executionId ?? words.failedExecution,
    incident: executionName(run.incidentId),
    resumeOf: run.resumeOf ? executionName(run.resumeOf) : '',
    startedAt: time(run.incidentStartedAt),
    at: time(facts.at),
    region: run.regions?.secondary ?? '',
    primary: run.regions?.primary ?? '',
    trigger: run.trigger
      ? { kind: words.trigger[run.trigger.kind === 'alarm' ? 'alarm' : 'console'], by: text(run.trigger.by, 200), reason: text(run.trigger.reason) }
      : false,
    tiers,
    tierCount: internal.tiers.length,
    componentCount: internal.tiers.reduce((n, t) => n + t.components.length, 0),
    tier: internal.tier ? tierView(internal.tier, words, language, timeZone) : false,
    next: internal.next ?? '',
    progress: internal.progress ?? false,
    components: internal.components.map(componentView),
    leftChanged: internal.leftChanged.map(componentView),
    componentIds: internal.components.map((c) => c.id).join(words.listSeparator),
    approval: internal.approval
      ? {
          tier: internal.approval.tier ?? words.unknown,
          oneWay: internal.approval.oneWay.join(words.listSeparator),
          timeout: formatMinutes(internal.approval.timeoutMinutes, language),
          deadline: time(internal.approval.deadline),
        }
      : false,
    rpo: internal.rpo.map((r) => ({
      dataClass: r.dataClass,
      target: formatMinutes(r.targetMinutes, language),
      measured: r.measuredMinutes === null ? words.unknown : formatMinutes(r.measuredMinutes, language),
      met: metWord(words, r.met),
      source: r.measuredMinutes === null ? '' : text(r.source, 200),
    })),
    checks: internal.checks ? { ...internal.checks, failedNames: internal.checks.failedNames.join(words.listSeparator) } : false,
    outcome: internal.outcome ? words.outcome[internal.outcome] : '',
    reason: text(internal.reason ?? words.unknown, MAX_REASON_CHARS),
    finishedAt: time(internal.finishedAt),
    duration: duration === null ? words.unknown : formatMinutes(duration, language),
    /** The final notices' report line: the console page and s3:// location, or why it was not written. */
    reportLink: internal.report && 'url' in internal.report ? { url: internal.report.url, uri: text(internal.report.uri, MAX_URI_CHARS) } : false,
    reportError: internal.report && 'error' in internal.report ? text(internal.report.error) || words.unknown : false,
  };
}

/** What makes a notice's chat id unique within its run: the tier, or the failed components. */
function noticeKey(facts: NoticeFacts): string {
  if (facts.stage === 'tier-recovered') return facts.internal.tier?.id ?? '';
  if (facts.stage === 'component-failed') return facts.internal.components.map((c) => c.id).join('-');
  return '';
}

/** An internal notice: SNS subject and the Chatbot custom notification. */
export function renderInternal(facts: NoticeFacts, language: Language, timeZone = DEFAULT_TIME_ZONE): { subject: string; chat: ChatbotNotification } {
  const template = TEMPLATES[language].internal[facts.stage];
  const view = internalView(facts, language, timeZone);
  const subject = subjectLine(render(template.subject, view, asIs));
  const { run } = facts;
  const chat = chatbotNotification({
    id: [executionName(run.executionId ?? run.incidentId), facts.stage, noticeKey(facts), language].filter((p) => p !== '').join('-'),
    title: oneLine(render(template.title, view, escapeChat)),
    description: render(template.description, view, escapeChat).trim(),
    nextSteps: template.nextSteps.map((step) => oneLine(render(step, view, escapeChat))),
    keywords: [facts.severity, run.scenario, facts.stage, run.plan],
    // One thread per incident and language: a resumed run continues its incident's thread.
    threadId: `dr-autopilot-${executionName(run.incidentId || run.executionId || run.plan)}-${language}`,
    summary: subject,
    eventType: `dr-autopilot.${facts.stage}`,
    relatedResources: [run.executionId ?? run.incidentId],
    additionalContext: {
      plan: run.plan,
      scenario: run.scenario,
      stage: facts.stage,
      severity: facts.severity,
      language,
      incident: run.incidentId,
    },
  });
  return { subject, chat };
}

// ---- external ------------------------------------------------------------------------------------

/** The values external templates may use: built from ExternalFacts only (the allowlist). */
export function externalView(facts: ExternalFacts, language: Language, timeZone = DEFAULT_TIME_ZONE) {
  const words = TEMPLATES[language].words;
  const time = (iso: string | null) => (iso ? formatTime(iso, language, timeZone) : words.unknown);
  return {
    status: words.status[facts.status],
    severity: words.severity[facts.severity],
    impact: words.impact[facts.severity],
    startedAt: time(facts.startedAt),
    expected: facts.expectedBy && facts.expectedWithinMinutes !== null ? { by: time(facts.expectedBy), within: formatMinutes(facts.expectedWithinMinutes, language) } : false,
    overdue: facts.overdue,
    core: facts.core
      ? {
          restored: facts.core.restored,
          expected: facts.core.by && facts.core.withinMinutes !== null ? { by: time(facts.core.by), within: formatMinutes(facts.core.withinMinutes, language) } : false,
          overdue: facts.core.overdue,
        }
      : false,
    progress: facts.progress ? { done: facts.progress.done, total: facts.progress.total } : false,
    restoredAt: time(facts.restoredAt),
    downtime: facts.downtimeMinutes === null ? '' : formatMinutes(facts.downtimeMinutes, language),
    nextUpdateBy: time(facts.nextUpdateBy),
  };
}

/**
 * An external notice: plain text from the allowlisted facts and fixed phrases, then the final
 * scrubber (strict: throws on a match). Takes only the stage and ExternalFacts: it cannot see the run.
 */
export function renderExternal(
  stage: Stage,
  facts: ExternalFacts,
  language: Language,
  options: RenderOptions = {},
): { subject: string; body: string; redacted: LeakKind[] } | null {
  const set = TEMPLATES[language];
  const template = set.external[stage];
  if (!template) return null;
  const view = externalView(facts, language, options.timeZone);
  const subject = scrubExternal(subjectLine(render(template.subject, view, asIs, set.externalPartials)), { strict: options.strict });
  const body = scrubExternal(fitBytes(render(template.body, view, asIs, set.externalPartials).trim()), { strict: options.strict });
  return { subject: subject.text, body: body.text, redacted: [...new Set([...subject.leaks, ...body.leaks])] };
}

// ---- per audience --------------------------------------------------------------------------------

/**
 * Every notice of a stage: for each audience that hears of the stage, one per language it reads.
 * Internal audiences hear of every stage; external ones only of the stages marked `external`, and never
 * of a re-protect or failback (planned work on a running system: the team announces a planned failback
 * itself, ahead of time). A component-failed stage with no failed component makes no notice.
 */
export function renderNotices(facts: NoticeFacts, audiences: readonly Audience[], options: RenderOptions = {}): Notice[] {
  if (facts.stage === 'component-failed' && facts.internal.components.length === 0) return [];
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const notices: Notice[] = [];
  for (const audience of audiences) {
    if (audience.kind === 'external' && (!STAGE_DEFINITIONS[facts.stage].external || facts.run.stage !== 'recover')) continue;
    for (const language of audience.languages?.length ? audience.languages : (['ja', 'en'] as const)) {
      const base = { stage: facts.stage, audience: audience.id, kind: audience.kind, topic: audience.topic, language, severity: facts.severity, scenario: facts.run.scenario };
      if (audience.kind === 'internal') {
        const { subject, chat } = renderInternal(facts, language, timeZone);
        notices.push({ ...base, subject, body: chatText(chat), message: JSON.stringify(chat), chat, redacted: [] });
      } else {
        const rendered = renderExternal(facts.stage, facts.external, language, { ...options, timeZone });
        if (!rendered) continue;
        notices.push({ ...base, subject: rendered.subject, body: rendered.body, message: rendered.body, chat: null, redacted: rendered.redacted });
      }
    }
  }
  return notices;
}
