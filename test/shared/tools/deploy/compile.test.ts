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
const CONSOLE_ONLY = 'test/fixtures/plans/console-only.plan.yml';
/** The roles scripts/serverless-plan.cjs derived before the compile moved to TypeScript, one statement a line. */
const golden = (name: string) => readFileSync(path.join(import.meta.dirname, 'golden', `${name}.roles.txt`), 'utf8');

/**
 * serverless-plan.cjs as osls loads it (require() in a Node of its own, then the exported function called
 * with osls's variable resolver, which answers provider.stage), with `env` added.
 */
function requireShim(env: Record<string, string>, stage = 'prod') {
  const resolveVariable = `async (v) => { if (v !== 'self:provider.stage') throw new Error('asked for ' + v); return ${JSON.stringify(stage)}; }`;
  const script =
    `require('./scripts/serverless-plan.cjs')({ resolveVariable: ${resolveVariable} })` +
    `.then((v) => process.stdout.write(JSON.stringify(v)), (e) => { process.stderr.write(e.message); process.exitCode = 1; })`;
  return spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
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
      // The stack is dr-autopilot-<plan>-<stage>; its function names fit Lambda's 64 characters up to 43 (64 - '-request-confirmation').
      service: 'dr-autopilot-dataset-platform',
      maxStackNameChars: 43,
      longestNameSuffix: '-request-confirmation',
      heartbeatSchedule: 'rate(1 minute)',
      manifestSchedule: 'rate(15 minutes)',
      databaseVpc: { subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0a1b2c3d4e5f60729'], securityGroupIds: ['sg-0d1e2f3a4b5c6d7e8'] },
      planFile: '.dr-autopilot/plan.json',
      planSource: EXAMPLE,
      planName: 'dataset-platform',
      secondaryRegion: 'ap-northeast-3',
      triggerAlarms: ['dataset-platform-tokyo-region-down', 'dataset-platform-core-db-down', 'dataset-platform-dataset-bucket-errors'],
      trigger: 'alarms',
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

  it('gives a console-only plan (no trigger alarms) no alarm rule, and none of the alarm reads', async () => {
    // Prepare
    const consoleOnly = await loadPlanFile(path.join(ROOT, CONSOLE_ONLY));
    // Act
    const values = deploymentValues(consoleOnly, CONSOLE_ONLY, { root: ROOT });
    // Assess: serverless.yml's custom.triggerEvents.none (EventBridge refuses `alarmName: []`).
    expect([values.service, values.triggerAlarms, values.trigger]).toEqual(['dr-autopilot-shop', [], 'none']);
    expect(JSON.stringify(values.roles)).not.toContain('cloudwatch:DescribeAlarms');
  });

  it('lets start-action and check-action read their own state machine\'s executions only, and name the functions\' logs by the stack', () => {
    // Act
    const { roles } = deploymentValues(example, EXAMPLE, { root: ROOT });
    // Assess: the state machine is <stack name>-failover (serverless.yml); no other role may describe an execution.
    const stack = { Ref: 'AWS::StackName' };
    const describe = { Effect: 'Allow', Action: ['states:DescribeExecution'], Resource: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:ap-northeast-3:', { Ref: 'AWS::AccountId' }, ':execution:', stack, '-failover:*']] }] };
    for (const [name, role] of Object.entries(roles)) {
      const statements = role.Properties.Policies[0]!.PolicyDocument.Statement;
      expect(statements.filter((st) => st.Action.includes('states:DescribeExecution')), name).toEqual(['StartActionRole', 'CheckActionRole'].includes(name) ? [describe] : []);
      expect(statements[0]!.Resource, name).toEqual([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:ap-northeast-3:', { Ref: 'AWS::AccountId' }, ':log-group:/aws/lambda/', stack, '-*:*']] }]);
    }
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
    // Nor the read of its own execution's status (not a recovery action).
    const startAction = golden('second-shape').split('\n## ').find((section) => section.startsWith('StartActionRole '))!.split('\n').slice(1).filter((line) => line !== '');
    expect(startAction[0]).toMatch(/^logs:CreateLogStream /);
    expect(startAction.at(-2)).toMatch(/^dynamodb:GetItem dynamodb:PutItem dynamodb:UpdateItem dynamodb:DeleteItem /);
    expect(startAction.at(-1)).toMatch(/^states:DescribeExecution /);
    expect(compiled.recoveryRole.statements.map(renderStatement)).toEqual(startAction.slice(1, -2));
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
    expect(JSON.parse(run.stdout)).toEqual({ ...expected, stackName: 'dr-autopilot-dataset-platform-prod' });
    const compiled = JSON.parse(readFileSync(path.join(ROOT, '.dr-autopilot/plan.json'), 'utf8')) as { format: string; source: string };
    expect([compiled.format, compiled.source]).toEqual([COMPILED_PLAN_FORMAT, EXAMPLE]);
  });

  it('names the stack after the plan and the stage osls packages for', () => {
    // Act: the default plan (another would overwrite the compiled plan a packaging beside this test zips).
    const staging = requireShim({ DR_PLAN_FILE: '' }, 'staging');
    // Assess: another plan at this stage is another stack (test/serverless/template.test.ts packages one).
    expect(staging.stderr).toBe('');
    expect((JSON.parse(staging.stdout) as { stackName: string }).stackName).toBe('dr-autopilot-dataset-platform-staging');
  });

  it('stops packaging when the stack name leaves a function name longer than Lambda allows, or the stage is not a name', () => {
    // Act: dr-autopilot-dataset-platform- is 30 characters; a 14-character stage makes the stack 44.
    const long = requireShim({ DR_PLAN_FILE: '' }, 'integration-eu');
    const odd = requireShim({ DR_PLAN_FILE: '' }, 'prod/1');
    // Assess
    expect(long.status).not.toBe(0);
    expect(long.stderr).toContain(
      'The stack name dr-autopilot-dataset-platform-integration-eu (dr-autopilot-<plan name>-<stage>) is 44 characters; at most 43 fit the longest function name ' +
        '(dr-autopilot-dataset-platform-integration-eu-request-confirmation, AWS Lambda: 64). Shorten the plan\'s name or the stage.',
    );
    expect(odd.status).not.toBe(0);
    expect(odd.stderr).toContain('The stage "prod/1" is not letters, digits and dashes (--stage)');
  });

  it('DR_TEST_SCHEDULES=on deploys the test programme enabled; any other value than on or off stops packaging, naming it', () => {
    const on = requireShim({ DR_PLAN_FILE: '', DR_TEST_SCHEDULES: 'on' });
    expect((JSON.parse(on.stdout) as { testSchedules: { schedule: { enabled: boolean } }[] }).testSchedules.map((e) => e.schedule.enabled)).toEqual([true, true, true]);
    const bad = requireShim({ DR_PLAN_FILE: '', DR_TEST_SCHEDULES: 'yes' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('DR_TEST_SCHEDULES: "yes" is not on or off');
  });
});
