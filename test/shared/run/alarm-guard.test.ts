import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient, DescribeAlarmsCommand, ListAlarmMuteRulesCommand, type CompositeAlarm } from '@aws-sdk/client-cloudwatch';
import { DescribeDBInstancesCommand, PromoteReadReplicaCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../shared/aws/clients.ts';
import { oneWayTypes } from '../../../shared/components/load.ts';
import { loadPlanFile } from '../../../shared/plan/load.ts';
import { assertTriggerStillAlarming } from '../../../shared/run/alarm-guard.ts';
import { startComponent } from '../../../shared/run/component.ts';
import { componentTask } from '../../../shared/run/component-task.ts';
import { prepareRun } from '../../../shared/run/prepare.ts';
import { summariseRun, recordTier } from '../../../shared/run/tiers.ts';
import type { ComponentResult } from '../../../shared/run/types.ts';

const cloudwatch = mockClient(CloudWatchClient);
const rds = mockClient(RDSClient);
const ecs = mockClient(ECSClient);
const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const ALARM = 'dataset-platform-tokyo-region-down';
const composite = (StateValue: CompositeAlarm['StateValue']): CompositeAlarm => ({
  AlarmName: ALARM,
  StateValue,
  StateUpdatedTimestamp: new Date('2026-11-29T01:04:00Z'),
});

describe('anti-flapping: the trigger alarm is re-read before a one-way step', () => {
  beforeEach(() => {
    cloudwatch.reset();
    rds.reset();
    cloudwatch.on(ListAlarmMuteRulesCommand).resolves({ AlarmMuteRuleSummaries: [] });
  });
  afterEach(() => {
    cloudwatch.reset();
    rds.reset();
    ecs.reset();
  });

  it('stops with RecoveryAbortedError when the alarm is back to OK, reading composite and metric alarms', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [composite('OK')], MetricAlarms: [] });
    await expect(assertTriggerStillAlarming(new CloudWatchClient({ region: 'ap-northeast-3' }), ALARM, 'core-database', logger)).rejects.toMatchObject({
      name: 'RecoveryAbortedError',
      message: `trigger alarm ${ALARM} is back to OK (since 2026-11-29T01:04:00.000Z): stopped before core-database`,
    });
    expect(cloudwatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: [ALARM], AlarmTypes: ['CompositeAlarm', 'MetricAlarm'] });
  });

  it('treats a suppressed composite alarm (any ActionsSuppressedBy) like OK: stops before the step', async () => {
    for (const by of ['Alarm', 'ExtensionPeriod', 'WaitPeriod'] as const) {
      // Prepare: the suppressor alarm (the maintenance window) holds the trigger's actions back.
      cloudwatch.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [{ ...composite('ALARM'), ActionsSuppressedBy: by, ActionsSuppressor: 'dataset-platform-maintenance-window' }] });
      // Act, Assess
      await expect(assertTriggerStillAlarming(new CloudWatchClient({ region: 'ap-northeast-3' }), ALARM, 'core-database', logger)).rejects.toMatchObject({
        name: 'RecoveryAbortedError',
        message: `trigger alarm ${ALARM}'s actions are suppressed (${by} by suppressor alarm dataset-platform-maintenance-window): a maintenance window: stopped before core-database`,
      });
    }
  });

  it('treats an alarm muted by an active alarm mute rule like OK, asking CloudWatch for the alarm\'s ACTIVE rules', async () => {
    // Prepare
    const rule = 'arn:aws:cloudwatch:ap-northeast-3:123456789012:alarm-mute-rule:dataset-platform-monthly-patching';
    cloudwatch.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [composite('ALARM')] });
    cloudwatch.on(ListAlarmMuteRulesCommand).resolves({ AlarmMuteRuleSummaries: [{ AlarmMuteRuleArn: rule, Status: 'ACTIVE', MuteType: 'ONE_TIME' }] });
    // Act, Assess
    await expect(assertTriggerStillAlarming(new CloudWatchClient({ region: 'ap-northeast-3' }), ALARM, 'core-database', logger)).rejects.toMatchObject({
      name: 'RecoveryAbortedError',
      message: `trigger alarm ${ALARM} is muted by alarm mute rule ${rule}: stopped before core-database`,
    });
    expect(cloudwatch).toHaveReceivedCommandWith(ListAlarmMuteRulesCommand, { AlarmName: ALARM, Statuses: ['ACTIVE'] });
  });

  it('goes on while the alarm is in ALARM or INSUFFICIENT_DATA, or cannot be found', async () => {
    const client = new CloudWatchClient({ region: 'ap-northeast-3' });
    for (const state of ['ALARM', 'INSUFFICIENT_DATA'] as const) {
      cloudwatch.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [composite(state)] });
      await expect(assertTriggerStillAlarming(client, ALARM, 'x', logger)).resolves.toBeUndefined();
    }
    cloudwatch.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [], MetricAlarms: [] });
    await expect(assertTriggerStillAlarming(client, ALARM, 'x', logger)).resolves.toBeUndefined();
  });

  it('guards only one-way steps of alarm-started runs, and the run ends aborted', async () => {
    // Prepare: an alarm-started region-outage run, alarm back to OK.
    const plan = await loadPlanFile(new URL('../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
    const state = prepareRun(plan, {
      input: { trigger: 'alarm', alarmName: ALARM, alarmArn: `arn:aws:cloudwatch:ap-northeast-3:123456789012:alarm:${ALARM}`, stateChangedAt: '2026-11-29T01:00:00Z' },
      executionId: 'arn:aws:states:ap-northeast-3:123456789012:execution:sm:x',
      executionStartedAt: '2026-11-29T01:00:05Z',
    }, undefined, await oneWayTypes(plan.components.map((c) => c.type)));
    const db = componentTask(plan, state.run.scenario, 'core-database');
    cloudwatch.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [composite('OK')] });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'dataset-db' }).resolves({ DBInstances: [{ DBInstanceIdentifier: 'dataset-db', DBInstanceStatus: 'stopped' }] });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'dataset-db-osaka' }).resolves({ DBInstances: [{ DBInstanceIdentifier: 'dataset-db-osaka', DBInstanceStatus: 'available', ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db' }] });
    const deps = { clients: createAwsClients(), logger, now: () => new Date('2026-11-29T01:05:00Z') };
    // Act
    const attempt = startComponent(deps, { run: state.run, component: db });
    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'RecoveryAbortedError' });
    expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
    expect(await cloudwatch.call(0).thisValue.config.region()).toBe('ap-northeast-3');

    // A console-started run is the operator's decision: no re-read.
    cloudwatch.reset();
    cloudwatch.on(ListAlarmMuteRulesCommand).resolves({ AlarmMuteRuleSummaries: [] });
    const consoleRun = { ...state.run, trigger: { kind: 'console' as const, by: 'oncall', reason: 'drill' } };
    rds.on(PromoteReadReplicaCommand).resolves({});
    await startComponent(deps, { run: consoleRun, component: db });
    expect(cloudwatch).not.toHaveReceivedCommand(DescribeAlarmsCommand);
    expect(rds).toHaveReceivedCommandTimes(PromoteReadReplicaCommand, 1);

    // The summary of a run stopped this way is "aborted".
    const results: ComponentResult[] = state.tiers[0]!.components.map((c) => ({
      id: c.id, tier: 'tier-1', type: c.type, status: c.id === 'core-database' ? 'failed' : 'recovered',
      startedAt: '2026-11-29T01:00:05Z', finishedAt: '2026-11-29T01:05:00Z', attempts: 1, polls: 0, lastStatus: null, observations: {},
      error: c.id === 'core-database' ? { name: 'RecoveryAbortedError', message: 'trigger alarm back to OK' } : null, verification: [],
    }));
    const summary = summariseRun(recordTier(state, results), new Date('2026-11-29T01:05:00Z'));
    expect(summary.outcome).toBe('aborted');
    expect(summary.reason).toContain('RecoveryAbortedError');
  });

  it('re-reads the trigger before any step of a tier that holds a one-way step: its reversible steps stop too', async () => {
    // Prepare: an alarm-started region outage whose alarm went back to OK; authentication (ECS) shares tier 1 with the promotion.
    const plan = await loadPlanFile(new URL('../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
    const state = prepareRun(plan, {
      input: { trigger: 'alarm', alarmName: ALARM, alarmArn: `arn:aws:cloudwatch:ap-northeast-3:123456789012:alarm:${ALARM}`, stateChangedAt: '2026-11-29T01:00:00Z' },
      executionId: 'arn:aws:states:ap-northeast-3:123456789012:execution:sm:y',
      executionStartedAt: '2026-11-29T01:00:05Z',
    }, undefined, await oneWayTypes(plan.components.map((c) => c.type)));
    const auth = { ...componentTask(plan, state.run.scenario, 'authentication'), oneWayTier: true };
    cloudwatch.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [composite('OK')] });
    ecs.on(UpdateServiceCommand).resolves({});
    const deps = { clients: createAwsClients(), logger, now: () => new Date('2026-11-29T01:05:00Z') };
    // Act
    const attempt = startComponent(deps, { run: state.run, component: auth });
    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'RecoveryAbortedError',
      message: `trigger alarm ${ALARM} is back to OK (since 2026-11-29T01:04:00.000Z): stopped before the start of authentication (ecs-scale) in tier tier-1, which holds a one-way step`,
    });
    expect(ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
    // In a tier without a one-way step the reversible step goes ahead (the alarm is read before one-way commands only).
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceName: 'auth', status: 'ACTIVE', desiredCount: 0, runningCount: 0, deployments: [] }] });
    await startComponent(deps, { run: state.run, component: { ...auth, oneWayTier: false } }).catch(() => undefined);
    expect(ecs).toHaveReceivedCommand(UpdateServiceCommand);
  });
});
