import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, ListAlarmMuteRulesCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as startAction } from '../../functions/start-action.ts';
import type { ActionRecord, ComponentTask, RunState } from '../../shared/run/types.ts';
import { acquireRecoveryLock } from '../../shared/state/lock.ts';
import { startDynalite, useStateTable, type LocalDynamo } from '../support/dynalite.ts';
import { alarmEvent, componentOf, exampleRun, REGION_DOWN_ALARM } from '../shared/run/fixtures.ts';
import { awsError, lambdaContext } from './lambda.ts';

const rds = mockClient(RDSClient);
const cloudwatch = mockClient(CloudWatchClient);
const sfn = mockClient(SFNClient);
const context = lambdaContext('start-action');
const REPLICA = 'dataset-db-osaka';
const replica: DBInstance = {
  DBInstanceIdentifier: REPLICA,
  DBInstanceStatus: 'available',
  ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db',
};
const alarm = (state: 'ALARM' | 'OK') => ({ MetricAlarms: [], CompositeAlarms: [{ AlarmName: REGION_DOWN_ALARM, StateValue: state, StateUpdatedTimestamp: new Date('2026-11-29T01:10:00Z') }] });

let local: LocalDynamo;
let state: RunState;
let coreDatabase: ComponentTask;
let runs = 0;

/**
 * The start task's event for a fresh execution (each test has its own idempotency keys). The execution
 * holds the plan's lock, as Acquire Recovery Lock left it, unless `holdsLock` is false.
 */
async function startEvent(holdsLock = true) {
  const run = { ...state.run, executionId: `${state.run.executionId}-${++runs}` };
  if (holdsLock) {
    await local.ddb.send(new DeleteCommand({ TableName: local.tableName, Key: { id: 'lock#dataset-platform', sk: 'lock' } }));
    const deps = { ddb: local.ddb, tableName: local.tableName, now: () => new Date(), logger: new Logger({ logLevel: 'SILENT' }) };
    await acquireRecoveryLock(deps, { plan: run.plan, executionId: run.executionId, scenario: run.scenario, cooldownMinutes: 0, ignoreCooldown: true, expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
  }
  return { run, component: coreDatabase, retryCount: 0 };
}

describe('start-action is idempotent (Powertools idempotency, DynamoDB) across invocations of the same task', () => {
  beforeAll(async () => {
    local = await startDynalite();
    // An alarm-started region outage: unplanned, with the trigger alarm re-read before the promotion.
    state = await exampleRun(alarmEvent(REGION_DOWN_ALARM), '2019-10-02T17:05:00.000Z');
    coreDatabase = componentOf(state, 'core-database');
  });
  afterAll(() => local.stop());
  beforeEach(async () => {
    // Each test is another execution of the plan: the previous one's lock is gone.
    await local.ddb.send(new DeleteCommand({ TableName: local.tableName, Key: { id: 'lock#dataset-platform', sk: 'lock' } }));
    useStateTable(local);
    vi.stubEnv('POWERTOOLS_IDEMPOTENCY_DISABLED', 'false');
    rds.reset();
    cloudwatch.reset();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [replica] });
    // The old primary's region does not answer (the outage).
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'dataset-db' }).rejects(awsError('TimeoutError', 'connect ETIMEDOUT', 0));
    rds.on(PromoteReadReplicaCommand).resolves({ DBInstance: { ...replica, DBInstanceStatus: 'modifying' } });
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    cloudwatch.on(DescribeAlarmsCommand).resolves(alarm('ALARM'));
    cloudwatch.on(ListAlarmMuteRulesCommand).resolves({ AlarmMuteRuleSummaries: [] });
    sfn.reset();
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rds.reset();
    cloudwatch.reset();
  });

  it('runs twice, promotes once: the second invocation returns the first result without calling AWS', async () => {
    // Prepare
    const event = await startEvent();
    // Act: Lambda (or the state machine after a lost response) invokes the same task again.
    const first = (await startAction(event, context)) as ActionRecord;
    const callsAfterFirst = rds.calls().length;
    const second = (await startAction({ ...event, retryCount: 1 }, context)) as ActionRecord;
    // Assess
    expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
    expect(rds).toHaveReceivedCommandWith(PromoteReadReplicaCommand, { DBInstanceIdentifier: REPLICA, BackupRetentionPeriod: 7 });
    expect(rds.calls()).toHaveLength(callsAfterFirst);
    expect(second).toEqual(first);
    expect(first.status).toMatch(/promotion requested/);
  });

  it('a retry after the promotion was accepted is not stopped by the trigger alarm going back to OK meanwhile', async () => {
    // Prepare
    const event = await startEvent();
    await startAction(event, context);
    cloudwatch.on(DescribeAlarmsCommand).resolves(alarm('OK'));
    // Act
    const retried = (await startAction({ ...event, retryCount: 1 }, context)) as ActionRecord;
    // Assess: the stored result stands; the run is not reported aborted for a promotion that happened.
    expect(retried.status).toMatch(/promotion requested/);
    expect(cloudwatch).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 1);
    expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
  });

  it('a failed invocation leaves no record: its retry runs the task (and promotes once)', async () => {
    // Prepare: the first attempt is throttled before the promotion.
    const event = await startEvent();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).rejectsOnce(awsError('Throttling', 'Rate exceeded', 400)).resolves({ DBInstances: [replica] });
    // Act
    await expect(startAction(event, context)).rejects.toMatchObject({ name: 'AwsThrottlingError' });
    const retried = (await startAction({ ...event, retryCount: 1 }, context)) as ActionRecord;
    // Assess
    expect(retried.status).toMatch(/promotion requested/);
    expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
  });

  it('a second invocation while the first still runs fails with the retryable TaskInProgressError and sends nothing', async () => {
    // Prepare: the first invocation's promotion call is slow to answer.
    const event = await startEvent();
    let answer!: () => void;
    rds.on(PromoteReadReplicaCommand).callsFake(() => new Promise((resolve) => (answer = () => resolve({ DBInstance: replica }))));
    const first = startAction(event, context);
    await vi.waitFor(() => expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1));
    // Act
    const second = startAction({ ...event, retryCount: 1 }, context);
    // Assess
    await expect(second).rejects.toMatchObject({ name: 'TaskInProgressError', retryable: true });
    answer();
    await expect(first).resolves.toMatchObject({ status: expect.stringMatching(/promotion requested/) });
    expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
  });

  it('keys records on execution and component: another execution (a resumed run) runs the task, and the action itself finds the promotion done', async () => {
    // Prepare
    await startAction(await startEvent(), context);
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: REPLICA }).resolves({ DBInstances: [{ ...replica, ReadReplicaSourceDBInstanceIdentifier: undefined }] });
    // Act
    const other = (await startAction(await startEvent(), context)) as ActionRecord;
    // Assess
    expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);
    expect(other.done).toBe(true);
  });

  it('sends no one-way command while another execution holds the plan\'s lock (e.g. this one was redriven after its lock was released)', async () => {
    // Prepare: another recovery of the plan took the lock.
    const other = await startEvent();
    await startAction(other, context);
    rds.resetHistory();
    // Act
    const redriven = startAction(await startEvent(false), context);
    // Assess: it neither sends the step nor takes the lock.
    await expect(redriven).rejects.toMatchObject({ name: 'ExecutionNotCurrentError', message: expect.stringContaining(`execution ${other.run.executionId} holds it`) });
    expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
  });

  it('sends no one-way command once its own execution was stopped: the lock released, and never taken again', async () => {
    // Prepare: the status-change rule released the lock of the stopped execution; its start was already running.
    const event = await startEvent();
    await local.ddb.send(new DeleteCommand({ TableName: local.tableName, Key: { id: 'lock#dataset-platform', sk: 'lock' } }));
    // Act
    const inFlight = startAction(event, context);
    // Assess
    await expect(inFlight).rejects.toMatchObject({ name: 'ExecutionNotCurrentError', message: expect.stringContaining('no longer holds the recovery lock of plan "dataset-platform": it was released') });
    expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    const lock = await local.ddb.send(new GetCommand({ TableName: local.tableName, Key: { id: 'lock#dataset-platform', sk: 'lock' } }));
    expect(lock.Item?.owner).toBeUndefined();
  });

  it('sends no one-way command when its execution is no longer RUNNING, though it still holds the lock', async () => {
    // Prepare: stopped, the release not yet done.
    const event = await startEvent();
    sfn.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });
    // Act
    const inFlight = startAction(event, context);
    // Assess
    await expect(inFlight).rejects.toMatchObject({ name: 'ExecutionNotCurrentError', message: `execution ${event.run.executionId} is ABORTED, not RUNNING: the one-way step is not sent` });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: event.run.executionId });
    expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
  });
});
