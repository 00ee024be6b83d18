import { readdirSync } from 'node:fs';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53RecoveryClusterClient } from '@aws-sdk/client-route53-recovery-cluster';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunState } from '../../shared/run/types.ts';
import { alarmEvent, componentOf, consoleStart, EXECUTION_ID, EXECUTION_START, exampleRun, recoveredResult, RUNNING_ECS_ACTION } from '../shared/run/fixtures.ts';
import { lambdaContext } from './lambda.ts';

/*
 * Every function parses its input once, at the edge (shared/runtime/lambda.ts lambdaHandler, with the
 * schema beside the code it feeds): an input without a required field is an InvalidInputError naming
 * the field (terminal: the state machine's Catch takes it), before any AWS call, idempotency record or
 * state-table write.
 */

/** Every SDK client a function may build: each instance of each class is mocked, so any command sent is seen. */
const clients = [
  mockClient(AutoScalingClient),
  mockClient(BackupClient),
  mockClient(CloudWatchClient),
  mockClient(DynamoDBClient),
  mockClient(DynamoDBDocumentClient),
  mockClient(ECSClient),
  mockClient(ElastiCacheClient),
  mockClient(LambdaClient),
  mockClient(RDSClient),
  mockClient(Route53Client),
  mockClient(Route53RecoveryClusterClient),
  mockClient(S3Client),
  mockClient(SecretsManagerClient),
  mockClient(SFNClient),
  mockClient(SNSClient),
  mockClient(SSMClient),
];

type Handler = (event: unknown, context: Context) => Promise<unknown>;
const handlers: Record<string, () => Promise<{ handler: unknown }>> = {
  'prepare-run': () => import('../../functions/prepare-run.ts'),
  'acquire-lock': () => import('../../functions/acquire-lock.ts'),
  notify: () => import('../../functions/notify.ts'),
  'request-approval': () => import('../../functions/request-approval.ts'),
  'load-component': () => import('../../functions/load-component.ts'),
  'start-action': () => import('../../functions/start-action.ts'),
  'check-action': () => import('../../functions/check-action.ts'),
  'verify-component': () => import('../../functions/verify-component.ts'),
  'request-confirmation': () => import('../../functions/request-confirmation.ts'),
  'record-component': () => import('../../functions/record-component.ts'),
  'record-tier': () => import('../../functions/record-tier.ts'),
  'verify-system': () => import('../../functions/verify-system.ts'),
  'summarise-run': () => import('../../functions/summarise-run.ts'),
  'release-lock': () => import('../../functions/release-lock.ts'),
  'start-recovery': () => import('../../functions/start-recovery.ts'),
};

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf3h-secret-task-token';
const action = RUNNING_ECS_ACTION;

let state: RunState;

/** `value` without the key at `path` (dot-separated). */
function without(value: Record<string, unknown>, path: string): Record<string, unknown> {
  const [key, ...rest] = path.split('.');
  const copy = { ...value };
  if (rest.length === 0) delete copy[key!];
  else copy[key!] = without(copy[key!] as Record<string, unknown>, rest.join('.'));
  return copy;
}

/** Each function's input as the state machine (or EventBridge) sends it, and the required field the case leaves out. */
const cases: [fn: string, field: string, input: () => Record<string, unknown>][] = [
  ['prepare-run', 'executionId', () => ({ input: consoleStart(), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START })],
  ['prepare-run', 'executionStartedAt', () => ({ input: consoleStart(), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START })],
  ['acquire-lock', 'lock.expiresAt', () => ({ run: state.run, lock: state.lock })],
  ['acquire-lock', 'run.plan', () => ({ run: state.run, lock: state.lock })],
  ['notify', 'stage', () => ({ stage: 'run-started', run: state.run, tiers: state.tiers })],
  ['request-approval', 'taskToken', () => ({ run: state.run, tiers: state.tiers, approval: state.approval, taskToken: TOKEN })],
  ['request-approval', 'run.regions', () => ({ run: state.run, tiers: state.tiers, approval: state.approval, taskToken: TOKEN })],
  ['load-component', 'component.id', () => ({ run: state.run, component: { id: 'authentication', type: 'ecs-scale', tier: 'tier-1' } })],
  ['load-component', 'run.scenario', () => ({ run: state.run, component: { id: 'authentication', type: 'ecs-scale', tier: 'tier-1' } })],
  ['start-action', 'component', () => ({ run: state.run, component: componentOf(state, 'authentication'), retryCount: 0, approval: state.approval })],
  ['start-action', 'component.timeoutSeconds', () => ({ run: state.run, component: componentOf(state, 'authentication'), retryCount: 0, approval: state.approval })],
  ['check-action', 'action', () => ({ run: state.run, component: componentOf(state, 'authentication'), action, approval: state.approval })],
  ['check-action', 'action.deadline', () => ({ run: state.run, component: componentOf(state, 'authentication'), action, approval: state.approval })],
  ['verify-component', 'component', () => ({ run: state.run, component: componentOf(state, 'core-database'), action: { ...action, done: true } })],
  ['request-confirmation', 'taskToken', () => ({ run: state.run, component: componentOf(state, 'documentation-system'), taskToken: TOKEN })],
  ['request-confirmation', 'component.params.instructions', () => ({ run: state.run, component: componentOf(state, 'documentation-system'), taskToken: TOKEN })],
  ['record-component', 'component', () => ({ run: state.run, component: componentOf(state, 'authentication'), action: { ...action, done: true } })],
  ['record-component', 'run.incidentId', () => ({ run: state.run, component: componentOf(state, 'authentication'), action: { ...action, done: true } })],
  ['record-tier', 'tierResults', () => ({ ...state, tierResults: state.tiers[0]!.components.map((c) => recoveredResult(c, '2026-11-29T01:05:00.000Z', '2026-11-29T01:50:00.000Z')) })],
  ['record-tier', 'tierIndex', () => ({ ...state, tierResults: [] })],
  ['verify-system', 'checks', () => ({ run: state.run, checks: state.verification.checks })],
  ['summarise-run', 'results', () => ({ ...state })],
  ['summarise-run', 'run.executionId', () => ({ ...state })],
  ['release-lock', 'outcome', () => ({ run: { executionId: EXECUTION_ID, plan: state.run.plan, scenario: state.run.scenario }, outcome: 'recovered' })],
  [
    'release-lock',
    'detail.executionArn',
    () => ({ source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', detail: { executionArn: EXECUTION_ID, status: 'FAILED' } }),
  ],
  // The starter parses the alarm event itself (an OK change is ignored, not refused): the same rule holds.
  ['start-recovery', 'detail.alarmName', () => alarmEvent() as unknown as Record<string, unknown>],
];

describe('function inputs are parsed once, at the edge', () => {
  beforeAll(async () => {
    state = await exampleRun();
  });
  beforeEach(() => {
    for (const client of clients) client.reset();
    // Everything a function would need to go on: only its input is wrong.
    vi.stubEnv('INTERNAL_TOPIC_ARN', 'arn:aws:sns:ap-northeast-3:123456789012:dr-autopilot-prod-internal');
    vi.stubEnv('STATE_MACHINE_ARN', 'arn:aws:states:ap-northeast-3:123456789012:stateMachine:dr-autopilot-prod-failover');
    // The idempotency record of start-action and check-action would be a DynamoDB write: it must not be made either.
    vi.stubEnv('POWERTOOLS_IDEMPOTENCY_DISABLED', 'false');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(() => {
    for (const client of clients) client.restore();
  });

  it('has a case for every function that reads its input (the scheduled writers and readiness take any event)', () => {
    const functions = readdirSync(new URL('../../functions/', import.meta.url)).map((f) => f.replace(/\.ts$/, ''));
    const readers = functions.filter((f) => !['write-heartbeat', 'write-manifest', 'assess-readiness'].includes(f));
    expect(new Set(cases.map(([fn]) => fn))).toEqual(new Set(readers));
    expect(new Set(Object.keys(handlers))).toEqual(new Set(readers));
  });

  it.each(cases)('%s: an input without %s is InvalidInputError naming it, and no AWS command is sent', async (fn, field, input) => {
    // Prepare
    const { handler } = (await handlers[fn]!()) as { handler: Handler };
    const event = without(input(), field);
    // Act
    const invoking = handler(event, lambdaContext(fn));
    // Assess
    await expect(invoking).rejects.toMatchObject({ name: 'InvalidInputError', retryable: false, details: { field }, message: expect.stringContaining(`${field}:`) });
    for (const client of clients) expect(client).not.toHaveReceivedAnyCommand();
  });

  it('passes the parsed input on: a complete input of the same shape goes through (record-tier)', async () => {
    // Prepare
    const { handler } = (await handlers['record-tier']!()) as { handler: Handler };
    const tierResults = state.tiers[0]!.components.map((c) => recoveredResult(c, '2026-11-29T01:05:00.000Z', '2026-11-29T01:50:00.000Z'));
    // Act
    const next = (await handler({ ...state, current: { run: state.run, tier: state.tiers[0] }, tierResults }, lambdaContext('record-tier'))) as RunState;
    // Assess: the state goes on whole (keys the schema does not list included), without the tier's working fields.
    expect(next).toMatchObject({ tierIndex: 1, status: 'running', lock: state.lock, rpo: state.rpo });
    expect(next).not.toHaveProperty('tierResults');
    expect(next).not.toHaveProperty('current');
  });
});
