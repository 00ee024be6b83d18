import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetBucketReplicationCommand, GetBucketVersioningCommand, NoSuchBucket, S3Client, type ReplicationRule } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readiness } from '../../../../shared/components/s3-failover/readiness.ts';
import type { ReadinessContext } from '../../../../shared/readiness/types.ts';
import { exampleComponent } from '../../../support/action-context.ts';
import { awsError, lagData, readinessDeps } from '../../../support/readiness.ts';

const s3 = mockClient(S3Client);
const cloudwatch = mockClient(CloudWatchClient);

const NOW = new Date('2026-11-29T01:00:00.000Z');
const TOKYO = 'dataset-platform-datasets-tokyo';
const OSAKA = 'dataset-platform-datasets-osaka';

const rule = (over: Partial<ReplicationRule> = {}): ReplicationRule => ({
  ID: 'datasets-to-osaka',
  Status: 'Enabled',
  Priority: 1,
  Filter: {},
  Destination: { Bucket: `arn:aws:s3:::${OSAKA}` },
  ...over,
});
const replication = (...rules: ReplicationRule[]) => ({ ReplicationConfiguration: { Role: 'arn:aws:iam::123456789012:role/s3-replication', Rules: rules } });
/** The example plan's dataset storage (RPO class user: 60 min). */
const context = async (rpoSeconds: number | null = 3600): Promise<ReadinessContext<'s3-failover'>> => ({
  component: await exampleComponent('s3-failover', 'dataset-storage'),
  ...readinessDeps(),
  now: NOW,
  rpoSeconds,
});
/** Replication toward Osaka, a versioned replica, a replication latency of `latency` seconds. */
const healthy = (latency = 90) => {
  s3.on(GetBucketReplicationCommand).resolves(replication(rule()));
  s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  cloudwatch.on(GetMetricDataCommand).resolves(lagData([['2026-11-29T00:59:00Z', latency]]));
};
const NOT_REPLICATED = `bucket ${TOKYO} has no Enabled replication rule toward ${OSAKA}`;

describe('s3-failover readiness', () => {
  beforeEach(() => {
    s3.reset();
    cloudwatch.reset();
  });
  afterEach(() => {
    s3.reset();
    cloudwatch.reset();
  });

  it('is ready when an Enabled rule replicates to the versioned replica within the RPO', async () => {
    // Prepare
    healthy();
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result).toEqual({
      findings: [
        { check: 'replication', status: 'ready', detail: `rule datasets-to-osaka replicates ${TOKYO} to ${OSAKA}` },
        { check: 'replica-versioning', status: 'ready', detail: `bucket ${OSAKA} keeps versions` },
        { check: 'replication-lag', status: 'ready', detail: 'ReplicationLatency 90 s, within the RPO of 60 min' },
      ],
      dataAtRiskSeconds: 90,
    });
    expect(s3).toHaveReceivedCommandTimes(GetBucketReplicationCommand, 1);
    expect(s3.commandCalls(GetBucketReplicationCommand)[0]!.args[0].input).toEqual({ Bucket: TOKYO });
    expect(s3.commandCalls(GetBucketVersioningCommand)[0]!.args[0].input).toEqual({ Bucket: OSAKA });
    // The replication configuration is the primary bucket's (read in its region); the replica is Osaka's.
    expect(await s3.commandCalls(GetBucketReplicationCommand)[0]!.thisValue.config.region()).toBe('ap-northeast-1');
    expect(await s3.commandCalls(GetBucketVersioningCommand)[0]!.thisValue.config.region()).toBe('ap-northeast-3');
    expect(await cloudwatch.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      EndTime: NOW,
      MetricDataQueries: [{
        Id: 'replicaLag',
        ReturnData: true,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/S3',
            MetricName: 'ReplicationLatency',
            Dimensions: [{ Name: 'SourceBucket', Value: TOKYO }, { Name: 'DestinationBucket', Value: OSAKA }, { Name: 'RuleId', Value: 'datasets-to-osaka' }],
          },
          Period: 60,
          Stat: 'Maximum',
        },
      }],
    });
  });

  it('accepts a destination named by plain bucket name as well as by ARN', async () => {
    healthy();
    s3.on(GetBucketReplicationCommand).resolves(replication(rule({ ID: 'other', Destination: { Bucket: 'elsewhere' } }), rule({ Destination: { Bucket: OSAKA } })));
    const result = await readiness.assess(await context());
    expect(result.findings[0]).toEqual({ check: 'replication', status: 'ready', detail: `rule datasets-to-osaka replicates ${TOKYO} to ${OSAKA}` });
  });

  it('is not ready when the primary bucket has no replication configuration, and reads no latency', async () => {
    // Prepare
    s3.on(GetBucketReplicationCommand).rejects(awsError('ReplicationConfigurationNotFoundError', 'The replication configuration was not found'));
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result).toEqual({
      findings: [
        { check: 'replication', status: 'not-ready', detail: `bucket ${TOKYO} has no replication configuration: the replica ${OSAKA} is not kept up to date` },
        { check: 'replica-versioning', status: 'ready', detail: `bucket ${OSAKA} keeps versions` },
      ],
      dataAtRiskSeconds: null,
    });
    expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  it.each([
    ['a Disabled rule', replication(rule({ Status: 'Disabled' }))],
    ['a rule toward another bucket', replication(rule({ Destination: { Bucket: 'arn:aws:s3:::dataset-platform-datasets-singapore' } }))],
    ['no rule at all', replication()],
  ])('is not ready with %s', async (_case, answer) => {
    s3.on(GetBucketReplicationCommand).resolves(answer);
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    const result = await readiness.assess(await context());
    expect(result.findings[0]).toEqual({ check: 'replication', status: 'not-ready', detail: NOT_REPLICATED });
    expect(result.dataAtRiskSeconds).toBeNull();
    expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  it('is not ready when the primary bucket does not exist; when the read is denied', async () => {
    s3.on(GetBucketReplicationCommand)
      .rejectsOnce(new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } }))
      .rejectsOnce(awsError('AccessDenied', 'Access Denied'));
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    expect((await readiness.assess(await context())).findings[0]).toEqual({
      check: 'replication',
      status: 'not-ready',
      detail: `replication of bucket ${TOKYO} not found (NoSuchBucket): create it in the recovery region, or correct the plan`,
    });
    expect((await readiness.assess(await context())).findings[0]).toEqual({
      check: 'replication',
      status: 'not-ready',
      detail: `replication of bucket ${TOKYO}: access denied (AccessDenied): the automation's role lacks a read it needs; redeploy from this plan`,
    });
  });

  it.each([
    ['Suspended', 'Suspended'],
    [undefined, 'off'],
  ])('is not ready when the replica\'s versioning is %s', async (status, words) => {
    healthy();
    s3.on(GetBucketVersioningCommand).resolves(status === undefined ? {} : { Status: status as 'Suspended' });
    const result = await readiness.assess(await context());
    expect(result.findings[1]).toEqual({ check: 'replica-versioning', status: 'not-ready', detail: `bucket ${OSAKA} versioning is ${words}: replication needs it Enabled` });
    // The rule is there: its latency is still read.
    expect(result.dataAtRiskSeconds).toBe(90);
  });

  it('is at risk when reading the replica\'s versioning is throttled', async () => {
    healthy();
    s3.on(GetBucketVersioningCommand).rejects(awsError('SlowDown', 'Please reduce your request rate.'));
    const result = await readiness.assess(await context());
    expect(result.findings[1]).toEqual({
      check: 'replica-versioning',
      status: 'at-risk',
      detail: `bucket ${OSAKA}: could not be read (SlowDown: Please reduce your request rate.); readiness unknown until it answers`,
    });
  });

  it('is at risk when the replication latency is above the RPO', async () => {
    healthy(5400);
    const result = await readiness.assess(await context());
    expect(result.findings[2]).toEqual({
      check: 'replication-lag',
      status: 'at-risk',
      detail: 'ReplicationLatency 90 min, above the RPO of 60 min: a recovery now would lose more than the plan allows',
    });
    expect(result.dataAtRiskSeconds).toBe(5400);
  });

  it('is at risk when the replication latency is unknown (no replication metrics)', async () => {
    healthy();
    cloudwatch.on(GetMetricDataCommand).resolves(lagData([]));
    const result = await readiness.assess(await context());
    expect(result.findings[2]).toEqual({
      check: 'replication-lag',
      status: 'at-risk',
      detail: 'ReplicationLatency unknown (no ReplicationLatency data in the last 10 minutes): the data a failover would lose cannot be measured',
    });
    expect(result.dataAtRiskSeconds).toBeNull();
  });
});
