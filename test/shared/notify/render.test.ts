import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chatText, parseChatbotMessage, readableMessage, slackMessage } from '../../../shared/notify/chatbot.ts';
import { renderNotices, type Notice } from '../../../shared/notify/render.ts';
import { noticeFacts, type NoticeFacts } from '../../../shared/notify/stages.ts';
import { clip, fitBytes, formatMinutes, formatTime, MAX_MESSAGE_BYTES, subjectLine } from '../../../shared/notify/text.ts';
import type { Audience, Plan } from '../../../shared/plan/schema.ts';
import type { RunState } from '../../../shared/run/types.ts';
import { abortedSummary, completedSummary, failedSummary, loadExamplePlan, minutesAfter, regionOutage, tierFailed, tierRecovered } from './fixtures.ts';

/**
 * AWS Chatbot custom notification, from the event schema of
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html: version
 * "1.0" and source "custom" required; content.description always sent (AWS's minimal sample); every
 * other field optional and of the documented type; nothing else. Our limits on top: description
 * within Slack's 3,000-character section, ids and thread ids of safe characters.
 */
const chatbotNotification = z.strictObject({
  version: z.literal('1.0'),
  source: z.literal('custom'),
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/).optional(),
  content: z.strictObject({
    textType: z.literal('client-markdown').optional(),
    title: z.string().min(1).max(250).optional(),
    description: z.string().min(1).max(3000),
    nextSteps: z.array(z.string().min(1).max(500)).max(5).optional(),
    keywords: z.array(z.string().min(1).max(50)).max(5).optional(),
  }),
  metadata: z
    .strictObject({
      threadId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/).optional(),
      summary: z.string().optional(),
      eventType: z.string().optional(),
      relatedResources: z.array(z.string()).optional(),
      additionalContext: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

/** No lone surrogate: a cut never split a character (String.prototype.isWellFormed is ES2024, past our tsc lib). */
const wellFormed = (text: string) => !/\p{Cs}/u.test(text);

let plan: Plan;
let state: RunState;
const allStages: { name: string; facts: () => Promise<NoticeFacts> }[] = [];

function expectSnsLimits(n: Notice) {
  expect(n.subject.length).toBeGreaterThan(0);
  expect(n.subject.length).toBeLessThan(100);
  // eslint-disable-next-line no-control-regex
  expect(n.subject).not.toMatch(/[\r\n\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  expect(wellFormed(n.subject)).toBe(true);
  expect(Buffer.byteLength(n.message, 'utf8')).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
}

describe('shared/notify/render', () => {
  beforeAll(async () => {
    plan = await loadExamplePlan();
    state = await regionOutage();
    const t1 = tierRecovered(state, 38).state;
    const tf = tierFailed(state, 'core-database', 42).state;
    const now = minutesAfter(60);
    allStages.push(
      { name: 'run-started', facts: async () => noticeFacts('run-started', { run: state.run, tiers: state.tiers }, { now, plan }) },
      { name: 'approval-needed', facts: async () => noticeFacts('approval-needed', { run: state.run, approval: state.approval, tiers: state.tiers }, { now, plan }) },
      { name: 'tier-recovered', facts: async () => noticeFacts('tier-recovered', { run: t1.run, tier: t1.results.tiers, tiers: t1.tiers, progress: { done: 1, total: 4 } }, { now, plan }) },
      { name: 'component-failed', facts: async () => noticeFacts('component-failed', { run: tf.run, components: tf.results.components }, { now, plan }) },
      { name: 'run-completed', facts: async () => noticeFacts('run-completed', { summary: await completedSummary() }, { now: minutesAfter(311), plan }) },
      { name: 'run-failed', facts: async () => noticeFacts('run-failed', { summary: await failedSummary() }, { now, plan }) },
      { name: 'run-aborted', facts: async () => noticeFacts('run-aborted', { summary: await abortedSummary() }, { now, plan }) },
    );
  });

  it('every internal notice of every stage is a valid AWS Chatbot custom notification, in its SNS Message as JSON', async () => {
    for (const stage of allStages) {
      const notices = renderNotices(await stage.facts(), plan.stakeholders.audiences, { strict: true });
      const internal = notices.filter((n) => n.kind === 'internal');
      expect(internal.map((n) => n.language), stage.name).toEqual(['ja', 'en']);
      for (const n of internal) {
        const parsed = chatbotNotification.parse(JSON.parse(n.message));
        expect(parsed).toEqual(n.chat);
        expect(parsed.content.textType).toBe('client-markdown');
        expect(parsed.metadata?.eventType).toBe(`dr-autopilot.${stage.name}`);
        expect(parsed.metadata?.additionalContext).toMatchObject({ stage: stage.name, language: n.language, severity: n.severity });
        expect(n.body).toBe(chatText(parsed as never));
        expectSnsLimits(n);
      }
    }
  });

  it('external audiences hear of run-started, tier-recovered and the end only; internal ones of every stage', async () => {
    const external: string[] = [];
    for (const stage of allStages) {
      const notices = renderNotices(await stage.facts(), plan.stakeholders.audiences, { strict: true });
      if (notices.some((n) => n.kind === 'external')) external.push(stage.name);
      for (const n of notices) {
        expectSnsLimits(n);
        if (n.kind === 'external') {
          expect(n.message).toBe(n.body);
          expect(n.chat).toBeNull();
          expect(n.redacted).toEqual([]);
        }
      }
    }
    expect(external).toEqual(['run-started', 'tier-recovered', 'run-completed', 'run-failed', 'run-aborted']);
  });

  it('renders Japanese: the seed severity words, Japanese dates in JST and the external wording', async () => {
    const notices = renderNotices(await allStages[0]!.facts(), plan.stakeholders.audiences, { strict: true });
    const internalJa = notices.find((n) => n.kind === 'internal' && n.language === 'ja')!;
    expect(internalJa.subject).toBe('[dr-autopilot][重大] 災害復旧開始: region-outage (dataset-platform)');
    expect(internalJa.chat!.content.title).toBe(':rotating_light: [重大] 災害復旧を開始しました: Region outage (Tokyo unavailable)');
    expect(internalJa.chat!.content.description).toContain('*障害発生:* 2026年11月29日 10:05（日本時間）');
    expect(internalJa.chat!.content.description).toContain('• tier-1: RTO 4時間、期限 2026年11月29日 14:05（日本時間）: core-database、authentication、api-gateway');
    const externalJa = notices.find((n) => n.kind === 'external' && n.language === 'ja')!;
    expect(externalJa.subject).toBe('【障害のお知らせ】サービス障害について（復旧作業中）');
    expect(externalJa.body).toContain('重大度: 重大');
    expect(externalJa.body).toContain('主要機能の復旧見込み: 2026年11月29日 14:05（日本時間）まで（発生から4時間以内）');
  });

  it('keeps to the languages each audience reads', async () => {
    const audiences: Audience[] = [
      { id: 'ops', kind: 'internal', groups: ['operations'], topic: 'internal', languages: ['ja'] },
      { id: 'partners', kind: 'external', groups: ['vendors'], topic: 'external', languages: ['en'] },
    ];
    const notices = renderNotices(await allStages[0]!.facts(), audiences, { strict: true });
    expect(notices.map((n) => [n.audience, n.kind, n.topic, n.language])).toEqual([
      ['ops', 'internal', 'internal', 'ja'],
      ['partners', 'external', 'external', 'en'],
    ]);
  });

  it('escapes values for chat markdown (&, <, >) and keeps free text on one line', async () => {
    const run = { ...state.run, trigger: { kind: 'console' as const, by: 'ops <ops@example.com>', reason: 'line one\nline two & <b>three</b>' } };
    const [n] = renderNotices(noticeFacts('run-started', { run, tiers: state.tiers }, { now: minutesAfter(1), plan }), plan.stakeholders.audiences.slice(0, 1), {
      strict: true,
    });
    expect(n!.chat!.content.description).toContain('*契機:* 開始者 ops &lt;ops@example.com&gt;: line one line two &amp; &lt;b&gt;three&lt;/b&gt;');
  });

  it('keeps subjects under 100 characters with very long names, cutting between characters', async () => {
    const long = `${'a'.repeat(20)}-${'b'.repeat(42)}`; // 63: the longest plan or scenario id
    const run = { ...state.run, plan: long, scenario: long.replace(/a/g, 'c'), scenarioName: '🚨'.repeat(200) + '東京リージョン障害'.repeat(30) };
    for (const stage of ['run-started', 'approval-needed'] as const) {
      const input = stage === 'run-started' ? { run, tiers: state.tiers } : { run, approval: state.approval, tiers: state.tiers };
      const notices = renderNotices(noticeFacts(stage, input as never, { now: minutesAfter(1), plan }), plan.stakeholders.audiences, { strict: true });
      for (const n of notices) {
        expectSnsLimits(n);
        if (n.chat) {
          expect(n.chat.content.title!.length).toBeLessThanOrEqual(250);
          expect(wellFormed(n.chat.content.title!)).toBe(true);
          chatbotNotification.parse(n.chat);
        }
      }
    }
    expect(subjectLine('x'.repeat(98) + '🚨🚨')).toBe('x'.repeat(98) + '…');
    expect(subjectLine('  \n\t ')).toBe('dr-autopilot notice');
  });

  it('cuts text by code points, never inside a surrogate pair or a multi-byte character', () => {
    expect(clip('ab🚨cd', 4)).toBe('ab…');
    expect(clip('ab🚨cd', 5)).toBe('ab🚨…');
    expect(clip('東京大阪', 3)).toBe('東京…');
    const big = '復'.repeat(100_000); // 300,000 bytes of UTF-8
    const fitted = fitBytes(big);
    expect(Buffer.byteLength(fitted, 'utf8')).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(wellFormed(fitted)).toBe(true);
    expect(fitted.endsWith('… (truncated)')).toBe(true);
  });

  it('formats times and durations in both languages', () => {
    expect(formatTime('2026-11-29T01:05:00.000Z', 'en')).toBe('2026-11-29 10:05 JST');
    expect(formatTime('2026-11-29T01:05:00.000Z', 'ja')).toBe('2026年11月29日 10:05（日本時間）');
    expect(formatTime('2026-11-29T01:05:00.000Z', 'en', 'UTC')).toBe('2026-11-29 01:05 UTC');
    // Another plan's zone (stakeholders.timeZone), daylight saving time included; the label follows the zone, whatever the name's case.
    expect(formatTime('2026-11-29T01:05:00.000Z', 'en', 'Europe/Berlin')).toBe('2026-11-29 02:05 GMT+1');
    expect(formatTime('2026-11-29T01:05:00.000Z', 'ja', 'Europe/Berlin')).toBe('2026年11月29日 02:05（GMT+1）');
    expect(formatTime('2026-07-01T01:05:00.000Z', 'en', 'America/New_York')).toBe('2026-06-30 21:05 EDT');
    expect(formatTime('2026-11-29T01:05:00.000Z', 'en', 'asia/tokyo')).toBe('2026-11-29 10:05 JST');
    expect([formatMinutes(38, 'en'), formatMinutes(240, 'en'), formatMinutes(65, 'en')]).toEqual(['38 min', '4 h', '1 h 5 min']);
    expect([formatMinutes(38, 'ja'), formatMinutes(240, 'ja'), formatMinutes(65, 'ja')]).toEqual(['38分', '4時間', '1時間5分']);
  });

  it('makes no notice for component-failed when no component of the tier failed', async () => {
    const ok = tierRecovered(state, 38).state;
    expect(renderNotices(noticeFacts('component-failed', { run: ok.run, components: ok.results.components }, { now: minutesAfter(40), plan }), plan.stakeholders.audiences)).toEqual([]);
  });

  it('builds the Slack webhook body from the notification and reads published messages back as text', async () => {
    const [n] = renderNotices(await allStages[4]!.facts(), plan.stakeholders.audiences, { strict: true });
    const slack = slackMessage(n!.chat!);
    expect(slack.text).toBe(n!.subject);
    expect(slack.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `*${n!.chat!.content.title}*\n${n!.chat!.content.description}` } });
    expect(slack.blocks[1]!.text.text).toBe(n!.chat!.content.nextSteps!.map((s) => `→ ${s}`).join('\n'));
    for (const block of slack.blocks) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    expect(readableMessage(n!.message)).toBe(n!.body);
    expect(readableMessage('plain text')).toBe('plain text');
    expect(parseChatbotMessage(n!.message)).toEqual(n!.chat);
    expect(parseChatbotMessage('{"version":"1.0"}')).toBeNull();
  });
});
