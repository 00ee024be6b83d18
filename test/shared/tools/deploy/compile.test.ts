import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanValidationError } from '../../../../shared/errors.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import type { Plan } from '../../../../shared/plan/schema.ts';
import { COMPILED_PLAN_FORMAT } from '../../../../shared/runtime/plan.ts';
import { compileDeployment, deploymentValues } from '../../../../shared/tools/deploy/compile.ts';
import { renderRoles, renderStatement } from './render-roles.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const EXAMPLE = 'examples/dataset-platform.plan.yml';
const SECOND = 'test/fixtures/plans/second-shape.plan.yml';
const BAD = 'test/fixtures/plans/several-problems.yml';
/** The roles scripts/serverless-plan.cjs derived before the compile moved to TypeScript, one statement a line. */
const golden = (name: string) => readFileSync(path.join(import.meta.dirname, 'golden', `${name}.roles.txt`), 'utf8');

/** serverless-plan.cjs as osls loads it (require() in a Node of its own), with `env` added. */
function requireShim(env: Record<string, string>) {
  return spawnSync(process.execPath, ['-e', "process.stdout.write(JSON.stringify(require('./scripts/serverless-plan.cjs')))"], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('deploymentValues (what serverless.yml reads from the plan)', () => {
  let example: Plan;
  let second: Plan;
  beforeAll(async () => {
    // Prepare: both plans, validated.
    example = await loadPlanFile(path.join(ROOT, EXAMPLE));
    second = await loadPlanFile(path.join(ROOT, SECOND));
  });

  it.each([
    ['dataset-platform', EXAMPLE],
    ['second-shape', SECOND],
  ])('gives every role of %s the statements it had before, component type by component type', (name, file) => {
    // Act
    const values = deploymentValues(name === 'second-shape' ? second : example, file, { root: ROOT });
    // Assess: the same actions, resources, order and conditions; every role trusts Lambda only.
    expect(renderRoles(values.roles)).toBe(golden(name));
    for (const role of Object.values(values.roles)) {
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
      for (const st of role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement)) expect(st.Effect).toBe('Allow');
    }
  });

  it('reads the region, schedules, database VPC and trigger alarms from the example plan', () => {
    // Act
    const { definition: _d, roles: _r, testSchedules, ...values } = deploymentValues(example, EXAMPLE, { root: ROOT });
    // Assess
    expect(values).toEqual({
      heartbeatSchedule: 'rate(1 minute)',
      manifestSchedule: 'rate(15 minutes)',
      databaseVpc: { subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0a1b2c3d4e5f60729'], securityGroupIds: ['sg-0d1e2f3a4b5c6d7e8'] },
      planFile: '.dr-autopilot/plan.json',
      planSource: EXAMPLE,
      planName: 'dataset-platform',
      secondaryRegion: 'ap-northeast-3',
      triggerAlarms: ['dataset-platform-tokyo-region-down', 'dataset-platform-core-db-down', 'dataset-platform-dataset-bucket-errors'],
      // Readiness every 30 minutes (the plan's default), its alarm over the same interval.
      readinessSchedule: 'rate(30 minutes)',
      readinessAlarmPeriod: 1800,
    });
    // The test programme's schedules: disabled unless the deployment turns them on (test-schedules.test.ts).
    expect(testSchedules.map((e) => [e.schedule.input.scenario, e.schedule.enabled])).toEqual([['database-failure', false], ['storage-failure', false], ['region-outage', false]]);
    expect(deploymentValues(example, EXAMPLE, { root: ROOT, testSchedulesEnabled: true }).testSchedules.every((e) => e.schedule.enabled)).toBe(true);
  });

  it('schedules hourly and runs outside a VPC when the plan names no database', () => {
    // Act
    const values = deploymentValues(second, SECOND, { root: ROOT });
    // Assess
    expect([values.heartbeatSchedule, values.manifestSchedule, values.databaseVpc]).toEqual(['rate(60 minutes)', 'rate(60 minutes)', null]);
    expect(values.triggerAlarms).toEqual(['web-shop-ireland-down', 'web-shop-catalogue-errors']);
  });

  it('lets notify read the Slack webhook secret only when one is configured', () => {
    // Prepare
    const secret = 'arn:aws:secretsmanager:ap-northeast-3:123456789012:secret:slack-AbCdEf';
    const notify = (arn?: string) => deploymentValues(example, EXAMPLE, { root: ROOT, slackWebhookSecretArn: arn }).roles.NotifyRole!.Properties.Policies[0]!.PolicyDocument.Statement;
    // Act / Assess
    expect(notify(secret).at(-1)).toEqual({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secret] });
    expect(notify(undefined).flatMap((st) => st.Action)).not.toContain('secretsmanager:GetSecretValue');
    expect(notify('').flatMap((st) => st.Action)).not.toContain('secretsmanager:GetSecretValue');
  });

  it('substitutes every ${XxxFunctionArn} of the state machine with its function\'s ARN and changes nothing else', () => {
    // Prepare
    const asl = JSON.parse(readFileSync(path.join(ROOT, 'statemachines/failover.asl.json'), 'utf8')) as unknown;
    // Act
    const definition = deploymentValues(example, EXAMPLE, { root: ROOT }).definition;
    // Assess: no placeholder left; turning each GetAtt back into its placeholder gives the file back.
    const text = JSON.stringify(definition);
    expect(text).not.toContain('${');
    expect(text).toContain('{"Fn::GetAtt":["StartActionLambdaFunction","Arn"]}');
    const restored = JSON.parse(text.replace(/\{"Fn::GetAtt":\["([A-Za-z0-9]+)LambdaFunction","Arn"\]\}/g, '"${$1FunctionArn}"')) as unknown;
    expect(restored).toEqual(asl);
  });
});

describe('compileDeployment (the package-time step)', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'dr-deploy-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('writes the validated plan, defaults applied, as the compiled plan the functions read', async () => {
    // Prepare
    const out = path.join(scratch, 'plan.json');
    // Act
    const values = await compileDeployment(SECOND, { root: ROOT, compiledPlanOut: out });
    // Assess
    expect(values.planName).toBe('web-shop');
    const compiled = JSON.parse(readFileSync(out, 'utf8')) as { recoveryRole: { statements: Parameters<typeof renderStatement>[0][] }; reversed: Record<string, unknown> };
    expect(compiled).toEqual({ format: COMPILED_PLAN_FORMAT, source: SECOND, plan: await loadPlanFile(path.join(ROOT, SECOND)), recoveryRole: { statements: expect.any(Array) }, reversed: expect.any(Object) });
    // Every component's reversal, for runs in the reverse direction: what the plan must add, where it cannot run so.
    expect(Object.keys(compiled.reversed)).toEqual(['orders-db', 'ledger-db', 'order-workers', 'warm-caches', 'storefront-dns', 'catalogue-restore']);
    expect(compiled.reversed['orders-db']).toEqual({ unsupported: 'aurora-global-failover: add params.primaryDbClusterArn: the primary-region cluster a failback makes the writer again' });
    // With the recovery role's statements for readiness to simulate: the deployed start-action role's (golden),
    // without its log and idempotency-record statements; partition and account left for the run time.
    const startAction = golden('second-shape').split('\n## ').find((section) => section.startsWith('StartActionRole '))!.split('\n').slice(1).filter((line) => line !== '');
    expect(startAction[0]).toMatch(/^logs:CreateLogStream /);
    expect(startAction.at(-1)).toMatch(/^dynamodb:GetItem dynamodb:PutItem dynamodb:UpdateItem dynamodb:DeleteItem /);
    expect(compiled.recoveryRole.statements.map(renderStatement)).toEqual(startAction.slice(1, -1));
    expect(compiled.recoveryRole.statements.at(-1)).toEqual({ Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListAlarmMuteRules'], Resource: '*' });
  });

  it('refuses an invalid plan with every problem, as dr-autopilot validate reports them, and writes nothing', async () => {
    // Prepare
    const out = path.join(scratch, 'bad.json');
    // Act
    const error = await compileDeployment(BAD, { root: ROOT, compiledPlanOut: out }).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(PlanValidationError);
    expect((error as PlanValidationError).issues).toContainEqual({ path: 'tiers.1.dependsOn.1', message: 'depends on unknown tier "tier-0"' });
    expect((error as PlanValidationError).issues).toHaveLength(8);
    expect(existsSync(out)).toBe(false);
  });
});

describe('scripts/serverless-plan.cjs (the shim osls require()s)', () => {
  it('fails packaging on an invalid plan with its problems as FILE: path.to.field: message', () => {
    // Act
    const run = requireShim({ DR_PLAN_FILE: BAD });
    // Assess
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('The recovery plan does not compile');
    expect(run.stderr).toContain(`${BAD}: components.1.params.primaryHealthCheckId: required when mode is health-check\n`);
    expect(run.stderr).toContain(`${BAD}: scenarios.1.components.0: unknown component "core-db"\n`);
  });

  it('exports the TypeScript compile\'s values for the default plan, DR_SLACK_WEBHOOK_SECRET_ARN included', async () => {
    // Prepare: the default plan (the example), so the compiled plan written is the one `npm run package` writes.
    const secret = 'arn:aws:secretsmanager:ap-northeast-3:123456789012:secret:slack-AbCdEf';
    const expected = deploymentValues(await loadPlanFile(path.join(ROOT, EXAMPLE)), EXAMPLE, { root: ROOT, slackWebhookSecretArn: secret });
    // Act
    const run = requireShim({ DR_PLAN_FILE: '', DR_SLACK_WEBHOOK_SECRET_ARN: secret });
    // Assess
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(expected);
    const compiled = JSON.parse(readFileSync(path.join(ROOT, '.dr-autopilot/plan.json'), 'utf8')) as { format: string; source: string };
    expect([compiled.format, compiled.source]).toEqual([COMPILED_PLAN_FORMAT, EXAMPLE]);
  });

  it('DR_TEST_SCHEDULES=on deploys the test programme enabled; any other value than on or off stops packaging, naming it', () => {
    const on = requireShim({ DR_PLAN_FILE: '', DR_TEST_SCHEDULES: 'on' });
    expect((JSON.parse(on.stdout) as { testSchedules: { schedule: { enabled: boolean } }[] }).testSchedules.map((e) => e.schedule.enabled)).toEqual([true, true, true]);
    const bad = requireShim({ DR_PLAN_FILE: '', DR_TEST_SCHEDULES: 'yes' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('DR_TEST_SCHEDULES: "yes" is not on or off');
  });
});
