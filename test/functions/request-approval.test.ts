import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/request-approval.ts';
import type { ApprovalRequest } from '../../shared/run/approval.ts';
import type { RunState } from '../../shared/run/types.ts';
import { compiledExamplePlan, consoleStart, exampleRun } from '../shared/run/fixtures.ts';
import { lambdaContext, withLogs } from './lambda.ts';

const sns = mockClient(SNSClient);
const cloudwatch = mockClient(CloudWatchClient);
const context = lambdaContext('request-approval');
const TOPIC = 'arn:aws:sns:ap-northeast-3:123456789012:dr-autopilot-prod-internal';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf3h-secret-approval-token';

let state: RunState;
/** The example plan, compiled: the packaged plan PLAN_FILE points at. */
let packaged: { file: string; remove(): void };
/** The state machine's payload: `$.run`, `$.tiers`, `$.approval` and `$$.Task.Token`. */
const event = (over: Partial<ApprovalRequest> = {}): ApprovalRequest => ({
  run: state.run,
  tiers: state.tiers,
  approval: { required: true, tierIndex: 0, timeoutSeconds: 1800, oneWayComponents: ['core-database'], decision: null, error: null },
  taskToken: TOKEN,
  ...over,
});

describe('functions/request-approval', () => {
  beforeAll(async () => {
    state = await exampleRun(consoleStart({ mode: 'unplanned' }));
    packaged = await compiledExamplePlan();
  });
  afterAll(() => {
    packaged?.remove();
  });
  beforeEach(() => {
    sns.reset();
    cloudwatch.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'msg-42' });
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'replicaLag', Timestamps: [new Date()], Values: [7] }] });
    process.env.INTERNAL_TOPIC_ARN = TOPIC;
    process.env.PLAN_FILE = packaged.file;
  });
  afterEach(() => {
    delete process.env.INTERNAL_TOPIC_ARN;
    delete process.env.PLAN_FILE;
    sns.reset();
    cloudwatch.reset();
  });

  it('publishes the request with its token and the lag read in the secondary region to INTERNAL_TOPIC_ARN', async () => {
    // Act
    const out = await handler(event(), context);
    // Assess
    expect(out).toEqual({ messageId: 'msg-42', dataAtRisk: [{ component: 'core-database', type: 'rds-replica-promotion', replicaLagSeconds: 7, note: null }] });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: '[dr-autopilot] Approval needed: region-outage failover of dataset-platform',
      Message: expect.stringContaining(`npx dr-autopilot approve --region ap-northeast-3 --token '${TOKEN}'`),
      MessageAttributes: {
        audience: { DataType: 'String', StringValue: 'internal' },
        stage: { DataType: 'String', StringValue: 'approval-needed' },
        scenario: { DataType: 'String', StringValue: 'region-outage' },
        severity: { DataType: 'String', StringValue: 'critical' },
      },
    });
    // The RPO target comes from the packaged plan (PLAN_FILE).
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message).toContain('replica lag 7 s now; writes from about the last 7 s may be lost [RPO target 15 min, class transaction]');
    expect(await cloudwatch.call(0).thisValue.config.region()).toBe('ap-northeast-3');
  });

  it('fails without publishing when the packaged plan cannot be read: the one-way steps are described from it', async () => {
    process.env.PLAN_FILE = '/nonexistent/plan.yml';
    await expect(handler(event(), context)).rejects.toMatchObject({ name: 'PlanValidationError' });
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('fails without publishing when the packaged plan is another plan than the run\'s', async () => {
    const other = event();
    await expect(handler({ ...other, run: { ...other.run, plan: 'another-plan' } }, context)).rejects.toMatchObject({
      name: 'PlanValidationError', message: expect.stringContaining('the packaged plan is "dataset-platform", the run\'s is "another-plan"'),
    });
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('fails without publishing when INTERNAL_TOPIC_ARN is not set', async () => {
    delete process.env.INTERNAL_TOPIC_ARN;
    await expect(handler(event(), context)).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining('INTERNAL_TOPIC_ARN') });
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('fails with InvalidInputError naming taskToken when the token is missing, publishing nothing', async () => {
    await expect(handler(event({ taskToken: '' }), context)).rejects.toMatchObject({ name: 'InvalidInputError', details: { field: 'taskToken' } });
    expect(sns).not.toHaveReceivedAnyCommand();
    expect(cloudwatch).not.toHaveReceivedAnyCommand();
  });

  it('passes the attempt ($$.State.RetryCount) on: a retried request says it replaces the earlier one, whose token no longer answers', async () => {
    // Act
    await handler(event({ attempt: 1 }), context);
    // Assess
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message).toMatch(
      /^REPLACES AN EARLIER REQUEST \(attempt 2\): this approval request replaces any earlier approval request for the same step; the earlier token no longer answers \(Step Functions accepts only this request's token\)\. Answer with the commands below\.\n\nApproval needed before /,
    );
  });

  it('logs the message id, the attempt and the lag numbers, never the task token, even with POWERTOOLS_LOGGER_LOG_EVENT=true', async () => {
    const logs = await withLogs({ POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_LOGGER_LOG_EVENT: 'true' }, () => import('../../functions/request-approval.ts'));
    try {
      await logs.module.handler(event(), context);
      const records = logs.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(records).toEqual([
        expect.objectContaining({
          message: 'Approval requested',
          messageId: 'msg-42',
          attempt: 0,
          tier: 'tier-1',
          timeoutSeconds: 1800,
          dataAtRisk: [{ component: 'core-database', replicaLagSeconds: 7, note: null }],
          scenario: 'region-outage',
        }),
      ]);
      expect(logs.lines().join('\n')).not.toContain(TOKEN);
    } finally {
      logs.restore();
    }
  });
});
