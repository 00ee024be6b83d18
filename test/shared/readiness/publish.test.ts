import { Metrics } from '@aws-lambda-powertools/metrics';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReadinessReport } from '../../../shared/readiness/assess.ts';
import { publishReadiness } from '../../../shared/readiness/publish.ts';
import { changesSince, readReadinessRecord, recordOf } from '../../../shared/readiness/record.ts';
import { renderReadiness } from '../../../shared/readiness/render.ts';
import type { ReadinessStatus } from '../../../shared/readiness/types.ts';
import { readinessKey } from '../../../shared/state/keys.ts';
import { startDynalite, type LocalDynamo } from '../../support/dynalite.ts';
import { silentLogger } from '../run/fixtures.ts';

const TOPIC = 'arn:aws:sns:ap-northeast-3:123456789012:dr-autopilot-prod-internal';
const sns = mockClient(SNSClient);

/** A small report: one database component, one system check, one tier forecast, one RPO class. */
function report(db: ReadinessStatus, at = '2026-12-05T01:00:00.000Z', plan = 'dataset-platform'): ReadinessReport {
  const lagDetail = db === 'ready' ? 'ReplicaLag 3 s, within the RPO of 15 min' : 'ReplicaLag 40 min, above the RPO of 15 min: a recovery now would lose more than the plan allows';
  return {
    plan,
    assessedAt: at,
    regions: { primary: 'ap-northeast-1', secondary: 'ap-northeast-3' },
    status: db,
    components: [{ id: 'core-database', type: 'rds-replica-promotion', tier: 'tier-1', status: db, findings: [{ check: 'replication-lag', status: db, detail: lagDetail }], dataAtRiskSeconds: db === 'ready' ? 3 : 2400, recoverySeconds: 540, measuresDataAtRisk: true }],
    system: [{ check: 'topic-subscribers', status: 'ready', detail: 'the internal topic has 2 confirmed subscriber(s) (email, https)' }],
    forecast: {
      rto: [{ scenario: 'database-failure', tiers: [{ id: 'tier-1', targetMinutes: 240, forecastMinutes: 9, status: 'ready', why: 'within the 240 min target' }] }],
      rpo: [{ rpoClass: 'transaction', targetMinutes: 15, forecastMinutes: db === 'ready' ? 0.05 : 40, measurable: true, status: db, components: ['core-database'] }],
    },
  };
}

describe('readiness record, notice and metrics', () => {
  let local: LocalDynamo;
  let metrics: Metrics;
  beforeAll(async () => {
    local = await startDynalite();
  });
  afterAll(async () => {
    await local.stop();
  });
  beforeEach(() => {
    sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
    metrics = new Metrics({ namespace: 'dr-autopilot', serviceName: 'dr-autopilot' });
  });
  afterEach(() => {
    sns.reset();
    vi.restoreAllMocks();
  });

  const deps = () => ({ state: { ddb: local.ddb, tableName: local.tableName }, sns: () => new SNSClient({ region: 'ap-northeast-3' }), internalTopicArn: TOPIC, metrics, logger: silentLogger() });

  it('recordOf names every item; changesSince lists what moved, and on a first assessment only what is not ready', () => {
    // Prepare
    const ready = recordOf(report('ready'));
    const atRisk = recordOf(report('at-risk'));
    // Act
    const first = changesSince(undefined, ready);
    const firstAtRisk = changesSince(undefined, atRisk);
    const moved = changesSince(ready, atRisk);
    const gone = changesSince({ ...ready, items: { ...ready.items, 'component:old': 'ready' } }, ready);
    // Assess
    expect(ready.items).toEqual({ 'component:core-database': 'ready', 'system:topic-subscribers': 'ready', 'rto:database-failure:tier-1': 'ready', 'rpo:transaction': 'ready' });
    expect(first).toEqual([]);
    expect(firstAtRisk).toEqual([{ item: 'component:core-database', from: 'new', to: 'at-risk' }, { item: 'rpo:transaction', from: 'new', to: 'at-risk' }]);
    expect(moved).toEqual([{ item: 'component:core-database', from: 'ready', to: 'at-risk' }, { item: 'rpo:transaction', from: 'ready', to: 'at-risk' }]);
    expect(gone).toEqual([{ item: 'component:old', from: 'ready', to: 'gone' }]);
  });

  it('tells operations once when readiness drops, not again while unchanged, and again when it recovers', async () => {
    // Prepare
    const addMetric = vi.spyOn(metrics, 'addMetric');
    // Act
    const dropped = await publishReadiness(deps(), report('at-risk', '2026-12-05T01:00:00.000Z'));
    const unchanged = await publishReadiness(deps(), report('at-risk', '2026-12-05T01:30:00.000Z'));
    const recovered = await publishReadiness(deps(), report('ready', '2026-12-05T02:00:00.000Z'));
    // Assess
    expect(dropped).toMatchObject({ status: 'at-risk', notReady: 0, atRisk: 2, noticeMessageId: 'msg-1' });
    expect(unchanged.changes).toEqual([]);
    expect(unchanged.noticeMessageId).toBeUndefined();
    expect(recovered.changes).toEqual([{ item: 'component:core-database', from: 'at-risk', to: 'ready' }, { item: 'rpo:transaction', from: 'at-risk', to: 'ready' }]);
    const sent = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({
      TopicArn: TOPIC,
      Subject: '[dr-autopilot] dataset-platform readiness dropped: AT RISK',
      MessageAttributes: { audience: { DataType: 'String', StringValue: 'internal' }, stage: { DataType: 'String', StringValue: 'readiness-changed' }, status: { DataType: 'String', StringValue: 'at-risk' } },
    });
    expect(sent[0]?.Message).toContain('- component:core-database: new -> at-risk');
    expect(sent[0]?.Message).toContain('- core-database: replication-lag AT RISK: ReplicaLag 40 min, above the RPO of 15 min');
    expect(sent[1]?.Subject).toBe('[dr-autopilot] dataset-platform readiness changed: ready');
    expect(sent[1]?.Message).toContain('Everything is ready.');
    expect(addMetric.mock.calls.filter(([name]) => name === 'ReadinessAtRisk').map(([, , value]) => value)).toEqual([2, 2, 0]);
    expect(addMetric.mock.calls.filter(([name]) => name === 'ReadinessNotReady').map(([, , value]) => value)).toEqual([0, 0, 0]);
    const stored = await readReadinessRecord({ ddb: local.ddb, tableName: local.tableName }, 'dataset-platform');
    expect(stored).toEqual({ assessedAt: '2026-12-05T02:00:00.000Z', status: 'ready', items: recordOf(report('ready')).items });
    expect(readinessKey('dataset-platform')).toEqual({ id: 'readiness#dataset-platform', sk: 'latest' });
  });

  it('keeps the old record when the notice cannot be sent, so the next assessment sends it again', async () => {
    // Prepare
    const plan = 'notice-failure';
    await publishReadiness(deps(), report('ready', '2026-12-05T03:00:00.000Z', plan));
    sns.reset();
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));
    // Act
    const failed = publishReadiness(deps(), report('not-ready', '2026-12-05T03:30:00.000Z', plan));
    // Assess
    await expect(failed).rejects.toThrow('Rate exceeded');
    expect((await readReadinessRecord({ ddb: local.ddb, tableName: local.tableName }, plan))?.status).toBe('ready');
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'msg-2' });
    const retried = await publishReadiness(deps(), report('not-ready', '2026-12-05T04:00:00.000Z', plan));
    expect(retried.noticeMessageId).toBe('msg-2');
    expect(retried.notReady).toBe(2);
  });

  it('refuses to drop a change silently when no internal topic is configured', async () => {
    // Prepare
    const noTopic = { ...deps(), internalTopicArn: undefined };
    // Act
    const result = publishReadiness(noTopic, report('not-ready', '2026-12-05T05:00:00.000Z', 'no-topic'));
    // Assess
    await expect(result).rejects.toThrow('INTERNAL_TOPIC_ARN is not set');
  });

  it('renders the report for people: status, what is not ready, forecasts', () => {
    // Act
    const lines = renderReadiness(report('at-risk'));
    // Assess
    expect(lines[0]).toBe('readiness of dataset-platform (ap-northeast-1 -> ap-northeast-3) at 2026-12-05T01:00:00.000Z: AT RISK');
    expect(lines).toContain('  AT RISK   core-database (rds-replica-promotion, tier-1)');
    expect(lines).toContain('    ! replication-lag: ReplicaLag 40 min, above the RPO of 15 min: a recovery now would lose more than the plan allows');
    expect(lines).toContain('  database-failure: tier-1 9/240 min ok');
    expect(lines).toContain('  AT RISK   transaction: 40 min of 15 min (core-database)');
    expect(renderReadiness(report('ready'))).not.toContain('    - replication-lag: ReplicaLag 3 s, within the RPO of 15 min');
    expect(renderReadiness(report('ready'), { verbose: true })).toContain('    - replication-lag: ReplicaLag 3 s, within the RPO of 15 min');
  });
});
