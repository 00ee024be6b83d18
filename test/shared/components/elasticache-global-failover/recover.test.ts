import {
  DescribeGlobalReplicationGroupsCommand,
  ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
  GlobalReplicationGroupNotFoundFault,
  InvalidGlobalReplicationGroupStateFault,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  type GlobalReplicationGroup,
  type GlobalReplicationGroupMember,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recover as elasticacheGlobalFailover, isTransitional } from '../../../../shared/components/elasticache-global-failover/recover.ts';
import { actionContext, exampleComponent } from '../../../support/action-context.ts';

const elasticache = mockClient(ElastiCacheClient);
const GLOBAL = 'ldgnf-dataset-cache';
const OSAKA = 'dataset-cache-osaka';

const member = (id: string, region: string, role: string, over: Partial<GlobalReplicationGroupMember> = {}): GlobalReplicationGroupMember => ({
  ReplicationGroupId: id,
  ReplicationGroupRegion: region,
  Role: role,
  AutomaticFailover: 'enabled',
  Status: 'associated',
  ...over,
});
/** The global datastore with Osaka in `osakaRole` (Tokyo in the other role). */
const group = (status: string | undefined, osakaRole: 'primary' | 'secondary', over: Partial<GlobalReplicationGroupMember> = {}): GlobalReplicationGroup => ({
  GlobalReplicationGroupId: GLOBAL,
  Status: status,
  Members: [
    member('dataset-cache-tokyo', 'ap-northeast-1', osakaRole === 'primary' ? 'secondary' : 'primary'),
    member(OSAKA, 'ap-northeast-3', osakaRole, over),
  ],
});
const describes = (...groups: GlobalReplicationGroup[]) => {
  const stub = elasticache.on(DescribeGlobalReplicationGroupsCommand);
  groups.slice(0, -1).forEach((g) => stub.resolvesOnce({ GlobalReplicationGroups: [g] }));
  stub.resolves({ GlobalReplicationGroups: groups.slice(-1) });
};
const ctxOf = async () => actionContext(await exampleComponent('elasticache-global-failover', 'cache-server'));
const stateFault = () =>
  new InvalidGlobalReplicationGroupStateFault({ message: 'The Global datastore is not available or in primary-only state.', $metadata: { httpStatusCode: 400 } });

describe('elasticache-global-failover', () => {
  beforeEach(() => elasticache.reset());
  afterEach(() => elasticache.reset());

  it('fails the global datastore over to the secondary replication group, from the secondary region', async () => {
    // Prepare
    const ctx = await ctxOf();
    describes(group('available', 'secondary'));
    elasticache.on(FailoverGlobalReplicationGroupCommand).resolves({ GlobalReplicationGroup: group('modifying', 'secondary') });
    // Act
    const progress = await elasticacheGlobalFailover.start(ctx);
    // Assess
    expect(elasticache).toHaveReceivedCommandWith(DescribeGlobalReplicationGroupsCommand, { GlobalReplicationGroupId: GLOBAL, ShowMemberInfo: true });
    expect(elasticache).toHaveReceivedCommandExactlyOnceWith(FailoverGlobalReplicationGroupCommand, {
      GlobalReplicationGroupId: GLOBAL,
      PrimaryRegion: 'ap-northeast-3',
      PrimaryReplicationGroupId: OSAKA,
    });
    expect(progress).toMatchObject({ done: false, nextCheckSeconds: 60, state: { failoverRequested: true } });
    expect(await elasticache.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(await elasticache.call(1).thisValue.config.region()).toBe('ap-northeast-3');
  });

  it('sends the failover once when started twice (the second start finds it under way)', async () => {
    const ctx = await ctxOf();
    describes(group('available', 'secondary'), group('modifying', 'secondary'));
    elasticache.on(FailoverGlobalReplicationGroupCommand).resolves({});
    await elasticacheGlobalFailover.start(ctx);
    const again = await elasticacheGlobalFailover.start(ctx);
    expect(elasticache).toHaveReceivedCommandTimes(FailoverGlobalReplicationGroupCommand, 1);
    expect(again).toMatchObject({ done: false, nextCheckSeconds: 30, state: { failoverRequested: false } });
  });

  it('sends nothing when the secondary is already primary, and is done once settled', async () => {
    const ctx = await ctxOf();
    describes(group('available', 'primary'));
    const progress = await elasticacheGlobalFailover.start(ctx);
    expect(elasticache).not.toHaveReceivedCommand(FailoverGlobalReplicationGroupCommand);
    expect(progress).toMatchObject({ done: true, observations: { role: 'primary', globalStatus: 'available' } });
  });

  it.each([
    ['the group is failing-over', group('failing-over', 'secondary')],
    ['the group is modifying', group('modifying', 'secondary')],
    ['a member is associating', group('available', 'secondary', { Status: 'associating' })],
  ])('sends no failover while %s', async (_label, g) => {
    const ctx = await ctxOf();
    describes(g);
    const progress = await elasticacheGlobalFailover.start(ctx);
    expect(elasticache).not.toHaveReceivedCommand(FailoverGlobalReplicationGroupCommand);
    expect(progress.done).toBe(false);
  });

  it.each([
    ['primary, group available', group('available', 'primary'), true],
    ['primary, group status not reported, members settled', group(undefined, 'primary'), true],
    ['primary, group primary-only', group('primary-only', 'primary'), true],
    ['primary, group still modifying', group('modifying', 'primary'), false],
    ['primary, a member still in transition', group(undefined, 'primary', { Status: 'modifying' }), false],
    ['secondary, failover under way', group('modifying', 'secondary'), false],
  ])('check: %s → done %s', async (_label, g, done) => {
    const ctx = await ctxOf();
    describes(g);
    expect((await elasticacheGlobalFailover.check(ctx, { failoverRequested: true })).done).toBe(done);
    expect(elasticache).not.toHaveReceivedCommand(FailoverGlobalReplicationGroupCommand);
  });

  it('check fails closed when nothing is in transition and the secondary is still secondary', async () => {
    const ctx = await ctxOf();
    describes(group('available', 'secondary'));
    await expect(elasticacheGlobalFailover.check(ctx, { failoverRequested: true })).rejects.toMatchObject({ name: 'ActionFailedError' });
  });

  it('treats -ing statuses as transitional and anything else as settled', () => {
    expect(['modifying', 'creating', 'failing-over', 'associating', 'deleting'].map(isTransitional)).toEqual([true, true, true, true, true]);
    expect(['available', 'primary-only', 'associated', undefined].map(isTransitional)).toEqual([false, false, false, false]);
  });

  it('maps GlobalReplicationGroupNotFoundFault to ResourceNotFoundError', async () => {
    const ctx = await ctxOf();
    elasticache
      .on(DescribeGlobalReplicationGroupsCommand)
      .rejects(new GlobalReplicationGroupNotFoundFault({ message: `Global replication group ${GLOBAL} not found`, $metadata: { httpStatusCode: 404 } }));
    await expect(elasticacheGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    expect(elasticache).not.toHaveReceivedCommand(FailoverGlobalReplicationGroupCommand);
  });

  it('maps InvalidGlobalReplicationGroupStateFault to ResourceBusyError when the group is now in transition', async () => {
    const ctx = await ctxOf();
    describes(group('available', 'secondary'), group('modifying', 'secondary'));
    elasticache.on(FailoverGlobalReplicationGroupCommand).rejects(stateFault());
    await expect(elasticacheGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'ResourceBusyError' });
    expect(elasticache).toHaveReceivedCommandTimes(DescribeGlobalReplicationGroupsCommand, 2);
  });

  it('maps InvalidGlobalReplicationGroupStateFault to UnexpectedStateError when the group is settled (e.g. primary-only)', async () => {
    const ctx = await ctxOf();
    describes(group('available', 'secondary'), group('primary-only', 'secondary'));
    elasticache.on(FailoverGlobalReplicationGroupCommand).rejects(stateFault());
    await expect(elasticacheGlobalFailover.start(ctx)).rejects.toMatchObject({
      name: 'UnexpectedStateError',
      message: expect.stringContaining('refused the failover'),
    });
  });

  it.each([
    new InvalidParameterValueException({ message: 'Invalid region', $metadata: { httpStatusCode: 400 } }),
    new InvalidParameterCombinationException({ message: 'Replication group is not a member', $metadata: { httpStatusCode: 400 } }),
  ])('maps $name to UnexpectedStateError', async (error) => {
    const ctx = await ctxOf();
    describes(group('available', 'secondary'));
    elasticache.on(FailoverGlobalReplicationGroupCommand).rejects(error);
    await expect(elasticacheGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining(error.name) });
  });

  it('fails closed (UnexpectedStateError) when the secondary replication group is not a member or not in the secondary region', async () => {
    const ctx = await ctxOf();
    const notMember: GlobalReplicationGroup = { GlobalReplicationGroupId: GLOBAL, Status: 'available', Members: [member('dataset-cache-tokyo', 'ap-northeast-1', 'primary')] };
    describes(notMember, group('available', 'secondary', { ReplicationGroupRegion: 'ap-southeast-1' }));
    await expect(elasticacheGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining('not a member') });
    await expect(elasticacheGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining('ap-southeast-1') });
    expect(elasticache).not.toHaveReceivedCommand(FailoverGlobalReplicationGroupCommand);
  });
});
