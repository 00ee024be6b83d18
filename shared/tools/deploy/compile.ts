import path from 'node:path';
import type { Plan } from '../../plan/schema.ts';
import { iamContext } from './arn.ts';
import { COMPILED_PLAN_PATH, compilePlan, writeCompiledPlan } from './compiled-plan.ts';
import { stateMachineDefinition } from './definition.ts';
import { deploymentRoles, type RoleResource } from './roles.ts';
import { testScheduleEvents, type ScheduleEvent } from './test-schedules.ts';

/**
 * The longest resource name serverless.yml builds from the stack name: the function
 * `<stack name>-request-confirmation`. AWS Lambda allows 64 characters in a function name, so the stack
 * name (dr-autopilot-<plan>-<stage>) may have 64 minus this suffix's length.
 */
export const LONGEST_NAME_SUFFIX = '-request-confirmation';
export const MAX_FUNCTION_NAME_CHARS = 64;

/**
 * What serverless.yml reads as ${self:custom.plan.KEY}: scripts/serverless-plan.cjs exports these plus
 * `stackName` (`<service>-<stage>`, which it checks against maxStackNameChars).
 */
export interface DeploymentValues {
  /**
   * The service: `dr-autopilot-<plan name>`. The stack, and every resource name in it, is
   * `<service>-<stage>`: two plans deploy side by side at the same stage.
   */
  service: string;
  /** The longest stack name whose resource names AWS accepts (MAX_FUNCTION_NAME_CHARS minus LONGEST_NAME_SUFFIX). */
  maxStackNameChars: number;
  longestNameSuffix: string;
  /** One schedule per writer for all databases: the shortest interval any of them asks for (EventBridge: at least a minute). */
  heartbeatSchedule: string;
  manifestSchedule: string;
  /** Lambda vpc settings for the functions that connect to databases (null when the plan names none). */
  databaseVpc: { subnetIds: string[]; securityGroupIds: string[] } | null;
  /** The compiled plan, relative to the service root: packaged with the functions that read it, and their PLAN_FILE. */
  planFile: string;
  /** The plan file it was compiled from (DR_PLAN_FILE). */
  planSource: string;
  planName: string;
  secondaryRegion: string;
  triggerAlarms: string[];
  /**
   * Which of serverless.yml's custom.triggerEvents start-recovery gets: `alarms` (the rule on the trigger
   * alarms going to ALARM) or `none` (a console-only plan: EventBridge refuses a pattern that lists no
   * alarm, so there is no rule).
   */
  trigger: 'alarms' | 'none';
  definition: Record<string, unknown>;
  roles: Record<string, RoleResource>;
  /** The test programme's schedules, as the state machine's events (test-schedules.ts). */
  testSchedules: ScheduleEvent[];
  /** assess-readiness's schedule (the plan's readiness.intervalMinutes) and its alarm's period in seconds (the same interval). */
  readinessSchedule: string;
  readinessAlarmPeriod: number;
}

export interface DeployOptions {
  /** The service root (where serverless.yml and statemachines/ are). */
  root: string;
  /** DR_SLACK_WEBHOOK_SECRET_ARN. */
  slackWebhookSecretArn?: string | undefined;
  /** DR_TEST_SCHEDULES=on: deploy the test programme's schedules enabled (default: disabled). */
  testSchedulesEnabled?: boolean;
  /** Where compileDeployment writes the compiled plan (default: COMPILED_PLAN_PATH under the root). */
  compiledPlanOut?: string;
}

const rate = (minutes: number) => (minutes === 1 ? 'rate(1 minute)' : `rate(${minutes} minutes)`);

/** The deployment of a validated plan: region, schedules, trigger alarms, state machine and one least-privilege role per function. */
export function deploymentValues(plan: Plan, planSource: string, options: DeployOptions): DeploymentValues {
  const ctx = iamContext(plan.regions);
  const databases = plan.components.flatMap((c) => (c.database ? [c.database] : []));
  const triggerAlarms = [...new Set(plan.scenarios.flatMap((s) => s.triggers.alarms))];
  return {
    service: `dr-autopilot-${plan.name}`,
    maxStackNameChars: MAX_FUNCTION_NAME_CHARS - LONGEST_NAME_SUFFIX.length,
    longestNameSuffix: LONGEST_NAME_SUFFIX,
    heartbeatSchedule: rate(Math.max(1, Math.floor(Math.min(60, ...databases.map((d) => d.heartbeatIntervalSeconds / 60))))),
    manifestSchedule: rate(Math.max(1, Math.min(60, ...databases.map((d) => d.manifestIntervalMinutes)))),
    databaseVpc: plan.databaseAccess ? { subnetIds: plan.databaseAccess.subnetIds, securityGroupIds: plan.databaseAccess.securityGroupIds } : null,
    planFile: COMPILED_PLAN_PATH,
    planSource,
    planName: plan.name,
    secondaryRegion: plan.regions.secondary,
    triggerAlarms,
    trigger: triggerAlarms.length > 0 ? 'alarms' : 'none',
    definition: stateMachineDefinition(options.root),
    roles: deploymentRoles(plan, ctx, { slackWebhookSecretArn: options.slackWebhookSecretArn }),
    testSchedules: testScheduleEvents(plan, options.testSchedulesEnabled === true),
    readinessSchedule: rate(plan.readiness.intervalMinutes),
    readinessAlarmPeriod: plan.readiness.intervalMinutes * 60,
  };
}

/**
 * The package-time step: validates `planSource` (relative to the root), writes the compiled plan the
 * functions read to COMPILED_PLAN_PATH and returns what serverless.yml reads. An invalid plan throws
 * PlanValidationError with every problem, before anything is written.
 */
export async function compileDeployment(planSource: string, options: DeployOptions): Promise<DeploymentValues> {
  const compiled = await compilePlan(path.resolve(options.root, planSource), planSource);
  const values = deploymentValues(compiled.plan, planSource, options);
  writeCompiledPlan(options.compiledPlanOut ?? path.join(options.root, COMPILED_PLAN_PATH), compiled);
  return values;
}
