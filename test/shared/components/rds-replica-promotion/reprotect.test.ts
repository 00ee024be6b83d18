import {
  CreateDBInstanceReadReplicaCommand,
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  StopDBInstanceCommand,
  type DBInstance,
  type DescribeDBInstancesCommandInput,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reprotect as rdsReprotect } from '../../../../shared/components/rds-replica-promotion/reprotect.ts';
import { reverse } from '../../../../shared/components/rds-replica-promotion/reverse.ts';
import type { ActionContext, JsonObject } from '../../../../shared/components/types.ts';
import type { ComponentOf } from '../../../../shared/plan/schema.ts';
import { PRIMARY, SECONDARY, actionContext, exampleComponent } from '../../../support/action-context.ts';

/**
 * The example's core-database after a recovery promoted dataset-db-osaka: the re-protect runs in the reverse
 * direction (Osaka is the run's primary), fences the plan's old primary dataset-db in Tokyo, and builds the
 * cross-region replica dataset-db-tokyo there from the promoted instance.
 */

const rds = mockClient(RDSClient);

const PROMOTED = 'dataset-db-osaka';
const FORMER_WRITER = 'dataset-db';
const NEW_REPLICA = 'dataset-db-tokyo';
const SOURCE_ARN = 'arn:aws:rds:ap-northeast-3:123456789012:db:dataset-db-osaka';
const NEW_REPLICA_ARN = 'arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db-tokyo';
const NOW = '2026-11-29T01:05:00.000Z';

type Ctx = ActionContext<'rds-replica-promotion'>;

/** The example's core-database, reversed as the compiled plan carries it. */
async function reversedComponent(): Promise<ComponentOf<'rds-replica-promotion'>> {
  const component = await exampleComponent('rds-replica-promotion', 'core-database');
  const reversal = reverse({ id: component.id, params: component.params });
  if (!('params' in reversal)) throw new Error(`core-database does not reverse: ${reversal.unsupported}`);
  return { ...component, params: reversal.params };
}
/** The run of the re-protect stage: reverse direction, regions swapped, planned. */
const reverseContext = async (overrides: Partial<Omit<Ctx, 'component'>> = {}): Promise<Ctx> =>
  actionContext(await reversedComponent(), { regions: { primary: SECONDARY, secondary: PRIMARY }, direction: 'reverse', mode: 'planned', ...overrides });

// ---- what each region lists ----------------------------------------------------------------------

/** DescribeDBInstances answers by region and identifier: one answer per read, the last one repeats; null or none is DBInstanceNotFoundFault. */
const listed = new Map<string, (DBInstance | null)[]>();
const seen = (region: string, id: string, ...answers: (DBInstance | null)[]) => listed.set(`${region}/${id}`, answers);

function describeByRegion() {
  rds.on(DescribeDBInstancesCommand).callsFake(async (input: DescribeDBInstancesCommandInput, getClient) => {
    const region = await getClient().config.region();
    const answers = listed.get(`${region}/${input.DBInstanceIdentifier ?? ''}`) ?? [];
    const db = answers.length > 1 ? answers.shift() : answers[0];
    if (!db) throw new DBInstanceNotFoundFault({ message: `DBInstance ${input.DBInstanceIdentifier ?? ''} not found.`, $metadata: { httpStatusCode: 404 } });
    return { DBInstances: [db] };
  });
}

/** The promoted instance in Osaka: available, a writer with automated backups. */
const source = (over: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: PROMOTED,
  DBInstanceArn: SOURCE_ARN,
  DBInstanceStatus: 'available',
  BackupRetentionPeriod: 7,
  ...over,
});
/** The new replica in Tokyo, replicating from the promoted instance. */
const newReplica = (over: Partial<DBInstance> = {}): DBInstance => ({
  DBInstanceIdentifier: NEW_REPLICA,
  DBInstanceArn: NEW_REPLICA_ARN,
  DBInstanceStatus: 'available',
  ReadReplicaSourceDBInstanceIdentifier: SOURCE_ARN,
  ...over,
});
/** The plan's old primary in Tokyo, back with its region. */
const formerWriter = (status = 'available'): DBInstance => ({
  DBInstanceIdentifier: FORMER_WRITER,
  DBInstanceArn: 'arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db',
  DBInstanceStatus: status,
  ReadReplicaDBInstanceIdentifiers: [],
  VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0aaaaaaaaaaaaaaa1', Status: 'active' }],
});

const regionOf = async (call: { thisValue: unknown }) => (call.thisValue as RDSClient).config.region();
/** Every command sent, by name, in order, with its region. */
const sent = async () =>
  Promise.all(rds.calls().map(async (c) => `${(c.args[0] as { constructor: { name: string } }).constructor.name}@${await regionOf(c)}`));

const WRITES = [CreateDBInstanceReadReplicaCommand, StopDBInstanceCommand, ModifyDBInstanceCommand, PromoteReadReplicaCommand] as const;
const expectNoWrites = () => {
  for (const command of WRITES) expect(rds).not.toHaveReceivedCommand(command);
};

describe('rds-replica-promotion re-protect', () => {
  beforeEach(() => {
    rds.reset();
    listed.clear();
    describeByRegion();
    rds.on(StopDBInstanceCommand).resolves({});
    rds.on(ModifyDBInstanceCommand).resolves({});
    rds.on(CreateDBInstanceReadReplicaCommand).resolves({});
  });
  afterEach(() => {
    rds.reset();
    listed.clear();
  });

  describe('reverse direction (after a recovery to Osaka)', () => {
    it('reads the reversed params: source dataset-db-osaka in Osaka, replica dataset-db-tokyo and former writer dataset-db in Tokyo, fenced with the plan\'s fencing', async () => {
      // Prepare
      const ctx = await reverseContext();
      // Act
      const { params } = ctx.component;
      // Assess
      expect(params).toMatchObject({
        primaryDbInstanceIdentifier: PROMOTED,
        replicaDbInstanceIdentifier: NEW_REPLICA,
        fencing: { method: 'isolate', isolationSecurityGroupIds: ['sg-0f1e2d3c4b5a69788'] },
        reverseFencing: { method: 'stop' },
        reprotect: { fenceDbInstanceIdentifier: FORMER_WRITER },
      });
    });

    it('replica missing, former writer up: StopDBInstance on the former writer, then one CreateDBInstanceReadReplica in Tokyo from the source\'s ARN with the reprotect settings', async () => {
      // Prepare
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source());
      seen(PRIMARY, FORMER_WRITER, formerWriter());
      // Act
      const progress = await rdsReprotect.start(ctx);
      // Assess
      expect(rds).toHaveReceivedCommandExactlyOnceWith(StopDBInstanceCommand, { DBInstanceIdentifier: FORMER_WRITER });
      expect(rds).toHaveReceivedCommandTimes(CreateDBInstanceReadReplicaCommand, 1);
      expect(rds.commandCalls(CreateDBInstanceReadReplicaCommand)[0]!.args[0].input).toEqual({
        DBInstanceIdentifier: NEW_REPLICA,
        SourceDBInstanceIdentifier: SOURCE_ARN,
        DBInstanceClass: 'db.r6g.xlarge',
        DBSubnetGroupName: 'dataset-platform-tokyo-db',
        VpcSecurityGroupIds: ['sg-0a1b2c3d4e5f60718'],
        // The Osaka source is encrypted: a cross-region replica needs a key in Tokyo.
        KmsKeyId: 'arn:aws:kms:ap-northeast-1:123456789012:key/1f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b',
      });
      expect(await regionOf(rds.commandCalls(CreateDBInstanceReadReplicaCommand)[0]!)).toBe(PRIMARY);
      expect(await regionOf(rds.commandCalls(StopDBInstanceCommand)[0]!)).toBe(PRIMARY);
      // The former writer in Tokyo is stopped (the plan's fencing), never isolated with Osaka's security groups.
      expect(rds).not.toHaveReceivedCommand(ModifyDBInstanceCommand);
      expect(rds).not.toHaveReceivedCommand(PromoteReadReplicaCommand);
      expect(await sent()).toEqual([
        `DescribeDBInstancesCommand@${PRIMARY}`,
        `StopDBInstanceCommand@${PRIMARY}`,
        `DescribeDBInstancesCommand@${SECONDARY}`,
        `DescribeDBInstancesCommand@${PRIMARY}`,
        `CreateDBInstanceReadReplicaCommand@${PRIMARY}`,
      ]);
      expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: PROMOTED });
      expect(rds).toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: NEW_REPLICA });
      expect(progress).toMatchObject({
        done: false,
        nextCheckSeconds: 300, // a replica being created is read every 5 min
        state: { sourceArn: SOURCE_ARN, createRequestedAt: NOW, fenceCommand: 'StopDBInstance', fenceSentAt: NOW, formerWriter: 'dataset-db: available, not fenced' },
        status: expect.stringContaining(`replica ${NEW_REPLICA} in ${PRIMARY}: CreateDBInstanceReadReplica sent (from ${SOURCE_ARN}, db.r6g.xlarge)`),
      });
      expect(progress.status).toContain(`former writer ${FORMER_WRITER} in ${PRIMARY}: StopDBInstance sent`);
    });

    it('across checks: the fence and the creation are each sent once (state carried), and it is done once the replica is available and the former writer stopped', async () => {
      // Prepare
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source());
      // The stop is not reflected at once; then stopping, then stopped.
      seen(PRIMARY, FORMER_WRITER, formerWriter(), formerWriter(), formerWriter('stopping'), formerWriter('stopped'));
      // Not listed yet right after the request, then creating, then available.
      seen(PRIMARY, NEW_REPLICA, null, null, newReplica({ DBInstanceStatus: 'creating' }), newReplica());
      // Act
      const started = await rdsReprotect.start(ctx);
      const notListed = await rdsReprotect.check(ctx, started.state);
      const creating = await rdsReprotect.check(ctx, notListed.state);
      const done = await rdsReprotect.check(ctx, creating.state);
      // Assess
      expect(rds).toHaveReceivedCommandExactlyOnceWith(StopDBInstanceCommand, { DBInstanceIdentifier: FORMER_WRITER });
      expect(rds).toHaveReceivedCommandTimes(CreateDBInstanceReadReplicaCommand, 1);
      expect(started.done).toBe(false);
      expect(notListed).toMatchObject({
        done: false,
        status: expect.stringContaining(`replica ${NEW_REPLICA} in ${PRIMARY}: creation requested at ${NOW}, not listed yet`),
        state: { fenceCommand: 'StopDBInstance', fenceSentAt: NOW, createRequestedAt: NOW },
      });
      expect(notListed.status).toContain(`former writer ${FORMER_WRITER} in ${PRIMARY}: StopDBInstance under way`);
      expect(creating).toMatchObject({ done: false, nextCheckSeconds: 300, status: expect.stringContaining(`is creating, replicating from ${PROMOTED}`) });
      expect(done).toMatchObject({
        done: true,
        nextCheckSeconds: 0,
        status: `replica ${NEW_REPLICA} in ${PRIMARY} is available, replicating from ${PROMOTED} in ${SECONDARY}; former writer ${FORMER_WRITER} in ${PRIMARY} stopped`,
      });
      expect(done.observations).toEqual({
        sourceArn: SOURCE_ARN,
        replicaArn: NEW_REPLICA_ARN,
        createRequestedAt: NOW,
        protectedAt: NOW,
        formerWriter: 'dataset-db: stopped',
        fenceCommand: 'StopDBInstance',
      });
    });

    it('a replica still creating is not done, and nothing is sent again', async () => {
      // Prepare
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source());
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopped'));
      seen(PRIMARY, NEW_REPLICA, newReplica({ DBInstanceStatus: 'creating' }));
      const previous: JsonObject = { sourceArn: SOURCE_ARN, createRequestedAt: NOW, fenceCommand: 'StopDBInstance', fenceSentAt: NOW };
      // Act
      const progress = await rdsReprotect.check(ctx, previous);
      // Assess
      expect(progress).toMatchObject({ done: false, nextCheckSeconds: 300, state: { replicaStatus: 'creating', replicaArn: NEW_REPLICA_ARN } });
      expect(progress.observations).toMatchObject({ protectedAt: null });
      expectNoWrites();
    });

    it('an available replica is not done while the former writer is not fenced yet', async () => {
      // Prepare
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source());
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopping'));
      seen(PRIMARY, NEW_REPLICA, newReplica());
      // Act
      const progress = await rdsReprotect.check(ctx, { fenceCommand: 'StopDBInstance', fenceSentAt: NOW, createRequestedAt: NOW });
      // Assess
      expect(progress).toMatchObject({ done: false, status: expect.stringContaining('available and replicating; the former writer is not fenced yet') });
      expect(progress.observations).toMatchObject({ protectedAt: null, formerWriter: 'dataset-db: stopping' });
      expectNoWrites();
    });

    it('a former writer already stopped, and the replica in place: done at once, nothing sent', async () => {
      // Prepare
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source());
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopped'));
      seen(PRIMARY, NEW_REPLICA, newReplica());
      // Act
      const progress = await rdsReprotect.start(ctx);
      // Assess
      expect(progress).toMatchObject({ done: true, observations: { sourceArn: SOURCE_ARN, replicaArn: NEW_REPLICA_ARN, protectedAt: NOW, formerWriter: 'dataset-db: stopped', fenceCommand: null, createRequestedAt: null } });
      expectNoWrites();
    });

    it('a former writer that is gone counts as fenced', async () => {
      // Prepare
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source());
      seen(PRIMARY, NEW_REPLICA, newReplica());
      // Act
      const progress = await rdsReprotect.start(ctx);
      // Assess
      expect(progress).toMatchObject({ done: true, observations: { formerWriter: 'dataset-db: not found' } });
      expectNoWrites();
    });

    it('a former writer still starting is not stopped yet (fenced once available), while the replica is created', async () => {
      // Prepare
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source());
      seen(PRIMARY, FORMER_WRITER, formerWriter('starting'));
      // Act
      const progress = await rdsReprotect.start(ctx);
      // Assess
      expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
      expect(progress).toMatchObject({ done: false, status: expect.stringContaining(`former writer ${FORMER_WRITER} in ${PRIMARY} is starting, fenced once available`) });
      expect(progress.state.fenceSentAt).toBeUndefined();
    });

    it('tries StopDBInstance again at the next check when RDS refuses it in the current state', async () => {
      // Prepare
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source());
      seen(PRIMARY, FORMER_WRITER, formerWriter());
      seen(PRIMARY, NEW_REPLICA, newReplica());
      rds.on(StopDBInstanceCommand)
        .rejectsOnce(new InvalidDBInstanceStateFault({ message: 'Instance dataset-db is not in available state.', $metadata: { httpStatusCode: 400 } }))
        .resolves({});
      // Act
      const refused = await rdsReprotect.start(ctx);
      const again = await rdsReprotect.check(ctx, refused.state);
      // Assess
      expect(refused).toMatchObject({ done: false, status: expect.stringContaining('StopDBInstance refused (InvalidDBInstanceStateFault)') });
      expect(refused.state.fenceSentAt).toBeUndefined();
      expect(again.state).toMatchObject({ fenceCommand: 'StopDBInstance', fenceSentAt: NOW });
      expect(rds).toHaveReceivedCommandTimes(StopDBInstanceCommand, 2);
      expect(rds).not.toHaveReceivedCommand(CreateDBInstanceReadReplicaCommand);
    });

    it('a replica by that name replicating from something else: UnexpectedStateError, nothing created', async () => {
      // Prepare
      const ctx = await reverseContext();
      const other = 'arn:aws:rds:ap-southeast-1:123456789012:db:dataset-db-singapore';
      seen(SECONDARY, PROMOTED, source());
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopped'));
      seen(PRIMARY, NEW_REPLICA, newReplica({ ReadReplicaSourceDBInstanceIdentifier: other }));
      // Act
      const result = rdsReprotect.start(ctx);
      // Assess
      await expect(result).rejects.toMatchObject({
        name: 'UnexpectedStateError',
        message: expect.stringContaining(`replica ${NEW_REPLICA} in ${PRIMARY} exists and replicates from ${other}, not from ${SOURCE_ARN}: it is not touched`),
        details: { source: other },
      });
      expectNoWrites();
    });

    it('a standalone instance by that name: UnexpectedStateError, nothing created', async () => {
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source());
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopped'));
      seen(PRIMARY, NEW_REPLICA, newReplica({ ReadReplicaSourceDBInstanceIdentifier: undefined }));
      await expect(rdsReprotect.start(ctx)).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining('exists and is a standalone instance'), details: { source: null } });
      expectNoWrites();
    });

    it('a source with automated backups off: ActionFailedError, nothing created', async () => {
      // Prepare
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source({ BackupRetentionPeriod: 0 }));
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopped'));
      // Act
      const result = rdsReprotect.start(ctx);
      // Assess
      await expect(result).rejects.toMatchObject({
        name: 'ActionFailedError',
        message: expect.stringContaining(`source ${PROMOTED} in ${SECONDARY} has automated backups off (BackupRetentionPeriod 0)`),
      });
      expectNoWrites();
    });

    it('a source that is itself a read replica: UnexpectedStateError, nothing created', async () => {
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source({ ReadReplicaSourceDBInstanceIdentifier: 'arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db' }));
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopped'));
      await expect(rdsReprotect.start(ctx)).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining('is itself a read replica of arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db') });
      expectNoWrites();
    });

    it('a source that is missing: UnexpectedStateError, nothing created', async () => {
      const ctx = await reverseContext();
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopped'));
      await expect(rdsReprotect.start(ctx)).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining(`source ${PROMOTED} in ${SECONDARY} does not exist`) });
      expectNoWrites();
    });

    it('a source still settling (modifying): waits, without reading or creating the replica', async () => {
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source({ DBInstanceStatus: 'modifying' }));
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopped'));
      const progress = await rdsReprotect.start(ctx);
      expect(progress).toMatchObject({ done: false, nextCheckSeconds: 30, status: expect.stringContaining(`source ${PROMOTED} in ${SECONDARY} is settling`) });
      expect(rds).not.toHaveReceivedCommandWith(DescribeDBInstancesCommand, { DBInstanceIdentifier: NEW_REPLICA });
      expectNoWrites();
    });

    it('a source in a status it does not leave by itself (storage-full): ActionFailedError', async () => {
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source({ DBInstanceStatus: 'storage-full' }));
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopped'));
      await expect(rdsReprotect.start(ctx)).rejects.toMatchObject({ name: 'ActionFailedError', message: expect.stringContaining('is storage-full: it must be available to have a replica') });
      expectNoWrites();
    });

    it('a replica that failed: ActionFailedError', async () => {
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source());
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopped'));
      seen(PRIMARY, NEW_REPLICA, newReplica({ DBInstanceStatus: 'failed' }));
      await expect(rdsReprotect.check(ctx, { createRequestedAt: NOW })).rejects.toMatchObject({ name: 'ActionFailedError', message: `replica ${NEW_REPLICA} in ${PRIMARY} is failed` });
      expectNoWrites();
    });

    it('DBInstanceAlreadyExistsFault on the creation is not thrown: the next check reads the replica and decides', async () => {
      // Prepare
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source());
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopped'));
      seen(PRIMARY, NEW_REPLICA, null, newReplica());
      rds.on(CreateDBInstanceReadReplicaCommand).rejects(
        new DBInstanceAlreadyExistsFault({ message: 'DB instance already exists', $metadata: { httpStatusCode: 400 } }),
      );
      // Act
      const started = await rdsReprotect.start(ctx);
      const done = await rdsReprotect.check(ctx, started.state);
      // Assess
      expect(started).toMatchObject({ done: false, state: { createRequestedAt: NOW } });
      expect(done).toMatchObject({ done: true, observations: { replicaArn: NEW_REPLICA_ARN, protectedAt: NOW } });
      expect(rds).toHaveReceivedCommandTimes(CreateDBInstanceReadReplicaCommand, 1);
    });

    it('throttling on the creation is AwsThrottlingError (retried)', async () => {
      const ctx = await reverseContext();
      seen(SECONDARY, PROMOTED, source());
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopped'));
      rds.on(CreateDBInstanceReadReplicaCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
      await expect(rdsReprotect.start(ctx)).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });
    });

    it('passes reprotect.kmsKeyId on when the plan names one', async () => {
      // Prepare
      const component = await reversedComponent();
      const kmsKeyId = 'arn:aws:kms:ap-northeast-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
      const ctx = actionContext(
        { ...component, params: { ...component.params, reprotect: { ...component.params.reprotect!, kmsKeyId } } },
        { regions: { primary: SECONDARY, secondary: PRIMARY }, direction: 'reverse', mode: 'planned' },
      );
      seen(SECONDARY, PROMOTED, source());
      seen(PRIMARY, FORMER_WRITER, formerWriter('stopped'));
      // Act
      await rdsReprotect.start(ctx);
      // Assess
      expect(rds).toHaveReceivedCommandExactlyOnceWith(CreateDBInstanceReadReplicaCommand, { DBInstanceIdentifier: NEW_REPLICA, SourceDBInstanceIdentifier: SOURCE_ARN, KmsKeyId: kmsKeyId });
    });
  });

  describe('forward direction', () => {
    const forwardContext = async () => actionContext(await exampleComponent('rds-replica-promotion', 'core-database'), { mode: 'planned' });

    it('a missing replica is the plan owner\'s: ActionFailedError, nothing created', async () => {
      // Prepare
      const ctx = await forwardContext();
      seen(PRIMARY, FORMER_WRITER, source({ DBInstanceIdentifier: FORMER_WRITER, DBInstanceArn: 'arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db' }));
      // Act
      const result = rdsReprotect.start(ctx);
      // Assess
      await expect(result).rejects.toMatchObject({
        name: 'ActionFailedError',
        message: expect.stringContaining(`replica ${PROMOTED} in ${SECONDARY} does not exist: in the forward direction the replica is yours`),
      });
      expectNoWrites();
    });

    it('done when the plan\'s replica replicates from the primary, with no former writer to fence', async () => {
      const ctx = await forwardContext();
      const tokyoArn = 'arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db';
      seen(PRIMARY, FORMER_WRITER, source({ DBInstanceIdentifier: FORMER_WRITER, DBInstanceArn: tokyoArn }));
      seen(SECONDARY, PROMOTED, newReplica({ DBInstanceIdentifier: PROMOTED, DBInstanceArn: SOURCE_ARN, ReadReplicaSourceDBInstanceIdentifier: tokyoArn }));
      const progress = await rdsReprotect.start(ctx);
      expect(progress).toMatchObject({ done: true, observations: { sourceArn: tokyoArn, replicaArn: SOURCE_ARN, formerWriter: null, fenceCommand: null } });
      expect(await sent()).toEqual([`DescribeDBInstancesCommand@${PRIMARY}`, `DescribeDBInstancesCommand@${SECONDARY}`]);
    });
  });
});
