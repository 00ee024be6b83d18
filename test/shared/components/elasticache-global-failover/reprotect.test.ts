import {
  DescribeGlobalReplicationGroupsCommand,
  ElastiCacheClient,
  GlobalReplicationGroupNotFoundFault,
  type GlobalReplicationGroup,
  type GlobalReplicationGroupMember,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reprotect as elasticacheReprotect } from '../../../../shared/components/elasticache-global-failover/reprotect.ts';
import { reverse } from '../../../../shared/components/elasticache-global-failover/reverse.ts';
import type { ActionContext } from '../../../../shared/components/types.ts';
import { PRIMARY, SECONDARY, actionContext, exampleComponent } from '../../../support/action-context.ts';

/**
 * The example's cache-server after a recovery made dataset-cache-osaka the primary of the global datastore: the
 * re-protect runs in the reverse direction (Osaka is the run's primary) and waits for dataset-cache-tokyo to be
 * a settled secondary member again.
 */

const elasticache = mockClient(ElastiCacheClient);
const GLOBAL = 'ldgnf-dataset-cache';
const TOKYO = 'dataset-cache-tokyo';
const OSAKA = 'dataset-cache-osaka';

type Ctx = ActionContext<'elasticache-global-failover'>;

/** The run of the re-protect stage: the example's cache-server reversed, reverse direction, regions swapped. */
async function reverseContext(): Promise<Ctx> {
  const component = await exampleComponent('elasticache-global-failover', 'cache-server');
  const reversal = reverse({ id: component.id, params: component.params });
  if (!('params' in reversal)) throw new Error(`cache-server does not reverse: ${reversal.unsupported}`);
  return actionContext({ ...component, params: reversal.params }, { regions: { primary: SECONDARY, secondary: PRIMARY }, direction: 'reverse', mode: 'planned' });
}

const member = (id: string, region: string, role: string, over: Partial<GlobalReplicationGroupMember> = {}): GlobalReplicationGroupMember => ({
  ReplicationGroupId: id,
  ReplicationGroupRegion: region,
  Role: role,
  AutomaticFailover: 'enabled',
  Status: 'associated',
  ...over,
});
/** Osaka is the primary; Tokyo a secondary (with these member fields). */
const group = (status: string | undefined, tokyo: Partial<GlobalReplicationGroupMember> = {}, members?: GlobalReplicationGroupMember[]): GlobalReplicationGroup => ({
  GlobalReplicationGroupId: GLOBAL,
  Status: status,
  Members: members ?? [member(OSAKA, SECONDARY, 'PRIMARY'), member(TOKYO, PRIMARY, 'SECONDARY', tokyo)],
});
const describes = (...groups: GlobalReplicationGroup[]) => {
  const stub = elasticache.on(DescribeGlobalReplicationGroupsCommand);
  groups.slice(0, -1).forEach((g) => stub.resolvesOnce({ GlobalReplicationGroups: [g] }));
  stub.resolves({ GlobalReplicationGroups: groups.slice(-1) });
};
/** Every command sent is a DescribeGlobalReplicationGroups with member info, in the run's primary region (Osaka). */
async function expectOnlyReads(times: number) {
  expect(elasticache.calls()).toHaveLength(times);
  expect(elasticache).toHaveReceivedCommandTimes(DescribeGlobalReplicationGroupsCommand, times);
  for (const call of elasticache.calls()) {
    expect(call.args[0].input).toEqual({ GlobalReplicationGroupId: GLOBAL, ShowMemberInfo: true });
    expect(await (call.thisValue as ElastiCacheClient).config.region()).toBe(SECONDARY);
  }
}

describe('elasticache-global-failover re-protect', () => {
  beforeEach(() => elasticache.reset());
  afterEach(() => elasticache.reset());

  it('reads the reversed params: Tokyo is the group to rejoin, Osaka the primary', async () => {
    // Prepare
    const ctx = await reverseContext();
    // Act
    const { params } = ctx.component;
    // Assess
    expect(params).toEqual({ globalReplicationGroupId: GLOBAL, secondaryReplicationGroupId: TOKYO, primaryReplicationGroupId: OSAKA });
  });

  it('Tokyo is an associated secondary and Osaka the primary: done, reading only, in Osaka', async () => {
    // Prepare
    const ctx = await reverseContext();
    describes(group('available'));
    // Act
    const progress = await elasticacheReprotect.start(ctx);
    // Assess
    await expectOnlyReads(1);
    const state = { primary: OSAKA, secondary: TOKYO, role: 'SECONDARY', memberStatus: 'associated', groupStatus: 'available' };
    expect(progress).toEqual({
      done: true,
      nextCheckSeconds: 0,
      status: `${TOKYO} is a secondary of ElastiCache global datastore ${GLOBAL}, associated (global available; primary ${OSAKA})`,
      state,
      observations: state,
    });
  });

  it('accepts the roles in lower case too', async () => {
    const ctx = await reverseContext();
    describes(group('available', {}, [member(OSAKA, SECONDARY, 'primary'), member(TOKYO, PRIMARY, 'secondary')]));
    const progress = await elasticacheReprotect.check(ctx, {});
    expect(progress).toMatchObject({ done: true, observations: { primary: OSAKA, role: 'secondary' } });
  });

  it.each([
    ['the member is associating', group('available', { Status: 'associating' }), 'associating'],
    ['the global datastore is modifying', group('modifying'), 'associated'],
  ])('%s: not done, then done once settled', async (_case, transitional, memberStatus) => {
    // Prepare
    const ctx = await reverseContext();
    describes(transitional, group('available'));
    // Act
    const waiting = await elasticacheReprotect.start(ctx);
    const done = await elasticacheReprotect.check(ctx, waiting.state);
    // Assess
    expect(waiting).toMatchObject({ done: false, nextCheckSeconds: 30, observations: { memberStatus, groupStatus: transitional.Status } });
    expect(done).toMatchObject({ done: true, nextCheckSeconds: 0 });
    await expectOnlyReads(2);
  });

  it('Tokyo is not a member (disassociated): ActionFailedError naming the members and the fix', async () => {
    // Prepare
    const ctx = await reverseContext();
    describes(group('primary-only', {}, [member(OSAKA, SECONDARY, 'PRIMARY')]));
    // Act
    const result = elasticacheReprotect.start(ctx);
    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'ActionFailedError',
      message: expect.stringContaining(`${TOKYO} is not a member of ElastiCache global datastore ${GLOBAL} (members: ${OSAKA}): it was disassociated; add a secondary replication group in ${PRIMARY}`),
    });
    await expectOnlyReads(1);
  });

  it.each(['PRIMARY', 'primary'])('Tokyo is the primary (%s): UnexpectedStateError', async (role) => {
    const ctx = await reverseContext();
    describes(group('available', {}, [member(OSAKA, SECONDARY, 'SECONDARY'), member(TOKYO, PRIMARY, role)]));
    await expect(elasticacheReprotect.start(ctx)).rejects.toMatchObject({
      name: 'UnexpectedStateError',
      message: expect.stringContaining(`${TOKYO} is the primary of ElastiCache global datastore ${GLOBAL}`),
    });
    await expectOnlyReads(1);
  });

  it('another group is the primary (not primaryReplicationGroupId): UnexpectedStateError', async () => {
    const ctx = await reverseContext();
    describes(group('available', {}, [member('dataset-cache-seoul', 'ap-northeast-2', 'PRIMARY'), member(OSAKA, SECONDARY, 'SECONDARY'), member(TOKYO, PRIMARY, 'SECONDARY')]));
    await expect(elasticacheReprotect.start(ctx)).rejects.toMatchObject({
      name: 'UnexpectedStateError',
      message: expect.stringContaining(`the primary of ElastiCache global datastore ${GLOBAL} is dataset-cache-seoul, not ${OSAKA}`),
    });
  });

  it.each([
    ['GlobalReplicationGroupNotFoundFault', () => elasticache.on(DescribeGlobalReplicationGroupsCommand).rejects(new GlobalReplicationGroupNotFoundFault({ message: 'not found', $metadata: { httpStatusCode: 404 } }))],
    ['an empty list', () => elasticache.on(DescribeGlobalReplicationGroupsCommand).resolves({ GlobalReplicationGroups: [] })],
  ])('a missing global datastore (%s): ResourceNotFoundError', async (_case, arrange) => {
    const ctx = await reverseContext();
    arrange();
    await expect(elasticacheReprotect.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError', message: expect.stringContaining(`ElastiCache global datastore ${GLOBAL} does not exist`) });
    await expectOnlyReads(1);
  });

  it('forward direction: reads in the run\'s primary region (Tokyo) and waits for Osaka', async () => {
    // Prepare
    const ctx = actionContext(await exampleComponent('elasticache-global-failover', 'cache-server'), { mode: 'planned' });
    describes(group('available', {}, [member(TOKYO, PRIMARY, 'PRIMARY'), member(OSAKA, SECONDARY, 'SECONDARY', { Status: 'associating' })]));
    // Act
    const progress = await elasticacheReprotect.start(ctx);
    // Assess
    expect(progress).toMatchObject({ done: false, observations: { primary: TOKYO, secondary: OSAKA, memberStatus: 'associating' } });
    expect(await (elasticache.call(0).thisValue as ElastiCacheClient).config.region()).toBe(PRIMARY);
  });
});
