import { Logger } from '@aws-lambda-powertools/logger';
import { oneWayTypes } from '../../../shared/components/load.ts';
import { loadPlanFile } from '../../../shared/plan/load.ts';
import type { Plan } from '../../../shared/plan/schema.ts';
import { componentTask } from '../../../shared/run/component-task.ts';
import { prepareRun } from '../../../shared/run/prepare.ts';
import type { ActionRecord, ComponentRef, ComponentResult, ComponentTask, RunState } from '../../../shared/run/types.ts';
import { writeTempCompiledPlan } from '../../../shared/tools/deploy/compiled-plan.ts';

export const EXAMPLE_PLAN_FILE = new URL('../../../examples/dataset-platform.plan.yml', import.meta.url).pathname;
export const EXECUTION_ID = 'arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:run-1';
export const EXECUTION_START = '2026-11-29T01:05:00.000Z';

/** Trigger alarms of the example plan (examples/dataset-platform.plan.yml). */
export const REGION_DOWN_ALARM = 'dataset-platform-tokyo-region-down';
export const CORE_DB_ALARM = 'dataset-platform-core-db-down';

export const silentLogger = () => new Logger({ serviceName: 'dr-autopilot-test', logLevel: 'SILENT' });

/** The example plan, as last loaded (componentOf reads the definitions from it, as Load Component Definition does). */
let examplePlan: Plan | undefined;

export async function loadExamplePlan(): Promise<Plan> {
  examplePlan = await loadPlanFile(EXAMPLE_PLAN_FILE);
  return examplePlan;
}

/**
 * The example plan compiled as packaging compiles it, in a temp folder of its own: what PLAN_FILE
 * points at for the functions (they read only compiled plans). Call `remove()` in afterAll.
 */
export async function compiledExamplePlan(): Promise<{ file: string; remove(): void }> {
  return writeTempCompiledPlan(await loadExamplePlan(), EXAMPLE_PLAN_FILE);
}

/** The plan's one-way component types, loaded as the prepare-run handler loads them for prepareRun. */
export function oneWayTypesOf(plan: Plan): Promise<Set<string>> {
  return oneWayTypes(plan.components.map((c) => c.type));
}

export const consoleStart = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  scenario: 'region-outage',
  mode: 'planned',
  reason: 'Tokyo unavailable since 09:40 JST',
  requestedBy: 'oncall@example.com',
  ...over,
});

const rename = <T>(event: T, from: string, to: string): T => JSON.parse(JSON.stringify(event).replaceAll(from, to)) as T;

/** AWS's sample, verbatim: a metric alarm going to ALARM (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html). */
const METRIC_ALARM_EVENT = {
  version: '0',
  id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: '123456789012',
  time: '2019-10-02T17:04:40Z',
  region: 'us-east-1',
  resources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh'],
  detail: {
    alarmName: 'ServerCpuTooHigh',
    configuration: {
      description: 'Goes into alarm when server CPU utilization is too high!',
      metrics: [
        {
          id: '30b6c6b2-a864-43a2-4877-c09a1afc3b87',
          metricStat: {
            metric: { dimensions: { InstanceId: 'i-12345678901234567' }, name: 'CPUUtilization', namespace: 'AWS/EC2' },
            period: 300,
            stat: 'Average',
          },
          returnData: true,
        },
      ],
    },
    previousState: {
      reason:
        'Threshold Crossed: 1 out of the last 1 datapoints [0.0666851903306472 (01/10/19 13:46:00)] was not greater than the threshold (50.0) (minimum 1 datapoint for ALARM -> OK transition).',
      reasonData:
        '{"version":"1.0","queryDate":"2019-10-01T13:56:40.985+0000","startDate":"2019-10-01T13:46:00.000+0000","statistic":"Average","period":300,"recentDatapoints":[0.0666851903306472],"threshold":50.0}',
      timestamp: '2019-10-01T13:56:40.987+0000',
      value: 'OK',
    },
    state: {
      reason:
        'Threshold Crossed: 1 out of the last 1 datapoints [99.50160229693434 (02/10/19 16:59:00)] was greater than the threshold (50.0) (minimum 1 datapoint for OK -> ALARM transition).',
      reasonData:
        '{"version":"1.0","queryDate":"2019-10-02T17:04:40.985+0000","startDate":"2019-10-02T16:59:00.000+0000","statistic":"Average","period":300,"recentDatapoints":[99.50160229693434],"threshold":50.0}',
      timestamp: '2019-10-02T17:04:40.989+0000',
      value: 'ALARM',
    },
    muteDetail: {
      mutedByArn: 'arn:aws:cloudwatch:us-east-1:1234567890:alarm-mute-rule:testMute',
      muteWindowStart: '2026-01-01T10:00:00.000+0000',
      muteWindowEnd: '2026-01-01T12:00:00.000+0000',
    },
  },
};

/** Constructed (AWS publishes no OK sample): the same alarm going to OK, METRIC_ALARM_EVENT's state and previousState swapped. */
const METRIC_OK_EVENT = {
  ...METRIC_ALARM_EVENT,
  time: '2019-10-01T13:56:40Z',
  detail: { ...METRIC_ALARM_EVENT.detail, state: METRIC_ALARM_EVENT.detail.previousState, previousState: METRIC_ALARM_EVENT.detail.state },
};

/** A real event captured in a public repository (not an AWS documentation sample): going to INSUFFICIENT_DATA. */
const INSUFFICIENT_DATA_EVENT = {
  version: '0',
  id: 'e9d699ea-fdce-a44e-874c-2d6b9db7453f',
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: 'XXXXXXX',
  time: '2021-10-14T14:49:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:cloudwatch:us-east-1:XXXXXXX:alarm:BillingAlarm'],
  detail: {
    alarmName: 'BillingAlarm',
    state: {
      value: 'INSUFFICIENT_DATA',
      reason: 'Insufficient Data: 5 datapoints were unknown.',
      reasonData:
        '{"version":"1.0","queryDate":"2021-10-14T14:49:54.786+0000","statistic":"Maximum","period":300,"recentDatapoints":[],"threshold":10.0,"evaluatedDatapoints":[{"timestamp":"2021-10-14T14:49:00.000+0000"},{"timestamp":"2021-10-14T14:44:00.000+0000"},{"timestamp":"2021-10-14T14:39:00.000+0000"},{"timestamp":"2021-10-14T14:34:00.000+0000"},{"timestamp":"2021-10-14T14:29:00.000+0000"}]}',
      timestamp: '2021-10-14T14:49:54.788+0000',
    },
    previousState: { value: 'ALARM', reason: 'testing only', timestamp: '2021-10-14T14:48:21.435+0000' },
    configuration: {
      metrics: [
        {
          id: '40be3f90-7c18-c5ad-9a30-e2303f60cfe4',
          metricStat: { metric: { namespace: 'AWS/Billing', name: 'EstimatedCharges', dimensions: {} }, period: 300, stat: 'Maximum' },
          returnData: true,
        },
      ],
    },
  },
};

/** AWS's sample, verbatim (same page as METRIC_ALARM_EVENT): a composite alarm (with a suppressor) going to ALARM. */
const COMPOSITE_ALARM_EVENT = {
  version: '0',
  id: 'd3dfc86d-384d-24c8-0345-9f7986db0b80',
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: '123456789012',
  time: '2022-07-22T15:57:45Z',
  region: 'us-east-1',
  resources: ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServiceAggregatedAlarm'],
  detail: {
    alarmName: 'ServiceAggregatedAlarm',
    state: {
      actionsSuppressedBy: 'WaitPeriod',
      actionsSuppressedReason: 'Actions suppressed by WaitPeriod',
      value: 'ALARM',
      reason:
        'arn:aws:cloudwatch:us-east-1:123456789012:alarm:SuppressionDemo.EventBridge.FirstChild transitioned to ALARM at Friday 22 July, 2022 15:57:45 UTC',
      reasonData:
        '{"triggeringAlarms":[{"arn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh","state":{"value":"ALARM","timestamp":"2022-07-22T15:57:45.394+0000"}}]}',
      timestamp: '2022-07-22T15:57:45.394+0000',
    },
    previousState: {
      value: 'OK',
      reason: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:SuppressionDemo.EventBridge.Main was created and its alarm rule evaluates to OK',
      reasonData:
        '{"triggeringAlarms":[{"arn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:TotalNetworkTrafficTooHigh","state":{"value":"OK","timestamp":"2022-07-14T16:28:57.770+0000"}},{"arn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh","state":{"value":"OK","timestamp":"2022-07-14T16:28:54.191+0000"}}]}',
      timestamp: '2022-07-22T15:56:14.552+0000',
    },
    configuration: {
      alarmRule: 'ALARM(ServerCpuTooHigh) OR ALARM(TotalNetworkTrafficTooHigh)',
      actionsSuppressor: 'ServiceMaintenanceAlarm',
      actionsSuppressorWaitPeriod: 120,
      actionsSuppressorExtensionPeriod: 180,
    },
    muteDetail: {
      mutedByArn: 'arn:aws:cloudwatch:us-east-1:1234567890:alarm-mute-rule:testMute',
      muteWindowStart: '2026-01-01T10:00:00.000+0000',
      muteWindowEnd: '2026-01-01T12:00:00.000+0000',
    },
  },
};

/** The reference events with the alarm renamed (in detail.alarmName and the resources ARN). */
export const alarmEvent = (name = CORE_DB_ALARM) => rename(METRIC_ALARM_EVENT, 'ServerCpuTooHigh', name);
export const okEvent = (name = CORE_DB_ALARM) => rename(METRIC_OK_EVENT, 'ServerCpuTooHigh', name);
export const insufficientDataEvent = (name = CORE_DB_ALARM) => rename(INSUFFICIENT_DATA_EVENT, 'BillingAlarm', name);
// The composite's own name is renamed; its child alarms (ServerCpuTooHigh…) stay as AWS wrote them.
export const compositeAlarmEvent = (name = REGION_DOWN_ALARM) => rename(COMPOSITE_ALARM_EVENT, 'ServiceAggregatedAlarm', name);

/** The example plan's run for `input`, prepared as the first state does. */
export async function exampleRun(input: unknown = consoleStart(), executionStartedAt = EXECUTION_START): Promise<RunState> {
  const plan = await loadExamplePlan();
  return prepareRun(plan, { input, executionId: EXECUTION_ID, executionStartedAt }, undefined, await oneWayTypesOf(plan));
}

/** A component of the example plan as its branch works on it (tier, timeoutSeconds): Load Component Definition's output. */
export function componentOf(state: RunState, id: string): ComponentTask {
  const found = state.tiers.flatMap((t) => t.components).find((c) => c.id === id);
  if (!found) throw new Error(`component ${id} is not in the run`);
  if (!examplePlan) throw new Error('componentOf: prepare the run with exampleRun first');
  return componentTask(examplePlan, state.run.scenario, id);
}

/** The components of tier `index` as the run names them, with their tier. */
export const tierComponents = (state: RunState, index: number): (ComponentRef & { tier: string })[] =>
  state.tiers[index]!.components.map((c) => ({ ...c, tier: state.tiers[index]!.id }));

/** A component's tier: its own, or the example plan's tier that lists it. */
function tierOf(component: ComponentRef & { tier?: string }): string {
  const tier = component.tier ?? examplePlan?.tiers.find((t) => t.components.includes(component.id))?.id;
  if (tier === undefined) throw new Error(`component ${component.id}: no tier (prepare the run with exampleRun first)`);
  return tier;
}

export function recoveredResult(component: ComponentRef & { tier?: string }, startedAt: string, finishedAt: string): ComponentResult {
  return {
    id: component.id,
    tier: tierOf(component),
    type: component.type,
    status: 'recovered',
    startedAt,
    finishedAt,
    attempts: 1,
    polls: 1,
    lastStatus: 'done',
    observations: {},
    error: null,
    verification: [],
  };
}

export function failedResult(component: ComponentRef & { tier?: string }, startedAt: string, finishedAt: string, error: { name: string; message: string }): ComponentResult {
  return { ...recoveredResult(component, startedAt, finishedAt), status: 'failed', error };
}

/** The example's authentication service (ecs-scale) a minute after its start: scaling, not done. */
export const RUNNING_ECS_ACTION: ActionRecord = {
  startedAt: '2026-11-29T01:06:00.000Z',
  deadline: '2026-11-29T01:36:00.000Z',
  done: false,
  nextCheckSeconds: 120,
  status: 'running 0/3, 1 deployment(s)',
  state: {},
  observations: {},
  attempts: 1,
  polls: 0,
  awaitingConfirmation: false,
};
