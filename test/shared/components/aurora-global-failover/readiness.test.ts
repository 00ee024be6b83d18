import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeGlobalClustersCommand, GlobalClusterNotFoundFault, RDSClient, type GlobalCluster } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readiness } from '../../../../shared/components/aurora-global-failover/readiness.ts';
import { component as componentSchema, type ComponentOf } from '../../../../shared/plan/schema.ts';
import type { ReadinessContext } from '../../../../shared/readiness/types.ts';
import { awsError, lagData, readinessDeps } from '../../../support/readiness.ts';

const rds = mockClient(RDSClient);
const cloudwatch = mockClient(CloudWatchClient);

const NOW = new Date('2026-11-29T01:00:00.000Z');
const TOKYO = 'arn:aws:rds:ap-northeast-1:123456789012:cluster:orders-tokyo';
const OSAKA = 'arn:aws:rds:ap-northeast-3:123456789012:cluster:orders-osaka';
const WHAT = 'global cluster orders-global';

const component = componentSchema.parse({
  id: 'orders-database',
  name: 'Orders database (Aurora global database)',
  type: 'aurora-global-failover',
  rpoClass: 'transaction',
  params: { globalClusterIdentifier: 'orders-global', targetDbClusterArn: OSAKA },
}) as ComponentOf<'aurora-global-failover'>;

const globalCluster = (over: Partial<GlobalCluster> = {}, osakaWrites = false): GlobalCluster => ({
  GlobalClusterIdentifier: 'orders-global',
  Status: 'available',
  GlobalClusterMembers: [
    { DBClusterArn: TOKYO, IsWriter: !osakaWrites, Readers: osakaWrites ? [] : [OSAKA] },
    { DBClusterArn: OSAKA, IsWriter: osakaWrites, Readers: osakaWrites ? [TOKYO] : [] },
  ],
  ...over,
});
/** AuroraGlobalDBReplicationLag is in milliseconds. */
const context = (rpoSeconds: number | null = 900): ReadinessContext<'aurora-global-failover'> => ({
  component,
  ...readinessDeps(),
  now: NOW,
  rpoSeconds,
});

describe('aurora-global-failover readiness', () => {
  beforeEach(() => {
    rds.reset();
    cloudwatch.reset();
  });
  afterEach(() => {
    rds.reset();
    cloudwatch.reset();
  });

  it('is ready when the global cluster is available with the target as a secondary lagging within the RPO', async () => {
    // Prepare
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T00:59:00Z', 1500]]));
    // Act
    const result = await readiness.assess(context());
    // Assess
    expect(result).toEqual({
      findings: [
        { check: 'global-cluster', status: 'ready', detail: `${WHAT} is available` },
        { check: 'secondary-member', status: 'ready', detail: `${OSAKA} is a secondary of ${WHAT}` },
        { check: 'replication-lag', status: 'ready', detail: 'AuroraGlobalDBReplicationLag 2 s, within the RPO of 15 min' },
      ],
      dataAtRiskSeconds: 1.5,
    });
    expect(rds).toHaveReceivedCommandTimes(DescribeGlobalClustersCommand, 1);
    expect(rds.commandCalls(DescribeGlobalClustersCommand)[0]!.args[0].input).toEqual({ GlobalClusterIdentifier: 'orders-global' });
    expect(await rds.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(await cloudwatch.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      EndTime: NOW,
      MetricDataQueries: [{
        Id: 'replicaLag',
        ReturnData: true,
        MetricStat: {
          Metric: { Namespace: 'AWS/RDS', MetricName: 'AuroraGlobalDBReplicationLag', Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'orders-osaka' }] },
          Period: 60,
          Stat: 'Maximum',
        },
      }],
    });
  });

  it('is not ready when the global cluster is not in the answer', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [] });
    const result = await readiness.assess(context());
    expect(result).toEqual({ findings: [{ check: 'global-cluster', status: 'not-ready', detail: `${WHAT} not found` }], dataAtRiskSeconds: null });
  });

  it('is not ready when RDS answers GlobalClusterNotFound', async () => {
    rds.on(DescribeGlobalClustersCommand).rejects(new GlobalClusterNotFoundFault({ message: 'orders-global not found', $metadata: { httpStatusCode: 404 } }));
    const result = await readiness.assess(context());
    expect(result).toEqual({
      findings: [{ check: 'global-cluster', status: 'not-ready', detail: `${WHAT} not found (GlobalClusterNotFoundFault): create it in the recovery region, or correct the plan` }],
      dataAtRiskSeconds: null,
    });
  });

  it('is not ready when the read is denied', async () => {
    rds.on(DescribeGlobalClustersCommand).rejects(awsError('AccessDenied', 'not authorized'));
    const result = await readiness.assess(context());
    expect(result.findings).toEqual([
      { check: 'global-cluster', status: 'not-ready', detail: `${WHAT}: access denied (AccessDenied): the automation's role lacks a read it needs; redeploy from this plan` },
    ]);
  });

  it('is at risk when the read is throttled', async () => {
    rds.on(DescribeGlobalClustersCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const result = await readiness.assess(context());
    expect(result.findings).toEqual([
      { check: 'global-cluster', status: 'at-risk', detail: `${WHAT}: could not be read (Throttling: Rate exceeded); readiness unknown until it answers` },
    ]);
  });

  it('is at risk while the global cluster is not available', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster({ Status: 'modifying' })] });
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T00:59:00Z', 1000]]));
    const result = await readiness.assess(context());
    expect(result.findings[0]).toEqual({ check: 'global-cluster', status: 'at-risk', detail: `${WHAT} is modifying: a failover waits until it is available` });
  });

  it('is not ready when the target is not a member', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster({ GlobalClusterMembers: [{ DBClusterArn: TOKYO, IsWriter: true }] })] });
    const result = await readiness.assess(context());
    expect(result).toEqual({
      findings: [
        { check: 'global-cluster', status: 'ready', detail: `${WHAT} is available` },
        { check: 'secondary-member', status: 'not-ready', detail: `${OSAKA} is not a member of ${WHAT}: add the secondary cluster to the global database` },
      ],
      dataAtRiskSeconds: null,
    });
    expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  it('is not ready when the target is already the writer', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster({}, true)] });
    const result = await readiness.assess(context());
    expect(result.findings[1]).toEqual({
      check: 'secondary-member',
      status: 'not-ready',
      detail: `${OSAKA} is already the writer of ${WHAT}: re-protect toward the other region before relying on a failover`,
    });
    expect(result.dataAtRiskSeconds).toBeNull();
    expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  it('is at risk when the lag is above the RPO', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T00:59:00Z', 1_200_000]]));
    const result = await readiness.assess(context());
    expect(result.findings[2]).toEqual({
      check: 'replication-lag',
      status: 'at-risk',
      detail: 'AuroraGlobalDBReplicationLag 20 min, above the RPO of 15 min: a recovery now would lose more than the plan allows',
    });
    expect(result.dataAtRiskSeconds).toBe(1200);
  });

  it('is at risk when the lag is unknown (CloudWatch throttled)', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [globalCluster()] });
    cloudwatch.on(GetMetricDataCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const result = await readiness.assess(context());
    expect(result.findings[2]).toEqual({
      check: 'replication-lag',
      status: 'at-risk',
      detail: 'AuroraGlobalDBReplicationLag unknown (GetMetricData failed: AwsThrottlingError): the data a failover would lose cannot be measured',
    });
    expect(result.dataAtRiskSeconds).toBeNull();
  });
});
