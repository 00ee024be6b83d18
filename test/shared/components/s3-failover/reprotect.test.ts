import {
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  NoSuchBucket,
  PutBucketReplicationCommand,
  S3Client,
  S3ServiceException,
  type GetBucketReplicationCommandOutput,
  type ReplicationRule,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reprotect as s3Reprotect } from '../../../../shared/components/s3-failover/reprotect.ts';
import { reverse } from '../../../../shared/components/s3-failover/reverse.ts';
import type { ActionContext } from '../../../../shared/components/types.ts';
import type { ComponentOf } from '../../../../shared/plan/schema.ts';
import { PRIMARY, SECONDARY, actionContext, exampleComponent } from '../../../support/action-context.ts';

/**
 * The example's dataset-storage after a recovery to Osaka: the re-protect runs in the reverse direction, so the
 * Osaka bucket (the one the application uses now) must replicate to the Tokyo bucket.
 */

const s3 = mockClient(S3Client);

const TOKYO_BUCKET = 'dataset-platform-datasets-tokyo';
const OSAKA_BUCKET = 'dataset-platform-datasets-osaka';
const TOKYO_ARN = `arn:aws:s3:::${TOKYO_BUCKET}`;
const ROLE = 'arn:aws:iam::123456789012:role/dataset-platform-s3-replication';
const CUSTOMER_ROLE = 'arn:aws:iam::123456789012:role/dataset-replication';
const NOW = '2026-11-29T01:05:00.000Z';

type Ctx = ActionContext<'s3-failover'>;

/** The example's dataset-storage (with these params), reversed as the compiled plan carries it. */
async function reversedComponent(params: Partial<ComponentOf<'s3-failover'>['params']> = {}): Promise<ComponentOf<'s3-failover'>> {
  const component = await exampleComponent('s3-failover', 'dataset-storage', params);
  const reversal = reverse({ id: component.id, params: component.params });
  if (!('params' in reversal)) throw new Error(`dataset-storage does not reverse: ${reversal.unsupported}`);
  return { ...component, params: reversal.params };
}
/** The run of the re-protect stage: reverse direction, regions swapped, planned. */
const reverseContext = async (params: Partial<ComponentOf<'s3-failover'>['params']> = {}): Promise<Ctx> =>
  actionContext(await reversedComponent(params), { regions: { primary: SECONDARY, secondary: PRIMARY }, direction: 'reverse', mode: 'planned' });

const replication = (rules: ReplicationRule[], role = CUSTOMER_ROLE): GetBucketReplicationCommandOutput => ({ ReplicationConfiguration: { Role: role, Rules: rules }, $metadata: {} });
const notConfigured = () =>
  new S3ServiceException({ name: 'ReplicationConfigurationNotFoundError', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: 'The replication configuration was not found' });
/** The customer's own rules of the Osaka bucket, none of them an enabled rule to Tokyo. */
const OTHER_RULES: ReplicationRule[] = [
  { ID: 'logs-to-singapore', Priority: 3, Status: 'Enabled', Filter: { Prefix: 'logs/' }, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: 'arn:aws:s3:::dataset-platform-logs-singapore' } },
  { ID: 'back-to-tokyo-paused', Priority: 1, Status: 'Disabled', Filter: { Prefix: '' }, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: TOKYO_ARN } },
];
/** The rule the re-protect adds toward Tokyo. */
const added = (priority: number): ReplicationRule => ({
  ID: 'dr-autopilot-reprotect',
  Priority: priority,
  Status: 'Enabled',
  Filter: { Prefix: '' },
  DeleteMarkerReplication: { Status: 'Enabled' },
  Destination: { Bucket: TOKYO_ARN },
});

const regionOf = async (call: { thisValue: unknown }) => (call.thisValue as S3Client).config.region();

describe('s3-failover re-protect', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(GetBucketVersioningCommand, { Bucket: TOKYO_BUCKET }).resolves({ Status: 'Enabled' });
    s3.on(PutBucketReplicationCommand).resolves({});
  });
  afterEach(() => s3.reset());

  it('reads the reversed params: the Osaka bucket is the source, the Tokyo bucket the destination', async () => {
    // Prepare
    const ctx = await reverseContext();
    // Act
    const { params } = ctx.component;
    // Assess
    expect(params).toMatchObject({ primaryBucket: OSAKA_BUCKET, replicaBucket: TOKYO_BUCKET, reprotect: { replicationRoleArn: ROLE, ruleId: 'dr-autopilot-reprotect' } });
  });

  it('an enabled rule of the Osaka bucket to Tokyo is kept: done, no PutBucketReplication', async () => {
    // Prepare
    const ctx = await reverseContext();
    s3.on(GetBucketReplicationCommand, { Bucket: OSAKA_BUCKET }).resolves(replication([{ ID: 'back-to-tokyo', Priority: 1, Status: 'Enabled', Destination: { Bucket: TOKYO_ARN } }]));
    // Act
    const progress = await s3Reprotect.start(ctx);
    // Assess
    expect(s3).toHaveReceivedCommandExactlyOnceWith(GetBucketVersioningCommand, { Bucket: TOKYO_BUCKET });
    expect(s3).toHaveReceivedCommandExactlyOnceWith(GetBucketReplicationCommand, { Bucket: OSAKA_BUCKET });
    expect(await regionOf(s3.commandCalls(GetBucketVersioningCommand)[0]!)).toBe(PRIMARY);
    expect(await regionOf(s3.commandCalls(GetBucketReplicationCommand)[0]!)).toBe(SECONDARY);
    expect(s3).not.toHaveReceivedCommand(PutBucketReplicationCommand);
    expect(progress).toEqual({
      done: true,
      nextCheckSeconds: 0,
      status: `${OSAKA_BUCKET} replicates to ${TOKYO_BUCKET} (rule back-to-tokyo, kept)`,
      state: { ruleId: 'back-to-tokyo', source: OSAKA_BUCKET, destination: TOKYO_BUCKET },
      observations: { ruleId: 'back-to-tokyo', source: OSAKA_BUCKET, destination: TOKYO_BUCKET },
    });
  });

  it('no enabled rule to Tokyo: one PutBucketReplication on the Osaka bucket keeping its rules, with the reprotect role and the next priority', async () => {
    // Prepare
    const ctx = await reverseContext();
    s3.on(GetBucketReplicationCommand, { Bucket: OSAKA_BUCKET }).resolves(replication(OTHER_RULES));
    // Act
    const progress = await s3Reprotect.start(ctx);
    // Assess
    expect(s3).toHaveReceivedCommandTimes(PutBucketReplicationCommand, 1);
    const put = s3.commandCalls(PutBucketReplicationCommand)[0]!;
    expect(put.args[0].input).toEqual({
      Bucket: OSAKA_BUCKET,
      ReplicationConfiguration: { Role: ROLE, Rules: [...OTHER_RULES, added(4)] },
    });
    expect(await regionOf(put)).toBe(SECONDARY);
    expect(progress).toEqual({
      done: false,
      nextCheckSeconds: 30,
      status: `rule dr-autopilot-reprotect added: ${OSAKA_BUCKET} → ${TOKYO_BUCKET} (2 other rule(s) kept)`,
      state: { ruleAddedAt: NOW, ruleId: 'dr-autopilot-reprotect', source: OSAKA_BUCKET, destination: TOKYO_BUCKET, rulesKept: 2 },
      observations: { ruleAddedAt: NOW, ruleId: 'dr-autopilot-reprotect', source: OSAKA_BUCKET, destination: TOKYO_BUCKET, rulesKept: 2 },
    });
  });

  it('on the next checks: not listed yet → not done and no second put; listed → done, added by this run', async () => {
    // Prepare
    const ctx = await reverseContext();
    s3.on(GetBucketReplicationCommand, { Bucket: OSAKA_BUCKET })
      .resolvesOnce(replication(OTHER_RULES))
      .resolvesOnce(replication(OTHER_RULES))
      .resolves(replication([...OTHER_RULES, added(4)], ROLE));
    // Act
    const started = await s3Reprotect.start(ctx);
    const notListed = await s3Reprotect.check(ctx, started.state);
    const done = await s3Reprotect.check(ctx, notListed.state);
    // Assess
    expect(s3).toHaveReceivedCommandTimes(PutBucketReplicationCommand, 1);
    expect(notListed).toMatchObject({ done: false, nextCheckSeconds: 30, status: `rule dr-autopilot-reprotect added at ${NOW}, not listed yet`, state: started.state });
    expect(done).toMatchObject({
      done: true,
      nextCheckSeconds: 0,
      status: `${OSAKA_BUCKET} replicates to ${TOKYO_BUCKET} (rule dr-autopilot-reprotect, added by this run)`,
      state: { ruleAddedAt: NOW, ruleId: 'dr-autopilot-reprotect', source: OSAKA_BUCKET, destination: TOKYO_BUCKET },
    });
  });

  it('a rule of the Osaka bucket with the reprotect ID (disabled) is replaced, not duplicated', async () => {
    // Prepare
    const ctx = await reverseContext();
    const stale: ReplicationRule = { ...added(2), Status: 'Disabled' };
    s3.on(GetBucketReplicationCommand, { Bucket: OSAKA_BUCKET }).resolves(replication([OTHER_RULES[0]!, stale]));
    // Act
    await s3Reprotect.start(ctx);
    // Assess
    expect(s3).toHaveReceivedCommandExactlyOnceWith(PutBucketReplicationCommand, {
      Bucket: OSAKA_BUCKET,
      ReplicationConfiguration: { Role: ROLE, Rules: [OTHER_RULES[0]!, added(4)] },
    });
  });

  it('ReplicationConfigurationNotFoundError is no rules: the configuration is the new rule alone, priority 1', async () => {
    // Prepare
    const ctx = await reverseContext();
    s3.on(GetBucketReplicationCommand, { Bucket: OSAKA_BUCKET }).rejects(notConfigured());
    // Act
    const progress = await s3Reprotect.start(ctx);
    // Assess
    expect(s3).toHaveReceivedCommandTimes(PutBucketReplicationCommand, 1);
    expect(s3.commandCalls(PutBucketReplicationCommand)[0]!.args[0].input).toEqual({
      Bucket: OSAKA_BUCKET,
      ReplicationConfiguration: { Role: ROLE, Rules: [added(1)] },
    });
    expect(progress).toMatchObject({ done: false, state: { rulesKept: 0 } });
  });

  it.each([
    ['Suspended', 'Suspended'],
    [undefined, 'never enabled'],
  ])('destination versioning %s: ActionFailedError, nothing put', async (status, shown) => {
    // Prepare
    const ctx = await reverseContext();
    s3.on(GetBucketVersioningCommand, { Bucket: TOKYO_BUCKET }).resolves(status ? { Status: status as 'Suspended' } : {});
    s3.on(GetBucketReplicationCommand).rejects(notConfigured());
    // Act
    const result = s3Reprotect.start(ctx);
    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'ActionFailedError',
      message: expect.stringContaining(`destination bucket ${TOKYO_BUCKET} in ${PRIMARY} has versioning ${shown}: S3 replicates only into a versioned bucket`),
    });
    expect(s3).not.toHaveReceivedCommand(PutBucketReplicationCommand);
  });

  it('no params.reprotect and no rule: ActionFailedError naming params.reprotect.replicationRoleArn, nothing put', async () => {
    // Prepare
    const ctx = await reverseContext({ reprotect: undefined });
    s3.on(GetBucketReplicationCommand, { Bucket: OSAKA_BUCKET }).resolves(replication(OTHER_RULES));
    // Act
    const result = s3Reprotect.start(ctx);
    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'ActionFailedError',
      message: expect.stringContaining(`${OSAKA_BUCKET} has no enabled replication rule to ${TOKYO_BUCKET}: add params.reprotect.replicationRoleArn`),
    });
    expect(s3).not.toHaveReceivedCommand(PutBucketReplicationCommand);
  });

  it('no params.reprotect but an enabled rule: done (the customer\'s own replication)', async () => {
    const ctx = await reverseContext({ reprotect: undefined });
    s3.on(GetBucketReplicationCommand, { Bucket: OSAKA_BUCKET }).resolves(replication([{ ID: 'back-to-tokyo', Status: 'Enabled', Destination: { Bucket: TOKYO_ARN } }]));
    const progress = await s3Reprotect.start(ctx);
    expect(progress).toMatchObject({ done: true, state: { ruleId: 'back-to-tokyo' } });
    expect(s3).not.toHaveReceivedCommand(PutBucketReplicationCommand);
  });

  it('a missing destination bucket: ActionFailedError, nothing put', async () => {
    const ctx = await reverseContext();
    s3.on(GetBucketVersioningCommand, { Bucket: TOKYO_BUCKET }).rejects(new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } }));
    await expect(s3Reprotect.start(ctx)).rejects.toMatchObject({ name: 'ActionFailedError', message: `bucket ${TOKYO_BUCKET} does not exist` });
    expect(s3).not.toHaveReceivedCommand(PutBucketReplicationCommand);
  });

  it('PutBucketReplication refused (InvalidRequest): ActionFailedError with S3\'s reason, no state recorded', async () => {
    const ctx = await reverseContext();
    s3.on(GetBucketReplicationCommand, { Bucket: OSAKA_BUCKET }).rejects(notConfigured());
    s3.on(PutBucketReplicationCommand).rejects(
      new S3ServiceException({ name: 'InvalidRequest', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: "Versioning must be 'Enabled' on the bucket to apply a replication configuration" }),
    );
    await expect(s3Reprotect.start(ctx)).rejects.toMatchObject({
      name: 'ActionFailedError',
      message: `PutBucketReplication on ${OSAKA_BUCKET} refused: Versioning must be 'Enabled' on the bucket to apply a replication configuration`,
    });
  });

  it('forward direction: the Tokyo bucket replicates to Osaka, read in their own regions', async () => {
    // Prepare
    const ctx = actionContext(await exampleComponent('s3-failover', 'dataset-storage'), { mode: 'planned' });
    s3.on(GetBucketVersioningCommand, { Bucket: OSAKA_BUCKET }).resolves({ Status: 'Enabled' });
    s3.on(GetBucketReplicationCommand, { Bucket: TOKYO_BUCKET }).rejects(notConfigured());
    // Act
    await s3Reprotect.start(ctx);
    // Assess
    const put = s3.commandCalls(PutBucketReplicationCommand);
    expect(put).toHaveLength(1);
    expect(put[0]!.args[0].input).toEqual({
      Bucket: TOKYO_BUCKET,
      ReplicationConfiguration: { Role: ROLE, Rules: [{ ...added(1), Destination: { Bucket: `arn:aws:s3:::${OSAKA_BUCKET}` } }] },
    });
    expect(await regionOf(put[0]!)).toBe(PRIMARY);
    expect(await regionOf(s3.commandCalls(GetBucketVersioningCommand)[0]!)).toBe(SECONDARY);
  });
});
