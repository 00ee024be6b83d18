import { DescribeGlobalClustersCommand, GlobalClusterNotFoundFault, RDSClient, type GlobalCluster, type GlobalClusterMember } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reprotect as auroraReprotect } from '../../../../shared/components/aurora-global-failover/reprotect.ts';
import { reverse } from '../../../../shared/components/aurora-global-failover/reverse.ts';
import type { ActionContext } from '../../../../shared/components/types.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import type { ComponentOf } from '../../../../shared/plan/schema.ts';
import { actionContext } from '../../../support/action-context.ts';

/**
 * The second plan's orders-db (Ireland → Frankfurt) after a recovery made the Frankfurt cluster the writer: the
 * re-protect runs in the reverse direction (Frankfurt is the run's primary) and waits for Aurora to rebuild the
 * Irish cluster as a connected secondary. The plan names no primaryDbClusterArn: the test adds it.
 */

const rds = mockClient(RDSClient);

const PLAN = new URL('../../../fixtures/plans/second-shape.plan.yml', import.meta.url).pathname;
const IRELAND = 'eu-west-1';
const FRANKFURT = 'eu-central-1';
const GLOBAL = 'shop-orders-global';
const FRA = 'arn:aws:rds:eu-central-1:210987654321:cluster:shop-orders-fra';
const DUB = 'arn:aws:rds:eu-west-1:210987654321:cluster:shop-orders-dub';
const OTHER = 'arn:aws:rds:us-east-1:210987654321:cluster:shop-orders-iad';

type Ctx = ActionContext<'aurora-global-failover'>;

/** The plan's orders-db with primaryDbClusterArn (as a plan that re-protects names it), and the plan's regions. */
async function ordersDb(): Promise<{ component: ComponentOf<'aurora-global-failover'>; regions: { primary: string; secondary: string } }> {
  const plan = await loadPlanFile(PLAN);
  const found = plan.components.find((c) => c.id === 'orders-db');
  if (!found || found.type !== 'aurora-global-failover') throw new Error('second-shape plan has no aurora-global-failover component orders-db');
  const component = found as ComponentOf<'aurora-global-failover'>;
  return { component: { ...component, params: { ...component.params, primaryDbClusterArn: DUB } }, regions: plan.regions };
}
/** The run of the re-protect stage: reversed params, reverse direction, the plan's regions swapped. */
async function reverseContext(): Promise<Ctx> {
  const { component, regions } = await ordersDb();
  const reversal = reverse({ id: component.id, params: component.params });
  if (!('params' in reversal)) throw new Error(`orders-db does not reverse: ${reversal.unsupported}`);
  return actionContext({ ...component, params: reversal.params }, { regions: { primary: regions.secondary, secondary: regions.primary }, direction: 'reverse', mode: 'planned' });
}

const member = (arn: string, over: Partial<GlobalClusterMember> = {}): GlobalClusterMember => ({ DBClusterArn: arn, IsWriter: false, ...over });
/** Frankfurt writes; Ireland is a secondary with this synchronisation status. */
const globalCluster = ({ sync = 'connected', status = 'available', members }: { sync?: string; status?: string; members?: GlobalClusterMember[] } = {}): GlobalCluster => ({
  GlobalClusterIdentifier: GLOBAL,
  Status: status,
  GlobalClusterMembers: members ?? [
    member(FRA, { IsWriter: true, Readers: [DUB] }),
    member(DUB, { SynchronizationStatus: sync as GlobalClusterMember['SynchronizationStatus'] }),
  ],
});
const describes = (...clusters: GlobalCluster[]) => {
  const stub = rds.on(DescribeGlobalClustersCommand);
  clusters.slice(0, -1).forEach((gc) => stub.resolvesOnce({ GlobalClusters: [gc] }));
  stub.resolves({ GlobalClusters: clusters.slice(-1) });
};
/** Every command sent is a DescribeGlobalClusters of the global cluster, in the run's primary region (Frankfurt). */
async function expectOnlyReads(times: number) {
  expect(rds.calls()).toHaveLength(times);
  expect(rds).toHaveReceivedCommandTimes(DescribeGlobalClustersCommand, times);
  for (const call of rds.calls()) {
    expect(call.args[0].input).toEqual({ GlobalClusterIdentifier: GLOBAL });
    expect(await (call.thisValue as RDSClient).config.region()).toBe(FRANKFURT);
  }
}

describe('aurora-global-failover re-protect', () => {
  beforeEach(() => rds.reset());
  afterEach(() => rds.reset());

  it('reads the reversed params: the Irish cluster is the target, the Frankfurt cluster the writer', async () => {
    // Prepare
    const ctx = await reverseContext();
    // Act
    const { component, regions } = ctx;
    // Assess
    expect(component.params).toEqual({ globalClusterIdentifier: GLOBAL, targetDbClusterArn: DUB, primaryDbClusterArn: FRA });
    expect(regions).toEqual({ primary: FRANKFURT, secondary: IRELAND });
  });

  it('the Irish cluster is a connected reader and Frankfurt writes: done, and only DescribeGlobalClusters is sent, in Frankfurt', async () => {
    // Prepare
    const ctx = await reverseContext();
    describes(globalCluster());
    // Act
    const progress = await auroraReprotect.start(ctx);
    // Assess
    await expectOnlyReads(1);
    const state = { writer: FRA, secondary: DUB, synchronizationStatus: 'connected', globalStatus: 'available' };
    expect(progress).toEqual({
      done: true,
      nextCheckSeconds: 0,
      status: `${DUB} is a connected secondary of Aurora global cluster ${GLOBAL} (writer ${FRA})`,
      state,
      observations: state,
    });
  });

  it('pending-resync: not done; then connected: done, sending nothing but reads', async () => {
    // Prepare
    const ctx = await reverseContext();
    describes(globalCluster({ sync: 'pending-resync' }), globalCluster());
    // Act
    const waiting = await auroraReprotect.start(ctx);
    const done = await auroraReprotect.check(ctx, waiting.state);
    // Assess
    expect(waiting).toMatchObject({
      done: false,
      nextCheckSeconds: 15,
      status: `${DUB} is a secondary of Aurora global cluster ${GLOBAL}, pending-resync (global status available): Aurora rebuilds it`,
      observations: { synchronizationStatus: 'pending-resync', writer: FRA },
    });
    expect(done).toMatchObject({ done: true, observations: { synchronizationStatus: 'connected' } });
    await expectOnlyReads(2);
  });

  it.each([
    ['no synchronisation status reported yet', globalCluster({ members: [member(FRA, { IsWriter: true }), member(DUB)] })],
    ['connected while the global cluster is still failing over', globalCluster({ status: 'failing-over' })],
  ])('%s: not done', async (_case, gc) => {
    const ctx = await reverseContext();
    describes(gc);
    const progress = await auroraReprotect.check(ctx, {});
    expect(progress).toMatchObject({ done: false, nextCheckSeconds: 15 });
    await expectOnlyReads(1);
  });

  it('the Irish cluster is not a member (detached): ActionFailedError naming the members and the fix', async () => {
    // Prepare
    const ctx = await reverseContext();
    describes(globalCluster({ members: [member(FRA, { IsWriter: true })] }));
    // Act
    const result = auroraReprotect.start(ctx);
    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'ActionFailedError',
      message: expect.stringContaining(`${DUB} is not a member of Aurora global cluster ${GLOBAL} (members: ${FRA}): it was detached`),
    });
    await expect(auroraReprotect.check(ctx, {})).rejects.toMatchObject({ message: expect.stringContaining(`add a secondary cluster in ${IRELAND} to the global database`) });
    await expectOnlyReads(2);
  });

  it('the Irish cluster is the writer: UnexpectedStateError (the system does not run where the direction says)', async () => {
    const ctx = await reverseContext();
    describes(globalCluster({ members: [member(FRA, { SynchronizationStatus: 'connected' }), member(DUB, { IsWriter: true })] }));
    await expect(auroraReprotect.start(ctx)).rejects.toMatchObject({
      name: 'UnexpectedStateError',
      message: expect.stringContaining(`${DUB} is the writer of Aurora global cluster ${GLOBAL}`),
    });
    await expectOnlyReads(1);
  });

  it('another cluster writes (not primaryDbClusterArn): UnexpectedStateError', async () => {
    const ctx = await reverseContext();
    describes(globalCluster({ members: [member(OTHER, { IsWriter: true }), member(FRA, { SynchronizationStatus: 'connected' }), member(DUB, { SynchronizationStatus: 'connected' })] }));
    await expect(auroraReprotect.start(ctx)).rejects.toMatchObject({
      name: 'UnexpectedStateError',
      message: expect.stringContaining(`the writer of Aurora global cluster ${GLOBAL} is ${OTHER}, not ${FRA}`),
    });
    await expectOnlyReads(1);
  });

  it.each([
    ['GlobalClusterNotFoundFault', () => rds.on(DescribeGlobalClustersCommand).rejects(new GlobalClusterNotFoundFault({ message: 'shop-orders-global not found', $metadata: { httpStatusCode: 404 } }))],
    ['an empty list', () => rds.on(DescribeGlobalClustersCommand).resolves({ GlobalClusters: [] })],
  ])('a missing global cluster (%s): ResourceNotFoundError', async (_case, arrange) => {
    const ctx = await reverseContext();
    arrange();
    await expect(auroraReprotect.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError', message: expect.stringContaining(`Aurora global cluster ${GLOBAL} does not exist`) });
    await expectOnlyReads(1);
  });

  it('throttling is AwsThrottlingError (retried)', async () => {
    const ctx = await reverseContext();
    rds.on(DescribeGlobalClustersCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
    await expect(auroraReprotect.start(ctx)).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });
  });

  it('forward direction without primaryDbClusterArn: the Frankfurt cluster a connected secondary is done whatever writes', async () => {
    // Prepare: the plan as written (no primaryDbClusterArn), after a failback: Ireland writes, read in Ireland.
    const plan = await loadPlanFile(PLAN);
    const component = plan.components.find((c) => c.id === 'orders-db') as ComponentOf<'aurora-global-failover'>;
    const ctx = actionContext(component, { regions: plan.regions, mode: 'planned' });
    describes(globalCluster({ members: [member(OTHER, { IsWriter: true }), member(FRA, { SynchronizationStatus: 'connected' })] }));
    // Act
    const progress = await auroraReprotect.start(ctx);
    // Assess
    expect(progress).toMatchObject({ done: true, observations: { writer: OTHER, secondary: FRA } });
    expect(await (rds.call(0).thisValue as RDSClient).config.region()).toBe(IRELAND);
  });
});
