import { ElastiCacheClient, DescribeGlobalReplicationGroupsCommand, FailoverGlobalReplicationGroupCommand } from '@aws-sdk/client-elasticache';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recover as elasticacheGlobalFailover } from '../../../../../shared/components/elasticache-global-failover/recover.ts';
import { ELASTICACHE_DURATIONS, simulateElastiCache } from '../../../../../shared/tools/drill/simulator/elasticache.ts';
import type { SimulatedService } from '../../../../../shared/tools/drill/simulator/service.ts';
import { World, type Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Plan } from '../../../../../shared/plan/schema.ts';
import { actionContext, exampleComponent, PRIMARY, SECONDARY } from '../../../../support/action-context.ts';
import { drive, sleep } from '../../../../support/drive-action.ts';

const START = new Date('2026-11-29T01:05:00.000Z');
const GLOBAL = 'ldgnf-dataset-cache';
const OSAKA = 'dataset-cache-osaka';
// The example plan names it (cache-server's primaryReplicationGroupId).
const TOKYO = 'dataset-cache-tokyo';
const FAILOVER = ELASTICACHE_DURATIONS['elasticache.global-failover']?.seconds ?? Number.NaN;
const RESYNC = ELASTICACHE_DURATIONS['elasticache.global-resync']?.seconds ?? Number.NaN;
/** The drill's region outage: the incident (10 min before START) took the primary region down. */
const INCIDENT = new Date(START.getTime() - 10 * 60_000);

let plan: Plan;
let sim: SimulatedService | undefined;
let world: World;

function simulate(faults: Fault[] = [], outage = false): World {
  world = new World(plan, { durations: ELASTICACHE_DURATIONS, faults, ...(outage ? { primaryDown: true, regionOutage: true, incidentAt: INCIDENT.getTime() } : {}) });
  sim = simulateElastiCache(world);
  return world;
}

/** The cache-server component, checked every 10 s so the finish time is measured closely. */
async function cacheContext(params: { globalReplicationGroupId?: string } = {}) {
  const component = await exampleComponent('elasticache-global-failover', 'cache-server', params);
  return actionContext({ ...component, expectedSeconds: 10, checkIntervalSeconds: 10 });
}

const datastore = () => sim?.snapshot()[GLOBAL];
const failovers = () => world.calls.filter((c) => c.command === 'FailoverGlobalReplicationGroup' && !c.error);
const members = (tokyo: string, osaka: string, status: string) => [
  { id: TOKYO, region: PRIMARY, role: tokyo, status },
  { id: OSAKA, region: SECONDARY, role: osaka, status },
];
const failoverToOsaka = new FailoverGlobalReplicationGroupCommand({ GlobalReplicationGroupId: GLOBAL, PrimaryRegion: SECONDARY, PrimaryReplicationGroupId: OSAKA });

describe('simulated ElastiCache global datastore', () => {
  beforeAll(async () => {
    plan = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
  });
  afterEach(() => {
    sim?.restore();
    sim = undefined;
  });

  it('seeds the datastore with its primary member in the primary region and the plan\'s secondary member', async () => {
    simulate();
    expect(datastore()).toEqual({ status: 'available', primary: TOKYO, members: members('primary', 'secondary', 'associated') });
    const ctx = await cacheContext();
    const out = await ctx.clients.get(ElastiCacheClient, SECONDARY).send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: GLOBAL }));
    expect(out.GlobalReplicationGroups?.[0]).toMatchObject({ GlobalReplicationGroupId: GLOBAL, Status: 'available' });
    expect(out.GlobalReplicationGroups?.[0]?.Members).toBeUndefined();
  });

  it('fails over: modifying for elasticache.global-failover, then the secondary is primary and available', async () => {
    simulate();
    const ctx = await cacheContext();
    let midway: unknown;
    const result = await withVirtualClock(START, async () => {
      const run = drive(elasticacheGlobalFailover, ctx);
      await sleep(FAILOVER - 1);
      midway = datastore();
      return run;
    });
    expect(result.seconds).toBe(FAILOVER);
    expect(midway).toEqual({ status: 'modifying', primary: TOKYO, members: members('primary', 'secondary', 'failing-over') });
    expect(datastore()).toEqual({ status: 'available', primary: OSAKA, members: members('secondary', 'primary', 'associated') });
    expect(failovers()).toEqual([expect.objectContaining({ region: SECONDARY, input: failoverToOsaka.input })]);
  });

  it('sends no second failover on a re-run, whether under way or done', async () => {
    simulate();
    const ctx = await cacheContext();
    await withVirtualClock(START, async () => {
      await elasticacheGlobalFailover.start(ctx);
      await sleep(FAILOVER / 2);
      expect(await elasticacheGlobalFailover.start(ctx)).toMatchObject({ done: false, state: { failoverRequested: false } });
      await sleep(FAILOVER);
      expect(await elasticacheGlobalFailover.start(ctx)).toMatchObject({ done: true, observations: { role: 'primary', globalStatus: 'available' } });
    });
    expect(failovers()).toHaveLength(1);
  });

  it('refuses a second failover while modifying with InvalidGlobalReplicationGroupStateFault', async () => {
    simulate();
    const ctx = await cacheContext();
    const client = ctx.clients.get(ElastiCacheClient, SECONDARY);
    await client.send(failoverToOsaka);
    await expect(client.send(failoverToOsaka)).rejects.toMatchObject({
      name: 'InvalidGlobalReplicationGroupStateFault',
      $metadata: { httpStatusCode: 400 },
    });
    expect(world.calls.map((c) => c.error ?? null)).toEqual([null, 'InvalidGlobalReplicationGroupStateFault']);
  });

  it('refuses a failover to a replication group that is not a member', async () => {
    simulate();
    const ctx = await cacheContext();
    const wrong = new FailoverGlobalReplicationGroupCommand({ GlobalReplicationGroupId: GLOBAL, PrimaryRegion: PRIMARY, PrimaryReplicationGroupId: OSAKA });
    await expect(ctx.clients.get(ElastiCacheClient, SECONDARY).send(wrong)).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    expect(datastore()).toMatchObject({ status: 'available', primary: TOKYO });
  });

  it('answers an unknown id with GlobalReplicationGroupNotFoundFault (ResourceNotFoundError to the action)', async () => {
    simulate();
    const ctx = await cacheContext({ globalReplicationGroupId: 'ldgnf-nope' });
    await expect(
      ctx.clients.get(ElastiCacheClient, SECONDARY).send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: 'ldgnf-nope', ShowMemberInfo: true })),
    ).rejects.toMatchObject({ name: 'GlobalReplicationGroupNotFoundFault', $metadata: { httpStatusCode: 404 } });
    await expect(elasticacheGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
  });

  it('a slow fault multiplies the failover time', async () => {
    simulate([{ kind: 'slow', component: 'cache-server', factor: 2.5 }]);
    const result = await withVirtualClock(START, async () => drive(elasticacheGlobalFailover, await cacheContext()));
    expect(result.seconds).toBe(2.5 * FAILOVER);
  });

  it('a fail fault rolls the failover back: settled with the secondary still secondary, ActionFailedError', async () => {
    simulate([{ kind: 'fail', component: 'cache-server' }]);
    const ctx = await cacheContext();
    const failure = await withVirtualClock(START, async () =>
      drive(elasticacheGlobalFailover, ctx).catch((e: unknown) => ({ error: e, at: (Date.now() - START.getTime()) / 1000 })),
    );
    expect(failure).toMatchObject({ error: { name: 'ActionFailedError' }, at: FAILOVER });
    expect(datastore()).toEqual({ status: 'available', primary: TOKYO, members: members('primary', 'secondary', 'associated') });
  });

  it('a throttle fault fails the first N attempts with Throttling: the SDK retries each call 3 times, then AwsThrottlingError to the action', async () => {
    // Each call is tried 3 times by the SDK's retry middleware (intercept.ts): 6 throttles fail two calls.
    simulate([{ kind: 'throttle', service: 'elasticache', calls: 6 }]);
    const ctx = await cacheContext();
    await expect(
      ctx.clients.get(ElastiCacheClient, SECONDARY).send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: GLOBAL })),
    ).rejects.toMatchObject({ name: 'Throttling', message: 'Rate exceeded' });
    await expect(elasticacheGlobalFailover.start(ctx)).rejects.toMatchObject({ name: 'AwsThrottlingError' });
    await expect(elasticacheGlobalFailover.start(ctx)).resolves.toMatchObject({ done: false, state: { failoverRequested: true } });
    expect(failovers()).toHaveLength(1);
  });

  describe('the old primary after a failover during the region outage', () => {
    const client = () => new ElastiCacheClient({ region: SECONDARY });
    /** The group's status and each member's role and status, as DescribeGlobalReplicationGroups answers them. */
    const described = async () => {
      const group = (await client().send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: GLOBAL, ShowMemberInfo: true }))).GlobalReplicationGroups?.[0];
      return { status: group?.Status, members: group?.Members?.map((m) => `${m.ReplicationGroupId} ${m.Role} ${m.Status}`) };
    };

    it('is a secondary, associated, while its region is down; once the outage ended it resynchronises (associating, the group modifying) for elasticache.global-resync, then is associated', async () => {
      // Prepare: the failover during the outage, its region down.
      simulate([], true);
      await withVirtualClock(START, async () => {
        await client().send(failoverToOsaka);
        await sleep(FAILOVER);
        // Act
        const duringOutage = await described();
        await sleep(3600);
        const anHourLater = await described();
        world.endRegionOutage();
        const resyncing = await described();
        await sleep(RESYNC - 1);
        const stillResyncing = await described();
        await sleep(1);
        const resynced = await described();
        // Assess
        const settled = { status: 'available', members: [`${TOKYO} secondary associated`, `${OSAKA} primary associated`] };
        expect(duringOutage).toEqual(settled);
        expect(anHourLater).toEqual(settled);
        expect(resyncing).toEqual({ status: 'modifying', members: [`${TOKYO} secondary associating`, `${OSAKA} primary associated`] });
        expect(stillResyncing).toEqual(resyncing);
        expect(resynced).toEqual(settled);
        expect(datastore()).toEqual({ status: 'available', primary: OSAKA, members: members('secondary', 'primary', 'associated') });
      });
    });

    it('the recovery finishes during the outage (nothing in transition); the outage ended before the failover did: the old primary took part, no resync', async () => {
      simulate([], true);
      const ctx = await cacheContext();
      await withVirtualClock(START, async () => {
        // Act
        const run = await drive(elasticacheGlobalFailover, ctx);
        // Assess
        expect(run).toMatchObject({ seconds: FAILOVER, progress: { done: true, observations: { role: 'primary', globalStatus: 'available' } } });
      });
      sim?.restore();
      simulate([], true);
      await withVirtualClock(START, async () => {
        await client().send(failoverToOsaka);
        await sleep(FAILOVER / 2);
        world.endRegionOutage();
        await sleep(FAILOVER / 2);
        // The region answered again before the failover ended: the old primary became a secondary with it.
        expect(await described()).toEqual({ status: 'available', members: [`${TOKYO} secondary associated`, `${OSAKA} primary associated`] });
      });
    });

    it('no resync without an outage (the old primary took part in the failover), nor when the outage never ends', async () => {
      simulate();
      await withVirtualClock(START, async () => {
        await client().send(failoverToOsaka);
        await sleep(FAILOVER);
        world.endRegionOutage();
        expect(await described()).toEqual({ status: 'available', members: [`${TOKYO} secondary associated`, `${OSAKA} primary associated`] });
      });
    });

    it('a failover during the resync is accepted ("Promotion is allowed anytime") and ends it', async () => {
      simulate([], true);
      await withVirtualClock(START, async () => {
        await client().send(failoverToOsaka);
        await sleep(FAILOVER);
        world.endRegionOutage();
        await client().send(new FailoverGlobalReplicationGroupCommand({ GlobalReplicationGroupId: GLOBAL, PrimaryRegion: PRIMARY, PrimaryReplicationGroupId: TOKYO }));
        await sleep(FAILOVER);
        expect(await described()).toEqual({ status: 'available', members: [`${TOKYO} primary associated`, `${OSAKA} secondary associated`] });
      });
    });
  });
});
