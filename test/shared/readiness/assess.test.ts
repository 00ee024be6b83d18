import { Logger } from '@aws-lambda-powertools/logger';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { BackupClient, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { DescribeInstanceTypesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, type DescribeServicesCommandInput } from '@aws-sdk/client-ecs';
import { DescribeGlobalReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { IAMClient, SimulatePrincipalPolicyCommand, type SimulatePrincipalPolicyCommandInput } from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetBucketReplicationCommand, GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { GetServiceQuotaCommand, ServiceQuotasClient, type GetServiceQuotaCommandInput } from '@aws-sdk/client-service-quotas';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsClients } from '../../../shared/aws/clients.ts';
import { readiness as elasticacheReadiness } from '../../../shared/components/elasticache-global-failover/readiness.ts';
import { loadPlanFile } from '../../../shared/plan/load.ts';
import type { Plan } from '../../../shared/plan/schema.ts';
import { assessReadiness, type ReadinessDeps } from '../../../shared/readiness/assess.ts';
import { compiledPlanOf } from '../../../shared/tools/deploy/compiled-plan.ts';

const rds = mockClient(RDSClient);
const cloudwatch = mockClient(CloudWatchClient);
const ecs = mockClient(ECSClient);
const quotas = mockClient(ServiceQuotasClient);
const r53 = mockClient(Route53Client);
const s3 = mockClient(S3Client);
const elasticache = mockClient(ElastiCacheClient);
const asg = mockClient(AutoScalingClient);
const ec2 = mockClient(EC2Client);
const lambda = mockClient(LambdaClient);
const backup = mockClient(BackupClient);
const sns = mockClient(SNSClient);
const iam = mockClient(IAMClient);
const MOCKS = [rds, cloudwatch, ecs, quotas, r53, s3, elasticache, asg, ec2, lambda, backup, sns, iam];

const NOW = new Date('2026-11-29T01:00:00.000Z');
const ROLE = 'arn:aws:iam::123456789012:role/dr-autopilot-start-action';
const INTERNAL = 'arn:aws:sns:ap-northeast-3:123456789012:dataset-platform-internal';
const EXTERNAL = 'arn:aws:sns:ap-northeast-3:123456789012:dataset-platform-external';
const NAME = 'api.dataset-platform.example.com';

/** The replica lag (ReplicaLag, seconds) and replication latency (ReplicationLatency, seconds) CloudWatch answers. */
const metrics = ({ replicaLag = 4 as number | null, replicationLatency = 90 as number | null } = {}) =>
  cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    const value = input.MetricDataQueries?.[0]?.MetricStat?.Metric?.MetricName === 'ReplicaLag' ? replicaLag : replicationLatency;
    return { MetricDataResults: [{ Id: 'replicaLag', StatusCode: 'Complete', Timestamps: value === null ? [] : [new Date('2026-11-29T00:59:00Z')], Values: value === null ? [] : [value] }] };
  });

/** Every AWS read of the example plan answers "ready". */
function everythingReady(): void {
  rds.on(DescribeDBInstancesCommand).resolves({
    DBInstances: [{ DBInstanceIdentifier: 'dataset-db-osaka', DBInstanceStatus: 'available', ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db' }],
  });
  metrics();
  ecs.on(DescribeServicesCommand).callsFake((input: DescribeServicesCommandInput) => ({
    services: [{ serviceName: input.services?.[0], status: 'ACTIVE', launchType: 'FARGATE', taskDefinition: `arn:aws:ecs:ap-northeast-3:123456789012:task-definition/${input.services?.[0] ?? ''}:7` }],
  }));
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: { status: 'ACTIVE', cpu: '1024', containerDefinitions: [{ name: 'app', image: '123456789012.dkr.ecr.ap-northeast-3.amazonaws.com/app:1' }] },
  });
  quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 100 } });
  r53.on(ListResourceRecordSetsCommand).resolves({
    ResourceRecordSets: [
      { Name: `${NAME}.`, Type: 'CNAME', SetIdentifier: 'tokyo', Failover: 'PRIMARY', HealthCheckId: 'hc-tokyo', ResourceRecords: [{ Value: 'api-tokyo.example.com' }] },
      { Name: `${NAME}.`, Type: 'CNAME', SetIdentifier: 'osaka', Failover: 'SECONDARY', HealthCheckId: 'hc-osaka', ResourceRecords: [{ Value: 'api-osaka.example.com' }] },
    ],
  });
  s3.on(GetBucketReplicationCommand).resolves({
    ReplicationConfiguration: { Role: 'arn:aws:iam::123456789012:role/replication', Rules: [{ ID: 'datasets-to-osaka', Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::dataset-platform-datasets-osaka' } }] },
  });
  s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  elasticache.on(DescribeGlobalReplicationGroupsCommand).resolves({
    GlobalReplicationGroups: [{ GlobalReplicationGroupId: 'ldgnf-dataset-cache', Status: 'available', Members: [{ ReplicationGroupId: 'dataset-cache-osaka', Role: 'SECONDARY', Status: 'associated' }] }],
  });
  asg.on(DescribeAutoScalingGroupsCommand).resolves({
    AutoScalingGroups: [{
      AutoScalingGroupName: 'dataset-batch-osaka', MinSize: 0, MaxSize: 0, DesiredCapacity: 0, DefaultCooldown: 300, AvailabilityZones: ['ap-northeast-3a'], HealthCheckType: 'EC2',
      CreatedTime: new Date('2026-01-01T00:00:00Z'), LaunchTemplate: { LaunchTemplateId: 'lt-0123456789abcdef0', Version: '$Latest' },
    }],
  });
  ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [{ LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large' } }] });
  ec2.on(DescribeInstanceTypesCommand).resolves({ InstanceTypes: [{ InstanceType: 'm5.large', VCpuInfo: { DefaultVCpus: 2 } }] });
  lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active', LastUpdateStatus: 'Successful' } });
  backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [{ Status: 'COMPLETED', CreationDate: new Date(NOW.getTime() - 2 * 3_600_000) }] });
  sns.on(ListSubscriptionsByTopicCommand).callsFake((input: { TopicArn: string }) => ({ Subscriptions: [{ SubscriptionArn: `${input.TopicArn}:sub-1`, Protocol: 'email' }] }));
  iam.on(SimulatePrincipalPolicyCommand).callsFake((input: SimulatePrincipalPolicyCommandInput) => ({
    EvaluationResults: (input.ActionNames ?? []).map((action) => ({ EvalActionName: action, EvalResourceName: '*', EvalDecision: 'allowed' })),
  }));
}

/** As the deployed function passes them: the recovery role's statements from the plan as packaged. */
const deps = (plan: Plan): ReadinessDeps => ({
  clients: createAwsClients(),
  logger: new Logger({ serviceName: 'dr-autopilot-test', logLevel: 'SILENT' }),
  now: NOW,
  topics: { internal: INTERNAL, external: EXTERNAL },
  automationRoleArn: ROLE,
  recoveryStatements: compiledPlanOf(plan, 'plan.yml').recoveryRole?.statements,
});

/** Per component: [id, type, tier, dataAtRiskSeconds, recoverySeconds (the plan's expectedSeconds, else the type's default)]. */
const COMPONENTS: [string, string, string, number | null, number][] = [
  ['core-database', 'rds-replica-promotion', 'tier-1', 4, 540],
  ['authentication', 'ecs-scale', 'tier-1', null, 120],
  ['api-gateway', 'route53-failover', 'tier-1', null, 60],
  ['dataset-storage', 's3-failover', 'tier-2', 90, 10],
  ['dataset-restore', 's3-version-restore', 'tier-2', null, 30],
  ['cache-server', 'elasticache-global-failover', 'tier-2', null, 60],
  ['web-application', 'ecs-scale', 'tier-2', null, 120],
  ['batch-processing', 'ec2-asg-scale', 'tier-2', null, 180],
  ['report-generation', 'ecs-scale', 'tier-3', null, 120],
  ['monitoring', 'lambda-invoke', 'tier-3', null, 5],
  ['backup-system', 'backup-restore', 'tier-3', 7200, 3600],
  ['development-environment', 'manual', 'tier-4', null, 43_200],
  ['test-environment', 'manual', 'tier-4', null, 43_200],
  ['documentation-system', 'manual', 'tier-4', null, 43_200],
];

describe('assessReadiness', () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await loadPlanFile(new URL('../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
  });
  beforeEach(() => {
    for (const m of MOCKS) m.reset();
    everythingReady();
  });
  afterEach(() => {
    for (const m of MOCKS) m.reset();
    vi.restoreAllMocks();
  });

  it('is ready when every read answers ready, with each component, the system, and the RTO and RPO forecasts', async () => {
    // Act
    const report = await assessReadiness(plan, deps(plan));
    // Assess
    expect(report.status).toBe('ready');
    expect(report.plan).toBe('dataset-platform');
    expect(report.assessedAt).toBe('2026-11-29T01:00:00.000Z');
    expect(report.regions).toEqual({ primary: 'ap-northeast-1', secondary: 'ap-northeast-3' });
    expect(report.components.map((c) => [c.id, c.type, c.tier, c.dataAtRiskSeconds, c.recoverySeconds])).toEqual(COMPONENTS);
    for (const c of report.components) {
      expect(c.status, c.id).toBe('ready');
      expect(c.findings.length, c.id).toBeGreaterThan(0);
      for (const f of c.findings) expect(f.status, `${c.id}: ${f.detail}`).toBe('ready');
    }
    // Nothing has moved the system; the three ECS services share the Fargate On-Demand quota: their needs summed. The batch group alone draws on the EC2 one: no system finding.
    expect(report.system).toEqual([
      { check: 'active-region', status: 'ready', detail: 'the plan\'s primary region ap-northeast-1 is active (no recovery has moved it)' },
      {
        check: 'service-quota',
        status: 'ready',
        detail: 'quota Fargate On-Demand vCPU resource count in ap-northeast-3 is 100; the scale-up needs 9 (authentication 3 + web-application 4 + report-generation 2)',
      },
      { check: 'topic-subscribers', status: 'ready', detail: 'the internal topic has 1 confirmed subscriber(s) (email)' },
      { check: 'topic-subscribers', status: 'ready', detail: 'the external topic has 1 confirmed subscriber(s) (email)' },
      { check: 'automation-role', status: 'ready', detail: `the recovery role ${ROLE} may do all 62 action(s) the recovery needs (IAM policy simulation)` },
    ]);
    // The role's statements as packaged, one simulation each: the components' (both directions and re-protect, for the staged ones) and the trigger alarms' re-read.
    expect(iam).toHaveReceivedCommandTimes(SimulatePrincipalPolicyCommand, 37);
    expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, { PolicySourceArn: ROLE, ActionNames: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListAlarmMuteRules'], ResourceArns: ['*'] });
    // Cumulative: 540 s, +180 s, +3600 s (the plan's expectedSeconds of backup-system), +1 s.
    expect(report.forecast.rto).toEqual([
      {
        scenario: 'region-outage',
        tiers: [
          { id: 'tier-1', targetMinutes: 240, forecastMinutes: 9, status: 'ready', why: 'within the 240 min target' },
          { id: 'tier-2', targetMinutes: 480, forecastMinutes: 12, status: 'ready', why: 'within the 480 min target' },
          { id: 'tier-3', targetMinutes: 480, forecastMinutes: 72, status: 'ready', why: 'within the 480 min target' },
          { id: 'tier-4', targetMinutes: 1440, forecastMinutes: 792, status: 'ready', why: 'within the 1440 min target' },
        ],
      },
      { scenario: 'database-failure', tiers: [{ id: 'tier-1', targetMinutes: 240, forecastMinutes: 9, status: 'ready', why: 'within the 240 min target' }] },
      // The version restore alone (30 s, s3-version-restore's default) rounds up to a minute.
      { scenario: 'storage-failure', tiers: [{ id: 'tier-2', targetMinutes: 480, forecastMinutes: 1, status: 'ready', why: 'within the 480 min target' }] },
    ]);
    expect(report.forecast.rpo).toEqual([
      { rpoClass: 'transaction', targetMinutes: 15, forecastMinutes: 0.1, measurable: true, status: 'ready', components: ['core-database'] },
      { rpoClass: 'user', targetMinutes: 60, forecastMinutes: 1.5, measurable: true, status: 'ready', components: ['dataset-storage', 'dataset-restore'] },
      { rpoClass: 'system', targetMinutes: 1440, forecastMinutes: 120, measurable: true, status: 'ready', components: ['backup-system'] },
    ]);
  });

  it('passes each component its RPO class in seconds (the lag is judged against 15 min for the core database)', async () => {
    metrics({ replicaLag: 1200 });
    const report = await assessReadiness(plan, deps(plan));
    const core = report.components.find((c) => c.id === 'core-database')!;
    expect(core.status).toBe('at-risk');
    expect(core.findings.at(-1)).toEqual({
      check: 'replication-lag',
      status: 'at-risk',
      detail: 'ReplicaLag 20 min, above the RPO of 15 min: a recovery now would lose more than the plan allows',
    });
    expect(report.forecast.rpo[0]).toEqual({ rpoClass: 'transaction', targetMinutes: 15, forecastMinutes: 20, measurable: true, status: 'at-risk', components: ['core-database'] });
    expect(report.status).toBe('at-risk');
  });

  it('forecasts an RPO it could not read as unknown and at risk', async () => {
    metrics({ replicationLatency: null });
    const report = await assessReadiness(plan, deps(plan));
    expect(report.forecast.rpo[1]).toEqual({ rpoClass: 'user', targetMinutes: 60, forecastMinutes: null, measurable: true, status: 'at-risk', components: ['dataset-storage', 'dataset-restore'] });
  });

  it('makes a not-ready component\'s tier, and every later tier of its scenarios, not ready, saying why', async () => {
    // Prepare: the batch group is gone from the recovery region.
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    // Act
    const report = await assessReadiness(plan, deps(plan));
    // Assess
    expect(report.status).toBe('not-ready');
    const batch = report.components.find((c) => c.id === 'batch-processing')!;
    expect(batch).toMatchObject({
      status: 'not-ready',
      findings: [{ check: 'group', status: 'not-ready', detail: 'Auto Scaling group dataset-batch-osaka in ap-northeast-3 not found: create it (capacity 0) ahead of time' }],
    });
    expect(report.components.filter((c) => c.status !== 'ready').map((c) => c.id)).toEqual(['batch-processing']);
    expect(report.forecast.rto[0]).toEqual({
      scenario: 'region-outage',
      tiers: [
        { id: 'tier-1', targetMinutes: 240, forecastMinutes: 9, status: 'ready', why: 'within the 240 min target' },
        { id: 'tier-2', targetMinutes: 480, forecastMinutes: 12, status: 'not-ready', why: 'would fail: batch-processing not ready' },
        { id: 'tier-3', targetMinutes: 480, forecastMinutes: 72, status: 'not-ready', why: 'waits for tier-2, which would fail' },
        { id: 'tier-4', targetMinutes: 1440, forecastMinutes: 792, status: 'not-ready', why: 'waits for tier-2, which would fail' },
      ],
    });
    // Scenarios that do not recover the batch group are not held back by it.
    expect(report.forecast.rto.slice(1).flatMap((s) => s.tiers.map((t) => t.status))).toEqual(['ready', 'ready']);
  });

  it('names every not-ready component of the tier that fails', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended' });
    const report = await assessReadiness(plan, deps(plan));
    expect(report.forecast.rto[0]!.tiers[1]).toMatchObject({ id: 'tier-2', status: 'not-ready', why: 'would fail: dataset-storage, batch-processing not ready' });
    // The version restore's own tier in its scenario fails too (its bucket is the Tokyo one, also Suspended here).
    expect(report.forecast.rto[2]!.tiers).toEqual([{ id: 'tier-2', targetMinutes: 480, forecastMinutes: 1, status: 'not-ready', why: 'would fail: dataset-restore not ready' }]);
  });

  it('is at risk when the cumulative recovery time passes a tier\'s target', async () => {
    const slow: Plan = { ...plan, components: plan.components.map((c) => (c.id === 'backup-system' ? { ...c, expectedSeconds: 30_000 } : c)) };
    const report = await assessReadiness(slow, deps(slow));
    expect(report.forecast.rto[0]!.tiers.slice(2)).toEqual([
      { id: 'tier-3', targetMinutes: 480, forecastMinutes: 512, status: 'at-risk', why: '512 min exceeds the 480 min target' },
      // The manual steps of tier 4 count their timeout (720 min): 512 + 720.
      { id: 'tier-4', targetMinutes: 1440, forecastMinutes: 1232, status: 'ready', why: 'within the 1440 min target' },
    ]);
    expect(report.status).toBe('at-risk');
  });

  it('turns a facet that throws into an at-risk assessment finding, without hiding the other components', async () => {
    // Prepare
    vi.spyOn(elasticacheReadiness, 'assess').mockRejectedValueOnce(new TypeError('Cannot read properties of undefined (reading \'Members\')'));
    // Act
    const report = await assessReadiness(plan, deps(plan));
    // Assess
    const cache = report.components.find((c) => c.id === 'cache-server')!;
    expect(cache).toEqual({
      id: 'cache-server',
      type: 'elasticache-global-failover',
      tier: 'tier-2',
      status: 'at-risk',
      findings: [{ check: 'assessment', status: 'at-risk', detail: 'could not be assessed: TypeError: Cannot read properties of undefined (reading \'Members\')' }],
      dataAtRiskSeconds: null,
      recoverySeconds: 60,
      measuresDataAtRisk: false,
    });
    expect(report.components).toHaveLength(14);
    expect(report.components.filter((c) => c.id !== 'cache-server').every((c) => c.status === 'ready')).toBe(true);
    expect(report.status).toBe('at-risk');
    // At risk is not a failure: the tier's forecast stays ready.
    expect(report.forecast.rto[0]!.tiers[1]).toMatchObject({ id: 'tier-2', status: 'ready' });
  });

  it('words a thrown non-Error as it is', async () => {
    vi.spyOn(elasticacheReadiness, 'assess').mockRejectedValueOnce('socket hang up');
    const report = await assessReadiness(plan, deps(plan));
    expect(report.components.find((c) => c.id === 'cache-server')!.findings).toEqual([
      { check: 'assessment', status: 'at-risk', detail: 'could not be assessed: socket hang up' },
    ]);
  });

  it('is not ready when the services\' needs of a shared quota each fit but their sum does not', async () => {
    // Prepare: 8 Fargate vCPUs in Osaka; authentication needs 3, web-application 4, report-generation 2 (1 vCPU tasks).
    quotas.on(GetServiceQuotaCommand).callsFake((input: GetServiceQuotaCommandInput) => ({ Quota: { Value: input.QuotaCode === 'L-3032A538' ? 8 : 100 } }));
    // Act
    const report = await assessReadiness(plan, deps(plan));
    // Assess
    const services = report.components.filter((c) => c.type === 'ecs-scale');
    expect(services.map((c) => [c.id, c.status, c.quota])).toEqual([
      ['authentication', 'ready', { serviceCode: 'fargate', quotaCode: 'L-3032A538', name: 'Fargate On-Demand vCPU resource count', need: 3, because: '3 tasks × 1 vCPU', value: 8 }],
      ['web-application', 'ready', { serviceCode: 'fargate', quotaCode: 'L-3032A538', name: 'Fargate On-Demand vCPU resource count', need: 4, because: '4 tasks × 1 vCPU', value: 8 }],
      ['report-generation', 'ready', { serviceCode: 'fargate', quotaCode: 'L-3032A538', name: 'Fargate On-Demand vCPU resource count', need: 2, because: '2 tasks × 1 vCPU', value: 8 }],
    ]);
    expect(report.system[1]).toEqual({
      check: 'service-quota',
      status: 'not-ready',
      detail: 'quota Fargate On-Demand vCPU resource count in ap-northeast-3 is 8; the scale-up needs 9 (authentication 3 + web-application 4 + report-generation 2): request an increase (Service Quotas fargate L-3032A538)',
    });
    expect(report.system.filter((f) => f.check === 'service-quota')).toHaveLength(1);
    expect(report.components.every((c) => c.status === 'ready')).toBe(true);
    expect(report.status).toBe('not-ready');
  });

  it('sums each quota apart: a Spot-only service draws on the Fargate Spot quota, alone', async () => {
    // Prepare: web-application runs on FARGATE_SPOT only; 6 On-Demand vCPUs, 5 Spot.
    ecs.on(DescribeServicesCommand).callsFake((input: DescribeServicesCommandInput) => ({
      services: [{
        serviceName: input.services?.[0],
        status: 'ACTIVE',
        ...(input.services?.[0] === 'web' ? { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] } : { launchType: 'FARGATE' }),
        taskDefinition: `arn:aws:ecs:ap-northeast-3:123456789012:task-definition/${input.services?.[0] ?? ''}:7`,
      }],
    }));
    quotas.on(GetServiceQuotaCommand).callsFake((input: GetServiceQuotaCommandInput) => ({ Quota: { Value: ({ 'L-3032A538': 6, 'L-36FBB829': 5 } as Record<string, number>)[input.QuotaCode ?? ''] ?? 100 } }));
    // Act
    const report = await assessReadiness(plan, deps(plan));
    // Assess
    expect(report.components.find((c) => c.id === 'web-application')!.quota).toEqual({
      serviceCode: 'fargate', quotaCode: 'L-36FBB829', name: 'Fargate Spot vCPU resource count', need: 4, because: '4 tasks × 1 vCPU', value: 5,
    });
    expect(report.system.filter((f) => f.check === 'service-quota')).toEqual([
      {
        check: 'service-quota',
        status: 'at-risk',
        detail: 'quota Fargate On-Demand vCPU resource count in ap-northeast-3 is 6, the scale-up needs 5 (authentication 3 + report-generation 2): less than 25 % to spare for what else runs there',
      },
    ]);
    expect(report.status).toBe('at-risk');
  });

  it('takes the system\'s findings into the status: no recovery role known is at risk', async () => {
    const report = await assessReadiness(plan, { ...deps(plan), automationRoleArn: undefined });
    expect(report.system.at(-1)).toEqual({
      check: 'automation-role',
      status: 'at-risk',
      detail: 'the recovery role is not known (START_ACTION_ROLE_ARN): its permissions were not simulated',
    });
    expect(report.status).toBe('at-risk');
  });

  it('takes the system\'s findings into the status: a packaged plan without the recovery role\'s statements is at risk, simulating nothing', async () => {
    const report = await assessReadiness(plan, { ...deps(plan), recoveryStatements: undefined });
    expect(report.system.at(-1)).toEqual({
      check: 'automation-role',
      status: 'at-risk',
      detail: 'the packaged plan carries no recovery role statements (compiled by an older version): re-package to simulate them',
    });
    expect(report.components.every((c) => c.status === 'ready')).toBe(true);
    expect(iam).not.toHaveReceivedCommand(SimulatePrincipalPolicyCommand);
    expect(report.status).toBe('at-risk');
  });
});
