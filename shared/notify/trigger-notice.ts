import { SNSClient } from '@aws-sdk/client-sns';
import { enum as zEnum, minLength, nullable, object, string } from 'zod/mini';
import { clientConfig } from '../aws/clients.ts';
import type { Audience } from '../plan/schema.ts';
import { chatbotNotification, chatText } from './chatbot.ts';
import { publishNotices, type PublishDeps, type PublishResult, type Topics } from './publish.ts';
import type { Notice } from './render.ts';
import { TRIGGER_STAGES, type TriggerStage } from './stages.ts';
import { clip, DEFAULT_TIME_ZONE, formatTime, subjectLine, type Language } from './text.ts';

/**
 * Internal notices about a trigger alarm that did not start a recovery (no run exists, so none of the
 * run's facts): on-call must know that an outage alarm fired while a maintenance window or a mute rule
 * held its actions back, and that a deferred alarm cleared during its suppressor's wait period.
 */
export interface TriggerNoticeFacts {
  stage: TriggerStage;
  plan: string;
  alarmName: string;
  /** The scenario the alarm triggers, or null when it triggers none of the plan's. */
  scenario: string | null;
  /** When the alarm went to ALARM (ISO-8601). */
  alarmAt: string;
  /** Why nothing started (the starter's or the re-check's words). */
  reason: string;
  /** What held it back: the suppressor alarm or the mute rule's ARN. */
  by: string;
}

interface Wording {
  subject: string;
  title: string;
  description: string;
  nextSteps: string[];
}

type Words = (f: TriggerNoticeFacts, at: string) => Wording;

const WORDS: Record<Language, Record<TriggerStage, Words>> = {
  en: {
    'trigger-suppressed': (f, at) => ({
      subject: `[dr-autopilot] No recovery: ${f.alarmName} fired while suppressed`,
      title: `:warning: Outage alarm ${f.alarmName} fired while suppressed — no recovery started`,
      description: `Plan *${f.plan}*: *${f.alarmName}* went to ALARM at ${at}${f.scenario ? ` (it starts scenario *${f.scenario}*)` : ''}, but its actions are held back (${f.by}).\n${f.reason}.`,
      nextSteps: [
        'Confirm the alarm is caused by the planned maintenance and not by an outage.',
        f.scenario ? `If it is an outage, start the recovery from the console: scenario "${f.scenario}", mode unplanned.` : 'If it is an outage, start the recovery from the console.',
      ],
    }),
    'trigger-cleared': (f, at) => ({
      subject: `[dr-autopilot] No recovery: ${f.alarmName} cleared during its wait period`,
      title: `:information_source: Outage alarm ${f.alarmName} cleared during its wait period — no recovery started`,
      description: `Plan *${f.plan}*: *${f.alarmName}* went to ALARM at ${at}; its suppressor's wait period has passed and the alarm was read again.\n${f.reason}.`,
      nextSteps: ['Check why the alarm fired; if the outage goes on, start the recovery from the console.'],
    }),
  },
  ja: {
    'trigger-suppressed': (f, at) => ({
      subject: `[dr-autopilot] 復旧なし: ${f.alarmName} が抑制中に発報`,
      title: `:warning: 障害アラーム ${f.alarmName} が抑制中に発報 — 復旧は開始されていません`,
      description: `計画 *${f.plan}*: *${f.alarmName}* が ${at} に ALARM になりました${f.scenario ? `（シナリオ *${f.scenario}* の起動条件）` : ''}が、アクションが抑制されています（${f.by}）。\n${f.reason}.`,
      nextSteps: [
        'アラームの原因が計画メンテナンスであり、障害ではないことを確認してください。',
        f.scenario ? `障害の場合はコンソールから復旧を開始してください: シナリオ "${f.scenario}"、モード unplanned。` : '障害の場合はコンソールから復旧を開始してください。',
      ],
    }),
    'trigger-cleared': (f, at) => ({
      subject: `[dr-autopilot] 復旧なし: ${f.alarmName} は待機期間中に解消`,
      title: `:information_source: 障害アラーム ${f.alarmName} は待機期間中に解消 — 復旧は開始されていません`,
      description: `計画 *${f.plan}*: *${f.alarmName}* が ${at} に ALARM になりました。抑制アラームの待機期間の後に再確認しました。\n${f.reason}.`,
      nextSteps: ['アラームの原因を確認し、障害が続いている場合はコンソールから復旧を開始してください。'],
    }),
  },
};

/** One notice per internal audience and language (external audiences hear only of recoveries). */
export function renderTriggerNotices(facts: TriggerNoticeFacts, audiences: readonly Audience[], timeZone = DEFAULT_TIME_ZONE): Notice[] {
  return audiences
    .filter((a) => a.kind === 'internal')
    .flatMap((audience) =>
      audience.languages.map((language): Notice => {
        const words = WORDS[language][facts.stage](facts, formatTime(facts.alarmAt, language, timeZone));
        const chat = chatbotNotification({
          id: `dr-autopilot-${facts.stage}-${facts.alarmName}-${facts.alarmAt}`,
          title: words.title,
          description: words.description,
          nextSteps: words.nextSteps,
          keywords: [facts.plan, facts.alarmName, facts.stage],
          threadId: `dr-autopilot-${facts.alarmName}-${facts.alarmAt}-${language}`,
          summary: clip(words.subject, 250),
          eventType: `dr-autopilot.${facts.stage}`,
          relatedResources: [],
          additionalContext: { plan: facts.plan, alarm: facts.alarmName, by: facts.by },
        });
        return {
          stage: facts.stage,
          audience: audience.id,
          kind: 'internal',
          topic: audience.topic,
          language,
          severity: 'high',
          scenario: facts.scenario ?? 'none',
          subject: subjectLine(words.subject),
          body: chatText(chat),
          message: JSON.stringify(chat),
          chat,
          redacted: [],
        };
      }),
    );
}

/** A trigger notice as the state machine sends it to the notify function (`stage: trigger-cleared`, `trigger: {…}`). */
export const triggerNoticeEvent = object({
  stage: zEnum(TRIGGER_STAGES),
  trigger: object({
    plan: string().check(minLength(1)),
    alarmName: string().check(minLength(1)),
    scenario: nullable(string()),
    alarmAt: string().check(minLength(1)),
    reason: string().check(minLength(1)),
    by: string(),
  }),
});

/**
 * Renders and publishes the notices of a trigger that started no recovery; never throws for one not
 * delivered. `timeZone`: the plan's stakeholders.timeZone (the alarm's time is stated in it).
 */
export async function notifyTrigger(deps: PublishDeps, topics: Topics, facts: TriggerNoticeFacts, audiences: readonly Audience[], timeZone?: string): Promise<PublishResult> {
  return publishNotices(deps, topics, renderTriggerNotices(facts, audiences, timeZone));
}

/**
 * notifyTrigger with an SNS client of the function's own region, built once here: what start-recovery
 * loads with import() on its first ignored trigger, so its cold start carries neither the notices nor
 * the client (most alarms start a recovery and send no notice).
 */
export function triggerNotifier(): (deps: Omit<PublishDeps, 'sns'>, topics: Topics, facts: TriggerNoticeFacts, audiences: readonly Audience[], timeZone?: string) => Promise<PublishResult> {
  const sns = new SNSClient(clientConfig(SNSClient));
  return (deps, ...notice) => notifyTrigger({ ...deps, sns }, ...notice);
}
