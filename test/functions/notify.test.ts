import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/notify.ts';
import { resetSlackWebhookCache } from '../../shared/notify/publish.ts';
import { renderNotices } from '../../shared/notify/render.ts';
import { noticeFacts } from '../../shared/notify/stages.ts';
import type { Plan } from '../../shared/plan/schema.ts';
import type { RunState } from '../../shared/run/types.ts';
import { completedSummary, EXTERNAL_TOPIC, failedSummary, INTERNAL_TOPIC, loadExamplePlan, minutesAfter, regionOutage } from '../shared/notify/fixtures.ts';
import { writeTempCompiledPlan } from '../../shared/tools/deploy/compiled-plan.ts';
import { compiledExamplePlan } from '../shared/run/fixtures.ts';
import { awsError, lambdaContext, withLogs } from './lambda.ts';

// The module's Powertools Metrics reads its settings on import: quiet unless a test turns it on (withLogs).
const metricsEnv = vi.hoisted(() => {
  const before = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  return before;
});

const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
const context = lambdaContext('notify');
const WEBHOOK_SECRET = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dr-autopilot/slack-webhook-AbCdEf';
const WEBHOOK_URL = 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf3h-secret-approval-token';

let plan: Plan;
let state: RunState;
/** The example plan, compiled: the packaged plan PLAN_FILE points at. */
let packaged: { file: string; remove(): void };

const publishes = (): PublishCommandInput[] => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
const attrs = (audience: string, stage: string, language: string, severity = 'critical') => ({
  audience: { DataType: 'String', StringValue: audience },
  severity: { DataType: 'String', StringValue: severity },
  scenario: { DataType: 'String', StringValue: 'region-outage' },
  stage: { DataType: 'String', StringValue: stage },
  language: { DataType: 'String', StringValue: language },
});

describe('functions/notify', () => {
  beforeAll(async () => {
    plan = await loadExamplePlan();
    state = await regionOutage();
    packaged = await compiledExamplePlan();
  });
  afterAll(() => {
    packaged?.remove();
    if (metricsEnv === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = metricsEnv;
  });
  beforeEach(() => {
    sns.reset();
    secrets.reset();
    resetSlackWebhookCache();
    let n = 0;
    sns.on(PublishCommand).callsFake(() => ({ MessageId: `msg-${++n}` }));
    vi.useFakeTimers({ toFake: ['Date'], now: minutesAfter(1) });
    vi.stubEnv('INTERNAL_TOPIC_ARN', INTERNAL_TOPIC);
    vi.stubEnv('EXTERNAL_TOPIC_ARN', EXTERNAL_TOPIC);
    vi.stubEnv('PLAN_FILE', packaged.file);
    vi.stubEnv('NOTICE_STRICT_REDACTION', 'true');
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    vi.unstubAllGlobals();
    sns.reset();
    secrets.reset();
  });

  it('run-started: publishes per the packaged plan audiences (internal ja/en on INTERNAL_TOPIC_ARN, external ja/en on EXTERNAL_TOPIC_ARN) and returns what was sent', async () => {
    const out = await handler({ stage: 'run-started', run: state.run, tiers: state.tiers }, context);
    const notices = renderNotices(noticeFacts('run-started', { run: state.run, tiers: state.tiers }, { now: minutesAfter(1), plan }), plan.stakeholders.audiences);
    expect(publishes()).toEqual([
      { TopicArn: INTERNAL_TOPIC, Subject: '[dr-autopilot][重大] 災害復旧開始: region-outage (dataset-platform)', Message: notices[0]!.message, MessageAttributes: attrs('internal', 'run-started', 'ja') },
      { TopicArn: INTERNAL_TOPIC, Subject: '[dr-autopilot][Critical] Recovery started: region-outage (dataset-platform)', Message: notices[1]!.message, MessageAttributes: attrs('internal', 'run-started', 'en') },
      { TopicArn: EXTERNAL_TOPIC, Subject: '【障害のお知らせ】サービス障害について（復旧作業中）', Message: notices[2]!.message, MessageAttributes: attrs('external', 'run-started', 'ja') },
      { TopicArn: EXTERNAL_TOPIC, Subject: '[Service notice] Service disruption: recovery in progress', Message: notices[3]!.message, MessageAttributes: attrs('external', 'run-started', 'en') },
    ]);
    expect(JSON.parse(publishes()[0]!.Message!)).toMatchObject({ version: '1.0', source: 'custom', content: { title: ':rotating_light: [重大] 災害復旧を開始しました: Region outage (Tokyo unavailable)' } });
    expect(out).toEqual({
      stage: 'run-started',
      sent: publishes().map((p, i) => ({
        stage: 'run-started',
        audience: p.MessageAttributes!.audience!.StringValue,
        language: p.MessageAttributes!.language!.StringValue,
        channel: 'sns',
        subject: p.Subject,
        topicArn: p.TopicArn,
        messageId: `msg-${i + 1}`,
      })),
      failed: [],
    });
  });

  it('run-finished (the Summarise Run output): the outcome picks the stage', async () => {
    vi.setSystemTime(minutesAfter(45));
    const out = await handler({ stage: 'run-finished', summary: await failedSummary(), executionId: state.run.executionId }, context);
    expect(out.stage).toBe('run-failed');
    expect(publishes().map((p) => [p.TopicArn, p.Subject])).toEqual([
      [INTERNAL_TOPIC, '[dr-autopilot][重大] 災害復旧失敗: region-outage (dataset-platform)'],
      [INTERNAL_TOPIC, '[dr-autopilot][Critical] Recovery FAILED: region-outage (dataset-platform)'],
      [EXTERNAL_TOPIC, '【障害のお知らせ】復旧作業を継続しています'],
      [EXTERNAL_TOPIC, '[Service notice] Recovery continuing'],
    ]);
  });

  it('run-finished with the report Summarise Run wrote: the internal notices link it, the external ones do not (strict redaction)', async () => {
    vi.setSystemTime(minutesAfter(311));
    const report = {
      uri: 's3://dr-autopilot-prod-reports/reports/dataset-platform/run-1/',
      url: 'https://ap-northeast-3.console.aws.amazon.com/s3/object/dr-autopilot-prod-reports?region=ap-northeast-3&prefix=reports%2Fdataset-platform%2Frun-1%2Freport.html',
    };
    await handler({ stage: 'run-finished', summary: { ...(await completedSummary()), report }, executionId: state.run.executionId }, context);
    const sent = publishes();
    expect(sent.map((p) => p.TopicArn)).toEqual([INTERNAL_TOPIC, INTERNAL_TOPIC, EXTERNAL_TOPIC, EXTERNAL_TOPIC]);
    const descriptions = sent.slice(0, 2).map((p) => (JSON.parse(p.Message!) as { content: { description: string } }).content.description.split('\n')[1]);
    const line = `${report.url.replace('&', '&amp;')} (${report.uri})`;
    expect(descriptions).toEqual([`*レポート:* ${line}`, `*Report:* ${line}`]);
    for (const p of sent.slice(2)) expect(p.Message).not.toMatch(/https?:|s3:/);
  });

  it('approval-needed: the decision-pending notice never carries the task token', async () => {
    const event = { stage: 'approval-needed', run: state.run, tiers: state.tiers, approval: state.approval, taskToken: TOKEN } as never;
    const out = await handler(event, context);
    expect(out.sent).toHaveLength(2);
    for (const p of publishes()) {
      expect(p.TopicArn).toBe(INTERNAL_TOPIC);
      expect(`${p.Subject}${p.Message}`).not.toContain('secret-approval-token');
    }
  });

  it('never throws when SNS refuses: returns the failed notices, logs them and emits the NoticeFailed metric (EMF, dimension stage)', async () => {
    sns.on(PublishCommand).rejects(awsError('InternalErrorException', 'Internal error', 500));
    const { module, lines, restore } = await withLogs({ POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_DISABLED: 'false' }, () => import('../../functions/notify.ts'));
    let out;
    try {
      out = await module.handler({ stage: 'run-completed', summary: await completedSummary() }, context);
    } finally {
      restore();
    }
    expect(out.sent).toEqual([]);
    expect(out.failed.map((f) => [f.audience, f.language, f.channel, f.errorName])).toEqual([
      ['internal', 'ja', 'sns', 'InternalErrorException'],
      ['internal', 'en', 'sns', 'InternalErrorException'],
      ['external', 'ja', 'sns', 'InternalErrorException'],
      ['external', 'en', 'sns', 'InternalErrorException'],
    ]);
    const logged = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.filter((l) => l.message === 'Notice not delivered')).toHaveLength(4);
    expect(logged.filter((l) => '_aws' in l)).toEqual([
      {
        _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'dr-autopilot', Dimensions: [['service', 'stage']], Metrics: [{ Name: 'NoticeFailed', Unit: 'Count' }] }] },
        service: 'dr-autopilot',
        stage: 'run-completed',
        NoticeFailed: 4,
      },
    ]);
  });

  it('with no topics configured every notice is a failed entry, nothing is thrown', async () => {
    vi.stubEnv('INTERNAL_TOPIC_ARN', '');
    vi.stubEnv('EXTERNAL_TOPIC_ARN', '');
    const out = await handler({ stage: 'run-started', run: state.run, tiers: state.tiers }, context);
    expect(out.failed.map((f) => f.errorName)).toEqual(['TopicNotConfigured', 'TopicNotConfigured', 'TopicNotConfigured', 'TopicNotConfigured']);
    expect(publishes()).toEqual([]);
  });

  it('posts internal notices to Slack when SLACK_WEBHOOK_SECRET_ARN is set, reading the secret in its own region', async () => {
    vi.stubEnv('SLACK_WEBHOOK_SECRET_ARN', WEBHOOK_SECRET);
    secrets.on(GetSecretValueCommand, { SecretId: WEBHOOK_SECRET }).resolves({ SecretString: WEBHOOK_URL });
    const fetch = vi.fn(async () => new Response('ok', { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    const out = await handler({ stage: 'run-started', run: state.run, tiers: state.tiers }, context);
    expect(out.sent.map((s) => `${s.channel}:${s.audience}:${s.language}`)).toEqual([
      'sns:internal:ja',
      'sns:internal:en',
      'sns:external:ja',
      'sns:external:en',
      'slack:internal:ja',
      'slack:internal:en',
    ]);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(fetch.mock.calls.map((c) => (c as unknown[])[0])).toEqual([WEBHOOK_URL, WEBHOOK_URL]);
    expect(await secrets.call(0).thisValue.config.region()).toBe('ap-northeast-1');
  });

  it('trigger-cleared (a deferred alarm start that cleared): internal audiences only, in their languages, naming the alarm and why', async () => {
    // Prepare: what Prepare Run returned as `triggerCleared`.
    const trigger = {
      plan: 'dataset-platform',
      alarmName: 'dataset-platform-tokyo-region-down',
      scenario: 'region-outage',
      alarmAt: '2026-11-29T01:00:04.989Z',
      reason: "trigger alarm dataset-platform-tokyo-region-down is back to OK (since 2026-11-29T01:01:30.000Z) after the suppressor's wait period (until 2026-11-29T01:02:04.989Z)",
      by: 'dataset-platform-tokyo-region-down',
    };
    // Act
    const out = await handler({ stage: 'trigger-cleared', trigger }, context);
    // Assess
    const tag = (language: string) => ({ ...attrs('internal', 'trigger-cleared', language, 'high') });
    expect(publishes().map((p) => [p.TopicArn, p.Subject, p.MessageAttributes])).toEqual([
      [INTERNAL_TOPIC, '[dr-autopilot] 復旧なし: dataset-platform-tokyo-region-down は待機期間中に解消', tag('ja')],
      [INTERNAL_TOPIC, '[dr-autopilot] No recovery: dataset-platform-tokyo-region-down cleared during its wait period', tag('en')],
    ]);
    const chat = JSON.parse(publishes()[1]!.Message!) as { content: { description: string }; metadata: { eventType: string } };
    expect(chat.metadata.eventType).toBe('dr-autopilot.trigger-cleared');
    expect(chat.content.description).toContain(trigger.reason);
    expect(chat.content.description).toContain('2026-11-29 10:00 JST');
    expect(out).toMatchObject({ stage: 'trigger-cleared', failed: [] });
  });

  describe("in the plan's time zone (stakeholders.timeZone), whatever the environment says", () => {
    let berlin: { file: string; remove(): void };
    beforeAll(() => {
      berlin = writeTempCompiledPlan({ ...plan, stakeholders: { ...plan.stakeholders, timeZone: 'Europe/Berlin' } }, 'berlin.plan.yml');
    });
    afterAll(() => berlin?.remove());
    beforeEach(() => {
      vi.stubEnv('PLAN_FILE', berlin.file);
      // The variable that set the zone by hand before the plan did: no longer read.
      vi.stubEnv('NOTICE_TIME_ZONE', 'UTC');
    });

    it('run-started: every notice states the incident start in Berlin time', async () => {
      // Act
      await handler({ stage: 'run-started', run: state.run, tiers: state.tiers }, context);
      // Assess: the incident began 01:05 UTC.
      const [ja, en, externalJa, externalEn] = publishes().map((p) => p.Message!);
      expect((JSON.parse(ja!) as { content: { description: string } }).content.description).toContain('*障害発生:* 2026年11月29日 02:05（GMT+1）');
      expect((JSON.parse(en!) as { content: { description: string } }).content.description).toContain('*Incident start:* 2026-11-29 02:05 GMT+1');
      expect(externalJa).toContain('2026年11月29日 02:05（GMT+1）');
      expect(externalEn).toContain('2026-11-29 02:05 GMT+1');
    });

    it("trigger-cleared: the alarm's time in Berlin time", async () => {
      // Act
      await handler({ stage: 'trigger-cleared', trigger: { plan: 'dataset-platform', alarmName: 'dataset-platform-tokyo-region-down', scenario: 'region-outage', alarmAt: '2026-11-29T01:00:04.989Z', reason: 'back to OK', by: 'dataset-platform-tokyo-region-down' } }, context);
      // Assess
      const descriptions = publishes().map((p) => (JSON.parse(p.Message!) as { content: { description: string } }).content.description);
      expect(descriptions[0]).toContain('2026年11月29日 02:00（GMT+1）');
      expect(descriptions[1]).toContain('2026-11-29 02:00 GMT+1');
    });
  });

  it('refuses a trigger notice without its trigger facts, naming the field, before publishing anything', async () => {
    await expect(handler({ stage: 'trigger-cleared', trigger: { plan: 'dataset-platform' } }, context)).rejects.toMatchObject({ name: 'InvalidInputError', message: expect.stringContaining('trigger.alarmName') });
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('refuses an event its stage cannot use with InvalidInputError (before publishing anything)', async () => {
    await expect(handler({ stage: 'run-started', run: state.run, tiers: [] }, context)).rejects.toMatchObject({ name: 'InvalidInputError', message: expect.stringContaining('tiers') });
    await expect(handler({ stage: 'lunch' } as never, context)).rejects.toMatchObject({ name: 'InvalidInputError' });
    expect(publishes()).toEqual([]);
  });
});
