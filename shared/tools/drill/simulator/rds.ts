import {
  CreateDBInstanceReadReplicaCommand, DescribeDBClustersCommand, DescribeDBInstanceAutomatedBackupsCommand, DescribeDBInstancesCommand, DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand, ModifyDBInstanceCommand, PromoteReadReplicaCommand, RDSClient, RestoreDBInstanceToPointInTimeCommand,
  StopDBInstanceCommand, SwitchoverGlobalClusterCommand,
  type CreateDBInstanceReadReplicaCommandInput, type DBCluster, type DBInstance, type DBInstanceAutomatedBackup, type DescribeDBClustersCommandInput, type DescribeDBInstanceAutomatedBackupsCommandInput,
  type DescribeDBInstancesCommandInput, type DescribeGlobalClustersCommandInput, type FailoverGlobalClusterCommandInput, type FailoverStatus,
  type GlobalCluster, type ModifyDBInstanceCommandInput, type PromoteReadReplicaCommandInput, type RestoreDBInstanceToPointInTimeCommandInput,
  type StopDBInstanceCommandInput, type SwitchoverGlobalClusterCommandInput, type Tag,
} from '@aws-sdk/client-rds';
import { createHash } from 'node:crypto';
// Every simulated database listens on DATABASE_PORT (5432: PostgreSQL and Aurora PostgreSQL), the port its security group admits.
import { DATABASE_PORT, databaseSecurityGroupId } from './ec2.ts';
import { simulateClient } from './intercept.ts';
import { answer, refuseOthers, unanswered, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, planAccount, type DurationTable, type World } from './world.ts';


export const RDS_DURATIONS: DurationTable = {
  'rds.promote-read-replica': { seconds: 540, source:
    'RDS User Guide (USER_ReadRepl.Promote): "a few minutes", "several minutes or longer, depending on the size of the read replica"; 9 min is the example plan\'s estimate for core-database (expectedSeconds 540), ' +
    'simulated as the `modifying` phase (the AWS example response of PromoteReadReplica shows modifying)' },
  'rds.promote-read-replica-backup': { seconds: 300, source:
    'assumption: a promotion that turns backups on for a replica that had none takes a backup during the promotion (API PromoteReadReplica: enable backups on the replica ' +
    'beforehand "so that no backup is taken during the promotion process", https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_PromoteReadReplica.html); ' +
    'the first backup of an instance is a full snapshot whose duration depends on its size (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html), no figure: 5 min assumed (`backing-up`)' },
  'rds.promote-read-replica-reboot': { seconds: 60, source:
    'assumption: "RDS reboots the DB instance before making it available" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html); a reboot is ' +
    '"a momentary outage" with no figure (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_RebootInstance.html): 1 min assumed (`rebooting`)' },
  'rds.point-in-time-restore': { seconds: 3600, source:
    'seed plan section 3.2: point-in-time restore estimated at 1 h (AWS publishes no figure: it depends on the transaction log replayed)' },
  'rds.latest-restorable-time-lag': { seconds: 300, source:
    'RDS User Guide (USER_PIT): LatestRestorableTime is "typically within the last five minutes" (logs uploaded every 5 min); the upper bound is used' },
  'rds.aurora-global-failover': { seconds: 60, source:
    'AWS Well-Architected Labs DR workshop: promote a secondary region "in under a minute"; Aurora User Guide: RTO "in the order of minutes"' },
  'rds.aurora-global-switchover': { seconds: 120, source:
    'assumption: no figure published (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_SwitchoverGlobalCluster.html); a failover after every secondary has synchronised, 2 min' },
  'rds.stop-instance': { seconds: 300, source:
    'assumption: RDS User Guide (USER_StopInstance): stopping shuts down the engine, detaches the storage and terminates the host, "can take several minutes", ' +
    'and "in some cases, a large amount of time" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_StopInstance.html); no figure published, 5 min assumed' },
  'rds.create-read-replica': { seconds: 2700, source:
    'assumption: CreateDBInstanceReadReplica "takes a DB snapshot of your source DB instance and begins replication" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Create.html); ' +
    'a cross-Region replica is built from that snapshot copied to its Region (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.XRgn.html); no figure is published ' +
    '(it depends on the volume size): 45 min assumed (`creating`)' },
  'rds.aurora-global-resync': { seconds: 1800, source:
    'assumption: after a global failover with data loss (FailoverGlobalCluster AllowDataLoss, available since Aug 2023: AWS Database Blog "Introducing – Aurora Global Database Failover") ' +
    'Aurora rebuilds the old primary cluster as a secondary once its Region is available again (Aurora User Guide, aurora-global-database-disaster-recovery; ' +
    'its exact wording not verified: the stored copy predates the feature); it shows SynchronizationStatus pending-resync until then ' +
    '(https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_GlobalClusterMember.html). Rebuilding copies the cluster volume across Regions, no figure published: 30 min assumed, from the end of the outage' },
  'rds.modify-security-groups': { seconds: 30, source:
    'assumption: RDS User Guide (Overview.DBInstance.Modifying): security-group changes are applied "asynchronously, as soon as possible", with no downtime ' +
    '(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.DBInstance.Modifying.html gives no figure); 30 s assumed' },
};

const SIM: ServiceSimulation = { service: 'rds', throttleError: 'Throttling' };
/**
 * The VPC's default security group, in both regions: what RDS gives an instance created or restored without
 * VpcSecurityGroupIds ("the default EC2 VPC security group", CreateDBInstanceReadReplica and
 * RestoreDBInstanceToPointInTime in the API reference). A seeded database has its own group instead
 * (databaseSecurityGroupId, the group ec2.ts answers DescribeSecurityGroups for).
 */
const DEFAULT_GROUP = 'sg-0simulated';
/** Every seeded instance's class. */
const DEFAULT_CLASS = 'db.r6g.large';
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Seeded resources exist "since long ago": older than any retention window, independent of when the world is built. */
const LONG_AGO = 0;

/** An operation from `at` lasting `ms`, that succeeds or (an injected `fail`) ends in a failed state. */
interface Operation { at: number; ms: number; fails: boolean }
const over = (op: Operation, now: number) => now >= op.at + op.ms;

/**
 * A promotion's phases, in order: `modifying` (ms, the Operation's; a failing one ends `failed`), `backing-up`
 * (backupMs: only when the promotion turns backups on for a replica without them) and `rebooting` (rebootMs),
 * then `available`. The order of backing-up and rebooting is an assumption (the exact sequence is not
 * documented): RDS reboots the instance "before making it available" (USER_ReadRepl.Promote), so the reboot
 * comes last. The source is shown until `modifying` ends.
 */
interface Promotion extends Operation { retention: number; backupMs: number; rebootMs: number }
const promotionEnd = (p: Promotion) => p.at + p.ms + p.backupMs + p.rebootMs;

interface Instance {
  id: string; region: string; arn: string; engine: string; createdAt: number; retention: number;
  /** Its read replicas' ARNs (shown by identifier when in its own Region, by ARN when in another, as RDS lists them). */
  replicas: string[];
  /** The primary's ARN while a read replica (shown by identifier when in the replica's own Region). */
  source?: string;
  promotion?: Promotion;
  /** Stopped by the drill's incident (the old primary of a replica promotion): back, available, once the outage ended (World.endRegionOutage). */
  down?: boolean;
  /** CreateDBInstanceReadReplica: `creating` until it is over, then `available` (`failed` with the fail fault). */
  creation?: Operation;
  /** What CreateDBInstanceReadReplica set (DBInstanceClass, DBSubnetGroupName, KmsKeyId, Tags); the defaults otherwise. */
  instanceClass?: string;
  subnetGroup?: string;
  kmsKeyId?: string;
  tags?: Tag[];
  restore?: Operation & { restoredTo: string };
  /** StopDBInstance: `stopping` until it is over, then `stopped`. */
  stop?: Operation;
  /** Its VPC security groups, and a change to them (ModifyDBInstance) applied once it is over. */
  groups: string[];
  groupChange?: Operation & { groups: string[] };
  /** The rds-point-in-time-restore component this instance is the source of (its `stale-backup` drift). */
  pitrOf?: string;
}

/** Replicated automated backups (cross-region PITR source), by ARN. */
interface Backups { arn: string; region: string; instanceId: string; engine: string; retention: number; pitrOf?: string }

interface GlobalDb {
  id: string; component: string; members: string[]; writer: string;
  /** The plan's target cluster (its `replica-missing` drift removes it). */
  target: string;
  /** Every failover or switchover started: when, and toward which member (CloudWatch's lag series end there). */
  started: { at: number; to: string }[];
  /**
   * The old writer after a failover with data loss (SynchronizationStatus pending-resync), from `resyncFrom` (when
   * the failover ended): Aurora rebuilds it as a secondary once its Region is back, rds.aurora-global-resync after
   * the end of the outage (World.endRegionOutage), then it is connected. The outage never ended: pending-resync for good.
   */
  resyncing?: string;
  resyncFrom?: number;
  op?: Operation & { lossy: boolean; from: string; to: string };
}

export interface RdsState {
  instances: Map<string, Instance>;
  backups: Map<string, Backups>;
  globals: Map<string, GlobalDb>;
  /** The VPC security groups that exist, by region: ModifyDBInstance and a restore may name only these. */
  securityGroups: Map<string, Set<string>>;
}

const states = new WeakMap<World, RdsState>();

/**
 * The `replica-missing` drift, applied when first seen (a drift may be added to a running world's faults: the
 * readiness function's test does): the rds-replica-promotion replica is deleted (its primary stays, without
 * it), the aurora-global-failover target is removed from its global database (unless it is the writer).
 */
function applyDrifts(world: World, s: RdsState): void {
  for (const d of world.drifts('replica-missing')) {
    const c = world.plan.components.find((x) => x.id === d.component);
    if (c?.type === 'rds-replica-promotion') {
      const key = instanceKey(world.secondary, c.params.replicaDbInstanceIdentifier);
      const replica = s.instances.get(key);
      if (!replica?.source) continue;
      s.instances.delete(key);
      for (const db of s.instances.values()) db.replicas = db.replicas.filter((arn) => arn !== replica.arn);
    } else if (c?.type === 'aurora-global-failover') {
      const g = s.globals.get(c.params.globalClusterIdentifier);
      if (g && g.writer !== g.target) g.members = g.members.filter((m) => m !== g.target);
    }
  }
}

/** The world's RDS resources (for CloudWatch's RDS metrics), drifts applied; undefined when RDS is not simulated. */
export function rdsStateOf(world: World): RdsState | undefined {
  const s = states.get(world);
  if (s) applyDrifts(world, s);
  return s;
}
export const instanceKey = (region: string, id: string) => `${region}/${id}`;

/**
 * The KMS key a simulated database's storage is encrypted with, unless it was created with KmsKeyId: a
 * customer managed key of its own region (RDS encrypts with a key of the database's region), its key id a UUID
 * derived from the region and the DB instance or cluster identifier. kms.ts answers DescribeKey for it.
 */
export function databaseKmsKeyArn(account: string, region: string, dbIdentifier: string): string {
  const h = createHash('sha256').update(`kms-key/${region}/${dbIdentifier}`).digest('hex');
  // A version-4 UUID's form: 8-4-4-4-12 hex digits, the version nibble 4, the variant nibble 8 to b.
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `arn:aws:kms:${region}:${account}:key/${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The member instance each simulated Aurora cluster has (assumption: one instance per cluster, its writer or reader). */
export const auroraMemberOf = (clusterId: string) => `${clusterId}-instance-1`;

/** Every KMS key the simulated databases are encrypted with (their own or the one they were created with), for kms.ts. */
export function rdsKmsKeys(world: World): string[] {
  const s = rdsStateOf(world);
  if (!s) return [];
  const account = planAccount(world.plan, '123456789012');
  const instances = [...s.instances.values()].map((db) => db.kmsKeyId ?? databaseKmsKeyArn(account, db.region, db.id));
  const clusters = [...s.globals.values()].flatMap((g) => g.members).map((arn) => databaseKmsKeyArn(account, arn.split(':')[3] ?? '', arn.slice(arn.lastIndexOf(':') + 1)));
  return [...new Set([...instances, ...clusters])];
}

function seed(world: World): RdsState {
  const account = planAccount(world.plan, '123456789012');
  const s: RdsState = { instances: new Map(), backups: new Map(), globals: new Map(), securityGroups: new Map() };
  const group = (region: string, ...ids: string[]) => {
    const groups = s.securityGroups.get(region) ?? new Set<string>();
    for (const id of ids) groups.add(id);
    s.securityGroups.set(region, groups);
  };
  // The seeded instances' group in both regions; the groups the plan names, in the region it names them for:
  // the isolation groups of the old primary, a restore's groups, and the recovery region's database access.
  group(world.primary, DEFAULT_GROUP);
  group(world.secondary, DEFAULT_GROUP, ...(world.plan.databaseAccess?.securityGroupIds ?? []));
  // Each seeded database is in its own group (databaseSecurityGroupId), which exists in its region.
  const add = (region: string, id: string, extra: Partial<Instance> = {}) => {
    const key = instanceKey(region, id);
    const arn = `arn:aws:rds:${region}:${account}:db:${id}`;
    const own = databaseSecurityGroupId(region, id);
    group(region, own);
    if (!s.instances.has(key)) s.instances.set(key, { id, region, arn, engine: 'postgres', createdAt: LONG_AGO, retention: 7, replicas: [], groups: [own], ...extra });
    return s.instances.get(key) as Instance;
  };
  for (const c of world.plan.components) {
    if (c.type === 'rds-replica-promotion') {
      const p = c.params;
      const primary = add(world.primary, p.primaryDbInstanceIdentifier, { retention: p.backupRetentionPeriod, down: world.primaryDown });
      const replica = add(world.secondary, p.replicaDbInstanceIdentifier, { retention: 0, source: primary.arn });
      primary.replicas.push(replica.arn);
      world.own('rds', world.secondary, replica.id, c.id);
      world.own('rds', world.primary, primary.id, c.id); // its fencing (stop, isolation) is slowed with the component
      // The groups the plan names for the reverse direction: the re-protect replica's (primary region), the promoted instance's isolation (secondary).
      group(world.primary, ...(p.fencing.isolationSecurityGroupIds ?? []), ...(p.reprotect?.vpcSecurityGroupIds ?? []));
      group(world.secondary, ...(p.reverseFencing?.isolationSecurityGroupIds ?? []));
    } else if (c.type === 'rds-point-in-time-restore') {
      const p = c.params;
      const region = world.plan.regions[p.region];
      if (p.sourceDbInstanceIdentifier) add(region, p.sourceDbInstanceIdentifier, { retention: p.retentionDays }).pitrOf = c.id;
      const arn = p.sourceDbInstanceAutomatedBackupsArn;
      if (arn) s.backups.set(arn, { arn, region, instanceId: `${p.targetDbInstanceIdentifier}-source`, engine: 'postgres', retention: p.retentionDays, pitrOf: c.id });
      world.own('rds', region, p.targetDbInstanceIdentifier, c.id);
      group(region, ...(p.vpcSecurityGroupIds ?? []));
    } else if (c.type === 'aurora-global-failover') {
      const { globalClusterIdentifier: id, targetDbClusterArn: target } = c.params;
      // The primary-region cluster: the plan's primaryDbClusterArn, else named after the global database.
      const writer = c.params.primaryDbClusterArn ?? `arn:aws:rds:${world.primary}:${account}:cluster:${id}-${world.primary}`;
      const g = s.globals.get(id) ?? { id, component: c.id, members: [writer], writer, target, started: [] };
      if (!g.members.includes(target)) g.members.push(target);
      s.globals.set(id, g);
    }
  }
  return s;
}

const notFound = (id: string) => awsError('DBInstanceNotFoundFault', `DBInstance ${id} not found.`, 404);
const throwError = (error: Error): never => {
  throw error;
};

export function simulateRds(world: World): SimulatedService {
  const s = seed(world);
  states.set(world, s);
  const client = simulateClient(RDSClient);
  // Every command sees the drifts added so far.
  const stub: typeof client = {
    ...client,
    on: (Command) => ({
      callsFake: (fake) => client.on(Command).callsFake((...args) => {
        applyDrifts(world, s);
        return fake(...args);
      }),
    }),
  };
  const account = planAccount(world.plan, '123456789012');
  /**
   * The restorable window: the retention period back from now, up to the latest restorable time, which
   * trails the source's last log upload (`logsUntil`, now while it ships logs) by the upload lag. A source
   * with the `stale-backup` drift (`staleHours`) has shipped no log for that long: its latest restorable time
   * is no later than that many hours ago.
   */
  const window = (retention: number, createdAt: number, now: number, logsUntil = now, staleHours?: number) => ({
    EarliestTime: new Date(Math.max(createdAt, now - retention * DAY_MS)),
    LatestTime: new Date(Math.max(createdAt, Math.min(
      Math.min(now, logsUntil) - world.durationMs('rds.latest-restorable-time-lag'),
      staleHours === undefined ? Infinity : now - staleHours * HOUR_MS,
    ))),
  });
  /**
   * When replicated backups stop receiving logs: at the incident, when it took their source region (the
   * other region: the primary, for backups replicated into the secondary) down; no more logs arrive
   * from an unreachable region (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html).
   * Once the outage ended (World.endRegionOutage) they arrive again (assumption: the source ships as before).
   */
  const logsUntil = (b: Backups): number | undefined =>
    world.primaryDown && world.incidentAt !== undefined && b.region !== world.primary && !world.outageOver() ? world.incidentAt : undefined;
  /** The `stale-backup` drift of the point-in-time restore a source serves: no log shipped for that many hours. */
  const staleHours = (source: { pitrOf?: string }) => world.drifted('stale-backup', source.pitrOf)?.hours;
  const find = (region: string, idOrArn: string | undefined) =>
    [...s.instances.values()].find((d) => d.region === region && (d.id === idOrArn || d.arn === idOrArn));

  /** How RDS names another instance: by identifier in the same Region, by ARN in another (cross-Region replicas). */
  const nameFrom = (region: string, d: { id: string; region: string; arn: string }) => (d.region === region ? d.id : d.arn);

  /** The instance as DescribeDBInstances shows it now. */
  function view(db: Instance, now: number): DBInstance {
    // The incident's stopped primary comes back, up, when the outage ends: nothing fenced it (a split-brain risk).
    let status = db.down && !world.outageOver(now) ? 'stopped' : 'available';
    let source = db.source;
    let retention = db.retention;
    if (db.restore) status = !over(db.restore, now) ? 'creating' : db.restore.fails ? 'restore-error' : 'available';
    if (db.creation) status = !over(db.creation, now) ? 'creating' : db.creation.fails ? 'failed' : 'available';
    const p = db.promotion;
    if (p) {
      const backedUp = p.at + p.ms + p.backupMs;
      if (!over(p, now)) status = 'modifying';
      else if (p.fails) status = 'failed';
      else {
        [source, retention] = [undefined, p.retention];
        status = now < backedUp ? 'backing-up' : now < promotionEnd(p) ? 'rebooting' : 'available';
      }
    }
    if (db.stop) status = over(db.stop, now) ? 'stopped' : 'stopping';
    const replicas = db.replicas.flatMap((arn) => [...s.instances.values()]
      .filter((r) => r.arn === arn && view(r, now).ReadReplicaSourceDBInstanceIdentifier).map((r) => nameFrom(db.region, r)));
    const sourceName = source === undefined ? undefined : nameFrom(db.region, { region: source.split(':')[3] ?? '', arn: source, id: source.slice(source.lastIndexOf(':') + 1) });
    const up = ['available', 'modifying', 'backing-up', 'rebooting'].includes(status);
    // A promoted replica can be restored to a point in time once the promotion (and its first backup) is over.
    const restorable = up && retention > 0 && (!p || now >= promotionEnd(p));
    return {
      DBInstanceIdentifier: db.id, DBInstanceArn: db.arn, DBInstanceStatus: status, Engine: db.engine, DBInstanceClass: db.instanceClass ?? DEFAULT_CLASS,
      ...(now >= db.createdAt ? { InstanceCreateTime: new Date(db.createdAt) } : {}),
      BackupRetentionPeriod: retention, ReadReplicaDBInstanceIdentifiers: replicas,
      ...(sourceName ? { ReadReplicaSourceDBInstanceIdentifier: sourceName } : {}),
      ...(source && status === 'available' ? { StatusInfos: [{ StatusType: 'read replication', Normal: true, Status: 'replicating' }] } : {}),
      ...(restorable ? { LatestRestorableTime: window(retention, db.createdAt, now, now, staleHours(db)).LatestTime } : {}),
      ...(up ? { Endpoint: { Address: `${db.id}.csimulated0.${db.region}.rds.amazonaws.com`, Port: DATABASE_PORT } } : {}),
      // Only `active` is documented (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_VpcSecurityGroupMembership.html):
      // the old groups show until a change is applied, then the new ones.
      VpcSecurityGroups: groupsOf(db, now).map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })),
      ...(db.subnetGroup ? { DBSubnetGroup: { DBSubnetGroupName: db.subnetGroup } } : {}),
      // Every simulated database is encrypted (assumption: as a production database is), with its own key of its region
      // (databaseKmsKeyArn) unless it was created with KmsKeyId; none is publicly accessible.
      StorageEncrypted: true, KmsKeyId: keyOf(db), PubliclyAccessible: false,
      ...(db.tags ? { TagList: db.tags } : {}),
    };
  }
  const keyOf = (db: { id: string; region: string; kmsKeyId?: string | undefined }) => db.kmsKeyId ?? databaseKmsKeyArn(account, db.region, db.id);
  const groupsOf = (db: Instance, now: number) => (db.groupChange && over(db.groupChange, now) ? db.groupChange.groups : db.groups);
  /**
   * A VPC security group that does not exist in the region is refused with the unmodeled wire code
   * InvalidParameterValue (so the SDK's RDSServiceException name), as RDS answered ModifyDBInstance with an
   * unknown group id in https://github.com/aws/aws-cli/issues/574 ("Invalid security group , groupId= …,
   * groupName=."); not in the API reference's error list, so unconfirmed beyond that report.
   */
  function checkGroupsExist(region: string, groups: string[]): void {
    const missing = groups.find((g) => !s.securityGroups.get(region)?.has(g));
    if (missing) throw awsError('InvalidParameterValue', `Invalid security group , groupId= ${missing}, groupName=.`);
  }

  const retentionOf = (db: Instance, now: number) => view(db, now).BackupRetentionPeriod ?? 0;
  const globalOf = (id: string | undefined) =>
    s.globals.get(id ?? '') ?? throwError(awsError('GlobalClusterNotFoundFault', `Global cluster ${id} not found.`, 404));

  function globalView(g: GlobalDb, now: number): GlobalCluster {
    if (g.op && over(g.op, now)) {
      if (!g.op.fails) [g.writer, g.resyncing, g.resyncFrom] = [g.op.to, g.op.lossy ? g.op.from : undefined, g.op.lossy ? g.op.at + g.op.ms : undefined];
      g.op = undefined;
    }
    // The old writer is rebuilt as a secondary once the outage ended: connected rds.aurora-global-resync after the
    // later of that end and the failover's.
    const ended = world.outageEndedAt;
    if (g.resyncing && ended !== undefined && now >= Math.max(ended, g.resyncFrom ?? ended) + world.durationMs('rds.aurora-global-resync', g.component)) {
      [g.resyncing, g.resyncFrom] = [undefined, undefined];
    }
    const op = g.op;
    const elapsed = op ? (now - op.at) / op.ms : 0;
    // pending for the first tenth (assumption); a failing operation is cancelling for its last tenth.
    const status = elapsed < 0.1 ? 'pending' : op?.fails && elapsed >= 0.9 ? 'cancelling' : op?.lossy ? 'failing-over' : 'switching-over';
    return {
      GlobalClusterIdentifier: g.id, Engine: 'aurora-postgresql',
      Status: 'available', // its value during an operation is undocumented (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_GlobalCluster.html)
      GlobalClusterMembers: g.members.map((arn) => ({
        DBClusterArn: arn, IsWriter: arn === g.writer, Readers: arn === g.writer ? g.members.filter((m) => m !== arn) : [],
        ...(arn === g.writer ? {} : { SynchronizationStatus: arn === g.resyncing ? 'pending-resync' : 'connected' }),
      })),
      ...(op ? { FailoverState: { Status: status as FailoverStatus, FromDbClusterArn: op.from, ToDbClusterArn: op.to, IsDataLossAllowed: op.lossy } } : {}),
    };
  }

  function switchWriter(input: SwitchoverGlobalClusterCommandInput & { AllowDataLoss?: boolean; Switchover?: boolean }, lossy: boolean) {
    const now = world.now();
    if (input.AllowDataLoss && input.Switchover) throw awsError('InvalidParameterCombination', 'AllowDataLoss and Switchover cannot both be set.');
    const g = globalOf(input.GlobalClusterIdentifier);
    globalView(g, now); // settles a finished operation
    const to = g.members.find((m) => m === input.TargetDbClusterIdentifier);
    if (!to) throw awsError('DBClusterNotFoundFault', `DBCluster ${input.TargetDbClusterIdentifier} not found in ${g.id}.`, 404);
    if (g.op) throw awsError('InvalidGlobalClusterStateFault', `Global cluster ${g.id} is already ${globalView(g, now).FailoverState?.Status}.`);
    // assumption: targeting the current writer is refused as a cluster-state fault (the exact error is undocumented)
    if (to === g.writer) throw awsError('InvalidDBClusterStateFault', `DBCluster ${to} is already the writer of ${g.id}.`);
    const key = lossy ? 'rds.aurora-global-failover' : 'rds.aurora-global-switchover';
    g.op = { at: now, ms: world.durationMs(key, g.component), fails: world.failing(g.component), lossy, from: g.writer, to };
    g.started.push({ at: now, to });
    return { GlobalCluster: globalView(g, now) };
  }

  /** The global databases' member clusters in a region. */
  const clustersIn = (region: string) => [...s.globals.values()].flatMap((g) => g.members.map((arn) => ({ arn, g }))).filter(({ arn }) => arn.split(':')[3] === region);
  const clusterIdOf = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
  /**
   * A member cluster as DescribeDBClusters shows it (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html):
   * available, Aurora PostgreSQL on port 5432, encrypted with its own key of its region (databaseKmsKeyArn), in its own
   * security group (databaseSecurityGroupId), with one member instance (auroraMemberOf), the writer in the global
   * database's writer cluster.
   */
  function clusterView({ arn, g }: { arn: string; g: GlobalDb }, now: number): DBCluster {
    const region = arn.split(':')[3] ?? '';
    const id = clusterIdOf(arn);
    globalView(g, now); // settles a finished failover: the writer is current
    return {
      DBClusterIdentifier: id, DBClusterArn: arn, Status: 'available', Engine: 'aurora-postgresql', GlobalClusterIdentifier: g.id,
      Endpoint: `${id}.cluster-csimulated0.${region}.rds.amazonaws.com`, Port: DATABASE_PORT,
      StorageEncrypted: true, KmsKeyId: databaseKmsKeyArn(account, region, id),
      VpcSecurityGroups: [{ VpcSecurityGroupId: databaseSecurityGroupId(region, id), Status: 'active' }],
      DBClusterMembers: [{ DBInstanceIdentifier: auroraMemberOf(id), IsClusterWriter: arn === g.writer }],
    };
  }
  /** A cluster's member instance (DescribeDBInstances filtered by db-cluster-id): as its cluster, not publicly accessible. */
  function memberView(c: { arn: string; g: GlobalDb }, now: number): DBInstance {
    const cluster = clusterView(c, now);
    const region = c.arn.split(':')[3] ?? '';
    const id = auroraMemberOf(cluster.DBClusterIdentifier ?? '');
    return {
      DBInstanceIdentifier: id, DBInstanceArn: `arn:aws:rds:${region}:${account}:db:${id}`, DBInstanceStatus: 'available', Engine: 'aurora-postgresql',
      DBInstanceClass: DEFAULT_CLASS, DBClusterIdentifier: cluster.DBClusterIdentifier, Endpoint: { Address: `${id}.csimulated0.${region}.rds.amazonaws.com`, Port: DATABASE_PORT },
      StorageEncrypted: true, KmsKeyId: cluster.KmsKeyId, PubliclyAccessible: false, VpcSecurityGroups: cluster.VpcSecurityGroups,
    };
  }

  refuseOthers(SIM, stub);
  /**
   * DescribeDBInstances by identifier (DBInstanceNotFoundFault when it is not in the region), or all the region's
   * instances, filtered by db-instance-id, or by db-cluster-id (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html):
   * the member instance of each named Aurora cluster of the region (auroraMemberOf); the Aurora members are listed only
   * through that filter (a simplification: the unfiltered list keeps to the standalone instances the actions read). The
   * primary region's Aurora members do not answer while the incident keeps its clusters down (as DescribeDBClusters).
   */
  answer(world, SIM, stub, DescribeDBInstancesCommand, async (input: DescribeDBInstancesCommandInput, region, client, call) => {
    const now = world.now();
    const id = input.DBInstanceIdentifier;
    const filter = input.Filters?.find((f) => f.Name === 'db-instance-id')?.Values;
    const clusterFilter = input.Filters?.find((f) => f.Name === 'db-cluster-id')?.Values;
    if (clusterFilter && !id) {
      const clusters = clustersIn(region).filter(({ arn }) => clusterFilter.some((v) => arn === v || arn.endsWith(`:cluster:${v}`)));
      if (clusters.length > 0 && region === world.primary && world.primaryDown && !world.outageOver()) {
        await unanswered(client, `DescribeDBInstances: the Aurora primary in ${region} did not answer`, call.abortSignal);
      }
      return { DBInstances: clusters.map((c) => memberView(c, now)) };
    }
    const all = id
      ? [find(region, id) ?? throwError(notFound(id))]
      : [...s.instances.values()].filter((d) => d.region === region && (!filter || filter.includes(d.id) || filter.includes(d.arn)));
    return { DBInstances: all.map((d) => view(d, now)) };
  });
  answer(world, SIM, stub, PromoteReadReplicaCommand, (input: PromoteReadReplicaCommandInput, region) => {
    const now = world.now();
    const db = find(region, input.DBInstanceIdentifier) ?? throwError(notFound(input.DBInstanceIdentifier ?? ''));
    const current = view(db, now);
    if (!current.ReadReplicaSourceDBInstanceIdentifier) throw awsError('InvalidDBInstanceStateFault', `DB instance ${db.id} is not a read replica.`);
    if (current.DBInstanceStatus !== 'available') throw awsError('InvalidDBInstanceStateFault', `DB instance ${db.id} is ${current.DBInstanceStatus}.`);
    const component = world.ownerOf('rds', region, db.id);
    const retention = input.BackupRetentionPeriod ?? 1;
    db.promotion = {
      at: now, ms: world.durationMs('rds.promote-read-replica', component), fails: world.failing(component), retention,
      backupMs: retention > 0 && db.retention === 0 ? world.durationMs('rds.promote-read-replica-backup', component) : 0,
      rebootMs: world.durationMs('rds.promote-read-replica-reboot', component),
    };
    return { DBInstance: view(db, now) };
  });
  // RDS can't stop a read replica or an instance that has read replicas (the error code is unconfirmed):
  // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_StopInstance.html.
  answer(world, SIM, stub, StopDBInstanceCommand, (input: StopDBInstanceCommandInput, region) => {
    const now = world.now();
    const db = find(region, input.DBInstanceIdentifier) ?? throwError(notFound(input.DBInstanceIdentifier ?? ''));
    const current = view(db, now);
    if (current.ReadReplicaSourceDBInstanceIdentifier) throw awsError('InvalidDBInstanceStateFault', `DB instance ${db.id} is a read replica and can't be stopped.`);
    if (current.ReadReplicaDBInstanceIdentifiers?.length) {
      throw awsError('InvalidDBInstanceStateFault', `DB instance ${db.id} has read replicas (${current.ReadReplicaDBInstanceIdentifiers.join(', ')}) and can't be stopped.`);
    }
    if (current.DBInstanceStatus !== 'available') throw awsError('InvalidDBInstanceStateFault', `Instance ${db.id} is not in available state (${current.DBInstanceStatus}).`);
    db.stop = { at: now, ms: world.durationMs('rds.stop-instance', world.ownerOf('rds', region, db.id)), fails: false };
    return { DBInstance: view(db, now) };
  });
  // Only VpcSecurityGroupIds (the fencing change); applied after rds.modify-security-groups, whatever ApplyImmediately says
  // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.DBInstance.Modifying.html).
  answer(world, SIM, stub, ModifyDBInstanceCommand, (input: ModifyDBInstanceCommandInput, region) => {
    const now = world.now();
    const others = Object.keys(input).filter((k) => !['DBInstanceIdentifier', 'VpcSecurityGroupIds', 'ApplyImmediately'].includes(k));
    if (others.length > 0) throw awsError('UnsupportedBySimulator', `the drill's simulated ModifyDBInstance only changes VpcSecurityGroupIds, not ${others.join(', ')}`);
    const db = find(region, input.DBInstanceIdentifier) ?? throwError(notFound(input.DBInstanceIdentifier ?? ''));
    const groups = input.VpcSecurityGroupIds ?? [];
    // assumption: an empty or malformed list is refused as InvalidParameterValue (unmodeled; the exact code is U).
    if (groups.length === 0 || groups.some((g) => !/^sg-[0-9a-z]+$/.test(g))) throw awsError('InvalidParameterValue', `Invalid security group list: ${JSON.stringify(groups)}.`);
    checkGroupsExist(region, groups);
    const status = view(db, now).DBInstanceStatus;
    if (status !== 'available') throw awsError('InvalidDBInstanceStateFault', `Instance ${db.id} is not in available state (${status}).`);
    db.groups = groupsOf(db, now);
    db.groupChange = { at: now, ms: world.durationMs('rds.modify-security-groups', world.ownerOf('rds', region, db.id)), fails: false, groups: [...new Set(groups)] };
    return { DBInstance: view(db, now) };
  });
  /**
   * CreateDBInstanceReadReplica (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html),
   * answered in the replica's Region. SourceDBInstanceIdentifier is the source's identifier when it is in that Region,
   * its ARN when it is in another: a plain identifier is looked up in the replica's Region only, so naming a source of
   * another Region by it is DBInstanceNotFoundFault, as on AWS. Refused as RDS refuses it: InvalidParameterValue (an
   * identifier RDS does not accept), DBInstanceAlreadyExistsFault (the identifier is taken in the Region),
   * DBInstanceNotFoundFault (no such source), InvalidDBInstanceStateFault when the source is not available or has
   * automated backups off ("must have automatic backups enabled, that is, its backup retention period must be greater
   * than 0": the API reference; the message is the one RDS answers, as Terraform users report it), an unknown VPC
   * security group (InvalidParameterValue, checkGroupsExist). The source may be a promoted former replica (a standalone
   * instance once its promotion is over). The new instance is `creating` for rds.create-read-replica, then `available`
   * (`failed` with the source component's fail fault; slowed with it); from the start it is a replica of the source
   * (ReadReplicaSourceDBInstanceIdentifier) and the source lists it (ReadReplicaDBInstanceIdentifiers), by ARN across
   * Regions. Its class is the source's unless DBInstanceClass; backups off (BackupRetentionPeriod 0), as a replica's.
   * Encryption: the replica is encrypted with KmsKeyId, else, in the source's Region, with the source's key (as RDS
   * does: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html, KmsKeyId).
   * Not modelled: DB subnet groups (DBSubnetGroupName is shown, never checked: none is seeded, nor is
   * DBSubnetGroupNotAllowedFault), RDS's refusal of a cross-Region replica of an encrypted source without KmsKeyId
   * (every simulated source is encrypted; such a replica gets a key of its own Region, databaseKmsKeyArn, instead),
   * the 15-replica limit. The SDK (@aws-sdk/middleware-sdk-rds) presigns a PreSignedUrl for
   * an ARN of another Region; it is ignored. SourceRegion is not a member of this command in the SDK (3.1169); ignored.
   */
  answer(world, SIM, stub, CreateDBInstanceReadReplicaCommand, (input: CreateDBInstanceReadReplicaCommandInput, region) => {
    const now = world.now();
    const id = input.DBInstanceIdentifier ?? '';
    const ref = input.SourceDBInstanceIdentifier ?? '';
    if (!/^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}$/.test(id) || id.endsWith('-')) {
      throw awsError('InvalidParameterValue', 'The parameter DBInstanceIdentifier is not a valid identifier. Identifiers must begin with a letter; ' +
        'must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.');
    }
    if (find(region, id)) throw awsError('DBInstanceAlreadyExistsFault', `DB instance ${id} already exists.`);
    const sourceRegion = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d{12}:db:[^:]+$/.exec(ref)?.[1] ?? region;
    // assumption (undocumented): RDS reads the source in its own Region; when that Region does not answer, the call
    // fails as a server-side error (InternalFailure, HTTP 500, one of the errors common to every AWS API:
    // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/CommonErrors.html), which the SDK retries.
    if (sourceRegion !== region && world.regionDown(sourceRegion, now)) {
      throw awsError('InternalFailure', `The request processing has failed: the source DB instance's Region ${sourceRegion} did not answer.`, 500);
    }
    const source = find(sourceRegion, ref) ?? throwError(notFound(ref));
    const current = view(source, now);
    if (current.DBInstanceStatus !== 'available') throw awsError('InvalidDBInstanceStateFault', `Instance ${source.id} is not in available state (${current.DBInstanceStatus}).`);
    if (!current.BackupRetentionPeriod) {
      throw awsError('InvalidDBInstanceStateFault', 'Automated backups are not enabled for this database instance. To enable automated backups, ' +
        'use ModifyDBInstance to set the backup retention period to a non-zero value.');
    }
    const groups = input.VpcSecurityGroupIds?.length ? [...new Set(input.VpcSecurityGroupIds)] : [DEFAULT_GROUP];
    checkGroupsExist(region, groups);
    const component = world.ownerOf('rds', sourceRegion, source.id);
    const ms = world.durationMs('rds.create-read-replica', component);
    const kmsKeyId = input.KmsKeyId ?? (sourceRegion === region ? keyOf(source) : undefined);
    const replica: Instance = {
      id, region, arn: `arn:aws:rds:${region}:${account}:db:${id}`, engine: source.engine, createdAt: now + ms, retention: 0, replicas: [], source: source.arn, groups,
      creation: { at: now, ms, fails: world.failing(component) },
      ...(input.DBInstanceClass ?? source.instanceClass ? { instanceClass: input.DBInstanceClass ?? source.instanceClass } : {}),
      ...(input.DBSubnetGroupName ? { subnetGroup: input.DBSubnetGroupName } : {}),
      ...(kmsKeyId ? { kmsKeyId } : {}),
      ...(input.Tags?.length ? { tags: input.Tags } : {}),
    };
    s.instances.set(instanceKey(region, id), replica);
    source.replicas.push(replica.arn);
    // Its fencing, promotion (a failback) and creation are slowed or failed with the source's component.
    if (component) world.own('rds', region, id, component);
    return { DBInstance: view(replica, now) };
  });
  answer(world, SIM, stub, DescribeDBInstanceAutomatedBackupsCommand, (input: DescribeDBInstanceAutomatedBackupsCommandInput, region) => {
    const now = world.now();
    const entry = (arn: string, id: string, engine: string, status: string, retention: number, since: number, logsEnd?: number, staleHours?: number): DBInstanceAutomatedBackup => ({
      DBInstanceAutomatedBackupsArn: arn, DBInstanceIdentifier: id, Region: region, Engine: engine, Status: status,
      BackupRetentionPeriod: retention, RestoreWindow: window(retention, since, now, logsEnd, staleHours),
    });
    const own = [...s.instances.values()].filter((d) => d.region === region && view(d, now).LatestRestorableTime)
      .map((d) => entry(`arn:aws:rds:${region}:${account}:auto-backup:ab-${d.id}`, d.id, d.engine, 'active', retentionOf(d, now), d.createdAt, undefined, staleHours(d)));
    const replicated = [...s.backups.values()].filter((b) => b.region === region)
      .map((b) => entry(b.arn, b.instanceId, b.engine, 'replicating', b.retention, LONG_AGO, logsUntil(b), staleHours(b)));
    const wanted = [...own, ...replicated].filter((b) =>
      (!input.DBInstanceAutomatedBackupsArn || b.DBInstanceAutomatedBackupsArn === input.DBInstanceAutomatedBackupsArn) &&
      (!input.DBInstanceIdentifier || b.DBInstanceIdentifier === input.DBInstanceIdentifier));
    if (wanted.length === 0 && (input.DBInstanceAutomatedBackupsArn || input.DBInstanceIdentifier)) {
      throw awsError('DBInstanceAutomatedBackupNotFoundFault', `No automated backups found for ${input.DBInstanceAutomatedBackupsArn ?? input.DBInstanceIdentifier}.`, 404);
    }
    return { DBInstanceAutomatedBackups: wanted };
  });
  answer(world, SIM, stub, RestoreDBInstanceToPointInTimeCommand, (input: RestoreDBInstanceToPointInTimeCommandInput, region) => {
    const now = world.now();
    const target = input.TargetDBInstanceIdentifier ?? '';
    // Both: the documented combination error; neither: assumed to be the same error.
    if (Boolean(input.RestoreTime) === Boolean(input.UseLatestRestorableTime)) throw awsError('InvalidParameterCombination', 'Specify exactly one of RestoreTime or UseLatestRestorableTime.');
    const backups = input.SourceDBInstanceAutomatedBackupsArn ? s.backups.get(input.SourceDBInstanceAutomatedBackupsArn) : undefined;
    if (input.SourceDBInstanceAutomatedBackupsArn && backups?.region !== region) {
      throw awsError('DBInstanceAutomatedBackupNotFoundFault', `Automated backups ${input.SourceDBInstanceAutomatedBackupsArn} not found.`, 404);
    }
    const db = backups ? undefined : find(region, input.SourceDBInstanceIdentifier);
    const source = backups
      ? { ...backups, createdAt: LONG_AGO, logsUntil: logsUntil(backups) }
      : db && { engine: db.engine, retention: retentionOf(db, now), createdAt: db.createdAt, logsUntil: undefined, pitrOf: db.pitrOf };
    if (!source) throw notFound(input.SourceDBInstanceIdentifier ?? '');
    if (source.retention === 0) throw awsError('PointInTimeRestoreNotEnabledFault', `Source ${input.SourceDBInstanceIdentifier} has BackupRetentionPeriod 0.`);
    if (find(region, target)) throw awsError('DBInstanceAlreadyExistsFault', `DB instance ${target} already exists.`);
    if (input.VpcSecurityGroupIds) checkGroupsExist(region, input.VpcSecurityGroupIds);
    // UseLatestRestorableTime and the bound on RestoreTime follow the window, frozen for replicated backups cut off by the outage.
    const { EarliestTime, LatestTime } = window(source.retention, source.createdAt, now, source.logsUntil, staleHours(source));
    const time = input.RestoreTime ?? LatestTime;
    if (time > LatestTime || time < EarliestTime) {
      // The exact error is undocumented (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBInstanceToPointInTime.html):
      // the model's InvalidRestoreFault is "Cannot restore from VPC backup to non-VPC DB instance" and
      // PointInTimeRestoreNotEnabledFault is BackupRetentionPeriod 0; probably this unmodeled code.
      throw awsError('InvalidParameterValue', `Restore time ${time.toISOString()} must be between ${EarliestTime.toISOString()} and ${LatestTime.toISOString()}.`);
    }
    const component = world.ownerOf('rds', region, target);
    const ms = world.durationMs('rds.point-in-time-restore', component);
    // Encrypted with the source instance's key (same Region); restored from replicated backups, with a key of its own Region.
    const kmsKeyId = db ? keyOf(db) : undefined;
    const restored: Instance = { id: target, region, arn: `arn:aws:rds:${region}:${account}:db:${target}`, engine: source.engine, createdAt: now + ms,
      retention: input.BackupRetentionPeriod ?? source.retention, replicas: [], groups: input.VpcSecurityGroupIds ?? [DEFAULT_GROUP], restore: { at: now, ms, fails: world.failing(component), restoredTo: time.toISOString() },
      ...(kmsKeyId ? { kmsKeyId } : {}) };
    s.instances.set(instanceKey(region, target), restored);
    return { DBInstance: view(restored, now) };
  });
  answer(world, SIM, stub, DescribeGlobalClustersCommand, (input: DescribeGlobalClustersCommandInput) => {
    const now = world.now();
    const all = input.GlobalClusterIdentifier ? [globalOf(input.GlobalClusterIdentifier)] : [...s.globals.values()];
    return { GlobalClusters: all.map((g) => globalView(g, now)) };
  });
  /**
   * The global databases' member clusters, each in the region of its ARN. The drill's incident takes the
   * primary region's clusters down: a global database's clusters can't be stopped one by one, so a
   * "down" Aurora primary is its region not answering. In a region outage every call there already hangs
   * until the client gives up (service.ts); when only the databases are down (primaryDown without a region
   * outage) this call does the same (an assumption kept from the model above); with the primary-writable
   * fault it answers, available; once the outage ended (World.endRegionOutage), too.
   */
  answer(world, SIM, stub, DescribeDBClustersCommand, async (input: DescribeDBClustersCommandInput, region, client, call) => {
    if (region === world.primary && world.primaryDown && !world.outageOver()) await unanswered(client, `DescribeDBClusters: the Aurora primary in ${region} did not answer`, call.abortSignal);
    const id = input.DBClusterIdentifier;
    const all = clustersIn(region).filter(({ arn }) => !id || arn === id || arn.endsWith(`:cluster:${id}`));
    if (id && all.length === 0) throw awsError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
    const now = world.now();
    return { DBClusters: all.map((c) => clusterView(c, now)) };
  });
  // FailoverGlobalCluster without AllowDataLoss (or with Switchover) is a switchover.
  answer(world, SIM, stub, FailoverGlobalClusterCommand, (input: FailoverGlobalClusterCommandInput) => switchWriter(input, input.AllowDataLoss === true));
  answer(world, SIM, stub, SwitchoverGlobalClusterCommand, (input: SwitchoverGlobalClusterCommandInput) => switchWriter(input, false));

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => {
      applyDrifts(world, s);
      const now = world.now();
      const instances: Record<string, Record<string, unknown>> = {};
      for (const db of s.instances.values()) {
        const v = view(db, now);
        (instances[db.region] ??= {})[db.id] = {
          status: v.DBInstanceStatus, replicaOf: v.ReadReplicaSourceDBInstanceIdentifier ?? null, readReplicas: v.ReadReplicaDBInstanceIdentifiers,
          backupRetentionPeriod: v.BackupRetentionPeriod, latestRestorableTime: v.LatestRestorableTime?.toISOString() ?? null,
          securityGroups: v.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId ?? '') ?? [],
          ...(db.restore ? { restoredTo: db.restore.restoredTo } : {}),
        };
      }
      const globalClusters = Object.fromEntries([...s.globals.values()].map((g) => {
        const state = globalView(g, now).FailoverState?.Status ?? null; // settles first, then the writer is current
        return [g.id, { writer: g.writer, members: g.members, failoverState: state }];
      }));
      return { instances, globalClusters };
    },
  };
}
