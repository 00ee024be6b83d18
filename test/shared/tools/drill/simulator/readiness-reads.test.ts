import { Logger } from '@aws-lambda-powertools/logger';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { BackupClient, ListRecoveryPointsByBackupVaultCommand } from '@aws-sdk/client-backup';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeInstanceTypesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeGlobalReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeDBInstanceAutomatedBackupsCommand, DescribeDBInstancesCommand, DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetBucketReplicationCommand, GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, ROUTE53_REGION } from '../../../../../shared/aws/clients.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Component, ComponentOf, Plan } from '../../../../../shared/plan/schema.ts';
import { assessReadiness, type ReadinessReport } from '../../../../../shared/readiness/assess.ts';
import { compiledPlanOf } from '../../../../../shared/tools/deploy/compiled-plan.ts';
import { SIMULATED_SERVICES } from '../../../../../shared/tools/drill/inject.ts';
import { BACKUP_RETENTION_DAYS } from '../../../../../shared/tools/drill/simulator/backup.ts';
import { installSimulatedAccount, type SimulatedAccount } from '../../../../../shared/tools/drill/simulator/index.ts';
import { RDS_DURATIONS } from '../../../../../shared/tools/drill/simulator/rds.ts';
import { S3_DURATIONS } from '../../../../../shared/tools/drill/simulator/s3.ts';
import { planAccount, type Drift, type Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { PRIMARY, SECONDARY } from '../../../../support/action-context.ts';

/**
 * The readiness reads (shared/components/<type>/readiness.ts, shared/readiness/system.ts) against the simulated
 * account: each new command's answer, and each `drift` fault changing exactly the answer its finding reads.
 */

const START = new Date('2026-11-29T03:00:00.000Z');
const HOUR = 3_600_000;
const EXAMPLE = new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname;
const SECOND = new URL('../../../../fixtures/plans/second-shape.plan.yml', import.meta.url).pathname;
/** The second plan's regions (Ireland -> Frankfurt). */
const [DUBLIN, FRANKFURT] = ['eu-west-1', 'eu-central-1'];
/** The account the simulated ECS, Auto Scaling and Lambda name their own resources in. */
const SIM_ACCOUNT = '000000000000';
const OSAKA_CLUSTER = 'dataset-platform-osaka';

let example: Plan;
let second: Plan;
let account: SimulatedAccount | undefined;

/** The plan's account, installed with these drifts (and other faults), read on the simulated clock from START. */
const onClock = <T>(plan: Plan, drifts: Drift[], work: () => Promise<T>, faults: Fault[] = []) =>
  withVirtualClock(START, async () => {
    account = installSimulatedAccount(plan, { faults: [...faults, ...drifts.map((drift) => ({ kind: 'drift' as const, drift }))] });
    return work();
  });

/** The error name a call ends with, or 'no error'. */
const errorOf = (call: Promise<unknown>) => call.then(() => 'no error', (e: Error) => e.name);

/** The example plan with a component added (not in any tier: the simulators read components only). */
const withComponent = (plan: Plan, component: Component): Plan => ({ ...plan, components: [...plan.components, component] });

describe('simulated readiness reads', () => {
  beforeAll(async () => {
    example = await loadPlanFile(EXAMPLE);
    second = await loadPlanFile(SECOND);
  });
  afterEach(() => {
    account?.restore();
    account = undefined;
  });

  describe('ECS DescribeTaskDefinition', () => {
    const ecs = () => new ECSClient({ region: SECONDARY });
    const authTaskDefinition = `arn:aws:ecs:${SECONDARY}:${SIM_ACCOUNT}:task-definition/auth:1`;

    it('names each service\'s task definition: ACTIVE, 1 vCPU / 2 GB, one image in the recovery region\'s ECR', async () => {
      // Prepare
      await onClock(example, [], async () => {
        // Act
        const service = (await ecs().send(new DescribeServicesCommand({ cluster: OSAKA_CLUSTER, services: ['auth'] }))).services?.[0];
        const td = (await ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: service?.taskDefinition }))).taskDefinition;
        const byFamily = (await ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: 'auth' }))).taskDefinition;
        const byRevision = (await ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: 'auth:1' }))).taskDefinition;
        // Assess
        expect(service?.taskDefinition).toBe(authTaskDefinition);
        expect(td).toMatchObject({ taskDefinitionArn: authTaskDefinition, family: 'auth', revision: 1, status: 'ACTIVE', cpu: '1024', memory: '2048' });
        expect(td?.containerDefinitions).toEqual([expect.objectContaining({ name: 'auth', image: `${SIM_ACCOUNT}.dkr.ecr.${SECONDARY}.amazonaws.com/auth:live` })]);
        expect(byFamily?.taskDefinitionArn).toBe(authTaskDefinition);
        expect(byRevision?.taskDefinitionArn).toBe(authTaskDefinition);
      });
    });

    it('an unknown task definition (family or revision) is a ClientException, as ECS answers', async () => {
      await onClock(example, [], async () => {
        expect(await errorOf(ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: 'payments:1' })))).toBe('ClientException');
        expect(await errorOf(ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: 'auth:2' })))).toBe('ClientException');
        // A task definition is regional: none in the primary region.
        expect(await errorOf(new ECSClient({ region: PRIMARY }).send(new DescribeTaskDefinitionCommand({ taskDefinition: 'auth:1' })))).toBe('ClientException');
      });
    });

    it('image-in-primary: that component\'s image is in the primary region\'s registry; the others\' are not', async () => {
      // Prepare
      await onClock(example, [{ kind: 'image-in-primary', component: 'web-application' }], async () => {
        // Act
        const image = async (family: string) => (await ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: family }))).taskDefinition?.containerDefinitions?.[0]?.image;
        // Assess
        expect(await image('web')).toBe(`${SIM_ACCOUNT}.dkr.ecr.${PRIMARY}.amazonaws.com/web:live`);
        expect(await image('auth')).toBe(`${SIM_ACCOUNT}.dkr.ecr.${SECONDARY}.amazonaws.com/auth:live`);
      });
    });
  });

  describe('Auto Scaling launch templates and EC2', () => {
    const ec2 = () => new EC2Client({ region: SECONDARY });
    const group = async () =>
      (await new AutoScalingClient({ region: SECONDARY }).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['dataset-batch-osaka'] }))).AutoScalingGroups?.[0];

    it('each group launches from its own template ($Default), whose id is derived from the group name', async () => {
      // Act
      const first = await onClock(example, [], group);
      account?.restore();
      const again = await onClock(example, [], group);
      // Assess
      expect(first?.LaunchTemplate).toEqual({ LaunchTemplateId: expect.stringMatching(/^lt-[0-9a-f]{17}$/), LaunchTemplateName: 'dataset-batch-osaka', Version: '$Default' });
      expect(again?.LaunchTemplate).toEqual(first?.LaunchTemplate);
    });

    it('DescribeLaunchTemplateVersions answers the template by id or name: an AMI and m6i.large', async () => {
      await onClock(example, [], async () => {
        // Prepare
        const lt = (await group())?.LaunchTemplate;
        // Act
        const byId = (await ec2().send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt?.LaunchTemplateId, Versions: ['$Default'] }))).LaunchTemplateVersions;
        const byName = (await ec2().send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'dataset-batch-osaka', Versions: ['$Latest'] }))).LaunchTemplateVersions;
        // Assess
        expect(byId).toEqual([expect.objectContaining({
          LaunchTemplateId: lt?.LaunchTemplateId, LaunchTemplateName: 'dataset-batch-osaka', VersionNumber: 1, DefaultVersion: true,
          LaunchTemplateData: { ImageId: expect.stringMatching(/^ami-[0-9a-f]{17}$/), InstanceType: 'm6i.large' },
        })]);
        expect(byName?.[0]?.LaunchTemplateData).toEqual(byId?.[0]?.LaunchTemplateData);
      });
    });

    it('an unknown template is InvalidLaunchTemplateId.NotFound by id, InvalidLaunchTemplateName.NotFoundException by name', async () => {
      await onClock(example, [], async () => {
        expect(await errorOf(ec2().send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: 'lt-0123456789abcdef0', Versions: ['$Default'] }))))
          .toBe('InvalidLaunchTemplateId.NotFound');
        expect(await errorOf(ec2().send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'nope', Versions: ['$Default'] }))))
          .toBe('InvalidLaunchTemplateName.NotFoundException');
      });
    });

    it('DescribeInstanceTypes: m6i.large has 2 vCPUs; an unknown type is InvalidInstanceType', async () => {
      await onClock(example, [], async () => {
        const types = (await ec2().send(new DescribeInstanceTypesCommand({ InstanceTypes: ['m6i.large'] }))).InstanceTypes;
        expect(types).toEqual([expect.objectContaining({ InstanceType: 'm6i.large', VCpuInfo: expect.objectContaining({ DefaultVCpus: 2 }) })]);
        expect(await errorOf(ec2().send(new DescribeInstanceTypesCommand({ InstanceTypes: ['x9.huge' as 'm6i.large'] })))).toBe('InvalidInstanceType');
      });
    });
  });

  describe('Service Quotas GetServiceQuota', () => {
    const quota = async (serviceCode: string, quotaCode: string) =>
      (await new ServiceQuotasClient({ region: SECONDARY }).send(new GetServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: quotaCode }))).Quota;

    it('answers the Fargate and standard On-Demand vCPU quotas of a raised-quota account; any other is NoSuchResourceException', async () => {
      await onClock(example, [], async () => {
        expect(await quota('fargate', 'L-3032A538')).toMatchObject({ ServiceCode: 'fargate', QuotaCode: 'L-3032A538', Value: 4000 });
        expect(await quota('ec2', 'L-1216C47A')).toMatchObject({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A', Value: 1152 });
        expect(await errorOf(quota('ec2', 'L-0000000'))).toBe('NoSuchResourceException');
      });
    });

    it('quota drift: sets the quota of its component\'s type, the lowest of several; the other quota is unchanged', async () => {
      // Prepare: two ECS components drift (the lowest counts), no EC2 one.
      const drifts: Drift[] = [{ kind: 'quota', component: 'authentication', value: 10 }, { kind: 'quota', component: 'web-application', value: 3 }];
      await onClock(example, drifts, async () => {
        // Act / Assess
        expect((await quota('fargate', 'L-3032A538'))?.Value).toBe(3);
        expect((await quota('ec2', 'L-1216C47A'))?.Value).toBe(1152);
      });
      account?.restore();
      await onClock(example, [{ kind: 'quota', component: 'batch-processing', value: 5 }], async () => {
        expect((await quota('ec2', 'L-1216C47A'))?.Value).toBe(5);
        expect((await quota('fargate', 'L-3032A538'))?.Value).toBe(4000);
      });
    });
  });

  describe('IAM SimulatePrincipalPolicy', () => {
    const ROLE = 'arn:aws:iam::123456789012:role/dr-autopilot-prod-start-action';
    const REPLICA = `arn:aws:rds:${SECONDARY}:123456789012:db:dataset-db-osaka`;
    const simulate = async (actions: string[], resources?: string[], role = ROLE, region = 'us-east-1') =>
      (await new IAMClient({ region }).send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: role, ActionNames: actions, ...(resources ? { ResourceArns: resources } : {}) }))).EvaluationResults
        ?.map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision]);

    it('one result per action and resource: allowed on what the start-action role names, implicitDeny elsewhere', async () => {
      await onClock(example, [], async () => {
        // Act / Assess
        expect(await simulate(['rds:PromoteReadReplica', 'rds:DeleteDBInstance'], [REPLICA, `arn:aws:rds:${SECONDARY}:123456789012:db:other`])).toEqual([
          ['rds:PromoteReadReplica', REPLICA, 'allowed'],
          ['rds:PromoteReadReplica', `arn:aws:rds:${SECONDARY}:123456789012:db:other`, 'implicitDeny'],
          ['rds:DeleteDBInstance', REPLICA, 'implicitDeny'],
          ['rds:DeleteDBInstance', `arn:aws:rds:${SECONDARY}:123456789012:db:other`, 'implicitDeny'],
        ]);
        // Action names compare case-insensitively; a statement's `*` resource matches any, a wildcard ARN its matches.
        expect(await simulate(['RDS:promotereadreplica'], [REPLICA])).toEqual([['RDS:promotereadreplica', REPLICA, 'allowed']]);
        expect(await simulate(['cloudwatch:GetMetricData'])).toEqual([['cloudwatch:GetMetricData', '*', 'allowed']]);
        const point = `arn:aws:backup:${SECONDARY}:123456789012:recovery-point:0A1B2C3D`;
        expect(await simulate(['backup:StartRestoreJob'], [point])).toEqual([['backup:StartRestoreJob', point, 'allowed']]);
        // IAM is global: a client of any region is answered.
        expect(await simulate(['rds:PromoteReadReplica'], [REPLICA], ROLE, SECONDARY)).toEqual([['rds:PromoteReadReplica', REPLICA, 'allowed']]);
      });
    });

    it('denied drift: that action is explicitDeny, the others unchanged', async () => {
      await onClock(example, [{ kind: 'denied', action: 'rds:PromoteReadReplica' }], async () => {
        expect(await simulate(['rds:PromoteReadReplica', 'rds:DescribeDBInstances'], [REPLICA])).toEqual([
          ['rds:PromoteReadReplica', REPLICA, 'explicitDeny'],
          ['rds:DescribeDBInstances', REPLICA, 'allowed'],
        ]);
      });
    });

    it('a principal that is not a role of the plan\'s account is NoSuchEntity', async () => {
      await onClock(example, [], async () => {
        expect(await errorOf(simulate(['rds:PromoteReadReplica'], [REPLICA], 'arn:aws:iam::999999999999:role/dr-autopilot-prod-start-action'))).toBe('NoSuchEntity');
        expect(await errorOf(simulate(['rds:PromoteReadReplica'], [REPLICA], 'arn:aws:iam::123456789012:user/operator'))).toBe('NoSuchEntity');
      });
    });
  });

  describe('Lambda GetFunction', () => {
    it('the plan\'s functions exist, Active, last update Successful', async () => {
      await onClock(example, [], async () => {
        const out = await new LambdaClient({ region: SECONDARY }).send(new GetFunctionCommand({ FunctionName: 'dataset-platform-repoint-monitoring' }));
        expect(out.Configuration).toMatchObject({
          FunctionName: 'dataset-platform-repoint-monitoring', FunctionArn: `arn:aws:lambda:${SECONDARY}:${SIM_ACCOUNT}:function:dataset-platform-repoint-monitoring`,
          State: 'Active', LastUpdateStatus: 'Successful', Runtime: 'nodejs22.x',
        });
        expect(await errorOf(new LambdaClient({ region: PRIMARY }).send(new GetFunctionCommand({ FunctionName: 'dataset-platform-repoint-monitoring' })))).toBe('ResourceNotFoundException');
      });
    });

    it('a function the plan names by ARN keeps that ARN\'s account', async () => {
      const arn = `arn:aws:lambda:${FRANKFURT}:210987654321:function:shop-warm-caches`;
      await onClock(second, [], async () => {
        const out = await new LambdaClient({ region: FRANKFURT }).send(new GetFunctionCommand({ FunctionName: arn }));
        expect(out.Configuration).toMatchObject({ FunctionName: 'shop-warm-caches', FunctionArn: arn, State: 'Active' });
      });
    });

    it('function-missing: the function does not exist (GetFunction and Invoke: ResourceNotFoundException)', async () => {
      await onClock(example, [{ kind: 'function-missing', component: 'monitoring' }], async () => {
        const lambda = new LambdaClient({ region: SECONDARY });
        const error = await lambda.send(new GetFunctionCommand({ FunctionName: 'dataset-platform-repoint-monitoring' })).catch((e: Error) => e);
        expect(error).toMatchObject({ name: 'ResourceNotFoundException', message: `Function not found: arn:aws:lambda:${SECONDARY}:${SIM_ACCOUNT}:function:dataset-platform-repoint-monitoring` });
        expect(await errorOf(lambda.send(new InvokeCommand({ FunctionName: 'dataset-platform-repoint-monitoring', InvocationType: 'DryRun' })))).toBe('ResourceNotFoundException');
      });
    });
  });

  describe('SNS ListSubscriptionsByTopic', () => {
    const topic = (name: string) => `arn:aws:sns:${SECONDARY}:123456789012:dr-autopilot-dataset-platform-${name}`;
    const subscriptions = async (name: string) =>
      (await new SNSClient({ region: SECONDARY }).send(new ListSubscriptionsByTopicCommand({ TopicArn: topic(name) }))).Subscriptions;

    it('every well-formed topic has two confirmed subscriptions (email, https)', async () => {
      await onClock(example, [], async () => {
        const subs = await subscriptions('internal');
        expect(subs?.map((s) => [s.Protocol, s.TopicArn])).toEqual([['email', topic('internal')], ['https', topic('internal')]]);
        for (const s of subs ?? []) expect(s.SubscriptionArn).toMatch(new RegExp(`^${topic('internal')}:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$`));
        expect(await errorOf(new SNSClient({ region: SECONDARY }).send(new ListSubscriptionsByTopicCommand({ TopicArn: 'not-a-topic' })))).toBe('InvalidParameterException');
      });
    });

    it('unconfirmed drift: that topic\'s subscriptions are PendingConfirmation; the other topic\'s stay confirmed', async () => {
      await onClock(example, [{ kind: 'unconfirmed', topic: 'internal' }], async () => {
        expect((await subscriptions('internal'))?.map((s) => s.SubscriptionArn)).toEqual(['PendingConfirmation', 'PendingConfirmation']);
        expect((await subscriptions('external'))?.every((s) => s.SubscriptionArn?.startsWith(`${topic('external')}:`))).toBe(true);
      });
    });
  });

  describe('the new services are throttled by --inject throttle:SERVICE:N', () => {
    it.each([
      ['ec2', 'RequestLimitExceeded', () => new EC2Client({ region: SECONDARY }).send(new DescribeInstanceTypesCommand({ InstanceTypes: ['m6i.large'] }))],
      ['service-quotas', 'TooManyRequestsException', () => new ServiceQuotasClient({ region: SECONDARY }).send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }))],
      ['iam', 'Throttling', () => new IAMClient({ region: 'us-east-1' }).send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: 'arn:aws:iam::123456789012:role/r', ActionNames: ['rds:DescribeDBInstances'] }))],
    ] as const)('%s: the throttled attempt fails with %s, the SDK retries it', async (service, error, call) => {
      // Prepare
      expect(SIMULATED_SERVICES).toContain(service);
      await onClock(example, [], async () => {
        // Act
        const out = await call();
        // Assess
        expect(out.$metadata.attempts).toBe(2);
        expect(account?.world.calls.filter((c) => c.service === service).map((c) => c.error ?? null)).toEqual([error, null]);
      }, [{ kind: 'throttle', service, calls: 1 }]);
    });
  });

  describe('drift in the existing reads', () => {
    const rds = (region = SECONDARY) => new RDSClient({ region });
    /** GetMetricData of one metric over the 10 minutes before now (as shared/aws/replica-lag.ts reads it): the values, newest first. */
    const metric = async (region: string, namespace: string, name: string, dimensions: Record<string, string>) =>
      (await new CloudWatchClient({ region }).send(new GetMetricDataCommand({
        StartTime: new Date(Date.now() - 10 * 60_000), EndTime: new Date(), ScanBy: 'TimestampDescending',
        MetricDataQueries: [{ Id: 'm', ReturnData: true, MetricStat: { Metric: { Namespace: namespace, MetricName: name, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) }, Period: 60, Stat: 'Maximum' } }],
      }))).MetricDataResults?.[0]?.Values;

    it('replica-missing: the rds-replica-promotion replica is gone (DBInstanceNotFoundFault); its primary stays', async () => {
      await onClock(example, [], async () => {
        expect((await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'dataset-db-osaka' }))).DBInstances?.[0]?.ReadReplicaSourceDBInstanceIdentifier).toBeDefined();
      });
      account?.restore();
      await onClock(example, [{ kind: 'replica-missing', component: 'core-database' }], async () => {
        expect(await errorOf(rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'dataset-db-osaka' })))).toBe('DBInstanceNotFoundFault');
        const primary = (await rds(PRIMARY).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'dataset-db' }))).DBInstances?.[0];
        expect(primary?.ReadReplicaDBInstanceIdentifiers).toEqual([]);
      });
    });

    it('replica-missing: the aurora-global-failover target is not a member of the global cluster', async () => {
      const target = `arn:aws:rds:${FRANKFURT}:210987654321:cluster:shop-orders-fra`;
      const members = async () => (await rds(FRANKFURT).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'shop-orders-global' })))
        .GlobalClusters?.[0]?.GlobalClusterMembers?.map((m) => [m.DBClusterArn, m.IsWriter]);
      const writer = `arn:aws:rds:${DUBLIN}:210987654321:cluster:shop-orders-global-${DUBLIN}`;
      expect(await onClock(second, [], members)).toEqual([[writer, true], [target, false]]);
      account?.restore();
      expect(await onClock(second, [{ kind: 'replica-missing', component: 'orders-db' }], members)).toEqual([[writer, true]]);
    });

    it('replica-missing: the elasticache secondary replication group is not among the members', async () => {
      const members = async () => (await new ElastiCacheClient({ region: SECONDARY }).send(
        new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: 'ldgnf-dataset-cache', ShowMemberInfo: true }))).GlobalReplicationGroups?.[0]?.Members?.map((m) => m.ReplicationGroupId);
      expect(await onClock(example, [], members)).toEqual(['dataset-cache-tokyo', 'dataset-cache-osaka']);
      account?.restore();
      expect(await onClock(example, [{ kind: 'replica-missing', component: 'cache-server' }], members)).toEqual(['dataset-cache-tokyo']);
    });

    it('replica-lag: the replica\'s ReplicaLag reads the drift\'s seconds (else 1-4 s)', async () => {
      const lag = () => metric(SECONDARY, 'AWS/RDS', 'ReplicaLag', { DBInstanceIdentifier: 'dataset-db-osaka' });
      const steady = await onClock(example, [], lag);
      expect(steady?.length).toBeGreaterThan(0);
      expect(steady?.every((v) => v >= 1 && v <= 4)).toBe(true);
      account?.restore();
      const drifted = await onClock(example, [{ kind: 'replica-lag', component: 'core-database', seconds: 1800 }], lag);
      expect(drifted).toEqual(steady?.map(() => 1800));
    });

    it('replica-lag: the aurora target\'s AuroraGlobalDBReplicationLag reads the drift\'s seconds in milliseconds (else 100-400 ms)', async () => {
      const lag = () => metric(FRANKFURT, 'AWS/RDS', 'AuroraGlobalDBReplicationLag', { DBClusterIdentifier: 'shop-orders-fra' });
      const steady = await onClock(second, [], lag);
      expect(steady?.length).toBeGreaterThan(0);
      expect(steady?.every((v) => v >= 100 && v <= 400)).toBe(true);
      account?.restore();
      expect(await onClock(second, [{ kind: 'replica-lag', component: 'orders-db', seconds: 900 }], lag)).toEqual(steady?.map(() => 900_000));
    });

    it('replica-lag: the s3-failover rule\'s ReplicationLatency reads the drift\'s seconds; OperationsPendingReplication is unchanged', async () => {
      const dims = { SourceBucket: 'dataset-platform-datasets-tokyo', DestinationBucket: 'dataset-platform-datasets-osaka', RuleId: 'datasets-to-osaka' };
      const read = async () => ({ latency: await metric(SECONDARY, 'AWS/S3', 'ReplicationLatency', dims), pending: await metric(SECONDARY, 'AWS/S3', 'OperationsPendingReplication', dims) });
      const steady = await onClock(example, [], read);
      expect(steady.latency?.length).toBeGreaterThan(0);
      expect(steady.latency).toEqual(steady.latency?.map(() => S3_DURATIONS['s3.replication-latency']?.seconds));
      account?.restore();
      const drifted = await onClock(example, [{ kind: 'replica-lag', component: 'dataset-storage', seconds: 7200 }], read);
      expect(drifted).toEqual({ latency: steady.latency?.map(() => 7200), pending: steady.pending });
    });

    it('stale-backup: the vault\'s newest recovery point is `hours` old, the older ones a day apart from it (else 3 h)', async () => {
      const created = async () => (await new BackupClient({ region: SECONDARY }).send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: 'dataset-platform-osaka' })))
        .RecoveryPoints?.map((p) => p.CreationDate?.getTime());
      const steady = await onClock(example, [], created);
      expect(steady?.slice(0, 2)).toEqual([START.getTime() - 3 * HOUR, START.getTime() - 27 * HOUR]);
      account?.restore();
      const stale = await onClock(example, [{ kind: 'stale-backup', component: 'backup-system', hours: 30 }], created);
      expect(stale?.slice(0, 2)).toEqual([START.getTime() - 30 * HOUR, START.getTime() - 54 * HOUR]);
      expect(stale).toHaveLength(BACKUP_RETENTION_DAYS);
    });

    it('stale-backup: the replicated automated backups\' latest restorable time is `hours` before now (else the upload lag); retention as planned', async () => {
      const ARN = `arn:aws:rds:${FRANKFURT}:210987654321:auto-backup:ab-shop-ledger-dub`;
      const read = async () => (await rds(FRANKFURT).send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceAutomatedBackupsArn: ARN }))).DBInstanceAutomatedBackups?.[0];
      const lagMs = (RDS_DURATIONS['rds.latest-restorable-time-lag']?.seconds ?? Number.NaN) * 1000;
      const steady = await onClock(second, [], read);
      expect(steady).toMatchObject({ BackupRetentionPeriod: 14, RestoreWindow: { EarliestTime: new Date(START.getTime() - 14 * 24 * HOUR), LatestTime: new Date(START.getTime() - lagMs) } });
      account?.restore();
      const stale = await onClock(second, [{ kind: 'stale-backup', component: 'ledger-db', hours: 6 }], read);
      expect(stale?.RestoreWindow?.LatestTime).toEqual(new Date(START.getTime() - 6 * HOUR));
    });

    it('stale-backup: a source instance\'s LatestRestorableTime is `hours` before now (else the upload lag); retention as planned', async () => {
      // Prepare: a same-region point-in-time restore of an instance (neither plan has one).
      const pitr: ComponentOf<'rds-point-in-time-restore'> = {
        checks: [], id: 'reporting-database', name: 'Reporting database', type: 'rds-point-in-time-restore', timeoutMinutes: 120, checkIntervalSeconds: 60,
        params: { region: 'secondary', sourceDbInstanceIdentifier: 'reporting-db', targetDbInstanceIdentifier: 'reporting-db-restored', restoreTo: 'latest', granularityMinutes: 5, retentionDays: 7 },
      };
      const plan = withComponent(example, pitr);
      const read = async () => (await rds().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'reporting-db' }))).DBInstances?.[0];
      const lagMs = (RDS_DURATIONS['rds.latest-restorable-time-lag']?.seconds ?? Number.NaN) * 1000;
      // Act / Assess
      expect(await onClock(plan, [], read)).toMatchObject({ BackupRetentionPeriod: 7, LatestRestorableTime: new Date(START.getTime() - lagMs) });
      account?.restore();
      expect((await onClock(plan, [{ kind: 'stale-backup', component: 'reporting-database', hours: 2 }], read))?.LatestRestorableTime).toEqual(new Date(START.getTime() - 2 * HOUR));
    });

    it('replication-off: the s3-failover primary bucket has no replication configuration; the replica keeps its own', async () => {
      const read = async () => ({
        tokyo: await errorOf(new S3Client({ region: PRIMARY }).send(new GetBucketReplicationCommand({ Bucket: 'dataset-platform-datasets-tokyo' }))),
        osaka: await errorOf(new S3Client({ region: SECONDARY }).send(new GetBucketReplicationCommand({ Bucket: 'dataset-platform-datasets-osaka' }))),
        versioning: (await new S3Client({ region: PRIMARY }).send(new GetBucketVersioningCommand({ Bucket: 'dataset-platform-datasets-tokyo' }))).Status,
      });
      expect(await onClock(example, [], read)).toEqual({ tokyo: 'no error', osaka: 'no error', versioning: 'Enabled' });
      account?.restore();
      expect(await onClock(example, [{ kind: 'replication-off', component: 'dataset-storage' }], read))
        .toEqual({ tokyo: 'ReplicationConfigurationNotFoundError', osaka: 'no error', versioning: 'Enabled' });
    });

    it('replication-off: the s3-version-restore bucket\'s versioning is Suspended; its replication stays', async () => {
      await onClock(example, [{ kind: 'replication-off', component: 'dataset-restore' }], async () => {
        const s3 = new S3Client({ region: PRIMARY });
        expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'dataset-platform-datasets-tokyo' }))).Status).toBe('Suspended');
        expect((await s3.send(new GetBucketReplicationCommand({ Bucket: 'dataset-platform-datasets-tokyo' }))).ReplicationConfiguration?.Rules?.[0]?.ID).toBe('datasets-to-osaka');
      });
    });

    const failoverPair = async (zone: string, name: string) =>
      (await new Route53Client({ region: ROUTE53_REGION }).send(new ListResourceRecordSetsCommand({ HostedZoneId: zone, StartRecordName: name, StartRecordType: 'CNAME', MaxItems: 10 })))
        .ResourceRecordSets?.filter((r) => r.Failover).map((r) => [r.Failover, r.HealthCheckId !== undefined]);

    it('no-health-check (routing-control mode): the PRIMARY record lost its health check; SECONDARY keeps its own', async () => {
      const read = () => failoverPair('Z0EXAMPLE123ABC', 'api.dataset-platform.example.com');
      expect(await onClock(example, [], read)).toEqual([['PRIMARY', true], ['SECONDARY', true]]);
      account?.restore();
      expect(await onClock(example, [{ kind: 'no-health-check', component: 'api-gateway' }], read)).toEqual([['PRIMARY', false], ['SECONDARY', true]]);
    });

    it('no-health-check (health-check mode): the PRIMARY record lost the plan\'s health check', async () => {
      // Prepare: the API record in Route 53's own failover mode.
      const api = example.components.find((c): c is ComponentOf<'route53-failover'> => c.id === 'api-gateway') as ComponentOf<'route53-failover'>;
      const healthCheck: ComponentOf<'route53-failover'> = {
        ...api, params: { mode: 'health-check', hostedZoneId: 'Z0EXAMPLE123ABC', recordName: 'api.dataset-platform.example.com', recordType: 'CNAME', primaryHealthCheckId: '1d2f3a4b-7c1e-4c5d-9e8f-0a1b2c3d4e5f' },
      };
      const plan: Plan = { ...example, components: example.components.map((c) => (c.id === 'api-gateway' ? healthCheck : c)) };
      const read = () => failoverPair('Z0EXAMPLE123ABC', 'api.dataset-platform.example.com');
      expect(await onClock(plan, [], read)).toEqual([['PRIMARY', true], ['SECONDARY', false]]);
      account?.restore();
      expect(await onClock(plan, [{ kind: 'no-health-check', component: 'api-gateway' }], read)).toEqual([['PRIMARY', false], ['SECONDARY', false]]);
    });
  });

  describe('a drift added to the running account (world.faults) shows from the next read', () => {
    it('replica-missing, stale-backup, replication-off, no-health-check, function-missing, image-in-primary', async () => {
      await onClock(example, [], async () => {
        // Prepare: one read of each before the drift.
        const replica = () => errorOf(new RDSClient({ region: SECONDARY }).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'dataset-db-osaka' })));
        const cache = async () => (await new ElastiCacheClient({ region: SECONDARY }).send(
          new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: 'ldgnf-dataset-cache', ShowMemberInfo: true }))).GlobalReplicationGroups?.[0]?.Members?.length;
        const newest = async () => (await new BackupClient({ region: SECONDARY }).send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: 'dataset-platform-osaka' })))
          .RecoveryPoints?.[0]?.CreationDate?.getTime();
        const replication = () => errorOf(new S3Client({ region: PRIMARY }).send(new GetBucketReplicationCommand({ Bucket: 'dataset-platform-datasets-tokyo' })));
        const primaryCheck = async () => (await new Route53Client({ region: ROUTE53_REGION }).send(new ListResourceRecordSetsCommand({ HostedZoneId: 'Z0EXAMPLE123ABC' })))
          .ResourceRecordSets?.find((r) => r.Failover === 'PRIMARY')?.HealthCheckId !== undefined;
        const fn = () => errorOf(new LambdaClient({ region: SECONDARY }).send(new GetFunctionCommand({ FunctionName: 'dataset-platform-repoint-monitoring' })));
        const image = async () => (await new ECSClient({ region: SECONDARY }).send(new DescribeTaskDefinitionCommand({ taskDefinition: 'auth' }))).taskDefinition?.containerDefinitions?.[0]?.image;
        const read = async () => ({ replica: await replica(), cache: await cache(), newest: await newest(), replication: await replication(), primaryCheck: await primaryCheck(), fn: await fn(), image: await image() });
        const before = await read();
        // Act
        const drifts: Drift[] = [
          { kind: 'replica-missing', component: 'core-database' }, { kind: 'replica-missing', component: 'cache-server' },
          { kind: 'stale-backup', component: 'backup-system', hours: 48 }, { kind: 'replication-off', component: 'dataset-storage' },
          { kind: 'no-health-check', component: 'api-gateway' }, { kind: 'function-missing', component: 'monitoring' }, { kind: 'image-in-primary', component: 'authentication' },
        ];
        account?.world.faults.push(...drifts.map((drift) => ({ kind: 'drift' as const, drift })));
        const after = await read();
        // Assess
        expect(before).toEqual({
          replica: 'no error', cache: 2, newest: START.getTime() - 3 * HOUR, replication: 'no error', primaryCheck: true, fn: 'no error',
          image: `${SIM_ACCOUNT}.dkr.ecr.${SECONDARY}.amazonaws.com/auth:live`,
        });
        expect(after).toEqual({
          replica: 'DBInstanceNotFoundFault', cache: 1, newest: START.getTime() - 48 * HOUR, replication: 'ReplicationConfigurationNotFoundError', primaryCheck: false,
          fn: 'ResourceNotFoundException', image: `${SIM_ACCOUNT}.dkr.ecr.${PRIMARY}.amazonaws.com/auth:live`,
        });
      });
    });
  });

  /**
   * assessReadiness as `dr-autopilot readiness` runs it (shared/tools/readiness/command.ts): real time, the
   * plan's account, its topics and start-action role, and that role's statements as packaged (the compiled plan's).
   */
  describe('assessReadiness against the simulated account', () => {
    async function assess(plan: Plan, drifts: Drift[] = []): Promise<ReadinessReport> {
      account = installSimulatedAccount(plan, { faults: drifts.map((drift) => ({ kind: 'drift' as const, drift })) });
      const topic = (name: string) => `arn:aws:sns:${plan.regions.secondary}:${planAccount(plan)}:dr-autopilot-${plan.name}-${name}`;
      return assessReadiness(plan, {
        clients: createAwsClients(),
        logger: new Logger({ serviceName: 'dr-autopilot-test', logLevel: 'SILENT' }),
        now: new Date(),
        topics: { internal: topic('internal'), external: topic('external') },
        automationRoleArn: `arn:aws:iam::${planAccount(plan)}:role/dr-autopilot-prod-start-action`,
        recoveryStatements: compiledPlanOf(plan, 'plan.yml').recoveryRole?.statements,
      });
    }
    /**
     * Every finding that is not ready: `component/check` (system checks: `system/check`, among them the region's
     * quota against the need of every component drawing on it together, where two or more do).
     */
    const failing = (report: ReadinessReport) => [
      ...report.components.flatMap((c) => c.findings.filter((f) => f.status !== 'ready').map((f) => `${c.id}/${f.check}`)),
      ...report.system.filter((f) => f.status !== 'ready').map((f) => `system/${f.check}`),
    ];

    it('the example plan, without drift: every component, system check and forecast is ready', async () => {
      // Act
      const report = await assess(example);
      // Assess
      expect(failing(report)).toEqual([]);
      expect(report.status).toBe('ready');
    });

    it('the second plan, without drift: every read succeeds; only what its shape puts at risk is flagged', async () => {
      // Act
      const report = await assess(second);
      // Assess: a record-mode failover is at risk by design (Route 53's control plane). The ledger's replicated
      // backups reach back exactly their 14 days at the read, within the facet's slack: ready.
      expect(failing(report)).toEqual(['storefront-dns/failover-records']);
      expect(report.components.find((c) => c.id === 'ledger-db')?.findings.find((f) => f.check === 'restore-window')?.status).toBe('ready');
      expect(report.status).toBe('at-risk');
      expect(report.components.flatMap((c) => c.findings).filter((f) => / not found |could not be (read|assessed)/.test(f.detail))).toEqual([]);
    });

    it.each<[string, 'example' | 'second', Drift, string[]]>([
      ['replica-missing (RDS)', 'example', { kind: 'replica-missing', component: 'core-database' }, ['core-database/replica-exists']],
      ['replica-missing (ElastiCache)', 'example', { kind: 'replica-missing', component: 'cache-server' }, ['cache-server/secondary-member']],
      ['replica-lag (RDS)', 'example', { kind: 'replica-lag', component: 'core-database', seconds: 1800 }, ['core-database/replication-lag']],
      ['replica-lag (S3)', 'example', { kind: 'replica-lag', component: 'dataset-storage', seconds: 7200 }, ['dataset-storage/replication-lag']],
      ['stale-backup (AWS Backup)', 'example', { kind: 'stale-backup', component: 'backup-system', hours: 30 }, ['backup-system/recovery-point']],
      ['replication-off (S3 failover)', 'example', { kind: 'replication-off', component: 'dataset-storage' }, ['dataset-storage/replication']],
      ['replication-off (S3 versions)', 'example', { kind: 'replication-off', component: 'dataset-restore' }, ['dataset-restore/versioning']],
      ['no-health-check', 'example', { kind: 'no-health-check', component: 'api-gateway' }, ['api-gateway/health-check']],
      ['image-in-primary', 'example', { kind: 'image-in-primary', component: 'web-application' }, ['web-application/images']],
      ['quota (EC2)', 'example', { kind: 'quota', component: 'batch-processing', value: 3 }, ['batch-processing/service-quota']],
      ['function-missing', 'example', { kind: 'function-missing', component: 'monitoring' }, ['monitoring/function']],
      ['unconfirmed', 'example', { kind: 'unconfirmed', topic: 'external' }, ['system/topic-subscribers']],
      ['denied', 'example', { kind: 'denied', action: 'rds:PromoteReadReplica' }, ['system/automation-role']],
      ['replica-missing (Aurora)', 'second', { kind: 'replica-missing', component: 'orders-db' }, ['orders-db/secondary-member']],
      ['replica-lag (Aurora)', 'second', { kind: 'replica-lag', component: 'orders-db', seconds: 900 }, ['orders-db/replication-lag']],
      ['stale-backup (RDS PITR)', 'second', { kind: 'stale-backup', component: 'ledger-db', hours: 3 }, ['ledger-db/latest-restorable']],
    ])('%s: exactly its finding fails', async (_, which, drift, expected) => {
      // Prepare: what the plan flags without drift (the second plan's shape) is left aside.
      const plan = which === 'example' ? example : second;
      const baseline = which === 'example' ? [] : ['storefront-dns/failover-records'];
      // Act
      const report = await assess(plan, [drift]);
      // Assess
      expect(failing(report).filter((f) => !baseline.includes(f))).toEqual(expected);
    });

    it('quota (Fargate): the region\'s quota is shared: the service-quota finding of every ECS component it does not hold fails', async () => {
      const report = await assess(example, [{ kind: 'quota', component: 'authentication', value: 3 }]);
      // authentication needs 3 (at risk: nothing to spare), web-application 4 (not ready); report-generation needs 2 (3 ≥ 2 × 1.25: ready);
      // together they need 9 (not ready).
      expect(failing(report)).toEqual(['authentication/service-quota', 'web-application/service-quota', 'system/service-quota']);
      expect(report.components.filter((c) => c.type === 'ecs-scale').map((c) => [c.id, c.status])).toEqual([
        ['authentication', 'at-risk'], ['web-application', 'not-ready'], ['report-generation', 'ready'],
      ]);
      expect(report.system.find((f) => f.check === 'service-quota')?.status).toBe('not-ready');
    });
  });
});
