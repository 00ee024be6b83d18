import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readiness } from '../../../../shared/components/rds-replica-promotion/readiness.ts';
import type { ReadinessContext } from '../../../../shared/readiness/types.ts';
import { exampleComponent } from '../../../support/action-context.ts';
import { awsError, lagData, readinessDeps } from '../../../support/readiness.ts';

const rds = mockClient(RDSClient);
const cloudwatch = mockClient(CloudWatchClient);

const NOW = new Date('2026-11-29T01:00:00.000Z');
const REPLICA = 'dataset-db-osaka';
const WHAT = 'replica dataset-db-osaka in ap-northeast-3';
const SOURCE_ARN = 'arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db';

const replica = (over: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: REPLICA,
  DBInstanceStatus: 'available',
  ReadReplicaSourceDBInstanceIdentifier: SOURCE_ARN,
  ...over,
});
/** The example plan's core database (RPO class transaction: 15 min). */
const context = async (rpoSeconds: number | null = 900): Promise<ReadinessContext<'rds-replica-promotion'>> => ({
  component: await exampleComponent('rds-replica-promotion', 'core-database'),
  ...readinessDeps(),
  now: NOW,
  rpoSeconds,
});

describe('rds-replica-promotion readiness', () => {
  beforeEach(() => {
    rds.reset();
    cloudwatch.reset();
  });
  afterEach(() => {
    rds.reset();
    cloudwatch.reset();
  });

  it('is ready when the secondary region holds an available replica of the primary lagging within the RPO', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [replica()] });
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T00:59:00Z', 4]]));
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result).toEqual({
      findings: [
        { check: 'replica-exists', status: 'ready', detail: `${WHAT} replicates ${SOURCE_ARN}` },
        { check: 'replica-status', status: 'ready', detail: `${WHAT} is available` },
        { check: 'replication-lag', status: 'ready', detail: 'ReplicaLag 4 s, within the RPO of 15 min' },
      ],
      dataAtRiskSeconds: 4,
    });
    expect(rds).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 1);
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0]!.args[0].input).toEqual({ DBInstanceIdentifier: 'dataset-db-osaka' });
    expect(await rds.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(await cloudwatch.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      StartTime: new Date('2026-11-29T00:50:00.000Z'),
      EndTime: NOW,
      MetricDataQueries: [{
        Id: 'replicaLag',
        ReturnData: true,
        MetricStat: {
          Metric: { Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'dataset-db-osaka' }] },
          Period: 60,
          Stat: 'Maximum',
        },
      }],
    });
  });

  it('takes a source named by identifier (same-region replica) as the primary too', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [replica({ ReadReplicaSourceDBInstanceIdentifier: 'dataset-db' })] });
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T00:59:00Z', 1]]));
    const result = await readiness.assess(await context());
    expect(result.findings[0]).toEqual({ check: 'replica-exists', status: 'ready', detail: `${WHAT} replicates dataset-db` });
  });

  it('is not ready when the replica is not there (no instance in the answer)', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result).toEqual({
      findings: [{ check: 'replica-exists', status: 'not-ready', detail: `${WHAT} not found: create the cross-region read replica` }],
      dataAtRiskSeconds: null,
    });
    expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  it('is not ready when RDS answers DBInstanceNotFound, naming the replica', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(new DBInstanceNotFoundFault({ message: 'DBInstance dataset-db-osaka not found.', $metadata: { httpStatusCode: 404 } }));
    const result = await readiness.assess(await context());
    expect(result).toEqual({
      findings: [{ check: 'replica-exists', status: 'not-ready', detail: `${WHAT} not found (DBInstanceNotFoundFault): create it in the recovery region, or correct the plan` }],
      dataAtRiskSeconds: null,
    });
  });

  it('is not ready when the read is denied', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(awsError('AccessDenied', 'User is not authorized to perform: rds:DescribeDBInstances'));
    const result = await readiness.assess(await context());
    expect(result).toEqual({
      findings: [{ check: 'replica-exists', status: 'not-ready', detail: `${WHAT}: access denied (AccessDenied): the automation's role lacks a read it needs; redeploy from this plan` }],
      dataAtRiskSeconds: null,
    });
  });

  it('is at risk (unknown, not known bad) when the read is throttled', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const result = await readiness.assess(await context());
    expect(result).toEqual({
      findings: [{ check: 'replica-exists', status: 'at-risk', detail: `${WHAT}: could not be read (Throttling: Rate exceeded); readiness unknown until it answers` }],
      dataAtRiskSeconds: null,
    });
  });

  it('is not ready when the instance is standalone (already promoted), and reads no lag', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [replica({ ReadReplicaSourceDBInstanceIdentifier: undefined })] });
    const result = await readiness.assess(await context());
    expect(result).toEqual({
      findings: [{
        check: 'replica-exists',
        status: 'not-ready',
        detail: `${WHAT} is a standalone instance, not a read replica: re-protect it (a new replica of the current primary) before relying on a failover`,
      }],
      dataAtRiskSeconds: null,
    });
    expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  it('is not ready when the replica replicates another instance than the plan\'s primary', async () => {
    const other = 'arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db-old';
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [replica({ ReadReplicaSourceDBInstanceIdentifier: other })] });
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T00:59:00Z', 4]]));
    const result = await readiness.assess(await context());
    expect(result.findings[0]).toEqual({
      check: 'replica-exists',
      status: 'not-ready',
      detail: `${WHAT} replicates ${other}, not the plan's primary dataset-db: correct the plan or the replica`,
    });
    expect(result.findings.map((f) => f.status)).toEqual(['not-ready', 'ready', 'ready']);
  });

  it('is at risk while the replica is not available', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [replica({ DBInstanceStatus: 'storage-optimization' })] });
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T00:59:00Z', 4]]));
    const result = await readiness.assess(await context());
    expect(result.findings[1]).toEqual({ check: 'replica-status', status: 'at-risk', detail: `${WHAT} is storage-optimization: a promotion waits until it is available` });
  });

  it('is at risk when the lag is above the RPO, and gives the lag as the data at risk', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [replica()] });
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T00:59:00Z', 1200]]));
    const result = await readiness.assess(await context());
    expect(result.findings[2]).toEqual({
      check: 'replication-lag',
      status: 'at-risk',
      detail: 'ReplicaLag 20 min, above the RPO of 15 min: a recovery now would lose more than the plan allows',
    });
    expect(result.dataAtRiskSeconds).toBe(1200);
  });

  it.each([
    ['no datapoint', lagData([]), 'no ReplicaLag data in the last 10 minutes'],
    ['-1 (replication not active)', lagData([['2026-11-29T00:59:00Z', -1]]), 'ReplicaLag is -1: replication not active'],
  ])('is at risk when the lag is unknown (%s), with no data at risk', async (_case, data, reason) => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [replica()] });
    cloudwatch.on(GetMetricDataCommand).resolves(data);
    const result = await readiness.assess(await context());
    expect(result.findings[2]).toEqual({
      check: 'replication-lag',
      status: 'at-risk',
      detail: `ReplicaLag unknown (${reason}): the data a failover would lose cannot be measured`,
    });
    expect(result.dataAtRiskSeconds).toBeNull();
  });

  it('reports the lag without judging it when the component has no RPO class', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [replica()] });
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T00:59:00Z', 9000]]));
    const result = await readiness.assess(await context(null));
    expect(result.findings[2]).toEqual({ check: 'replication-lag', status: 'ready', detail: 'ReplicaLag 2.5 h (no RPO class)' });
    expect(result.dataAtRiskSeconds).toBe(9000);
  });
});
