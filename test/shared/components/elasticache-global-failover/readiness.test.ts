import {
  DescribeGlobalReplicationGroupsCommand,
  ElastiCacheClient,
  GlobalReplicationGroupNotFoundFault,
  type GlobalReplicationGroup,
  type GlobalReplicationGroupMember,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readiness } from '../../../../shared/components/elasticache-global-failover/readiness.ts';
import type { ReadinessContext } from '../../../../shared/readiness/types.ts';
import { exampleComponent } from '../../../support/action-context.ts';
import { awsError, readinessDeps } from '../../../support/readiness.ts';

const elasticache = mockClient(ElastiCacheClient);

const GLOBAL = 'ldgnf-dataset-cache';
const WHAT = `global datastore ${GLOBAL}`;
const OSAKA = 'dataset-cache-osaka';

const tokyo: GlobalReplicationGroupMember = { ReplicationGroupId: 'dataset-cache-tokyo', ReplicationGroupRegion: 'ap-northeast-1', Role: 'PRIMARY', Status: 'associated' };
const osaka = (over: Partial<GlobalReplicationGroupMember> = {}): GlobalReplicationGroupMember => ({
  ReplicationGroupId: OSAKA,
  ReplicationGroupRegion: 'ap-northeast-3',
  Role: 'SECONDARY',
  Status: 'associated',
  ...over,
});
const datastore = (over: Partial<GlobalReplicationGroup> = {}) => ({
  GlobalReplicationGroups: [{ GlobalReplicationGroupId: GLOBAL, Status: 'available', Members: [tokyo, osaka()], ...over }],
});
const context = async (): Promise<ReadinessContext<'elasticache-global-failover'>> => ({
  component: await exampleComponent('elasticache-global-failover', 'cache-server'),
  ...readinessDeps(),
  now: new Date('2026-11-29T01:00:00.000Z'),
  rpoSeconds: null,
});

describe('elasticache-global-failover readiness', () => {
  beforeEach(() => elasticache.reset());
  afterEach(() => elasticache.reset());

  it('is ready when the datastore is available with the recovery region\'s group an associated secondary', async () => {
    // Prepare
    elasticache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore());
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result).toEqual({
      findings: [
        { check: 'global-datastore', status: 'ready', detail: `${WHAT} is available` },
        { check: 'secondary-member', status: 'ready', detail: `${OSAKA} (ap-northeast-3) is an associated secondary` },
      ],
      dataAtRiskSeconds: null,
    });
    expect(elasticache).toHaveReceivedCommandTimes(DescribeGlobalReplicationGroupsCommand, 1);
    expect(elasticache.commandCalls(DescribeGlobalReplicationGroupsCommand)[0]!.args[0].input).toEqual({ GlobalReplicationGroupId: GLOBAL, ShowMemberInfo: true });
    expect(await elasticache.call(0).thisValue.config.region()).toBe('ap-northeast-3');
  });

  it('is not ready when the datastore is not in the answer', async () => {
    elasticache.on(DescribeGlobalReplicationGroupsCommand).resolves({ GlobalReplicationGroups: [] });
    const result = await readiness.assess(await context());
    expect(result).toEqual({ findings: [{ check: 'global-datastore', status: 'not-ready', detail: `${WHAT} not found` }], dataAtRiskSeconds: null });
  });

  it('is at risk while the datastore is not available', async () => {
    elasticache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore({ Status: 'modifying' }));
    const result = await readiness.assess(await context());
    expect(result.findings).toEqual([
      { check: 'global-datastore', status: 'at-risk', detail: `${WHAT} is modifying` },
      { check: 'secondary-member', status: 'ready', detail: `${OSAKA} (ap-northeast-3) is an associated secondary` },
    ]);
  });

  it('is not ready when the recovery region\'s group is not a member', async () => {
    elasticache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore({ Members: [tokyo] }));
    const result = await readiness.assess(await context());
    expect(result.findings[1]).toEqual({
      check: 'secondary-member',
      status: 'not-ready',
      detail: `${OSAKA} is not a member of ${WHAT}: add the recovery region's replication group`,
    });
  });

  it('is not ready when the recovery region\'s group is already the primary', async () => {
    elasticache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore({ Members: [{ ...tokyo, Role: 'SECONDARY' }, osaka({ Role: 'PRIMARY' })] }));
    const result = await readiness.assess(await context());
    expect(result.findings[1]).toEqual({
      check: 'secondary-member',
      status: 'not-ready',
      detail: `${OSAKA} is already the primary of ${WHAT}: re-protect toward the other region first`,
    });
  });

  it('is at risk when the secondary is not associated', async () => {
    elasticache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore({ Members: [tokyo, osaka({ Status: 'associating' })] }));
    const result = await readiness.assess(await context());
    expect(result.findings[1]).toEqual({ check: 'secondary-member', status: 'at-risk', detail: `${OSAKA} is associating in ${WHAT}, not associated` });
  });

  it('is not ready when the datastore does not exist or the read is denied; at risk when throttled', async () => {
    elasticache.on(DescribeGlobalReplicationGroupsCommand)
      .rejectsOnce(new GlobalReplicationGroupNotFoundFault({ message: `${GLOBAL} not found`, $metadata: { httpStatusCode: 404 } }))
      .rejectsOnce(awsError('AccessDenied', 'not authorized'))
      .rejectsOnce(awsError('Throttling', 'Rate exceeded'));
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'global-datastore', status: 'not-ready', detail: `${WHAT} not found (GlobalReplicationGroupNotFoundFault): create it in the recovery region, or correct the plan` },
    ]);
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'global-datastore', status: 'not-ready', detail: `${WHAT}: access denied (AccessDenied): the automation's role lacks a read it needs; redeploy from this plan` },
    ]);
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'global-datastore', status: 'at-risk', detail: `${WHAT}: could not be read (Throttling: Rate exceeded); readiness unknown until it answers` },
    ]);
  });
});
