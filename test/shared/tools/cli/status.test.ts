import path from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../../shared/tools/cli/main.ts';
import { acquireRecoveryLock, readLock } from '../../../../shared/state/lock.ts';
import { recordComponentResult, recordRunStart } from '../../../../shared/state/run-records.ts';
import { startDynalite, type LocalDynamo } from '../../../support/dynalite.ts';
import { ROOT } from '../../../support/cli.ts';

const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
const PLAN = path.join(ROOT, 'examples/dataset-platform.plan.yml');
const EXECUTION = 'arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:drill-1';
const TOPIC = 'arn:aws:sns:ap-northeast-3:123456789012:dr-autopilot-prod-internal';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAQ-approval-token';
let local: LocalDynamo;
let run = 0;

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};
const deps = () => ({ ddb: local.ddb, tableName: local.tableName, now: () => new Date(), logger: new Logger({ logLevel: 'SILENT' }) });
const table = () => ['--table', local.tableName, '--endpoint', local.endpoint];

/** The execution's history as Step Functions gives it: the approval request scheduled and not answered. */
const HISTORY: HistoryEvent[] = [
  { id: 40, type: 'TaskStateEntered', timestamp: new Date('2026-11-29T01:20:00Z'), stateEnteredEventDetails: { name: 'Request Recovery Approval' } },
  {
    id: 41, previousEventId: 40, type: 'TaskScheduled', timestamp: new Date('2026-11-29T01:20:00Z'),
    taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', region: 'ap-northeast-3', parameters: JSON.stringify({ FunctionName: 'x', Payload: { taskToken: TOKEN } }) },
  },
  { id: 42, previousEventId: 41, type: 'TaskStarted', timestamp: new Date('2026-11-29T01:20:01Z') },
];

describe('dr-autopilot status and unlock (against a state table: the drill\'s dynalite)', () => {
  beforeAll(async () => {
    local = await startDynalite();
  });
  afterAll(() => local.stop());
  beforeEach(async () => {
    sfn.reset();
    sns.reset();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    // A recovery holds the lock: tier 1 partly recorded.
    const execution = `${EXECUTION}-${++run}`;
    await local.ddb.send(new DeleteCommand({ TableName: local.tableName, Key: { id: 'lock#dataset-platform', sk: 'lock' } }));
    await acquireRecoveryLock(deps(), { plan: 'dataset-platform', executionId: execution, scenario: 'region-outage', cooldownMinutes: 0, ignoreCooldown: true, expiresAt: '2099-01-01T00:00:00.000Z' });
    await recordRunStart(deps(), { incidentId: execution, executionId: execution, plan: 'dataset-platform', scenario: 'region-outage', incidentStartedAt: '2026-11-29T01:00:00.000Z' });
    await recordComponentResult(deps(), {
      incidentId: execution, executionId: execution,
      result: { id: 'authentication', tier: 'tier-1', type: 'ecs-scale', status: 'recovered', startedAt: '2026-11-29T01:30:00.000Z', finishedAt: '2026-11-29T01:40:00.000Z', attempts: 1, polls: 2, lastStatus: null, observations: {}, error: null, verification: [] },
    });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    sfn.reset();
    sns.reset();
  });

  it('status names the holder, its tier and components, and the approval waiting with the commands that answer it', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: HISTORY });
    const { out, io: cli } = io();
    // Act
    const code = await runCli(['status', '--plan', PLAN, ...table()], cli);
    // Assess
    expect(code).toBe(0);
    const holder = `${EXECUTION}-${run}`;
    expect(out).toEqual([
      'plan dataset-platform: the system runs in ap-northeast-1',
      expect.stringMatching(new RegExp(`^lock: held by ${holder} \\(scenario region-outage, since \\S+, expires 2099-01-01T00:00:00.000Z\\)$`)),
      `running: ${holder} is RUNNING`,
      '  current tier: tier-1',
      '  tier-1 authentication: recovered',
      '  waiting: Request Recovery Approval since 2026-11-29T01:20:00.000Z',
      `    dr-autopilot approve --token '${TOKEN}' --region ap-northeast-3 --reason "…"`,
      `    dr-autopilot reject --token '${TOKEN}' --region ap-northeast-3 --reason "…"`,
    ]);
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { executionArn: holder, maxResults: 1000 });
  });

  it('status says a stopped holder\'s lock is stale, and unlock releases it: audited, announced, and the cooldown counts from now', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const holder = `${EXECUTION}-${run}`;
    const status = io();
    await runCli(['status', '--plan', PLAN, ...table()], status.io);
    // Act
    const unlock = io();
    const code = await runCli(['unlock', '--plan', PLAN, ...table(), '--reason', 'execution stopped during the drill', '--by', 'oncall', '--topic', TOPIC], unlock.io);
    // Assess
    expect(status.out).toContain('  the lock\'s holder is ABORTED: its lock is stale; release it with dr-autopilot unlock --plan FILE --reason "…"');
    expect(code).toBe(0);
    expect(unlock.out[0]).toMatch(new RegExp(`^released: the lock of dataset-platform was held by ${holder}; recorded at \\S+$`));
    const lock = await readLock(deps(), 'dataset-platform');
    expect(lock).toMatchObject({ lastOwner: holder, lastOutcome: 'unlocked' });
    expect(lock?.owner).toBeUndefined();
    const audit = await local.ddb.send(new QueryCommand({ TableName: local.tableName, KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': 'unlock#dataset-platform' } }));
    expect(audit.Items?.at(-1)).toMatchObject({ by: 'oncall', reason: 'execution stopped during the drill', previousOwner: holder, previousScenario: 'region-outage' });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { TopicArn: TOPIC, Subject: '[dr-autopilot] Recovery lock of dataset-platform released by oncall' });
    // Released: a status now says the lock is free and names the unlock as the last run's end.
    const after = io();
    await runCli(['status', '--plan', PLAN, ...table(), '--no-sfn'], after.io);
    expect(after.out).toContain('lock: free (no recovery running)');
  });

  it('bad input exits 2 and changes nothing: no table, no topic, a reason too short', async () => {
    // Prepare
    const holder = `${EXECUTION}-${run}`;
    vi.stubEnv('STATE_TABLE_NAME', '');
    vi.stubEnv('INTERNAL_TOPIC_ARN', '');
    const cases: [string[], RegExp][] = [
      [['status', '--plan', PLAN], /^dr-autopilot: --table: name the deployment's state table/],
      [['unlock', '--plan', PLAN, ...table(), '--reason', 'stuck'], /^dr-autopilot: --topic: name the internal SNS topic/],
      [['unlock', '--plan', PLAN, ...table(), '--reason', 'x', '--topic', TOPIC], /^dr-autopilot: --reason: say why the lock is released/],
    ];
    for (const [argv, message] of cases) {
      const { err, io: cli } = io();
      // Act
      const code = await runCli(argv, cli);
      // Assess
      expect(code, argv.join(' ')).toBe(2);
      expect(err[0], argv.join(' ')).toMatch(message);
    }
    expect((await local.ddb.send(new GetCommand({ TableName: local.tableName, Key: { id: 'lock#dataset-platform', sk: 'lock' } }))).Item?.owner).toBe(holder);
    expect(sns).not.toHaveReceivedAnyCommand();
  });
});
