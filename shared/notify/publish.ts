import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { Audience, Plan } from '../plan/schema.ts';
import { slackMessage } from './chatbot.ts';
import { findLeaks } from './redact.ts';
import { renderNotices, type Notice, type RenderOptions } from './render.ts';
import { noticeFacts, resolveEvent, type FactsOptions, type NoticeStage, type Stage } from './stages.ts';
import type { Language } from './text.ts';

export interface PublishDeps {
  sns: SNSClient;
  logger: Logger;
  /** Powertools metrics: `NoticeFailed` (Count, dimension `stage`) for every notice not delivered. */
  metrics?: Metrics;
  /** Reads the Slack webhook secret; without it (or without `slackWebhookSecretArn`) nothing goes to Slack. */
  secrets?: SecretsManagerClient;
  /** Secrets Manager secret holding the Slack incoming-webhook URL (env SLACK_WEBHOOK_SECRET_ARN). */
  slackWebhookSecretArn?: string;
  fetch?: typeof globalThis.fetch;
  now: () => Date;
}

/** The two SNS topics (serverless.yml): INTERNAL_TOPIC_ARN, EXTERNAL_TOPIC_ARN. */
export interface Topics {
  internal: string | undefined;
  external: string | undefined;
}

export type Channel = 'sns' | 'slack';

export interface SentNotice {
  stage: NoticeStage;
  audience: string;
  language: Language;
  channel: Channel;
  subject: string;
  /** SNS: the topic and MessageId. */
  topicArn?: string;
  messageId?: string;
}

export interface FailedNotice {
  stage: NoticeStage;
  audience: string;
  language: Language;
  channel: Channel | 'render';
  errorName: string;
  errorMessage: string;
}

export interface PublishResult {
  sent: SentNotice[];
  failed: FailedNotice[];
}

/** Slack webhooks answering these mean the URL was revoked or the channel is gone: read the secret again next time. */
const SLACK_GONE = new Set([403, 404, 410]);
const SLACK_TIMEOUT_MS = 5000;

const webhookUrls = new Map<string, Promise<string>>();

/** Tests: forget cached webhook URLs. */
export function resetSlackWebhookCache(): void {
  webhookUrls.clear();
}

/** The secret is the URL itself or JSON `{ "url": "https://hooks.slack.com/services/…" }` (`webhookUrl` also read). */
function webhookUrlOf(secret: string | undefined): string {
  const raw = (secret ?? '').trim();
  let url = raw;
  if (raw.startsWith('{')) {
    const parsed = JSON.parse(raw) as { url?: unknown; webhookUrl?: unknown };
    url = String(parsed.url ?? parsed.webhookUrl ?? '');
  }
  if (!/^https:\/\/[^\s/]+\/\S+$/.test(url)) throw Object.assign(new Error('the Slack webhook secret holds no https URL'), { name: 'InvalidWebhookSecret' });
  return url;
}

/** Reads the webhook URL once per container (a failed read is read again next time). */
function webhookUrl(secrets: SecretsManagerClient, secretArn: string): Promise<string> {
  let pending = webhookUrls.get(secretArn);
  if (!pending) {
    pending = secrets.send(new GetSecretValueCommand({ SecretId: secretArn })).then((out) => webhookUrlOf(out.SecretString));
    webhookUrls.set(secretArn, pending);
    pending.catch(() => webhookUrls.delete(secretArn));
  }
  return pending;
}

const attribute = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value === '' ? 'unknown' : value });

/**
 * Message attributes for subscription filter policies: audience, severity, scenario, stage, language.
 * On external notices a scenario id that looks like an identifier is not passed on.
 */
export function messageAttributes(notice: Notice): Record<string, MessageAttributeValue> {
  const scenario = notice.kind === 'external' && findLeaks(notice.scenario).length > 0 ? 'unspecified' : notice.scenario;
  return {
    audience: attribute(notice.audience),
    severity: attribute(notice.severity),
    scenario: attribute(scenario),
    stage: attribute(notice.stage),
    language: attribute(notice.language),
  };
}

function failure(notice: Pick<Notice, 'stage' | 'audience' | 'language'>, channel: FailedNotice['channel'], error: unknown): FailedNotice {
  const err = error instanceof Error ? error : new Error(String(error));
  return { stage: notice.stage, audience: notice.audience, language: notice.language, channel, errorName: err.name || 'Error', errorMessage: err.message };
}

/** Counts undelivered notices (one EMF line per stage) and never throws. */
function countFailures(deps: PublishDeps, stage: NoticeStage, count: number): void {
  if (!deps.metrics || count === 0) return;
  try {
    const metric = deps.metrics.singleMetric();
    metric.addDimension('stage', stage);
    metric.addMetric('NoticeFailed', MetricUnit.Count, count);
  } catch (error) {
    deps.logger.warn('NoticeFailed metric not emitted', { errorName: (error as Error).name });
  }
}

async function postToSlack(deps: PublishDeps, notice: Notice): Promise<void> {
  const url = await webhookUrl(deps.secrets!, deps.slackWebhookSecretArn!);
  const response = await (deps.fetch ?? globalThis.fetch)(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(slackMessage(notice.chat!)),
    signal: AbortSignal.timeout(SLACK_TIMEOUT_MS),
  });
  if (!response.ok) {
    if (SLACK_GONE.has(response.status)) webhookUrls.delete(deps.slackWebhookSecretArn!);
    const body = await response.text().catch(() => '');
    throw Object.assign(new Error(`Slack answered ${response.status}${body ? ` ${body.slice(0, 200)}` : ''}`), { name: `SlackHttp${response.status}` });
  }
}

/**
 * Publishes the notices: one SNS Publish per notice (audience × language) to its audience's topic,
 * with the message attributes; internal notices also to the Slack webhook, once per language, when
 * one is configured. A failed publish or post is caught, logged and counted (`NoticeFailed`); nothing
 * is thrown: notices never hold the recovery back.
 */
export async function publishNotices(deps: PublishDeps, topics: Topics, notices: readonly Notice[]): Promise<PublishResult> {
  const sent: SentNotice[] = [];
  const failed: FailedNotice[] = [];
  const sns = await Promise.all(
    notices.map(async (notice) => {
      const topicArn = topics[notice.topic];
      const base = { stage: notice.stage, audience: notice.audience, language: notice.language, subject: notice.subject };
      if (notice.redacted.length > 0) deps.logger.warn('External notice scrubbed', { ...base, kinds: notice.redacted });
      try {
        if (!topicArn) throw Object.assign(new Error(`no ${notice.topic} topic configured`), { name: 'TopicNotConfigured' });
        const out = await deps.sns.send(
          new PublishCommand({ TopicArn: topicArn, Subject: notice.subject, Message: notice.message, MessageAttributes: messageAttributes(notice) }),
        );
        return { ok: true as const, entry: { ...base, channel: 'sns' as const, topicArn, messageId: out.MessageId ?? '' } };
      } catch (error) {
        return { ok: false as const, entry: failure(notice, 'sns', error) };
      }
    }),
  );
  for (const r of sns) {
    if (r.ok) sent.push(r.entry);
    else failed.push(r.entry);
  }

  if (deps.slackWebhookSecretArn && deps.secrets) {
    const seen = new Set<string>();
    // One post per language (several internal audiences share the one channel); in turn: Slack allows about one message a second.
    for (const notice of notices.filter((n) => n.chat !== null)) {
      if (seen.has(notice.language)) continue;
      seen.add(notice.language);
      try {
        await postToSlack(deps, notice);
        sent.push({ stage: notice.stage, audience: notice.audience, language: notice.language, channel: 'slack', subject: notice.subject });
      } catch (error) {
        failed.push(failure(notice, 'slack', error));
      }
    }
  }

  for (const f of failed) deps.logger.error('Notice not delivered', { ...f });
  if (failed.length > 0) countFailures(deps, failed[0]!.stage, failed.length);
  return { sent, failed };
}

export interface NotifyOptions extends Omit<FactsOptions, 'now'>, RenderOptions {
  audiences: readonly Audience[];
  plan?: Plan;
}

/**
 * The notify function's work: resolves the event's stage, builds its facts, renders every notice and
 * publishes them, stating times in `options.timeZone`, else the plan's stakeholders.timeZone. Throws only
 * InvalidInputError (the event lacks what its stage needs); a notice that cannot be rendered or delivered
 * is a `failed` entry.
 */
export async function notifyStage(deps: PublishDeps, topics: Topics, event: unknown, options: NotifyOptions): Promise<PublishResult & { stage: Stage }> {
  const { stage, input } = resolveEvent(event);
  const facts = noticeFacts(stage, input, { now: deps.now(), plan: options.plan, updateIntervalMinutes: options.updateIntervalMinutes });
  let notices: Notice[];
  try {
    notices = renderNotices(facts, options.audiences, { timeZone: options.timeZone ?? options.plan?.stakeholders.timeZone, strict: options.strict });
  } catch (error) {
    const failed = [failure({ stage, audience: '*', language: 'en' }, 'render', error)];
    deps.logger.error('Notices not rendered', { ...failed[0] });
    countFailures(deps, stage, 1);
    return { stage, sent: [], failed };
  }
  return { stage, ...(await publishNotices(deps, topics, notices)) };
}
