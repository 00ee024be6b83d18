import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { startFromAlarm } from '../../shared/run/starter.ts';
import { LONGEST_NAME_SUFFIX, MAX_FUNCTION_NAME_CHARS } from '../../shared/tools/deploy/compile.ts';

/** Actions that change something: never allowed on Resource "*". */
const ONE_WAY = [
  'rds:PromoteReadReplica',
  'rds:FailoverGlobalCluster',
  'rds:SwitchoverGlobalCluster',
  'rds:RestoreDBInstanceToPointInTime',
  'route53:UpdateHealthCheck',
  'route53-recovery-cluster:UpdateRoutingControlStates',
  'route53:ChangeResourceRecordSets',
  'ssm:PutParameter',
  's3:PutObject',
  'backup:StartRestoreJob',
  'iam:PassRole',
  'ecs:UpdateService',
  'autoscaling:UpdateAutoScalingGroup',
  'elasticache:FailoverGlobalReplicationGroup',
  'lambda:InvokeFunction',
  'sns:Publish',
  'rds:StopDBInstance',
  'rds:ModifyDBInstance',
  'rds:CreateDBInstanceReadReplica',
  's3:PutReplicationConfiguration',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

const root = path.resolve(import.meta.dirname, '../..');
let dir: string;
let resources: Record<string, Resource>;
/** The stack name osls deploys the package as (serverless-state.json). */
let stackName: string;

/** A console-only plan (no trigger alarms), packaged in a copy of the service (its compiled plan and esbuild's work folder are its own). */
const CONSOLE_ONLY = 'test/fixtures/plans/console-only.plan.yml';
let consoleOnlyCopy: string;
let consoleOnlyDir: string;
let consoleOnly: Record<string, Resource>;
let consoleOnlyStack: string;

/** Cold start and invoke overhead a Lambda Task's TimeoutSeconds allows beyond its function's timeout. */
const COLD_START_MARGIN_SECONDS = 30;

/** `osls package` of the service in `cwd` into `out` (as `npm run package` does), with `env` added. */
async function packageService(cwd: string, out: string, env: Record<string, string> = {}) {
  await promisify(execFile)(process.execPath, [path.join(root, 'node_modules/osls/bin/serverless.js'), 'package', '--package', out], {
    cwd,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', ...env },
  });
  const template = JSON.parse(readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, Resource> };
  const state = JSON.parse(readFileSync(path.join(out, 'serverless-state.json'), 'utf8')) as { service: { provider: { stackName: string } } };
  return { resources: template.Resources, stackName: state.service.provider.stackName };
}

/** Every physical name the template sets (a top-level property named …Name; not metric or display names), by resource. */
const physicalNames = (template: Record<string, Resource>) =>
  Object.entries(template).flatMap(([id, r]) =>
    Object.entries(r.Properties ?? {})
      .filter(([key, value]) => key.endsWith('Name') && !['MetricName', 'DisplayName'].includes(key) && typeof value === 'string')
      .map(([key, value]) => ({ id, key, name: value as string })),
  );

const patternRules = (template: Record<string, Resource>) => Object.values(template).filter((r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern);
interface Target {
  Arn: { 'Fn::GetAtt': [string, string] };
  RetryPolicy?: unknown;
  DeadLetterConfig?: unknown;
}
const targetOf = (rule: Resource) => (rule.Properties.Targets as Target[])[0]!;
const deadLetterQueueArn = { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] };

function statementsOf(resource: Resource): Statement[] {
  const policies = (resource.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}
/** Every file of a zip, by path. */
async function readZip(file: string): Promise<Map<string, Buffer>> {
  const zip = await promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open)(file, { lazyEntries: true });
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          files.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return files;
}

/** The relative modules a bundle file imports, statically or with import() ("./x.mjs" in the minified output). */
const relativeImports = (code: string) => [...code.matchAll(/(?:from|import)\s*\(?\s*["'](\.\/[^"']+)["']/g)].map((m) => m[1]!);

const actions = (st: Statement) => (Array.isArray(st.Action) ? st.Action : [st.Action]);
const resourcesOf = (st: Statement) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]);

describe('serverless.yml, packaged offline (osls package)', () => {
  beforeAll(async () => {
    // Prepare / Act: the same packaging as `npm run package`, into a temp folder; and a console-only plan's, in a
    // copy of the service beside it (both plans at the default stage, prod).
    dir = mkdtempSync(path.join(tmpdir(), 'dr-package-'));
    consoleOnlyCopy = mkdtempSync(path.join(tmpdir(), 'dr-service-'));
    consoleOnlyDir = mkdtempSync(path.join(tmpdir(), 'dr-package-console-'));
    for (const entry of ['serverless.yml', 'package.json', 'scripts', 'functions', 'shared', 'statemachines', CONSOLE_ONLY]) {
      cpSync(path.join(root, entry), path.join(consoleOnlyCopy, entry), { recursive: true });
    }
    symlinkSync(path.join(root, 'node_modules'), path.join(consoleOnlyCopy, 'node_modules'));
    const [example, consoleOnlyPackage] = await Promise.all([packageService(root, dir), packageService(consoleOnlyCopy, consoleOnlyDir, { DR_PLAN_FILE: CONSOLE_ONLY })]);
    ({ resources, stackName } = example);
    ({ resources: consoleOnly, stackName: consoleOnlyStack } = consoleOnlyPackage);
  }, 240_000);
  afterAll(() => {
    for (const d of [dir, consoleOnlyCopy, consoleOnlyDir]) if (d) rmSync(d, { recursive: true, force: true });
    // serverless-esbuild's work folder in the checkout.
    rmSync(path.join(root, '.esbuild'), { recursive: true, force: true });
  });

  it('zips each function with its own entry and chunks only, every module they import included and loadable', async () => {
    const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    const zips = readdirSync(dir).filter((f) => f.endsWith('.zip'));
    expect(zips).toHaveLength(functions.length);
    for (const zipName of zips) {
      const files = await readZip(path.join(dir, zipName));
      const code = [...files.keys()].filter((f) => f.endsWith('.mjs'));
      // One function's files: functions/<name>.mjs and its chunks functions/<name>.<chunk>-<hash>.mjs.
      const entry = code.find((f) => /^functions\/[a-z-]+\.mjs$/.test(f));
      expect(entry, zipName).toBeDefined();
      const name = entry!.slice('functions/'.length, -'.mjs'.length);
      expect(code.filter((f) => !f.startsWith(`functions/${name}.`)), zipName).toEqual([]);
      const missing = code.flatMap((f) => relativeImports(files.get(f)!.toString('utf8')).map((i) => path.posix.join('functions', i)).filter((i) => !files.has(i)).map((i) => `${f} → ${i}`));
      expect(missing, zipName).toEqual([]);
      if (name === 'start-action') {
        // Prepare: the zip unpacked as Lambda unpacks it. Act: load every module of it in a fresh Node.
        const unpacked = mkdtempSync(path.join(tmpdir(), 'dr-zip-'));
        try {
          for (const [file, content] of files) {
            mkdirSync(path.dirname(path.join(unpacked, file)), { recursive: true });
            writeFileSync(path.join(unpacked, file), content);
          }
          const loadAll = `for (const f of process.argv.slice(1)) await import(f); process.stdout.write('loaded ' + (process.argv.length - 1));`;
          const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', loadAll, ...code.map((f) => `file://${path.join(unpacked, f)}`)], { cwd: unpacked });
          // Assess: the recovery action of every component type is among them, and all load.
          expect(code.filter((f) => f.includes('.recover-')).length).toBe(12);
          expect(stdout).toBe(`loaded ${code.length}`);
        } finally {
          rmSync(unpacked, { recursive: true, force: true });
        }
      }
    }
  }, 60_000);

  it('deploys the functions on nodejs22.x arm64, each with a role of its own', () => {
    const functions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(18);
    const roles = new Set<string>();
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      roles.add(JSON.stringify(fn.Properties.Role));
    }
    expect(roles.size).toBe(18);
  });

  it('holds the state machine from statemachines/failover.asl.json with function ARNs substituted', () => {
    const sm = resources.FailoverStateMachine!;
    expect(sm.Type).toBe('AWS::StepFunctions::StateMachine');
    const sub = (sm.Properties.DefinitionString as { 'Fn::Sub': [string, Record<string, unknown>] })['Fn::Sub'];
    const definition = JSON.parse(sub[0]) as { StartAt: string; States: Record<string, unknown> };
    expect(definition.StartAt).toBe('Is Trigger Deferred');
    expect(Object.keys(definition.States)).toContain('Recover Tier Components');
    expect(sub[0]).not.toMatch(/FunctionArn\}/);
    expect(Object.values(sub[1])).toContainEqual({ 'Fn::GetAtt': ['StartActionLambdaFunction', 'Arn'] });
  });

  it('starts a recovery from the plan\'s trigger alarms going to ALARM, through the starter function', () => {
    const rule = Object.values(resources).find((r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.EventPattern ?? null).includes('aws.cloudwatch'))!;
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: {
        alarmName: ['dataset-platform-tokyo-region-down', 'dataset-platform-core-db-down', 'dataset-platform-dataset-bucket-errors'],
        state: { value: ['ALARM'] },
      },
    });
    // The starter function names the execution after the incident (EventBridge cannot).
    expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': ['StartRecoveryLambdaFunction', 'Arn'] } })]);
    expect(resources.StartRecoveryLambdaFunction!.Properties.Environment).toEqual({
      Variables: expect.objectContaining({ STATE_MACHINE_ARN: { Ref: 'FailoverStateMachine' }, INTERNAL_TOPIC_ARN: { Ref: 'InternalTopic' } }),
    });
    // It starts the run, or tells on-call of an outage alarm that fired while suppressed or muted.
    expect(statementsOf(resources.StartRecoveryRole!).slice(1)).toEqual([
      { Effect: 'Allow', Action: ['states:StartExecution'], Resource: [{ Ref: 'FailoverStateMachine' }] },
      { Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ Ref: 'InternalTopic' }] },
      { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: [{ 'Fn::GetAtt': ['NotificationKey', 'Arn'] }] },
      // An alarm event it fails on goes to the dead-letter queue (its on-failure destination).
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }] },
    ]);
    // A deferred start's re-read of the alarm (its state, its suppressor, its mute rules).
    expect(statementsOf(resources.PrepareRunRole!)).toContainEqual({ Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListAlarmMuteRules'], Resource: '*' });
  });

  it('the rule and the starter agree on every documented alarm event: what the pattern drops, the starter would ignore silently', async () => {
    // Prepare: the deployed pattern, applied as EventBridge applies one (each leaf lists the values that match; every key must match).
    const rule = Object.values(resources).find((r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.EventPattern ?? null).includes('aws.cloudwatch'))!;
    const matches = (pattern: unknown, event: unknown): boolean =>
      Array.isArray(pattern)
        ? pattern.includes(event)
        : Object.entries(pattern as Record<string, unknown>).every(([key, sub]) => typeof event === 'object' && event !== null && key in event && matches(sub, (event as Record<string, unknown>)[key]));
    const sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:ap-northeast-3:123456789012:execution:x:y' });
    const events = readdirSync(path.join(root, 'examples/events')).map((f) => [f, JSON.parse(readFileSync(path.join(root, 'examples/events', f), 'utf8')) as { detail: { state: { value: string } } }] as const);
    const ok = structuredClone(events[0]![1]);
    ok.detail.state.value = 'OK';
    const foreign = structuredClone(events[0]![1]) as unknown as { detail: { alarmName: string } };
    foreign.detail.alarmName = 'someone-elses-alarm';
    for (const [name, event] of [...events, ['OK', ok], ['another alarm', foreign]] as const) {
      // Act: what the starter does with it.
      const noticed: unknown[] = [];
      const outcome = await startFromAlarm({
        sfn: new SFNClient({ region: 'ap-northeast-3' }), stateMachineArn: 'arn:aws:states:ap-northeast-3:123456789012:stateMachine:x', logger: new Logger({ logLevel: 'SILENT' }),
        plan: { name: 'dataset-platform', scenarioFor: (a) => (a === 'someone-elses-alarm' ? null : 'region-outage') }, notify: async (f) => void noticed.push(f),
      }, event);
      // Assess: the pattern lets through exactly what the starter acts on (starts, defers, or ignores with a notice).
      const acted = outcome.outcome !== 'ignored' || noticed.length > 0;
      expect(matches(rule.Properties.EventPattern, event), name).toBe(name === 'another alarm' ? false : acted);
    }
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 3);
    sfn.restore();
  });

  it('encrypts the internal and external topics with the customer-managed key', () => {
    expect(resources.NotificationKey!.Type).toBe('AWS::KMS::Key');
    expect(resources.NotificationKey!.Properties.EnableKeyRotation).toBe(true);
    for (const topic of ['InternalTopic', 'ExternalTopic']) {
      expect(resources[topic]!.Type).toBe('AWS::SNS::Topic');
      expect(resources[topic]!.Properties.KmsMasterKeyId).toEqual({ Ref: 'NotificationKey' });
    }
  });

  it('assesses readiness on the plan\'s interval, read-only, and alarms when something is not ready or readiness stops', () => {
    // The schedule: the plan's readiness.intervalMinutes (30 by default).
    const schedule = Object.values(resources).find((r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.Targets).includes('AssessReadinessLambdaFunction'))!;
    expect(schedule.Properties.ScheduleExpression).toBe('rate(30 minutes)');
    expect(resources.AssessReadinessLambdaFunction!.Properties.Environment).toEqual({
      Variables: expect.objectContaining({ START_ACTION_ROLE_ARN: { 'Fn::GetAtt': ['StartActionRole', 'Arn'] }, INTERNAL_TOPIC_ARN: { Ref: 'InternalTopic' } }),
    });
    // Read-only on the system: nothing but the state table's own record and the internal notice is written.
    const writes = statementsOf(resources.AssessReadinessRole!).flatMap(actions).filter((a) => !/^[a-z0-9-]+:(Describe|Get|List|Simulate)/.test(a));
    expect(writes).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'dynamodb:PutItem', 'sns:Publish', 'kms:GenerateDataKey', 'kms:Decrypt']);
    expect(resources.ReadinessAlarm!.Properties).toMatchObject({
      Namespace: 'dr-autopilot',
      MetricName: 'ReadinessNotReady',
      Dimensions: [{ Name: 'service', Value: 'dr-autopilot' }, { Name: 'plan', Value: 'dataset-platform' }],
      Period: 1800,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('keeps run reports in a private, versioned, encrypted, TLS-only bucket that Summarise Run writes under reports/', () => {
    const bucket = resources.ReportBucket!;
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    const tls = (resources.ReportBucketPolicy!.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    expect(tls).toEqual([expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
    expect(resources.SummariseRunLambdaFunction!.Properties.Environment).toEqual({ Variables: expect.objectContaining({ REPORT_BUCKET: { Ref: 'ReportBucket' } }) });
    expect(statementsOf(resources.SummariseRunRole!).slice(1)).toContainEqual({
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ReportBucket', 'Arn'] }, '/reports/*']] }],
    });
  });

  it('alarms on the state machine\'s own failed and timed-out executions', () => {
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const metrics = alarms.map((a) => a.Properties.MetricName);
    expect(metrics).toEqual(expect.arrayContaining(['ExecutionsFailed', 'ExecutionsTimedOut']));
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: 'InternalTopic' }]);
  });

  it('allows no Action "*" and no one-way action on Resource "*" in any role', () => {
    const roles = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThanOrEqual(8);
    for (const [name, role] of roles) {
      for (const st of statementsOf(role)) {
        for (const action of actions(st)) {
          expect(action, `${name}`).not.toBe('*');
          expect(action.endsWith(':*'), `${name}: ${action}`).toBe(false);
          if (ONE_WAY.includes(action)) expect(resourcesOf(st), `${name}: ${action} on *`).not.toContain('*');
        }
      }
    }
  });

  it('limits one-way actions to the resources the plan names', () => {
    const start = statementsOf(resources.StartActionRole!);
    const promote = start.find((st) => actions(st).includes('rds:PromoteReadReplica'))!;
    expect(JSON.stringify(promote.Resource)).toContain('db:dataset-db-osaka');
    const scale = start.filter((st) => actions(st).includes('ecs:UpdateService')).map((st) => JSON.stringify(st.Resource));
    expect(scale.join()).toContain('service/dataset-platform-osaka/auth');
    // Fencing the old primary: only that instance, in the primary region.
    const fence = start.find((st) => actions(st).includes('rds:StopDBInstance'))!;
    expect(actions(fence)).toEqual(['rds:DescribeDBInstances', 'rds:StopDBInstance', 'rds:ModifyDBInstance']);
    expect(JSON.stringify(fence.Resource)).toContain(':rds:ap-northeast-1:');
    expect(JSON.stringify(fence.Resource)).toContain('db:dataset-db"');
    // check-action reads; of the one-way actions it keeps what a check may have to do: batched S3 version
    // restore, fencing the old primary and the promotion that follows a fence (in both directions: the failback's
    // too), and the re-protect's creations (a check creates the replica or adds the replication rule once the source
    // is ready, passing the replication role); plus its idempotency records.
    const checkActions = statementsOf(resources.CheckActionRole!).flatMap(actions);
    expect([...new Set(checkActions.filter((a) => ONE_WAY.includes(a)))].sort()).toEqual(
      [
        'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'iam:PassRole', 'rds:CreateDBInstanceReadReplica', 'rds:ModifyDBInstance', 'rds:PromoteReadReplica',
        'rds:StopDBInstance', 's3:PutObject', 's3:PutReplicationConfiguration',
      ].sort(),
    );
    // Functions that call no AWS API get log permissions only; the state table's users only what they do there.
    for (const role of ['RecordTierRole', 'LoadComponentRole']) {
      expect(statementsOf(resources[role]!).flatMap(actions), role).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    }
    const table = { 'Fn::GetAtt': ['StateTable', 'Arn'] };
    // The summary reads the components' full results from the state table (and records the active region
    // after a recovery that moved the system), and writes the run's report under reports/.
    expect(statementsOf(resources.SummariseRunRole!).slice(1)).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem'], Resource: [table] },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ReportBucket', 'Arn'] }, '/reports/*']] }] },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [{ 'Fn::GetAtt': ['ReportBucket', 'Arn'] }], Condition: { StringLike: { 's3:prefix': 'reports/*' } } },
    ]);
    expect(statementsOf(resources.PrepareRunRole!).slice(1)).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], Resource: [table] },
      // A deferred alarm start re-reads its trigger alarm; neither action changes anything.
      { Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListAlarmMuteRules'], Resource: '*' },
    ]);
    expect(statementsOf(resources.RecordComponentRole!).slice(1)).toEqual([{ Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: [table] }]);
    expect(statementsOf(resources.ReleaseLockRole!).slice(1)).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:UpdateItem', 'dynamodb:GetItem'], Resource: [table] },
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }] },
    ]);
  });

  it('keeps the lock, run records and idempotency records in one retained, encrypted table with TTL and PITR', () => {
    const table = resources.StateTable as Resource & { DeletionPolicy?: string };
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(resources.PrepareRunLambdaFunction!.Properties.Environment).toEqual({ Variables: expect.objectContaining({ STATE_TABLE_NAME: { Ref: 'StateTable' } }) });
  });

  it('integrity: the checks read only what they check; the writers run on schedules in the VPC with the secrets of where the system writes', () => {
    const verify = statementsOf(resources.VerifyComponentRole!).slice(1);
    // The recovered database's secret, and (core-database fails back) the re-protect replica's.
    expect(verify).toContainEqual({
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: ['arn:aws:secretsmanager:ap-northeast-3:123456789012:secret:dataset-platform/db-osaka-Ef34Gh', 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dataset-platform/db-tokyo-replica-Ij56Kl'],
    });
    expect(verify.flatMap(actions).filter((a) => ONE_WAY.includes(a))).toEqual([]);
    // The writers follow the active region: the primary's secret, and the recovered database's after a recovery.
    const writeManifest = statementsOf(resources.WriteManifestRole!).slice(1);
    expect(writeManifest).toContainEqual({
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: ['arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:dataset-platform/db-tokyo-Ab12Cd', 'arn:aws:secretsmanager:ap-northeast-3:123456789012:secret:dataset-platform/db-osaka-Ef34Gh'],
    });
    expect(resources.VerifyComponentLambdaFunction!.Properties.VpcConfig).toEqual({ SecurityGroupIds: ['sg-0d1e2f3a4b5c6d7e8'], SubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0a1b2c3d4e5f60729'] });
    const schedules = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule' && typeof r.Properties.ScheduleExpression === 'string').map((r) => r.Properties.ScheduleExpression);
    // The heartbeat and manifest writers, and readiness (its own test below).
    expect(schedules.sort()).toEqual(['rate(1 minute)', 'rate(15 minutes)', 'rate(30 minutes)']);
  });

  it('schedules the plan\'s test programme on EventBridge Scheduler, disabled, with a role that may only start the state machine', () => {
    const schedules = Object.values(resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
    expect(schedules.map((r) => [r.Properties.ScheduleExpression, r.Properties.ScheduleExpressionTimezone, r.Properties.State])).toEqual([
      ['cron(0 2 ? * SUN#1 *)', 'Asia/Tokyo', 'DISABLED'],
      ['cron(0 2 ? 1,4,7,10 SUN#2 *)', 'Asia/Tokyo', 'DISABLED'],
      ['cron(0 1 ? 3,9 SAT#3 *)', 'Asia/Tokyo', 'DISABLED'],
    ]);
    const target = schedules[0]!.Properties.Target as { Arn: unknown; RoleArn: { 'Fn::GetAtt': [string, string] }; Input: string };
    expect(target.Arn).toEqual({ Ref: 'FailoverStateMachine' });
    expect(JSON.parse(target.Input)).toEqual({
      scenario: 'database-failure', mode: 'planned', reason: 'scheduled test monthly-failover-test: Monthly failover test (high-availability systems, 2 h, operations team)',
      requestedBy: 'dr-autopilot test programme (EventBridge Scheduler)',
    });
    const role = resources[target.RoleArn['Fn::GetAtt'][0]]!;
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('scheduler.amazonaws.com');
    expect(statementsOf(role)).toEqual([{ Effect: 'Allow', Action: ['states:StartExecution'], Resource: { Ref: 'FailoverStateMachine' } }]);
  });

  it('releases the lock of an execution that ended without releasing it: a rule on its status changes', () => {
    const rule = Object.values(resources).find((r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.EventPattern ?? null).includes('aws.states'))!;
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { stateMachineArn: [{ Ref: 'FailoverStateMachine' }], status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] },
    });
    expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': ['ReleaseLockLambdaFunction', 'Arn'] } })]);
  });

  it('names the stack after the plan and the stage, and starts every resource name with it, within Lambda\'s 64 characters', () => {
    // Assess: dr-autopilot-<plan>-<stage>: another plan at this stage is another stack with other names.
    expect(stackName).toBe('dr-autopilot-dataset-platform-prod');
    const names = physicalNames(resources);
    expect(names.length).toBeGreaterThanOrEqual(30);
    for (const { id, name } of names) expect(name.replace(/^(alias\/|\/aws\/lambda\/|\/aws\/vendedlogs\/states\/)/, ''), id).toMatch(new RegExp(`^${stackName}-[a-z-]+$`));
    const functions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function').map((r) => r.Properties.FunctionName as string);
    expect(functions).toContain(`${stackName}-start-action`);
    // The longest function name is the one the stack name's limit is computed from (scripts/serverless-plan.cjs).
    const longest = functions.reduce((a, b) => (b.length > a.length ? b : a));
    expect(longest).toBe(`${stackName}${LONGEST_NAME_SUFFIX}`);
    expect(longest.length).toBeLessThanOrEqual(MAX_FUNCTION_NAME_CHARS);
    expect(resources.FailoverStateMachine!.Properties.StateMachineName).toBe(`${stackName}-failover`);
    expect(resources.StateMachineLogGroup!.Properties.LogGroupName).toBe(`/aws/vendedlogs/states/${stackName}-failover`);
    expect(resources.StateTable!.Properties.TableName).toBe(`${stackName}-state`);
    expect([resources.InternalTopic!.Properties.TopicName, resources.ExternalTopic!.Properties.TopicName]).toEqual([`${stackName}-internal`, `${stackName}-external`]);
    expect(resources.InternalTopic!.Properties.DisplayName).toBe('dr-autopilot dataset-platform (internal)');
  });

  it('lets each role write only this stack\'s function logs, and start-action and check-action describe only this state machine\'s executions', () => {
    // Prepare: ${AWS::StackName} as CloudFormation fills it in.
    const filled = (value: unknown) =>
      (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
        .map((p) => (typeof p === 'string' ? p : ({ 'AWS::StackName': stackName, 'AWS::Partition': 'aws', 'AWS::AccountId': '123456789012' } as Record<string, string>)[(p as { Ref: string }).Ref]))
        .join('');
    const like = (pattern: string) => new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\/]/g, (c) => (c === '*' ? '.*' : `\\${c}`))}$`);
    const functions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    for (const fn of functions) {
      // Act: the function's own role and the ARN of the log group Lambda writes to.
      const role = resources[(fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]]!;
      const logs = statementsOf(role)[0]!;
      const logGroup = `arn:aws:logs:ap-northeast-3:123456789012:log-group:/aws/lambda/${fn.Properties.FunctionName as string}:log-stream:x`;
      // Assess
      expect(actions(logs)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      expect(resourcesOf(logs).map(filled)).toEqual([`arn:aws:logs:ap-northeast-3:123456789012:log-group:/aws/lambda/${stackName}-*:*`]);
      expect(logGroup).toMatch(like(filled(resourcesOf(logs)[0])));
    }
    const execution = `arn:aws:states:ap-northeast-3:123456789012:execution:${resources.FailoverStateMachine!.Properties.StateMachineName as string}:run-1`;
    for (const [name, role] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Role')) {
      const describe = statementsOf(role).filter((st) => actions(st).includes('states:DescribeExecution'));
      expect(describe.length, name).toBe(['StartActionRole', 'CheckActionRole'].includes(name) ? 1 : 0);
      for (const st of describe) expect(execution, name).toMatch(like(filled(resourcesOf(st)[0])));
    }
  });

  it('keeps every event the rules fail to deliver or the functions fail on: retry policies, a dead-letter queue, on-failure destinations', () => {
    // Prepare: the rules on AWS events (the trigger alarms, the executions' ends); both invoke Lambda asynchronously.
    const rules = patternRules(resources);
    expect(rules.map((r) => r.Properties.Name)).toEqual([`${stackName}-trigger`, `${stackName}-release-lock`]);
    for (const rule of rules) {
      const target = targetOf(rule);
      const fn = target.Arn['Fn::GetAtt'][0];
      // Assess: EventBridge retries a delivery Lambda refuses, then dead-letters it.
      expect(target.RetryPolicy, fn).toEqual(fn === 'StartRecoveryLambdaFunction' ? { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 24 } : { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 });
      expect(target.DeadLetterConfig, fn).toEqual({ Arn: deadLetterQueueArn });
      // Lambda retries a failed invocation twice, then sends the event to the same queue, with the function's role.
      const config = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && JSON.stringify(r.Properties.FunctionName) === JSON.stringify({ Ref: fn }));
      expect(config?.Properties, fn).toEqual({
        FunctionName: { Ref: fn },
        Qualifier: '$LATEST',
        DestinationConfig: { OnFailure: { Destination: deadLetterQueueArn } },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: fn === 'StartRecoveryLambdaFunction' ? 3600 : 21600,
      });
      const role = resources[(resources[fn]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]]!;
      expect(statementsOf(role), fn).toContainEqual({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [deadLetterQueueArn] });
    }
    // The queue: encrypted, 14 days; only these rules (by the ARN their names give, as their Lambda permissions) may send.
    expect(resources.DeadLetterQueue!.Properties).toEqual({ QueueName: `${stackName}-dead-letters`, MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
    const policy = resources.DeadLetterQueuePolicy!.Properties as { Queues: unknown[]; PolicyDocument: { Statement: Record<string, unknown>[] } };
    expect(policy.Queues).toEqual([{ Ref: 'DeadLetterQueue' }]);
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Sid: 'ThisStacksRulesSendUndeliveredEvents',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: deadLetterQueueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': rules.map((r) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${r.Properties.Name as string}` })) } },
      },
      { Sid: 'TlsOnly', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: deadLetterQueueArn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ]);
  });

  it('tells on-call of a dead letter, an error of a function the rules invoke, and an undelivered notice of any stage', () => {
    const alarm = (id: string) => resources[id]!.Properties;
    const once = { EvaluationPeriods: 1, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching', AlarmActions: [{ Ref: 'InternalTopic' }], OKActions: [{ Ref: 'InternalTopic' }] };
    expect(alarm('DeadLetterAlarm')).toMatchObject({
      AlarmName: `${stackName}-dead-letters`,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 60,
      ...once,
    });
    // Every function an event rule invokes has its Errors alarm.
    for (const fn of patternRules(resources).map((r) => targetOf(r).Arn['Fn::GetAtt'][0])) {
      const errors = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === 'Errors' && JSON.stringify(r.Properties.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: fn } }]));
      expect(errors.map((r) => r.Properties), fn).toEqual([expect.objectContaining({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 60, ...once })]);
    }
    // notify emits NoticeFailed (namespace dr-autopilot, dimensions service and stage): one query sums every stage's,
    // those added later included (an alarm cannot use SEARCH; Metrics Insights queries it may).
    expect(alarm('NoticeFailedAlarm')).toMatchObject({
      AlarmName: `${stackName}-notice-failed`,
      Metrics: [{ Id: 'noticeFailed', Expression: `SELECT SUM(NoticeFailed) FROM SCHEMA("dr-autopilot", service, stage) WHERE service = 'dr-autopilot'`, Period: 300, ReturnData: true }],
      ...once,
    });
    expect(alarm('NoticeFailedAlarm')).not.toHaveProperty('MetricName');
  });

  it('gives every Lambda Task of the state machine its function\'s timeout plus a cold-start margin; a token wait runs on the request\'s own timeout', () => {
    // Prepare: the deployed definition and the functions its ${…} name.
    const sub = (resources.FailoverStateMachine!.Properties.DefinitionString as { 'Fn::Sub': [string, Record<string, { 'Fn::GetAtt': [string, string] }>] })['Fn::Sub'];
    interface Task {
      Type: string;
      Resource?: string;
      Parameters?: { FunctionName?: string };
      TimeoutSeconds?: number;
      TimeoutSecondsPath?: string;
      ItemProcessor?: { States: Record<string, Task> };
      Iterator?: { States: Record<string, Task> };
      Branches?: { States: Record<string, Task> }[];
    }
    const all = (states: Record<string, Task>): [string, Task][] =>
      Object.entries(states).flatMap(([name, state]) => [
        [name, state] as [string, Task],
        ...[state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])].flatMap((inner) => (inner ? all(inner.States) : [])),
      ]);
    const tasks = all((JSON.parse(sub[0]) as { States: Record<string, Task> }).States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThanOrEqual(15);
    for (const [name, task] of tasks) {
      // Act: the function the Task invokes, and its timeout as deployed (the provider's default when it sets none).
      const placeholder = /^\$\{(\w+)\}$/.exec(task.Resource!.startsWith('arn:') ? task.Parameters!.FunctionName! : task.Resource!)![1]!;
      const fn = resources[sub[1][placeholder]!['Fn::GetAtt'][0]]!;
      const timeout = fn.Properties.Timeout as number;
      // Assess
      if (task.Resource!.endsWith('.waitForTaskToken')) {
        // A person's answer is awaited: the request states the deadline this timeout sets.
        expect(task.TimeoutSecondsPath, name).toMatch(/^\$\.[a-z]+\.timeoutSeconds$/);
      } else {
        expect(task.TimeoutSeconds, `${name}: ${fn.Properties.FunctionName as string} may run ${timeout} s`).toBeGreaterThan(timeout + COLD_START_MARGIN_SECONDS);
      }
    }
  });

  it('packages a console-only plan (no trigger alarms): no alarm rule, the rest as for any plan', () => {
    // Assess: EventBridge refuses a rule whose pattern lists no alarm name, so there is none, nor its permission.
    expect(JSON.stringify(consoleOnly)).not.toContain('alarmName');
    expect(JSON.stringify(consoleOnly)).not.toContain('aws.cloudwatch');
    expect(Object.values(consoleOnly).filter((r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties.FunctionName).includes('StartRecovery'))).toEqual([]);
    // The release rule, its dead-letter queue and the alarms are there; start-recovery too (nothing invokes it).
    expect(patternRules(consoleOnly).map((r) => [r.Properties.Name, targetOf(r).DeadLetterConfig])).toEqual([[`${consoleOnlyStack}-release-lock`, { Arn: deadLetterQueueArn }]]);
    expect(Object.keys(consoleOnly).filter((id) => consoleOnly[id]!.Type === 'AWS::CloudWatch::Alarm' && !id.startsWith('FailoverStateMachine')).sort()).toEqual(
      ['DeadLetterAlarm', 'NoticeFailedAlarm', 'ReadinessAlarm', 'ReleaseLockErrorsAlarm', 'StartRecoveryErrorsAlarm'],
    );
    expect(Object.values(consoleOnly).filter((r) => r.Type === 'AWS::Lambda::Function')).toHaveLength(18);
    // No alarm to re-read before a one-way step either; the stack is the plan's own.
    expect(JSON.stringify(consoleOnly.PrepareRunRole)).not.toContain('cloudwatch:DescribeAlarms');
    expect(consoleOnlyStack).toBe('dr-autopilot-shop-prod');
  });

  it('deploys two plans side by side at one stage: their stacks name no resource alike', () => {
    // Prepare: every physical name each package sets (functions, state machine, table, topics, queue, rules, alarms, log groups, key alias).
    const example = new Set(physicalNames(resources).map((n) => n.name));
    const other = physicalNames(consoleOnly).map((n) => n.name);
    // Assess
    expect(stackName).not.toBe(consoleOnlyStack);
    expect(other.length).toBeGreaterThanOrEqual(30);
    expect(other.filter((name) => example.has(name))).toEqual([]);
  });
});
