import {
  DescribeGlobalReplicationGroupsCommand,
  ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
  type DescribeGlobalReplicationGroupsCommandInput,
  type FailoverGlobalReplicationGroupCommandInput,
} from '@aws-sdk/client-elasticache';
import { simulateClient } from './intercept.ts';
import type { ComponentOf } from '../../../plan/schema.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, type DurationTable, type World } from './world.ts';

// The throttle error name is unconfirmed for ElastiCache (no AWS document names it); `Throttling` as for the other awsQuery services.
const SIM: ServiceSimulation = { service: 'elasticache', throttleError: 'Throttling' };
const ACCOUNT = '000000000000';

export const ELASTICACHE_DURATIONS: DurationTable = {
  'elasticache.global-failover': {
    seconds: 60,
    source: 'FailoverGlobalReplicationGroup RTO ≈ 1 min, RPO generally < 1 s: AWS disaster-recovery workshop, ElastiCache Global Datastore; https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_FailoverGlobalReplicationGroup.html',
  },
  'elasticache.global-resync': {
    seconds: 900,
    source: 'assumption: the old primary of a failover its Region could not take part in is a secondary once the Region is back ' +
      '("The secondary region will become primary, and all other clusters will become secondary": API_FailoverGlobalReplicationGroup; "The current primary cluster ' +
      'in primary region will become secondary", ElastiCache User Guide, Promoting the secondary cluster to primary) and must then copy the primary\'s whole dataset, ' +
      'as a secondary being added does (member status "Associating"); no figure is published: 15 min assumed, from the end of the outage',
  },
};

/**
 * A global datastore with its primary member in the primary region and the plan's secondary member.
 * The plan does not name the primary member; it is called `<datastore suffix>-<primary region>`
 * (the part of the id after AWS's 5-letter prefix). Settled: group `available`, members `associated`.
 * A failover keeps the group `modifying` and both members `failing-over` (status strings are
 * unconfirmed: https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeGlobalReplicationGroups.html
 * does not list them) for 'elasticache.global-failover', then the roles are swapped.
 * With the `fail` fault the failover is accepted, goes through the same transition and then rolls back:
 * the group settles `available` with the roles unchanged.
 * With the `replica-missing` drift (readiness) the secondary replication group has left the datastore: only
 * the primary member remains.
 *
 * A failover that ends while the old primary's Region is down (the drill's region outage) still makes it a secondary,
 * as AWS documents (every other cluster becomes secondary); it shows `associated` while its Region is down (what AWS
 * reports then is undocumented; an assumption that also keeps a recovery from waiting on the lost Region). Once the
 * outage ended (World.endRegionOutage) it resynchronises from the new primary: `associating` (the documented status of
 * a cluster "in the process of being associated to the global datastore"), the group `modifying` (as while a secondary
 * is added), for elasticache.global-resync; then `associated`. The outage never ended: no resync at all.
 */
interface Member {
  id: string;
  region: string;
  role: 'primary' | 'secondary';
}

interface GlobalGroup {
  id: string;
  component: string;
  members: Member[];
  failover?: { to: string; since: number; ms: number };
  /** The old primary of a failover that ended (`from`) while its Region was down: it resynchronises once the outage ended. */
  rejoin?: { member: string; from: number };
}

export function simulateElastiCache(world: World): SimulatedService {
  const stub = simulateClient(ElastiCacheClient);
  const groups = new Map<string, GlobalGroup>();

  for (const c of world.plan.components.filter((x): x is ComponentOf<'elasticache-global-failover'> => x.type === 'elasticache-global-failover')) {
    const { globalReplicationGroupId: id, secondaryReplicationGroupId } = c.params;
    const suffix = id.replace(/^[a-z]{5}-/, '');
    groups.set(id, {
      id,
      component: c.id,
      members: [
        // The plan names the primary-region group when it runs in reverse (re-protect, failback); otherwise a name of ours.
        { id: c.params.primaryReplicationGroupId ?? `${suffix}-${world.primary}`, region: world.primary, role: 'primary' },
        { id: secondaryReplicationGroupId, region: world.secondary, role: 'secondary' },
      ],
    });
    // The global datastore is a global resource: owned under the region "global".
    world.own('elasticache', 'global', id, c.id);
  }

  /** Applies a failover whose time is up (roles swapped, or unchanged when it fails); true while one is under way. */
  function modifying(g: GlobalGroup): boolean {
    if (!g.failover) return false;
    const end = g.failover.since + g.failover.ms;
    if (world.now() < end) return true;
    const to = g.failover.to;
    if (!world.failing(g.component)) {
      const old = g.members.find((m) => m.role === 'primary' && m.id !== to);
      for (const m of g.members) m.role = m.id === to ? 'primary' : 'secondary';
      if (old && world.regionDown(old.region, end)) g.rejoin = { member: old.id, from: end };
    }
    g.failover = undefined;
    return false;
  }

  /** The member resynchronising now (after the outage ended, for elasticache.global-resync), if any; a finished resync is cleared. */
  function resyncing(g: GlobalGroup): string | undefined {
    const ended = world.outageEndedAt;
    if (!g.rejoin || ended === undefined) return undefined;
    const start = Math.max(ended, g.rejoin.from);
    const now = world.now();
    if (now < start) return undefined;
    if (now < start + world.durationMs('elasticache.global-resync', g.component)) return g.rejoin.member;
    g.rejoin = undefined;
    return undefined;
  }

  function find(id: string | undefined): GlobalGroup {
    const g = id === undefined ? undefined : groups.get(id);
    if (!g) throw awsError('GlobalReplicationGroupNotFoundFault', `GlobalReplicationGroup ${id ?? ''} not found.`, 404);
    // The `replica-missing` drift (from when it is seen): the plan's secondary left the datastore, unless it is the primary by now.
    const c = world.plan.components.find((x): x is ComponentOf<'elasticache-global-failover'> => x.id === g.component && x.type === 'elasticache-global-failover');
    if (c && world.drifted('replica-missing', c.id)) g.members = g.members.filter((m) => m.id !== c.params.secondaryReplicationGroupId || m.role === 'primary');
    return g;
  }

  function describe(g: GlobalGroup, showMembers: boolean) {
    const busy = modifying(g);
    const rejoining = resyncing(g);
    return {
      GlobalReplicationGroupId: g.id,
      GlobalReplicationGroupDescription: `simulated global datastore of ${g.component}`,
      Status: busy || rejoining ? 'modifying' : 'available',
      CacheNodeType: 'cache.r6g.large',
      Engine: 'redis',
      EngineVersion: '7.1',
      ClusterEnabled: false,
      ARN: `arn:aws:elasticache::${ACCOUNT}:globalreplicationgroup:${g.id}`,
      ...(showMembers
        ? {
            Members: g.members.map((m) => ({
              ReplicationGroupId: m.id,
              ReplicationGroupRegion: m.region,
              Role: m.role,
              AutomaticFailover: 'enabled',
              Status: busy ? 'failing-over' : m.id === rejoining ? 'associating' : 'associated',
            })),
          }
        : {}),
    };
  }

  refuseOthers(SIM, stub);
  answer<DescribeGlobalReplicationGroupsCommandInput, unknown>(world, SIM, stub, DescribeGlobalReplicationGroupsCommand, (input) => {
    const chosen = input.GlobalReplicationGroupId === undefined ? [...groups.keys()].map(find) : [find(input.GlobalReplicationGroupId)];
    return { GlobalReplicationGroups: chosen.map((g) => describe(g, input.ShowMemberInfo === true)) };
  });
  answer<FailoverGlobalReplicationGroupCommandInput, unknown>(world, SIM, stub, FailoverGlobalReplicationGroupCommand, (input) => {
    const g = find(input.GlobalReplicationGroupId);
    if (modifying(g)) {
      throw awsError('InvalidGlobalReplicationGroupStateFault', `Global replication group ${g.id} is not available or in primary-only state.`, 400);
    }
    const target = g.members.find((m) => m.id === input.PrimaryReplicationGroupId);
    // assumption: the wording of these two refusals (only the error is documented:
    // https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_FailoverGlobalReplicationGroup.html).
    if (!target || target.region !== input.PrimaryRegion) {
      throw awsError('InvalidParameterValueException', `Replication group ${input.PrimaryReplicationGroupId} in ${input.PrimaryRegion} is not a member of ${g.id}.`, 400);
    }
    if (target.role === 'primary') {
      throw awsError('InvalidParameterValueException', `Replication group ${target.id} is already the primary of ${g.id}.`, 400);
    }
    g.failover = { to: target.id, since: world.now(), ms: world.durationMs('elasticache.global-failover', g.component) };
    // "Promotion is allowed anytime, even if other modifications are in progress" (ElastiCache User Guide): a resync under way is superseded.
    g.rejoin = undefined;
    return { GlobalReplicationGroup: describe(g, true) };
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => {
      const out: Record<string, unknown> = {};
      for (const g of [...groups.keys()].map(find)) {
        const d = describe(g, true);
        out[g.id] = {
          status: d.Status,
          primary: g.members.find((m) => m.role === 'primary')?.id ?? null,
          members: d.Members?.map((m) => ({ id: m.ReplicationGroupId, region: m.ReplicationGroupRegion, role: m.Role, status: m.Status })),
        };
      }
      return out;
    },
  };
}
