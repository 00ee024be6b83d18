import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { notifyStage, publishNotices, resetSlackWebhookCache, type PublishDeps } from '../../../shared/notify/publish.ts';
import { renderNotices } from '../../../shared/notify/render.ts';
import { noticeFacts, type NoticeEvent, type Stage } from '../../../shared/notify/stages.ts';
import type { Plan } from '../../../shared/plan/schema.ts';
import type { RunState, RunSummary } from '../../../shared/run/types.ts';
import { awsError } from '../../functions/lambda.ts';
import {
  abortedSummary,
  completedSummary,
  EXTERNAL_TOPIC,
  failedSummary,
  INTERNAL_TOPIC,
  loadExamplePlan,
  minutesAfter,
  regionOutage,
  tierFailed,
  tierRecovered,
} from './fixtures.ts';

const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
const EXECUTION = 'arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:run-1';
const WEBHOOK_SECRET = 'arn:aws:secretsmanager:ap-northeast-3:123456789012:secret:dr-autopilot/slack-webhook-AbCdEf';
const WEBHOOK_URL = 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX';

interface Expected {
  internal: Record<'ja' | 'en', { id: string; subject: string; title: string; description: string; nextSteps: string[] }>;
  external?: Record<'ja' | 'en', { subject: string; body: string }>;
}

let plan: Plan;
let state: RunState;
let summaries: { completed: RunSummary; failed: RunSummary; aborted: RunSummary };

/** The state machine's payload for each stage, and when it runs (minutes after the incident). */
function events(): Record<Stage, { event: NoticeEvent; at: number }> {
  const t1 = tierRecovered(state, 38).state;
  const tf = tierFailed(state, 'core-database', 42).state;
  return {
    'run-started': { event: { stage: 'run-started', run: state.run, tiers: state.tiers }, at: 1 },
    'approval-needed': { event: { stage: 'approval-needed', run: state.run, tiers: state.tiers, approval: state.approval }, at: 2 },
    'tier-recovered': { event: { stage: 'tier-recovered', run: state.run, tier: t1.results.tiers.slice(-1), tiers: state.tiers, progress: { done: 1, total: 4 } }, at: 38 },
    'component-failed': { event: { stage: 'component-failed', run: state.run, components: tf.results.components, tier: 'tier-1' }, at: 42 },
    'run-completed': { event: { stage: 'run-completed', summary: summaries.completed }, at: 310 },
    'run-failed': { event: { stage: 'run-failed', summary: summaries.failed, executionId: EXECUTION }, at: 45 },
    'run-aborted': { event: { stage: 'run-aborted', summary: summaries.aborted }, at: 12 },
  };
}

const silent = () => ({ error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() }) as unknown as Logger & { error: ReturnType<typeof vi.fn>; warn: ReturnType<typeof vi.fn> };

function deps(at: number, over: Partial<PublishDeps> = {}): PublishDeps {
  return { sns: new SNSClient({}), logger: silent(), now: () => minutesAfter(at), ...over };
}

const attributes = (audience: string, stage: Stage, language: string) => ({
  audience: { DataType: 'String', StringValue: audience },
  severity: { DataType: 'String', StringValue: 'critical' },
  scenario: { DataType: 'String', StringValue: 'region-outage' },
  stage: { DataType: 'String', StringValue: stage },
  language: { DataType: 'String', StringValue: language },
});

/** The Chatbot custom notification expected for an internal notice. */
function chat(stage: Stage, language: 'ja' | 'en') {
  const e = EXPECTED[stage].internal[language];
  return {
    version: '1.0',
    source: 'custom',
    id: e.id,
    content: { textType: 'client-markdown', title: e.title, description: e.description, nextSteps: e.nextSteps, keywords: ['critical', 'region-outage', stage, 'dataset-platform'] },
    metadata: {
      threadId: `dr-autopilot-run-1-${language}`,
      summary: e.subject,
      eventType: `dr-autopilot.${stage}`,
      relatedResources: [EXECUTION],
      additionalContext: { plan: 'dataset-platform', scenario: 'region-outage', stage, severity: 'critical', language, incident: EXECUTION },
    },
  };
}

const publishes = (): PublishCommandInput[] => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);

/** Captures what Powertools writes to stdout (the EMF metric lines). */
function captureStdout() {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter((l) => l.trim() !== ''));
    return true;
  });
  return { lines, restore: () => spy.mockRestore() };
}

describe('shared/notify/publish', () => {
  beforeAll(async () => {
    plan = await loadExamplePlan();
    state = await regionOutage();
    summaries = { completed: await completedSummary(), failed: await failedSummary(), aborted: await abortedSummary() };
  });
  beforeEach(() => {
    sns.reset();
    secrets.reset();
    resetSlackWebhookCache();
    let n = 0;
    sns.on(PublishCommand).callsFake(() => ({ MessageId: `msg-${++n}` }));
  });
  afterEach(() => {
    sns.reset();
    secrets.reset();
  });

  it.each(['run-started', 'approval-needed', 'tier-recovered', 'component-failed', 'run-completed', 'run-failed', 'run-aborted'] as const)(
    '%s: the exact Publish calls, per audience and language, on the audience topic with its message attributes',
    async (stage) => {
      const { event, at } = events()[stage];
      const out = await notifyStage(deps(at), { internal: INTERNAL_TOPIC, external: EXTERNAL_TOPIC }, event, { audiences: plan.stakeholders.audiences, plan, strict: true });
      const expected = EXPECTED[stage];
      const calls = [
        { TopicArn: INTERNAL_TOPIC, Subject: expected.internal.ja.subject, Message: JSON.stringify(chat(stage, 'ja')), MessageAttributes: attributes('internal', stage, 'ja') },
        { TopicArn: INTERNAL_TOPIC, Subject: expected.internal.en.subject, Message: JSON.stringify(chat(stage, 'en')), MessageAttributes: attributes('internal', stage, 'en') },
        ...(expected.external
          ? [
              { TopicArn: EXTERNAL_TOPIC, Subject: expected.external.ja.subject, Message: expected.external.ja.body, MessageAttributes: attributes('external', stage, 'ja') },
              { TopicArn: EXTERNAL_TOPIC, Subject: expected.external.en.subject, Message: expected.external.en.body, MessageAttributes: attributes('external', stage, 'en') },
            ]
          : []),
      ];
      expect(publishes()).toEqual(calls);
      expect(out).toEqual({
        stage,
        sent: calls.map((c, i) => ({
          stage,
          audience: c.MessageAttributes.audience.StringValue,
          language: c.MessageAttributes.language.StringValue,
          channel: 'sns',
          subject: c.Subject,
          topicArn: c.TopicArn,
          messageId: `msg-${i + 1}`,
        })),
        failed: [],
      });
    },
  );

  it("states every time in the plan's time zone (stakeholders.timeZone), internal and external, in both languages", async () => {
    // Prepare: the example plan for a team in Berlin.
    const berlin: Plan = { ...plan, stakeholders: { ...plan.stakeholders, timeZone: 'Europe/Berlin' } };
    // Act
    await notifyStage(deps(1), { internal: INTERNAL_TOPIC, external: EXTERNAL_TOPIC }, { stage: 'run-started', run: state.run, tiers: state.tiers }, { audiences: berlin.stakeholders.audiences, plan: berlin, strict: true });
    // Assess: the incident began 01:05 UTC: 02:05 in Berlin (10:05 JST in Tokyo).
    const [ja, en, externalJa, externalEn] = publishes().map((p) => p.Message!);
    const description = (message: string) => (JSON.parse(message) as { content: { description: string } }).content.description;
    expect(description(ja!)).toContain('*障害発生:* 2026年11月29日 02:05（GMT+1）');
    expect(description(en!)).toContain('*Incident start:* 2026-11-29 02:05 GMT+1');
    expect(description(en!)).toContain('• tier-1: RTO 4 h, due 2026-11-29 06:05 GMT+1');
    // No time of the run's own is in Tokyo time (the operator's reason says what it says).
    expect([ja, en].map((m) => description(m!).replace('Tokyo unavailable since 09:40 JST', '')).filter((d) => /JST|日本時間/.test(d))).toEqual([]);
    expect(externalJa).toContain('2026年11月29日 02:05（GMT+1）');
    expect(externalEn).toContain('2026-11-29 02:05 GMT+1');
    expect([externalJa, externalEn].filter((m) => /JST|日本時間/.test(m!))).toEqual([]);
  });

  it('resolves run-finished and tier-finished from the state machine data', async () => {
    const out = await notifyStage(deps(310), { internal: INTERNAL_TOPIC, external: EXTERNAL_TOPIC }, { stage: 'run-finished', summary: summaries.completed }, {
      audiences: plan.stakeholders.audiences,
      plan,
    });
    expect(out.stage).toBe('run-completed');
    expect(publishes().map((p) => p.Subject)).toEqual([
      EXPECTED['run-completed'].internal.ja.subject,
      EXPECTED['run-completed'].internal.en.subject,
      EXPECTED['run-completed'].external!.ja.subject,
      EXPECTED['run-completed'].external!.en.subject,
    ]);
    sns.resetHistory();
    const tf = tierFailed(state, 'core-database', 42).state;
    const failed = await notifyStage(
      deps(42),
      { internal: INTERNAL_TOPIC, external: EXTERNAL_TOPIC },
      { stage: 'tier-finished', run: tf.run, tier: tf.results.tiers.slice(-1), components: tf.results.components, tiers: tf.tiers, progress: { done: 1, total: 4 } },
      { audiences: plan.stakeholders.audiences, plan },
    );
    expect(failed.stage).toBe('component-failed');
    expect(publishes().map((p) => [p.TopicArn, p.Subject])).toEqual([
      [INTERNAL_TOPIC, EXPECTED['component-failed'].internal.ja.subject],
      [INTERNAL_TOPIC, EXPECTED['component-failed'].internal.en.subject],
    ]);
  });

  it('a failed publish is caught, logged and counted (NoticeFailed, dimension stage); the other notices still go out', async () => {
    sns.on(PublishCommand, { TopicArn: EXTERNAL_TOPIC }).rejects(awsError('AuthorizationErrorException', 'User is not authorized to perform: SNS:Publish', 403));
    const logger = silent();
    const stdout = captureStdout();
    let out;
    try {
      const metrics = new Metrics({ namespace: 'dr-autopilot', serviceName: 'dr-autopilot' });
      const { event, at } = events()['run-started'];
      out = await notifyStage(deps(at, { logger, metrics }), { internal: INTERNAL_TOPIC, external: EXTERNAL_TOPIC }, event, { audiences: plan.stakeholders.audiences, plan });
    } finally {
      stdout.restore();
    }
    expect(out.sent.map((s) => [s.audience, s.language])).toEqual([
      ['internal', 'ja'],
      ['internal', 'en'],
    ]);
    expect(out.failed).toEqual([
      { stage: 'run-started', audience: 'external', language: 'ja', channel: 'sns', errorName: 'AuthorizationErrorException', errorMessage: 'User is not authorized to perform: SNS:Publish' },
      { stage: 'run-started', audience: 'external', language: 'en', channel: 'sns', errorName: 'AuthorizationErrorException', errorMessage: 'User is not authorized to perform: SNS:Publish' },
    ]);
    expect(logger.error).toHaveBeenCalledTimes(2);
    expect(logger.error).toHaveBeenCalledWith('Notice not delivered', out.failed[0]);
    const emf = stdout.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => '_aws' in l);
    expect(emf).toEqual([
      {
        _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'dr-autopilot', Dimensions: [['service', 'stage']], Metrics: [{ Name: 'NoticeFailed', Unit: 'Count' }] }] },
        service: 'dr-autopilot',
        stage: 'run-started',
        NoticeFailed: 2,
      },
    ]);
  });

  it('never throws: every publish refused, no topic configured and a broken metrics object are all failed entries', async () => {
    sns.on(PublishCommand).rejects(awsError('Throttling', 'Rate exceeded', 400));
    const brokenMetrics = {
      singleMetric: () => {
        throw new Error('no metrics today');
      },
    } as unknown as Metrics;
    const { event, at } = events()['run-completed'];
    const out = await notifyStage(deps(at, { metrics: brokenMetrics }), { internal: INTERNAL_TOPIC, external: undefined }, event, { audiences: plan.stakeholders.audiences, plan });
    expect(out.sent).toEqual([]);
    expect(out.failed.map((f) => [f.audience, f.language, f.errorName])).toEqual([
      ['internal', 'ja', 'Throttling'],
      ['internal', 'en', 'Throttling'],
      ['external', 'ja', 'TopicNotConfigured'],
      ['external', 'en', 'TopicNotConfigured'],
    ]);
    // Only the internal topic was tried.
    expect(publishes().map((p) => p.TopicArn)).toEqual([INTERNAL_TOPIC, INTERNAL_TOPIC]);
  });

  it('posts internal notices to the Slack webhook read from Secrets Manager (once per container), one POST per language', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: WEBHOOK_SECRET }).resolves({ SecretString: JSON.stringify({ url: WEBHOOK_URL }) });
    const posts: { url: string; init: RequestInit }[] = [];
    const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
      posts.push({ url: String(url), init: init! });
      return new Response('ok', { status: 200 });
    }) as unknown as typeof globalThis.fetch;
    const slack = { secrets: new SecretsManagerClient({}), slackWebhookSecretArn: WEBHOOK_SECRET, fetch };
    const { event, at } = events()['run-started'];
    const out = await notifyStage(deps(at, slack), { internal: INTERNAL_TOPIC, external: EXTERNAL_TOPIC }, event, { audiences: plan.stakeholders.audiences, plan });
    expect(out.failed).toEqual([]);
    expect(out.sent.filter((s) => s.channel === 'slack').map((s) => s.language)).toEqual(['ja', 'en']);
    expect(posts.map((p) => [p.url, p.init.method, p.init.headers])).toEqual([
      [WEBHOOK_URL, 'POST', { 'Content-Type': 'application/json' }],
      [WEBHOOK_URL, 'POST', { 'Content-Type': 'application/json' }],
    ]);
    const e = EXPECTED['run-started'].internal;
    expect(posts.map((p) => JSON.parse(p.init.body as string))).toEqual(
      (['ja', 'en'] as const).map((l) => ({
        text: e[l].subject,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: `*${e[l].title}*\n${e[l].description}` } },
          { type: 'section', text: { type: 'mrkdwn', text: e[l].nextSteps.map((s) => `→ ${s}`).join('\n') } },
        ],
      })),
    );
    // Nothing external goes to Slack.
    expect(posts.some((p) => String(p.init.body).includes('【障害のお知らせ】'))).toBe(false);
    // A second stage reuses the URL read before.
    await notifyStage(deps(310, slack), { internal: INTERNAL_TOPIC, external: EXTERNAL_TOPIC }, events()['run-completed'].event, { audiences: plan.stakeholders.audiences, plan });
    expect(posts).toHaveLength(4);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('a refused webhook (410 channel_is_archived) is a failed notice and the secret is read again next time; SNS still delivers', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: WEBHOOK_URL });
    const fetch = vi.fn(async () => new Response('channel_is_archived', { status: 410 })) as unknown as typeof globalThis.fetch;
    const logger = silent();
    const slack = { secrets: new SecretsManagerClient({}), slackWebhookSecretArn: WEBHOOK_SECRET, fetch, logger };
    const { event, at } = events()['approval-needed'];
    const out = await notifyStage(deps(at, slack), { internal: INTERNAL_TOPIC, external: EXTERNAL_TOPIC }, event, { audiences: plan.stakeholders.audiences, plan });
    expect(out.sent.map((s) => s.channel)).toEqual(['sns', 'sns']);
    expect(out.failed).toEqual([
      { stage: 'approval-needed', audience: 'internal', language: 'ja', channel: 'slack', errorName: 'SlackHttp410', errorMessage: 'Slack answered 410 channel_is_archived' },
      { stage: 'approval-needed', audience: 'internal', language: 'en', channel: 'slack', errorName: 'SlackHttp410', errorMessage: 'Slack answered 410 channel_is_archived' },
    ]);
    // Each refusal drops the cached URL: every post after one reads the secret again (a rotated URL is picked up).
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    await notifyStage(deps(at, slack), { internal: INTERNAL_TOPIC, external: EXTERNAL_TOPIC }, event, { audiences: plan.stakeholders.audiences, plan });
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 4);
  });

  it('a secret without an https URL fails the Slack posts only', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"token":"xoxb-not-a-webhook"}' });
    const fetch = vi.fn() as unknown as typeof globalThis.fetch;
    const { event, at } = events()['run-started'];
    const out = await notifyStage(deps(at, { secrets: new SecretsManagerClient({}), slackWebhookSecretArn: WEBHOOK_SECRET, fetch }), { internal: INTERNAL_TOPIC, external: EXTERNAL_TOPIC }, event, {
      audiences: plan.stakeholders.audiences,
      plan,
    });
    expect(out.sent).toHaveLength(4);
    expect(out.failed.map((f) => [f.channel, f.errorName])).toEqual([
      ['slack', 'InvalidWebhookSecret'],
      ['slack', 'InvalidWebhookSecret'],
    ]);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('publishNotices: an external scenario id that looks like an identifier is not passed on as a message attribute', async () => {
    const run = { ...state.run, scenario: 'i-0123456789abcdef0' };
    const notices = renderNotices(noticeFacts('run-started', { run, tiers: state.tiers }, { now: minutesAfter(1), plan }), plan.stakeholders.audiences);
    await publishNotices(deps(1), { internal: INTERNAL_TOPIC, external: EXTERNAL_TOPIC }, notices);
    expect(publishes().map((p) => [p.MessageAttributes?.audience?.StringValue, p.MessageAttributes?.scenario?.StringValue])).toEqual([
      ['internal', 'i-0123456789abcdef0'],
      ['internal', 'i-0123456789abcdef0'],
      ['external', 'unspecified'],
      ['external', 'unspecified'],
    ]);
  });
});

const EXPECTED: Record<Stage, Expected> = {
  'run-started': {
    internal: {
      ja: {
        id: 'run-1-run-started-ja',
        subject: '[dr-autopilot][重大] 災害復旧開始: region-outage (dataset-platform)',
        title: ':rotating_light: [重大] 災害復旧を開始しました: Region outage (Tokyo unavailable)',
        description: `*計画:* dataset-platform | *シナリオ:* region-outage（計画外フェイルオーバー）
*重大度:* 重大
*契機:* 開始者 oncall@example.com: Tokyo unavailable since 09:40 JST
*障害発生:* 2026年11月29日 10:05（日本時間）
*影響範囲:* 復旧対象 4 階層・13 コンポーネント
• tier-1: RTO 4時間、期限 2026年11月29日 14:05（日本時間）: core-database、authentication、api-gateway
• tier-2: RTO 8時間、期限 2026年11月29日 18:05（日本時間）: dataset-storage、cache-server、web-application、batch-processing
• tier-3: RTO 8時間、期限 2026年11月29日 18:05（日本時間）: report-generation、monitoring、backup-system
• tier-4: RTO 24時間、期限 2026年11月30日 10:05（日本時間）: development-environment、test-environment、documentation-system
*実行:* run-1`,
        nextSteps: [
          'Step Functions コンソール（ap-northeast-3）で実行 run-1 の進行を確認してください。',
          '承認依頼と手動手順の依頼は社内トピックに届きます。`npx dr-autopilot approve|reject --region ap-northeast-3 --token …` で回答してください。',
        ],
      },
      en: {
        id: 'run-1-run-started-en',
        subject: '[dr-autopilot][Critical] Recovery started: region-outage (dataset-platform)',
        title: ':rotating_light: [Critical] Recovery started: Region outage (Tokyo unavailable)',
        description: `*Plan:* dataset-platform | *Scenario:* region-outage (unplanned failover)
*Severity:* Critical
*Trigger:* started by oncall@example.com: Tokyo unavailable since 09:40 JST
*Incident start:* 2026-11-29 10:05 JST
*Impact:* 13 component(s) in 4 tier(s) to recover:
• tier-1: RTO 4 h, due 2026-11-29 14:05 JST: core-database, authentication, api-gateway
• tier-2: RTO 8 h, due 2026-11-29 18:05 JST: dataset-storage, cache-server, web-application, batch-processing
• tier-3: RTO 8 h, due 2026-11-29 18:05 JST: report-generation, monitoring, backup-system
• tier-4: RTO 24 h, due 2026-11-30 10:05 JST: development-environment, test-environment, documentation-system
*Execution:* run-1`,
        nextSteps: [
          'Follow execution run-1 in the Step Functions console (ap-northeast-3).',
          'Approval requests and manual steps arrive on the internal topic: answer with `npx dr-autopilot approve|reject --region ap-northeast-3 --token …`.',
        ],
      },
    },
    external: {
      ja: {
        subject: '【障害のお知らせ】サービス障害について（復旧作業中）',
        body: `【障害のお知らせ】

現在、サービス障害が発生しております。

状況: 復旧作業中
重大度: 重大
影響: サービスがご利用いただけない、または大きく低下した状態です。
発生日時: 2026年11月29日 10:05（日本時間）
主要機能の復旧見込み: 2026年11月29日 14:05（日本時間）まで（発生から4時間以内）
全面復旧見込み: 2026年11月30日 10:05（日本時間）まで（発生から24時間以内）
次回のお知らせ: 2026年11月29日 11:06（日本時間）まで（状況に変化があれば随時）

ご迷惑をおかけし誠に申し訳ございません。早期復旧に努めております。`,
      },
      en: {
        subject: '[Service notice] Service disruption: recovery in progress',
        body: `Service notice: service disruption

Status: Recovery in progress
Severity: Critical
Impact: Our service is unavailable or severely degraded.
Began: 2026-11-29 10:05 JST
Core functions: expected by 2026-11-29 14:05 JST (within 4 h of the start)
Expected full recovery: by 2026-11-30 10:05 JST (within 24 h of the start)
Next update: by 2026-11-29 11:06 JST, or sooner if the situation changes.

We are sorry for the inconvenience and are working to restore the service as quickly as possible.`,
      },
    },
  },
  'approval-needed': {
    internal: {
      ja: {
        id: 'run-1-approval-needed-ja',
        subject: '[dr-autopilot][重大] 判断待ち: tier-1 の前に承認が必要です (region-outage)',
        title: ':raised_hand: [重大] 判断待ち: Region outage (Tokyo unavailable) の承認が必要です',
        description: `*計画:* dataset-platform | *シナリオ:* region-outage（計画外フェイルオーバー）
実行は tier-1 の前で、取り消せない手順（core-database）の承認を待っています。
*期限:* 2026年11月29日 10:37（日本時間）（あと 30分）。期限までに回答がなければ却下とみなし、これらの手順の前で停止します。
*実行:* run-1`,
        nextSteps: [
          '影響と回答コマンドを記載した承認依頼は、社内トピックで承認者に送信済みです。',
          '承認者: 期限までに `npx dr-autopilot approve` または `reject` で回答してください。',
        ],
      },
      en: {
        id: 'run-1-approval-needed-en',
        subject: '[dr-autopilot][Critical] Decision pending: approval before tier-1 (region-outage)',
        title: ':raised_hand: [Critical] Decision pending: approval needed for Region outage (Tokyo unavailable)',
        description: `*Plan:* dataset-platform | *Scenario:* region-outage (unplanned failover)
The run waits before tier-1 for approval of its one-way steps: core-database.
*Deadline:* 2026-11-29 10:37 JST (30 min from now). No answer by then is a denial: the run stops before these steps.
*Execution:* run-1`,
        nextSteps: [
          'The approval request, with what it costs and the answer commands, went to the approvers on the internal topic.',
          'Approvers: answer with `npx dr-autopilot approve` or `reject` before the deadline.',
        ],
      },
    },
  },
  'tier-recovered': {
    internal: {
      ja: {
        id: 'run-1-tier-recovered-tier-1-ja',
        subject: '[dr-autopilot][重大] 階層復旧: tier-1 所要 38分（目標 4時間）',
        title: ':white_check_mark: 階層 tier-1 が復旧しました: 所要 38分（RTO 目標 4時間: 達成）',
        description: `*計画:* dataset-platform | *シナリオ:* region-outage
*階層:* tier-1: Tier 1 (highest): authentication, core database, API gateway
*RTO:* 実績 38分、目標 4時間: 達成
*進捗:* 全 4 階層中 1 階層が復旧
*次:* tier-2
*実行:* run-1`,
        nextSteps: [
          '対応は不要です。次の階層は自動で開始されます。',
        ],
      },
      en: {
        id: 'run-1-tier-recovered-tier-1-en',
        subject: '[dr-autopilot][Critical] Tier recovered: tier-1 in 38 min (target 4 h)',
        title: ':white_check_mark: Tier tier-1 recovered in 38 min (RTO target 4 h: met)',
        description: `*Plan:* dataset-platform | *Scenario:* region-outage
*Tier:* tier-1: Tier 1 (highest): authentication, core database, API gateway
*RTO:* achieved 38 min against a target of 4 h: met
*Progress:* 1 of 4 tier(s) recovered
*Next:* tier-2
*Execution:* run-1`,
        nextSteps: [
          'No action needed: the next tier starts on its own.',
        ],
      },
    },
    external: {
      ja: {
        subject: '【障害のお知らせ】復旧状況（全4段階中1段階完了）',
        body: `【障害のお知らせ】復旧状況

状況: 復旧作業中（全4段階中1段階の復旧が完了）
重大度: 重大
影響: サービスがご利用いただけない、または大きく低下した状態です。
発生日時: 2026年11月29日 10:05（日本時間）
主要機能: 復旧済み
全面復旧見込み: 2026年11月30日 10:05（日本時間）まで（発生から24時間以内）
次回のお知らせ: 2026年11月29日 11:43（日本時間）まで（状況に変化があれば随時）`,
      },
      en: {
        subject: '[Service notice] Recovery progress: 1 of 4 stages completed',
        body: `Service notice: recovery progress

Status: Recovery in progress (1 of 4 recovery stages completed)
Severity: Critical
Impact: Our service is unavailable or severely degraded.
Began: 2026-11-29 10:05 JST
Core functions: restored
Expected full recovery: by 2026-11-30 10:05 JST (within 24 h of the start)
Next update: by 2026-11-29 11:43 JST, or sooner if the situation changes.`,
      },
    },
  },
  'component-failed': {
    internal: {
      ja: {
        id: 'run-1-component-failed-core-database-ja',
        subject: '[dr-autopilot][重大] エスカレーション: core-database の復旧に失敗 (region-outage)',
        title: ':x: [重大] エスカレーション: core-database の復旧に失敗しました',
        description: `*計画:* dataset-platform | *シナリオ:* region-outage（計画外フェイルオーバー）
• core-database（rds-replica-promotion、tier-1）: 1 回の試行後に失敗: ActionFailedError: restore-error
この階層は復旧済みとみなされず、以降の階層は開始されません。
*実行:* run-1`,
        nextSteps: [
          '運用チーム: 実行履歴と関数のログで原因を特定してください。',
          '実行の停止後に原因を修正したら、`{"scenario": "region-outage", "mode": "unplanned", "reason": "…", "requestedBy": "…", "resumeOf": "arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:run-1"}` で実行を開始し、インシデントを再開してください（復旧済みのコンポーネントは再実行されません）。',
          '直ちに DR 責任者と開発チームへエスカレーションしてください。',
        ],
      },
      en: {
        id: 'run-1-component-failed-core-database-en',
        subject: '[dr-autopilot][Critical] Escalation: core-database failed (region-outage)',
        title: ':x: [Critical] Escalation: recovery of core-database failed',
        description: `*Plan:* dataset-platform | *Scenario:* region-outage (unplanned failover)
• core-database (rds-replica-promotion, tier-1) failed after 1 attempt(s): ActionFailedError: restore-error
The tier does not count as recovered and later tiers do not start.
*Execution:* run-1`,
        nextSteps: [
          'Operations: find the cause in the execution history and the function logs.',
          'When the run has stopped and the cause is fixed, resume the incident: start an execution with `{"scenario": "region-outage", "mode": "unplanned", "reason": "…", "requestedBy": "…", "resumeOf": "arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:run-1"}` (recovered components are not run again).',
          'Escalate to the DR lead and the development team now.',
        ],
      },
    },
  },
  'run-completed': {
    internal: {
      ja: {
        id: 'run-1-run-completed-ja',
        subject: '[dr-autopilot][重大] 災害復旧完了: region-outage (dataset-platform) 所要 5時間10分',
        title: ':white_check_mark: 災害復旧が完了しました: Region outage (Tokyo unavailable)（所要 5時間10分）',
        description: `*計画:* dataset-platform | *シナリオ:* region-outage（計画外フェイルオーバー） | *重大度:* 重大
*障害発生:* 2026年11月29日 10:05（日本時間） | *完了:* 2026年11月29日 15:15（日本時間）
*階層ごとの RTO:*
• tier-1: 38分（目標 4時間）: 達成
• tier-2: 1時間35分（目標 8時間）: 達成
• tier-3: 2時間30分（目標 8時間）: 達成
• tier-4: 5時間（目標 24時間）: 達成
*データ区分ごとの RPO:*
• transaction: 不明（目標 15分）: 未測定
• user: 不明（目標 1時間）: 未測定
• system: 不明（目標 24時間）: 未測定
*検証:* 成功 0・失敗 0・スキップ 0`,
        nextSteps: [
          'アプリケーション担当者とサービスを確認し、事業部門へ報告してください。',
          'ap-northeast-1 が正常に戻ったら切り戻しを計画し、この RTO・RPO の実績を障害報告書に記録してください。',
        ],
      },
      en: {
        id: 'run-1-run-completed-en',
        subject: '[dr-autopilot][Critical] Recovery completed: region-outage (dataset-platform) in 5 h 10 min',
        title: ':white_check_mark: Recovery completed: Region outage (Tokyo unavailable) in 5 h 10 min',
        description: `*Plan:* dataset-platform | *Scenario:* region-outage (unplanned failover) | *Severity:* Critical
*Incident start:* 2026-11-29 10:05 JST | *Finished:* 2026-11-29 15:15 JST
*RTO per tier:*
• tier-1: 38 min (target 4 h): met
• tier-2: 1 h 35 min (target 8 h): met
• tier-3: 2 h 30 min (target 8 h): met
• tier-4: 5 h (target 24 h): met
*RPO per data class:*
• transaction: n/a (target 15 min): not measured
• user: n/a (target 1 h): not measured
• system: n/a (target 24 h): not measured
*Checks:* 0 passed, 0 failed, 0 skipped`,
        nextSteps: [
          'Confirm the service with the application owners and tell the business.',
          'Plan the return to ap-northeast-1 once it is healthy; record these RTO and RPO figures in the incident report.',
        ],
      },
    },
    external: {
      ja: {
        subject: '【復旧のお知らせ】サービスは復旧しました',
        body: `【復旧のお知らせ】

状況: 復旧済み
重大度: 重大
サービスは2026年11月29日 15:15（日本時間）に復旧しました（障害発生から5時間10分）。
発生日時: 2026年11月29日 10:05（日本時間）

本件のお知らせは以上となります。ご迷惑をおかけし誠に申し訳ございませんでした。`,
      },
      en: {
        subject: '[Service notice] Service restored',
        body: `Service notice: service restored

Status: Restored
Severity: Critical
The service was restored at 2026-11-29 15:15 JST, 5 h 10 min after the disruption began (began: 2026-11-29 10:05 JST).

This is the final update on this incident. Thank you for your patience.`,
      },
    },
  },
  'run-failed': {
    internal: {
      ja: {
        id: 'run-1-run-failed-ja',
        subject: '[dr-autopilot][重大] 災害復旧失敗: region-outage (dataset-platform)',
        title: ':red_circle: [重大] 災害復旧に失敗しました: Region outage (Tokyo unavailable)',
        description: `*計画:* dataset-platform | *シナリオ:* region-outage（計画外フェイルオーバー） | *重大度:* 重大
*理由:* tier tier-1 failed: core-database (ActionFailedError: instance dataset-db-osaka went to incompatible-restore); not started: tier-2, tier-3, tier-4
• core-database（rds-replica-promotion、tier-1）: 失敗: ActionFailedError: instance dataset-db-osaka went to incompatible-restore
*変更されたままの構成要素（停止した階層。自動では元に戻りません）:*
• authentication（ecs-scale、tier-1）: 停止前に復旧済み — 手作業で戻すか、全体が整った後に計画のフェイルバックシナリオを実行してください
• api-gateway（route53-failover、tier-1）: 停止前に復旧済み — 手作業で戻すか、全体が整った後に計画のフェイルバックシナリオを実行してください
*階層ごとの RTO:*
• tier-1: 失敗、不明（目標 4時間）: 未達
• tier-2: 未着手、不明（目標 8時間）: 未測定
• tier-3: 未着手、不明（目標 8時間）: 未測定
• tier-4: 未着手、不明（目標 24時間）: 未測定
*データ区分ごとの RPO:*
• transaction: 不明（目標 15分）: 未測定
• user: 不明（目標 1時間）: 未測定
• system: 不明（目標 24時間）: 未測定
*検証:* 成功 0・失敗 0・スキップ 0
*障害発生:* 2026年11月29日 10:05（日本時間） | *停止:* 2026年11月29日 10:50（日本時間）`,
        nextSteps: [
          '運用チーム: 原因を修正し、`{"scenario": "region-outage", "mode": "unplanned", "reason": "…", "requestedBy": "…", "resumeOf": "arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:run-1"}` で実行を開始してインシデントを再開してください（復旧済みのコンポーネントは再実行されません）。',
          'DR 責任者へエスカレーションしてください。RTO に間に合わない場合は残りを手動で復旧してください。',
        ],
      },
      en: {
        id: 'run-1-run-failed-en',
        subject: '[dr-autopilot][Critical] Recovery FAILED: region-outage (dataset-platform)',
        title: ':red_circle: [Critical] Recovery failed: Region outage (Tokyo unavailable)',
        description: `*Plan:* dataset-platform | *Scenario:* region-outage (unplanned failover) | *Severity:* Critical
*Why:* tier tier-1 failed: core-database (ActionFailedError: instance dataset-db-osaka went to incompatible-restore); not started: tier-2, tier-3, tier-4
• core-database (rds-replica-promotion, tier-1) failed: ActionFailedError: instance dataset-db-osaka went to incompatible-restore
*Left changed (a stopped tier; nothing reverts them):*
• authentication (ecs-scale, tier-1): recovered before the run stopped — undo it by hand, or run the plan's failback scenario once the rest is consistent
• api-gateway (route53-failover, tier-1): recovered before the run stopped — undo it by hand, or run the plan's failback scenario once the rest is consistent
*RTO per tier:*
• tier-1: failed, n/a (target 4 h): MISSED
• tier-2: not started, n/a (target 8 h): not measured
• tier-3: not started, n/a (target 8 h): not measured
• tier-4: not started, n/a (target 24 h): not measured
*RPO per data class:*
• transaction: n/a (target 15 min): not measured
• user: n/a (target 1 h): not measured
• system: n/a (target 24 h): not measured
*Checks:* 0 passed, 0 failed, 0 skipped
*Incident start:* 2026-11-29 10:05 JST | *Stopped:* 2026-11-29 10:50 JST`,
        nextSteps: [
          'Operations: fix the cause, then resume the incident: start an execution with `{"scenario": "region-outage", "mode": "unplanned", "reason": "…", "requestedBy": "…", "resumeOf": "arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:run-1"}` (recovered components are not run again).',
          'Escalate to the DR lead; recover the rest by hand if the RTO is at risk.',
        ],
      },
    },
    external: {
      ja: {
        subject: '【障害のお知らせ】復旧作業を継続しています',
        body: `【障害のお知らせ】

状況: 復旧作業継続中
重大度: 重大
影響: サービスがご利用いただけない、または大きく低下した状態です。
発生日時: 2026年11月29日 10:05（日本時間）
自動復旧を完了できなかったため、技術担当者が復旧作業を継続しております。
主要機能の復旧見込み: 2026年11月29日 14:05（日本時間）まで（発生から4時間以内）
全面復旧見込み: 2026年11月30日 10:05（日本時間）まで（発生から24時間以内）
次回のお知らせ: 2026年11月29日 11:50（日本時間）まで（状況に変化があれば随時）

ご迷惑をおかけし誠に申し訳ございません。`,
      },
      en: {
        subject: '[Service notice] Recovery continuing',
        body: `Service notice: recovery continuing

Status: Recovery continuing
Severity: Critical
Impact: Our service is unavailable or severely degraded.
Began: 2026-11-29 10:05 JST
Automated recovery could not be completed; our engineers are continuing the recovery.
Core functions: expected by 2026-11-29 14:05 JST (within 4 h of the start)
Expected full recovery: by 2026-11-30 10:05 JST (within 24 h of the start)
Next update: by 2026-11-29 11:50 JST, or sooner if the situation changes.

We are sorry for the inconvenience.`,
      },
    },
  },
  'run-aborted': {
    internal: {
      ja: {
        id: 'run-1-run-aborted-ja',
        subject: '[dr-autopilot][重大] 災害復旧中止: region-outage (dataset-platform)',
        title: ':octagonal_sign: [重大] 災害復旧を中止しました: Region outage (Tokyo unavailable)',
        description: `*計画:* dataset-platform | *シナリオ:* region-outage（計画外フェイルオーバー） | *重大度:* 重大
*理由:* approval before tier-1 (core-database) was denied: Tokyo is back: no failover
実行は次の取り消せない手順の前で停止しました。
• tier-1: 未着手
• tier-2: 未着手
• tier-3: 未着手
• tier-4: 未着手
*障害発生:* 2026年11月29日 10:05（日本時間） | *停止:* 2026年11月29日 10:17（日本時間）`,
        nextSteps: [
          'DR 責任者: 復旧がまだ必要か判断してください。必要なら新しい実行を開始するか、このインシデントを再開してください。',
        ],
      },
      en: {
        id: 'run-1-run-aborted-en',
        subject: '[dr-autopilot][Critical] Recovery aborted: region-outage (dataset-platform)',
        title: ':octagonal_sign: [Critical] Recovery aborted: Region outage (Tokyo unavailable)',
        description: `*Plan:* dataset-platform | *Scenario:* region-outage (unplanned failover) | *Severity:* Critical
*Why:* approval before tier-1 (core-database) was denied: Tokyo is back: no failover
The run stopped before its next one-way step.
• tier-1: not started
• tier-2: not started
• tier-3: not started
• tier-4: not started
*Incident start:* 2026-11-29 10:05 JST | *Stopped:* 2026-11-29 10:17 JST`,
        nextSteps: [
          'DR lead: decide whether the incident still needs a recovery; if so, start a new run or resume this incident.',
        ],
      },
    },
    external: {
      ja: {
        subject: '【障害のお知らせ】状況を確認しています',
        body: `【障害のお知らせ】

状況: 状況確認中
重大度: 重大
発生日時: 2026年11月29日 10:05（日本時間）
予備システムへの切り替えは実施しませんでした。引き続き状況を確認しております。
次回のお知らせ: 2026年11月29日 11:17（日本時間）まで（状況に変化があれば随時）`,
      },
      en: {
        subject: '[Service notice] Status update: under assessment',
        body: `Service notice: status update

Status: Under assessment
Severity: Critical
Began: 2026-11-29 10:05 JST
The switch to our backup systems was not carried out. Our team continues to assess the situation.
Next update: by 2026-11-29 11:17 JST, or sooner if the situation changes.`,
      },
    },
  },
};
