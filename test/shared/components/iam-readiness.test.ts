import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IamContext, IamStatement } from '../../../shared/components/definition.ts';
import { componentTypeNames, definitionOf, type RegisteredType } from '../../../shared/components/registry.ts';
import { loadPlanFile } from '../../../shared/plan/load.ts';
import type { Component } from '../../../shared/plan/schema.ts';

/**
 * The readiness function's role is built from each type's `iam.readiness` statements: it must hold
 * only reads, and every read the type's readiness facet sends (as the source says) must be in them.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PLANS = ['examples/dataset-platform.plan.yml', 'test/fixtures/plans/second-shape.plan.yml'];
const REGIONS = { primary: 'ap-northeast-1', secondary: 'ap-northeast-3' };
const ctx: IamContext = {
  regions: REGIONS,
  arn: (service, region, resource, withAccount = true) => `arn:aws:${service}:${region}:${withAccount ? '123456789012' : ''}:${resource}`,
};

/** IAM's service prefix of each SDK client package (@aws-sdk/client-<name>). */
const IAM_PREFIX: Record<string, string> = {
  'auto-scaling': 'autoscaling',
  backup: 'backup',
  cloudwatch: 'cloudwatch',
  ec2: 'ec2',
  ecs: 'ecs',
  elasticache: 'elasticache',
  lambda: 'lambda',
  rds: 'rds',
  'route-53': 'route53',
  s3: 's3',
  'service-quotas': 'servicequotas',
};
/**
 * Where the IAM action is not the API operation's name: S3's GetBucketReplication is authorised by
 * s3:GetReplicationConfiguration (Service Authorization Reference, Amazon S3).
 */
const ACTION_EXCEPTIONS: Record<string, string> = {
  's3:GetBucketReplication': 's3:GetReplicationConfiguration',
};
/**
 * The shared readers a facet may call, and the command each sends in the module that holds it
 * (checked against that module's source below).
 */
const SHARED_READERS: { call: string; client: string; command: string; file: string }[] = [
  { call: 'lagFinding(', client: 'cloudwatch', command: 'GetMetricData', file: 'shared/aws/replica-lag.ts' },
  { call: 'quotaFinding(', client: 'service-quotas', command: 'GetServiceQuota', file: 'shared/readiness/quota.ts' },
];

const source = (file: string) => readFileSync(`${ROOT}${file}`, 'utf8');

/** The IAM actions a type's readiness.ts needs: each `new XCommand(` it sends, by the client it imports X from, and the shared readers it calls. */
function actionsSentBy(type: string): string[] {
  const text = source(`shared/components/${type}/readiness.ts`);
  const clientOf = new Map<string, string>();
  for (const [, names, client] of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([^']+)'/g)) {
    for (const name of names!.split(',').map((n) => n.trim().replace(/^type\s+/, ''))) if (name) clientOf.set(name, client!);
  }
  const sent = [...text.matchAll(/new (\w+)Command\(/g)].map(([, command]) => {
    const client = clientOf.get(`${command!}Command`);
    if (!client) throw new Error(`${type}/readiness.ts sends ${command!}Command imported from no @aws-sdk client`);
    return { client, command: command! };
  });
  for (const reader of SHARED_READERS) if (text.includes(reader.call)) sent.push({ client: reader.client, command: reader.command });
  return [...new Set(sent.map(({ client, command }) => {
    const prefix = IAM_PREFIX[client];
    if (!prefix) throw new Error(`no IAM prefix for @aws-sdk/client-${client}: add it to IAM_PREFIX`);
    const action = `${prefix}:${command}`;
    return ACTION_EXCEPTIONS[action] ?? action;
  }))];
}

/** What each type's readiness.ts sends, as IAM actions: the derivation above must find exactly these. */
const EXPECTED_ACTIONS: Record<RegisteredType, string[]> = {
  'rds-replica-promotion': ['rds:DescribeDBInstances', 'cloudwatch:GetMetricData'],
  'aurora-global-failover': ['rds:DescribeGlobalClusters', 'cloudwatch:GetMetricData'],
  'rds-point-in-time-restore': ['rds:DescribeDBInstances', 'rds:DescribeDBInstanceAutomatedBackups'],
  'route53-failover': ['route53:ListResourceRecordSets'],
  's3-failover': ['s3:GetReplicationConfiguration', 's3:GetBucketVersioning', 'cloudwatch:GetMetricData'],
  's3-version-restore': ['s3:GetBucketVersioning'],
  'backup-restore': ['backup:ListRecoveryPointsByBackupVault'],
  'ecs-scale': ['ecs:DescribeServices', 'ecs:DescribeTaskDefinition', 'servicequotas:GetServiceQuota'],
  'ec2-asg-scale': ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeLaunchTemplateVersions', 'ec2:DescribeInstanceTypes', 'servicequotas:GetServiceQuota'],
  'elasticache-global-failover': ['elasticache:DescribeGlobalReplicationGroups'],
  'lambda-invoke': ['lambda:GetFunction'],
  manual: [],
};

const READ_ONLY = /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]+$/;

describe('the readiness IAM of every component type', () => {
  /** Every component of the plans, by type, and a few variants the plans do not show. */
  const variants = new Map<string, unknown[]>();
  beforeAll(async () => {
    const components: Component[] = [];
    for (const file of PLANS) components.push(...(await loadPlanFile(`${ROOT}${file}`)).components);
    const extra: [RegisteredType, unknown][] = [
      ['rds-point-in-time-restore', { sourceDbInstanceIdentifier: 'reporting-db', targetDbInstanceIdentifier: 'reporting-db-restored' }],
      ['route53-failover', { mode: 'health-check', hostedZoneId: 'Z0EXAMPLE123ABC', recordName: 'api.example.com', recordType: 'A', primaryHealthCheckId: 'hc-1', expectedAnswer: ['192.0.2.1'] }],
      ['lambda-invoke', { region: 'primary', functionName: 'repoint-monitoring' }],
    ];
    for (const c of components) variants.set(c.type, [...(variants.get(c.type) ?? []), c.params]);
    for (const [type, raw] of extra) variants.set(type, [...(variants.get(type) ?? []), definitionOf(type).params.parse(raw)]);
  });
  const statementsOf = async (type: RegisteredType): Promise<IamStatement[][]> => {
    const iam = definitionOf(type).iam;
    const all = variants.get(type) ?? [];
    expect(all.length, `no component of type ${type} to build statements from`).toBeGreaterThan(0);
    return all.map((params) => iam.readiness(params, ctx));
  };

  it('knows the commands of the shared readers from their own source', () => {
    for (const reader of SHARED_READERS) expect(source(reader.file)).toContain(`new ${reader.command}Command(`);
  });

  it.each(componentTypeNames)('%s: finds in readiness.ts exactly the reads it sends', (type) => {
    expect(actionsSentBy(type).sort()).toEqual([...EXPECTED_ACTIONS[type]].sort());
  });

  it.each(componentTypeNames)('%s: grants only read-only actions, unconditionally', async (type) => {
    for (const statements of await statementsOf(type)) {
      for (const st of statements) {
        expect(st.Effect).toBe('Allow');
        expect(st.Condition).toBeUndefined();
        expect(st.Action.length).toBeGreaterThan(0);
        for (const action of st.Action) expect(action, `${type}: ${action}`).toMatch(READ_ONLY);
        expect([st.Resource].flat().every((r) => typeof r === 'string' && r !== ''), `${type}: ${JSON.stringify(st.Resource)}`).toBe(true);
      }
    }
  });

  it.each(componentTypeNames)('%s: grants every read its readiness.ts sends', async (type) => {
    const granted = new Set((await statementsOf(type)).flat().flatMap((st) => st.Action));
    for (const action of actionsSentBy(type)) expect(granted.has(action), `${type} readiness sends ${action}, not in iam.readiness`).toBe(true);
  });

  it('rds-point-in-time-restore: grants the read of the source it names (instance, or replicated backups)', async () => {
    const iam = definitionOf('rds-point-in-time-restore').iam;
    const byInstance = definitionOf('rds-point-in-time-restore').params.parse({ sourceDbInstanceIdentifier: 'reporting-db', targetDbInstanceIdentifier: 'restored' });
    const byArn = definitionOf('rds-point-in-time-restore').params.parse({
      sourceDbInstanceAutomatedBackupsArn: 'arn:aws:rds:ap-northeast-3:123456789012:auto-backup:ab-reporting',
      targetDbInstanceIdentifier: 'restored',
    });
    expect(iam.readiness(byInstance, ctx)).toEqual([
      { Effect: 'Allow', Action: ['rds:DescribeDBInstances'], Resource: ['arn:aws:rds:ap-northeast-3:123456789012:db:reporting-db'] },
    ]);
    expect(iam.readiness(byArn, ctx)).toEqual([
      { Effect: 'Allow', Action: ['rds:DescribeDBInstanceAutomatedBackups'], Resource: ['arn:aws:rds:ap-northeast-3:123456789012:auto-backup:ab-reporting'] },
    ]);
  });

  it('names the resources each facet reads, in the region it reads them', async () => {
    const first = async (type: RegisteredType) => (await statementsOf(type))[0]!;
    expect(await first('rds-replica-promotion')).toEqual([
      { Effect: 'Allow', Action: ['rds:DescribeDBInstances'], Resource: ['arn:aws:rds:ap-northeast-3:123456789012:db:dataset-db-osaka'] },
      { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
    ]);
    expect(await first('aurora-global-failover')).toEqual([
      { Effect: 'Allow', Action: ['rds:DescribeGlobalClusters'], Resource: ['arn:aws:rds::123456789012:global-cluster:shop-orders-global'] },
      { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
    ]);
    expect(await first('route53-failover')).toEqual([
      { Effect: 'Allow', Action: ['route53:ListResourceRecordSets'], Resource: ['arn:aws:route53:::hostedzone/Z0EXAMPLE123ABC'] },
    ]);
    expect(await first('s3-failover')).toEqual([
      { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration'], Resource: ['arn:aws:s3:::dataset-platform-datasets-tokyo'] },
      { Effect: 'Allow', Action: ['s3:GetBucketVersioning'], Resource: ['arn:aws:s3:::dataset-platform-datasets-osaka'] },
      { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
    ]);
    expect(await first('s3-version-restore')).toEqual([
      { Effect: 'Allow', Action: ['s3:GetBucketVersioning'], Resource: ['arn:aws:s3:::dataset-platform-datasets-tokyo'] },
    ]);
    expect(await first('backup-restore')).toEqual([
      { Effect: 'Allow', Action: ['backup:ListRecoveryPointsByBackupVault'], Resource: ['arn:aws:backup:ap-northeast-3:123456789012:backup-vault:dataset-platform-osaka'] },
    ]);
    expect(await first('ecs-scale')).toEqual([
      { Effect: 'Allow', Action: ['ecs:DescribeServices'], Resource: ['arn:aws:ecs:ap-northeast-3:123456789012:service/dataset-platform-osaka/auth'] },
      { Effect: 'Allow', Action: ['ecs:DescribeTaskDefinition', 'servicequotas:GetServiceQuota'], Resource: '*' },
    ]);
    expect(await first('elasticache-global-failover')).toEqual([
      { Effect: 'Allow', Action: ['elasticache:DescribeGlobalReplicationGroups'], Resource: ['arn:aws:elasticache::123456789012:globalreplicationgroup:ldgnf-dataset-cache'] },
    ]);
    expect(await first('lambda-invoke')).toEqual([
      { Effect: 'Allow', Action: ['lambda:GetFunction'], Resource: ['arn:aws:lambda:ap-northeast-3:123456789012:function:dataset-platform-repoint-monitoring'] },
    ]);
    // A function named by ARN is that ARN; region primary reads the primary's function.
    expect((await statementsOf('lambda-invoke')).slice(1)).toEqual([
      [{ Effect: 'Allow', Action: ['lambda:GetFunction'], Resource: ['arn:aws:lambda:eu-central-1:210987654321:function:shop-warm-caches'] }],
      [{ Effect: 'Allow', Action: ['lambda:GetFunction'], Resource: ['arn:aws:lambda:ap-northeast-1:123456789012:function:repoint-monitoring'] }],
    ]);
    expect((await statementsOf('manual')).every((s) => s.length === 0)).toBe(true);
  });
});
