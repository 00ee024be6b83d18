import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseTaskInput } from '../../../shared/run/task-input.ts';
import { acquireLockInput, acquireRecoveryLock, acquireRequestFor, releaseLockInput, releaseRecoveryLock, releaseRequestFor } from '../../../shared/state/lock.ts';
import { stateDocumentClient, type StateDeps } from '../../../shared/state/table.ts';
import { silentLogger } from '../run/fixtures.ts';

// DynamoDB behaviours dynalite does not show: the item attached to ConditionalCheckFailedException
// (ReturnValuesOnConditionCheckFailure ALL_OLD), throttling. One client instance is mocked.
const ddb = stateDocumentClient(new DynamoDBClient({ region: 'ap-northeast-3' }));
const mock = mockClient(ddb);
const NOW = new Date('2026-11-29T01:05:00.000Z');
const deps: StateDeps = { ddb, tableName: 'dr-autopilot-state', now: () => NOW, logger: silentLogger() };
const A = 'arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:run-a';
const B = 'arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:run-b';
const request = { plan: 'dataset-platform', executionId: B, scenario: 'region-outage', cooldownMinutes: 60, expiresAt: '2026-12-01T01:05:00.000Z' };

const conditionFailed = (item?: Record<string, string>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: { httpStatusCode: 400 },
    ...(item ? { Item: Object.fromEntries(Object.entries(item).map(([k, v]) => [k, { S: v }])) } : {}),
  });

describe('recovery lock: DynamoDB answers', () => {
  beforeEach(() => mock.reset());
  afterAll(() => mock.restore());

  it('sends one conditional update asking for the old item on a failed condition', async () => {
    // Prepare
    mock.on(UpdateCommand).resolves({});
    // Act
    await acquireRecoveryLock(deps, request);
    // Assess
    expect(mock).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(mock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'dr-autopilot-state',
      Key: { id: 'lock#dataset-platform', sk: 'lock' },
      UpdateExpression: 'SET #owner = :me, #ownerScenario = :scenario, #acquiredAt = :now, #expiresAt = :expiresAt',
      ConditionExpression:
        '(attribute_not_exists(#owner) OR #owner = :me OR #expiresAt < :now) AND (#owner = :me OR attribute_not_exists(#lastReleasedAt) OR #lastReleasedAt <= :cooledSince)',
      ExpressionAttributeValues: {
        ':me': B,
        ':scenario': 'region-outage',
        ':now': '2026-11-29T01:05:00.000Z',
        ':expiresAt': '2026-12-01T01:05:00.000Z',
        ':cooledSince': '2026-11-29T00:05:00.000Z',
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('explains a refusal from the item DynamoDB attaches to the error, without reading it again', async () => {
    // Prepare
    mock.on(UpdateCommand).rejects(
      conditionFailed({ id: 'lock#dataset-platform', sk: 'lock', owner: A, ownerScenario: 'region-outage', acquiredAt: '2026-11-29T00:50:00.000Z', expiresAt: '2026-12-01T00:50:00.000Z' }),
    );
    // Act
    const refused = acquireRecoveryLock(deps, request);
    // Assess
    await expect(refused).rejects.toMatchObject({ name: 'RecoveryInProgressError', details: { owner: A, since: '2026-11-29T00:50:00.000Z' } });
    expect(mock).not.toHaveReceivedCommand(GetCommand);
  });

  it('reads the lock when the error carries no item, and tries again when it was freed meanwhile', async () => {
    // Prepare
    mock.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({ Attributes: {} });
    mock.on(GetCommand).resolves({ Item: { id: 'lock#dataset-platform', sk: 'lock', lastOwner: A, lastReleasedAt: '2026-11-28T00:00:00.000Z' } });
    // Act
    const out = await acquireRecoveryLock(deps, request);
    // Assess
    expect(out).toEqual({ reentered: false });
    expect(mock).toHaveReceivedCommandTimes(UpdateCommand, 2);
    expect(mock).toHaveReceivedCommandWith(GetCommand, { ConsistentRead: true });
  });

  it('maps throttling to the retryable AwsThrottlingError', async () => {
    mock.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));
    await expect(acquireRecoveryLock(deps, request)).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });
    await expect(releaseRecoveryLock(deps, { plan: 'dataset-platform', executionId: A, outcome: 'failed' })).rejects.toMatchObject({ name: 'AwsThrottlingError' });
  });

  it('answers released false when DynamoDB says another execution holds the lock', async () => {
    mock.on(UpdateCommand).rejects(conditionFailed({ id: 'lock#dataset-platform', sk: 'lock', owner: B }));
    expect(await releaseRecoveryLock(deps, { plan: 'dataset-platform', executionId: A, outcome: 'failed' })).toEqual({ released: false, reason: `not held by ${A}` });
  });
});

describe('lock function inputs', () => {
  const run = { executionId: B, plan: 'dataset-platform', scenario: 'region-outage' };
  // The functions parse their input at the edge (lambdaHandler): the request is made from the parsed input.
  const acquireRequest = (event: unknown) => acquireRequestFor(parseTaskInput(acquireLockInput, event));
  const releaseRequest = async (event: unknown, plan: () => Promise<string>) => releaseRequestFor(parseTaskInput(releaseLockInput, event), plan);

  it('turns acquire-lock input { run, lock } into a lock request', () => {
    expect(acquireRequestFor({ run, lock: { cooldownMinutes: 30, ignoreCooldown: false, expiresAt: '2026-12-01T01:05:00.000Z' } })).toEqual({
      plan: 'dataset-platform',
      executionId: B,
      scenario: 'region-outage',
      cooldownMinutes: 30,
      expiresAt: '2026-12-01T01:05:00.000Z',
      ignoreCooldown: false,
    });
  });

  it('names the bad field of an acquire-lock input', () => {
    expect(() => acquireRequest({ run, lock: { cooldownMinutes: -1, ignoreCooldown: false, expiresAt: '2026-12-01T01:05:00.000Z' } })).toThrow(
      expect.objectContaining({ name: 'InvalidInputError', details: { field: 'lock.cooldownMinutes' } }),
    );
    expect(() => acquireRequest({ run: { ...run, executionId: undefined }, lock: { cooldownMinutes: 0, expiresAt: '2026-12-01T01:05:00.000Z' } })).toThrow(
      expect.objectContaining({ details: { field: 'run.executionId' } }),
    );
  });

  it('reads release-lock input from the state machine and maps final execution statuses to outcomes', async () => {
    const plan = async () => 'dataset-platform';
    expect(await releaseRequestFor({ run, outcome: 'recovered' }, plan)).toEqual({ plan: 'dataset-platform', executionId: B, outcome: 'recovered' });
    const event = (status: string) => ({ source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', detail: { executionArn: A, status } });
    for (const [status, outcome] of [['SUCCEEDED', 'succeeded'], ['FAILED', 'failed'], ['TIMED_OUT', 'timed-out'], ['ABORTED', 'aborted']]) {
      expect(await releaseRequest(event(status!), plan)).toEqual({ plan: 'dataset-platform', executionId: A, outcome });
    }
    expect(await releaseRequest(event('RUNNING'), plan)).toEqual({ ignored: `${A} is RUNNING` });
    expect(await releaseRequest(event('PENDING_REDRIVE'), plan)).toEqual({ ignored: `${A} is PENDING_REDRIVE` });
  });

  it('names the bad field of a release-lock input', async () => {
    const plan = async () => 'dataset-platform';
    await expect(releaseRequest({ run }, plan)).rejects.toMatchObject({ name: 'InvalidInputError', details: { field: 'outcome' } });
    await expect(releaseRequest({ source: 'aws.cloudwatch', 'detail-type': 'Step Functions Execution Status Change', detail: { executionArn: A, status: 'FAILED' } }, plan)).rejects.toMatchObject({
      details: { field: 'source' },
    });
  });
});
