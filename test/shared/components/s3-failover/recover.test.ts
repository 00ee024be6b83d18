import {
  GetBucketEncryptionCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  NoSuchBucket,
  S3Client,
  S3ServiceException,
  type GetBucketEncryptionCommandOutput,
  type GetBucketReplicationCommandOutput,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient, SSMServiceException, TooManyUpdates } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recover as s3Failover } from '../../../../shared/components/s3-failover/recover.ts';
import { SECONDARY, actionContext, exampleComponent } from '../../../support/action-context.ts';

const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);
const PRIMARY_BUCKET = 'dataset-platform-datasets-tokyo';
const REPLICA = 'dataset-platform-datasets-osaka';
const PARAMETER = '/dataset-platform/storage/bucket';

const encryption = (algorithm: ServerSideEncryption): GetBucketEncryptionCommandOutput => ({
  ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: algorithm, KMSMasterKeyID: 'alias/datasets' } }] },
  $metadata: {},
});
const replication = (status: 'Enabled' | 'Disabled', destination = PRIMARY_BUCKET): GetBucketReplicationCommandOutput => ({
  ReplicationConfiguration: {
    Role: 'arn:aws:iam::123456789012:role/dataset-replication',
    Rules: [{ ID: 'back-to-tokyo', Status: status, Destination: { Bucket: `arn:aws:s3:::${destination}` } }],
  },
  $metadata: {},
});
const notConfigured = (name: string) => new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 404 }, message: `${name} (test)` });
const parameter = (value: string) => ({ Parameter: { Name: PARAMETER, Type: 'String' as const, Value: value, Version: 3 } });

/** A replica that satisfies every precondition. */
function healthyReplica() {
  s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  s3.on(GetBucketEncryptionCommand).resolves(encryption('aws:kms'));
  s3.on(GetBucketReplicationCommand).resolves(replication('Enabled'));
}

async function regionsCalled(): Promise<string[]> {
  const calls = [...s3.calls(), ...ssm.calls()];
  return Promise.all(calls.map((c) => c.thisValue.config.region() as Promise<string>));
}

describe('s3-failover', () => {
  beforeEach(() => {
    s3.reset();
    ssm.reset();
  });
  afterEach(() => {
    s3.reset();
    ssm.reset();
  });

  it('checks the replica and points the parameter at it, calling only the secondary region', async () => {
    // Prepare
    const ctx = actionContext(await exampleComponent('s3-failover', 'dataset-storage'));
    healthyReplica();
    ssm.on(GetParameterCommand).resolves(parameter(PRIMARY_BUCKET));
    ssm.on(PutParameterCommand).resolves({ Version: 4 });
    // Act
    const progress = await s3Failover.start(ctx);
    // Assess
    expect(s3).toHaveReceivedCommandWith(GetBucketVersioningCommand, { Bucket: REPLICA });
    expect(s3).toHaveReceivedCommandWith(GetBucketEncryptionCommand, { Bucket: REPLICA });
    expect(s3).toHaveReceivedCommandWith(GetBucketReplicationCommand, { Bucket: REPLICA });
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: PARAMETER });
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Name: PARAMETER, Value: REPLICA, Type: 'String', Overwrite: true });
    expect(progress).toMatchObject({ done: false, nextCheckSeconds: 10 });
    expect(progress.observations).toEqual({
      previousValue: PRIMARY_BUCKET,
      checks: { versioning: 'Enabled', encryption: 'aws:kms', replication: `back-to-tokyo → arn:aws:s3:::${PRIMARY_BUCKET}` },
    });
    const regions = await regionsCalled();
    expect(regions).toHaveLength(5);
    expect(new Set(regions)).toEqual(new Set([SECONDARY]));
  });

  it('sends PutParameter once when start runs twice (idempotent re-run)', async () => {
    const ctx = actionContext(await exampleComponent('s3-failover', 'dataset-storage'));
    healthyReplica();
    ssm.on(GetParameterCommand).resolvesOnce(parameter(PRIMARY_BUCKET)).resolves(parameter(REPLICA));
    ssm.on(PutParameterCommand).resolves({ Version: 4 });
    await s3Failover.start(ctx);
    const again = await s3Failover.start(ctx);
    expect(ssm).toHaveReceivedCommandTimes(PutParameterCommand, 1);
    expect(again).toMatchObject({ done: true, status: `${PARAMETER} is ${REPLICA}` });
  });

  it('creates the parameter when it does not exist yet (ParameterNotFound)', async () => {
    const ctx = actionContext(await exampleComponent('s3-failover', 'dataset-storage'));
    healthyReplica();
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'Parameter not found', $metadata: { httpStatusCode: 400 } }));
    ssm.on(PutParameterCommand).resolves({ Version: 1 });
    const progress = await s3Failover.start(ctx);
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Name: PARAMETER, Value: REPLICA, Type: 'String', Overwrite: true });
    expect(progress.observations).toMatchObject({ previousValue: null });
  });

  it('accepts SSE-S3 (AES256) only when requireKms is false', async () => {
    const ctx = actionContext(await exampleComponent('s3-failover', 'dataset-storage', { requireKms: false }));
    healthyReplica();
    s3.on(GetBucketEncryptionCommand).resolves(encryption('AES256'));
    ssm.on(GetParameterCommand).resolves(parameter(REPLICA));
    const progress = await s3Failover.start(ctx);
    expect(progress).toMatchObject({ done: true, observations: { checks: { encryption: 'AES256' } } });
  });

  it.each([
    { what: 'versioning suspended', arrange: () => s3.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended' }), message: 'versioning is Suspended, must be Enabled' },
    { what: 'versioning never enabled', arrange: () => s3.on(GetBucketVersioningCommand).resolves({}), message: 'versioning is not enabled, must be Enabled' },
    { what: 'a missing bucket', arrange: () => s3.on(GetBucketVersioningCommand).rejects(new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: {} })), message: `${REPLICA} in ${SECONDARY} does not exist` },
    { what: 'SSE-S3 when KMS is required', arrange: () => s3.on(GetBucketEncryptionCommand).resolves(encryption('AES256')), message: 'default encryption is AES256, must be aws:kms or aws:kms:dsse' },
    { what: 'no encryption configuration', arrange: () => s3.on(GetBucketEncryptionCommand).rejects(notConfigured('ServerSideEncryptionConfigurationNotFoundError')), message: 'has no default encryption configuration' },
    { what: 'no replication configuration', arrange: () => s3.on(GetBucketReplicationCommand).rejects(notConfigured('ReplicationConfigurationNotFoundError')), message: 'has no replication configuration' },
    { what: 'a disabled replication rule', arrange: () => s3.on(GetBucketReplicationCommand).resolves(replication('Disabled')), message: `no Enabled replication rule back to ${PRIMARY_BUCKET}` },
    { what: 'replication to another bucket', arrange: () => s3.on(GetBucketReplicationCommand).resolves(replication('Enabled', 'elsewhere')), message: `no Enabled replication rule back to ${PRIMARY_BUCKET}` },
  ])('fails with ActionFailedError and changes nothing on $what', async ({ arrange, message }) => {
    const ctx = actionContext(await exampleComponent('s3-failover', 'dataset-storage'));
    healthyReplica();
    arrange();
    ssm.on(GetParameterCommand).resolves(parameter(PRIMARY_BUCKET));
    await expect(s3Failover.start(ctx)).rejects.toMatchObject({ name: 'ActionFailedError', message: expect.stringContaining(message) });
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  it('check is done once the parameter holds the replica bucket', async () => {
    const ctx = actionContext(await exampleComponent('s3-failover', 'dataset-storage'));
    const state = { previousValue: PRIMARY_BUCKET, checks: { versioning: 'Enabled' } };
    ssm.on(GetParameterCommand).resolvesOnce(parameter(PRIMARY_BUCKET)).resolves(parameter(REPLICA));
    expect(await s3Failover.check(ctx, state)).toMatchObject({ done: false, nextCheckSeconds: 30 });
    expect(await s3Failover.check(ctx, state)).toMatchObject({ done: true, observations: { previousValue: PRIMARY_BUCKET } });
    expect(s3).not.toHaveReceivedCommand(GetBucketVersioningCommand);
    expect(await ssm.call(0).thisValue.config.region()).toBe(SECONDARY);
  });

  it('maps SSM throttling to AwsThrottlingError and TooManyUpdates to ResourceBusyError', async () => {
    const ctx = actionContext(await exampleComponent('s3-failover', 'dataset-storage'));
    const throttled = new SSMServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' });
    ssm.on(GetParameterCommand).rejects(throttled);
    await expect(s3Failover.check(ctx, {})).rejects.toMatchObject({ name: 'AwsThrottlingError' });

    healthyReplica();
    ssm.on(GetParameterCommand).resolves(parameter(PRIMARY_BUCKET));
    ssm.on(PutParameterCommand).rejects(new TooManyUpdates({ message: 'There are concurrent updates', $metadata: {} }));
    await expect(s3Failover.start(ctx)).rejects.toMatchObject({ name: 'ResourceBusyError' });
  });

  it('maps S3 SlowDown on a precondition read to AwsThrottlingError', async () => {
    const ctx = actionContext(await exampleComponent('s3-failover', 'dataset-storage'));
    healthyReplica();
    s3.on(GetBucketReplicationCommand).rejects(
      new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'Please reduce your request rate.' }),
    );
    await expect(s3Failover.start(ctx)).rejects.toMatchObject({ name: 'AwsThrottlingError' });
    expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
  });
});
