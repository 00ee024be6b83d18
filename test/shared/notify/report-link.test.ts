import { beforeAll, describe, expect, it } from 'vitest';
import { slackMessage } from '../../../shared/notify/chatbot.ts';
import { renderNotices, type Notice } from '../../../shared/notify/render.ts';
import { noticeFacts, resolveEvent } from '../../../shared/notify/stages.ts';
import type { Plan } from '../../../shared/plan/schema.ts';
import type { RunState, RunSummary, RunSummaryOutput } from '../../../shared/run/types.ts';
import { abortedSummary, completedSummary, failedSummary, loadExamplePlan, minutesAfter, regionOutage } from './fixtures.ts';

/** Where Summarise Run writes the report (shared/report/store.ts consoleUrl and reportPrefix). */
const PREFIX = 'reports/dataset-platform/2026-11-29T01-05-00-000Z-exec-1/';
const URI = `s3://dr-autopilot-prod-reports/${PREFIX}`;
const CONSOLE_URL = `https://ap-northeast-3.console.aws.amazon.com/s3/object/dr-autopilot-prod-reports?region=ap-northeast-3&prefix=${encodeURIComponent(`${PREFIX}report.html`)}`;
/** The same URL in chat text: Slack mrkdwn escapes `&` (Slack reads `&amp;` back as `&`). */
const CHAT_URL = CONSOLE_URL.replace('&', '&amp;');
const ERROR = 'AccessDenied: not authorized to perform s3:PutObject';

const LINES = {
  en: { link: `*Report:* ${CHAT_URL} (${URI})`, error: `*Report:* not written (${ERROR})`, label: '*Report:*' },
  ja: { link: `*レポート:* ${CHAT_URL} (${URI})`, error: `*レポート:* 作成できませんでした（${ERROR}）`, label: '*レポート:*' },
} as const;

const FINAL_STAGES = [
  { stage: 'run-completed', summary: completedSummary, now: minutesAfter(311) },
  { stage: 'run-failed', summary: failedSummary, now: minutesAfter(60) },
  { stage: 'run-aborted', summary: abortedSummary, now: minutesAfter(60) },
] as const;
type FinalStage = (typeof FINAL_STAGES)[number]['stage'];

let plan: Plan;
let state: RunState;
const summaries = new Map<FinalStage, RunSummary>();

const withReport = (summary: RunSummary, report: unknown): RunSummaryOutput => ({ ...summary, report }) as unknown as RunSummaryOutput;

function notices(stage: FinalStage, report?: unknown): Notice[] {
  const { now } = FINAL_STAGES.find((s) => s.stage === stage)!;
  const base = summaries.get(stage)!;
  const summary = report === undefined ? (base as unknown as RunSummaryOutput) : withReport(base, report);
  return renderNotices(noticeFacts(stage, { summary }, { now, plan }), plan.stakeholders.audiences, { strict: true });
}

const internalDescription = (list: Notice[], language: 'en' | 'ja') => list.find((n) => n.kind === 'internal' && n.language === language)!.chat!.content.description;
const externals = (list: Notice[]) => list.filter((n) => n.kind === 'external').map(({ subject, body, message, redacted, language }) => ({ subject, body, message, redacted, language }));

describe('shared/notify: the final notices link the run report', () => {
  beforeAll(async () => {
    plan = await loadExamplePlan();
    state = await regionOutage();
    for (const { stage, summary } of FINAL_STAGES) summaries.set(stage, await summary());
  });

  describe('stages: InternalFacts.report from summary.report', () => {
    it('reads a link, a failure, or nothing (absent) for each final stage', () => {
      for (const { stage, now } of FINAL_STAGES) {
        const facts = (report: unknown) => noticeFacts(stage, { summary: withReport(summaries.get(stage)!, report) }, { now, plan }).internal.report;
        expect(facts({ uri: URI, url: CONSOLE_URL }), stage).toEqual({ uri: URI, url: CONSOLE_URL });
        expect(facts({ error: ERROR }), stage).toEqual({ error: ERROR });
        expect(noticeFacts(stage, { summary: summaries.get(stage)! as unknown as RunSummaryOutput }, { now, plan }).internal.report, stage).toBeNull();
      }
    });

    it('treats a malformed report as absent: non-string fields, a non-https url, no uri, not an object', () => {
      const summary = summaries.get('run-completed')!;
      const facts = (report: unknown) => noticeFacts('run-completed', { summary: withReport(summary, report) }, { now: minutesAfter(311), plan }).internal.report;
      for (const report of [
        { uri: URI, url: 42 },
        { uri: URI, url: CONSOLE_URL.replace('https://', 'http://') },
        { uri: URI, url: 'javascript:alert(1)' },
        { uri: URI, url: `${CONSOLE_URL} <!here>` },
        { uri: URI, url: `https://${'a'.repeat(3000)}` },
        { uri: 42, url: CONSOLE_URL },
        { uri: '', url: CONSOLE_URL },
        { url: CONSOLE_URL },
        { error: 42 },
        { error: null },
        {},
        'https://example.com/report.html',
        [URI, CONSOLE_URL],
        null,
        42,
      ]) {
        expect(facts(report), JSON.stringify(report)).toBeNull();
      }
      // A link that is malformed but says why writing failed is that failure.
      expect(facts({ url: 42, error: ERROR })).toEqual({ error: ERROR });
    });

    it('carries the report only on the final stages, and through run-finished', async () => {
      const started = noticeFacts('run-started', { run: { ...state.run, report: { uri: URI, url: CONSOLE_URL } } as never, tiers: state.tiers }, { now: minutesAfter(1), plan });
      expect(started.internal.report).toBeNull();
      const resolved = resolveEvent({ stage: 'run-finished', summary: withReport(await completedSummary(), { uri: URI, url: CONSOLE_URL }) });
      expect(resolved.stage).toBe('run-completed');
      expect(noticeFacts(resolved.stage, resolved.input as never, { now: minutesAfter(311), plan }).internal.report).toEqual({ uri: URI, url: CONSOLE_URL });
    });
  });

  describe('render: the report line of the internal final notices', () => {
    for (const { stage } of FINAL_STAGES) {
      for (const language of ['en', 'ja'] as const) {
        it(`${stage} (${language}): the link, the failure, or no line`, () => {
          const none = internalDescription(notices(stage), language);
          expect(none).not.toContain(LINES[language].label);

          const linked = internalDescription(notices(stage, { uri: URI, url: CONSOLE_URL }), language);
          expect(linked.split('\n')[1]).toBe(LINES[language].link);
          // Right after the plan line: a description cut to Chatbot's limit keeps it.
          const [head, ...rest] = none.split('\n');
          expect(linked).toBe([head, LINES[language].link, ...rest].join('\n'));

          const failed = internalDescription(notices(stage, { error: ERROR }), language);
          expect(failed.split('\n')[1]).toBe(LINES[language].error);
          expect(failed).toBe([head, LINES[language].error, ...rest].join('\n'));
        });
      }
    }

    it('escapes the error for chat, keeps it to one line, and names a blank one', () => {
      const escaped = internalDescription(notices('run-failed', { error: 'put failed\n<html> & more' }), 'en');
      expect(escaped.split('\n')[1]).toBe('*Report:* not written (put failed &lt;html&gt; &amp; more)');
      const blank = internalDescription(notices('run-failed', { error: '' }), 'ja');
      expect(blank.split('\n')[1]).toBe('*レポート:* 作成できませんでした（不明）');
    });

    it('ignores a malformed report: the notices are those of a run without one', () => {
      for (const { stage } of FINAL_STAGES) {
        const none = notices(stage);
        for (const report of [{ uri: URI, url: 42 }, { uri: URI, url: CONSOLE_URL.replace('https://', 'http://') }]) {
          expect(notices(stage, report), `${stage} ${JSON.stringify(report)}`).toEqual(none);
        }
      }
    });

    it('external notices never carry it: unchanged with a link or a failure present, and nothing for the scrubber to find', () => {
      for (const { stage } of FINAL_STAGES) {
        const none = externals(notices(stage));
        expect(none.map((n) => n.language), stage).toEqual(['ja', 'en']);
        for (const report of [{ uri: URI, url: CONSOLE_URL }, { error: ERROR }]) {
          const with_ = externals(notices(stage, report));
          expect(with_, stage).toEqual(none);
          for (const n of with_) {
            expect(n.redacted).toEqual([]);
            expect(n.body).not.toMatch(/https?:|s3:|console\.aws|report/i);
            expect(n.body).not.toMatch(/レポート/);
          }
        }
      }
    });

    it('keeps the Chatbot notification and the Slack message whole: the line is in the description and the first Slack section', () => {
      for (const { stage } of FINAL_STAGES) {
        for (const n of notices(stage, { uri: URI, url: CONSOLE_URL }).filter((x) => x.kind === 'internal')) {
          const chat = n.chat!;
          expect(JSON.parse(n.message)).toEqual(chat);
          expect(chat.content.description.length).toBeLessThanOrEqual(3000);
          expect(n.body).toContain(LINES[n.language].link);
          const slack = slackMessage(chat);
          expect(slack.blocks[0]!.text.text.split('\n')).toContain(LINES[n.language].link);
        }
      }
    });
  });
});
