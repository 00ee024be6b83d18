import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateDBInstanceReadReplicaCommand,
  DescribeDBClustersCommand,
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  ModifyDBInstanceCommand,
  PromoteReadReplicaCommand,
  RDSClient,
  RestoreDBInstanceToPointInTimeCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recover as auroraGlobalFailover } from '../../../../../shared/components/aurora-global-failover/recover.ts';
import { recover as rdsPointInTimeRestore } from '../../../../../shared/components/rds-point-in-time-restore/recover.ts';
import { recover as rdsReplicaPromotion } from '../../../../../shared/components/rds-replica-promotion/recover.ts';
import type { ActionContext, ActionProgress, RecoveryAction } from '../../../../../shared/components/types.ts';
import { auroraGlobalLagAt, CLOUDWATCH_DURATIONS, replicaLagAt, simulateCloudWatch } from '../../../../../shared/tools/drill/simulator/cloudwatch.ts';
import { databaseSecurityGroupId } from '../../../../../shared/tools/drill/simulator/ec2.ts';
import { auroraMemberOf, databaseKmsKeyArn, RDS_DURATIONS, rdsKmsKeys, rdsStateOf, simulateRds } from '../../../../../shared/tools/drill/simulator/rds.ts';
import { abortSignalTimeoutOnTheClock } from '../../../../../shared/tools/drill/simulator/service.ts';
import { clientConfig } from '../../../../../shared/aws/clients.ts';
import { World, type Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Component, ComponentOf, ComponentType, Plan } from '../../../../../shared/plan/schema.ts';
import { INCIDENT, PRIMARY, SECONDARY, actionContext } from '../../../../support/action-context.ts';

/** The drill starts 10 minutes after the incident (so the latest restorable time is past the restore point). */
const START = new Date(INCIDENT.getTime() + 10 * 60_000);
const TOKYO = `arn:aws:rds:${PRIMARY}:123456789012:cluster:orders-global-${PRIMARY}`;
const OSAKA = `arn:aws:rds:${SECONDARY}:123456789012:cluster:orders-osaka`;
/** What an unplanned Aurora failover records of the writes it gives up: the target's RPO lag in the last minute before the incident. */
const AURORA_RPO_LAG = {
  replicaLagSeconds: auroraGlobalLagAt('orders-osaka', Math.floor(INCIDENT.getTime() / 60_000) - 1) / 1000,
  replicaLagMetric: 'AuroraGlobalDBRPOLag',
  replicaLagNote: null,
  replicaLagSource: 'replication lag lost at the failover (CloudWatch AuroraGlobalDBRPOLag of the target as of the incident)',
};
const BACKUPS_ARN = `arn:aws:rds:${SECONDARY}:123456789012:auto-backup:ab-archive-db-0123456789`;
const seconds = (key: string) => (RDS_DURATIONS[key]?.seconds ?? Number.NaN);
const sleep = (s: number) => new Promise((resolve) => setTimeout(resolve, s * 1000));

const aurora: ComponentOf<'aurora-global-failover'> = {
  checks: [],
  id: 'orders-database', name: 'Orders database (Aurora global)', type: 'aurora-global-failover', timeoutMinutes: 30,
  expectedSeconds: 10, checkIntervalSeconds: 10, params: { globalClusterIdentifier: 'orders-global', targetDbClusterArn: OSAKA },
};
const pitr: ComponentOf<'rds-point-in-time-restore'> = {
  checks: [],
  id: 'reporting-database', name: 'Reporting database (PITR)', type: 'rds-point-in-time-restore', timeoutMinutes: 120, checkIntervalSeconds: 60,
  params: { region: 'secondary', sourceDbInstanceIdentifier: 'reporting-db', targetDbInstanceIdentifier: 'reporting-db-restored', restoreTo: 'before-incident', granularityMinutes: 5, retentionDays: 7 },
};
const archive: ComponentOf<'rds-point-in-time-restore'> = {
  checks: [],
  id: 'archive-database', name: 'Archive database (cross-region PITR)', type: 'rds-point-in-time-restore', timeoutMinutes: 120, checkIntervalSeconds: 60,
  params: { region: 'secondary', sourceDbInstanceAutomatedBackupsArn: BACKUPS_ARN, targetDbInstanceIdentifier: 'archive-db-restored', restoreTo: 'latest', granularityMinutes: 5, retentionDays: 7 },
};

let plan: Plan;
let world: World;
let sims: { restore(): void; snapshot(): Record<string, unknown> }[] = [];

/**
 * The incident has stopped the old primary (the split-brain guard then lets the promotion go ahead); its region
 * still answers unless `regionOutage` (then every call there hangs until the client gives up). A probe's
 * AbortSignal.timeout fires on the simulated clock, as in the drill.
 */
function simulate(faults: Fault[] = [], p: Plan = plan, incidentAt?: Date, regionOutage = false) {
  world = new World(p, {
    durations: { ...RDS_DURATIONS, ...CLOUDWATCH_DURATIONS }, faults, primaryDown: true, regionOutage, ...(incidentAt ? { incidentAt: incidentAt.getTime() } : {}),
  });
  sims = [simulateRds(world), simulateCloudWatch(world), { restore: abortSignalTimeoutOnTheClock(), snapshot: () => ({}) }];
  return world;
}
/** The whole promotion: modifying, the backup it takes (the seeded replica has none), the reboot. */
const promotionSeconds = () => seconds('rds.promote-read-replica') + seconds('rds.promote-read-replica-backup') + seconds('rds.promote-read-replica-reboot');
const component = <T extends ComponentType>(id: string) => plan.components.find((c) => c.id === id) as ComponentOf<T>;
/** A context as the state machine builds it: simulated now, the plan's regions. */
const ctxOf = <T extends ComponentType>(c: ComponentOf<T>, mode: 'planned' | 'unplanned' = 'unplanned', incident = INCIDENT, force = false): ActionContext<T> =>
  actionContext(c, { regions: plan.regions, mode, incidentStartedAt: incident, now: new Date(), force });
const sent = (command: string) => world.calls.filter((c) => c.command === command && !c.error);
const rdsState = () => sims[0]?.snapshot() as { instances: Record<string, Record<string, Record<string, unknown>>>; globalClusters: Record<string, Record<string, unknown>> };
const errorOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: Error) => e.name);

/** Runs the action as the state machine does (start, then a check every nextCheckSeconds) until done. */
async function drive<T extends ComponentType>(action: RecoveryAction<T>, ctx: () => ActionContext<T>, statuses: string[] = [], limitSeconds = 4 * 3600) {
  const t0 = Date.now();
  let progress: ActionProgress = await action.start(ctx());
  while (!progress.done) {
    statuses.push(progress.status);
    await sleep(progress.nextCheckSeconds);
    if (Date.now() - t0 > limitSeconds * 1000) throw new Error(`not done after ${limitSeconds} s: ${progress.status}`);
    progress = await action.check(ctx(), progress.state);
  }
  return { seconds: (Date.now() - t0) / 1000, progress, statuses };
}

describe('simulated RDS and CloudWatch', () => {
  beforeAll(async () => {
    const example = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
    plan = { ...example, components: [...example.components, aurora, pitr, archive] as Component[] };
  });
  afterEach(() => {
    sims.forEach((s) => s.restore());
    sims = [];
  });

  it('seeds the replica pair, the PITR source and the global cluster from the plan', () => {
    simulate();
    const { instances, globalClusters } = rdsState();
    expect(instances[PRIMARY]?.['dataset-db']).toMatchObject({ status: 'stopped', replicaOf: null, readReplicas: [`arn:aws:rds:${SECONDARY}:123456789012:db:dataset-db-osaka`], backupRetentionPeriod: 7 });
    expect(instances[SECONDARY]?.['dataset-db-osaka']).toMatchObject({ status: 'available', replicaOf: `arn:aws:rds:${PRIMARY}:123456789012:db:dataset-db`, backupRetentionPeriod: 0 });
    expect(instances[SECONDARY]?.['reporting-db']).toMatchObject({ status: 'available', backupRetentionPeriod: 7 });
    expect(globalClusters['orders-global']).toEqual({ writer: TOKYO, members: [TOKYO, OSAKA], failoverState: null });
  });

  it('security settings: every database encrypted with its own key of its region, not publicly accessible, on port 5432, in its own security group; a cluster\'s member listed by db-cluster-id', async () => {
    // Prepare
    simulate();
    await withVirtualClock(START, async () => {
      const osaka = new RDSClient({ region: SECONDARY });
      const key = (region: string, id: string) => databaseKmsKeyArn('123456789012', region, id);
      // Act
      const instance = (await osaka.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'dataset-db-osaka' }))).DBInstances?.[0];
      const cluster = (await osaka.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders-osaka' }))).DBClusters?.[0];
      const members = (await osaka.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: ['orders-osaka'] }] }))).DBInstances;
      const byArn = (await osaka.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [OSAKA] }] }))).DBInstances;
      const noCluster = (await osaka.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: ['nope'] }] }))).DBInstances;
      const listed = (await osaka.send(new DescribeDBInstancesCommand({}))).DBInstances?.map((d) => d.DBInstanceIdentifier);
      // Assess
      expect(instance).toMatchObject({
        StorageEncrypted: true, KmsKeyId: key(SECONDARY, 'dataset-db-osaka'), PubliclyAccessible: false, Endpoint: { Port: 5432 },
        VpcSecurityGroups: [{ VpcSecurityGroupId: databaseSecurityGroupId(SECONDARY, 'dataset-db-osaka'), Status: 'active' }],
      });
      expect(key(SECONDARY, 'dataset-db-osaka')).toMatch(new RegExp(`^arn:aws:kms:${SECONDARY}:123456789012:key/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`));
      expect(key(SECONDARY, 'dataset-db-osaka')).not.toBe(key(PRIMARY, 'dataset-db-osaka'));
      expect(cluster).toMatchObject({
        DBClusterIdentifier: 'orders-osaka', StorageEncrypted: true, KmsKeyId: key(SECONDARY, 'orders-osaka'), Port: 5432,
        VpcSecurityGroups: [{ VpcSecurityGroupId: databaseSecurityGroupId(SECONDARY, 'orders-osaka'), Status: 'active' }],
        DBClusterMembers: [{ DBInstanceIdentifier: auroraMemberOf('orders-osaka'), IsClusterWriter: false }],
      });
      expect(members).toEqual([expect.objectContaining({
        DBInstanceIdentifier: auroraMemberOf('orders-osaka'), DBClusterIdentifier: 'orders-osaka', PubliclyAccessible: false, StorageEncrypted: true,
        KmsKeyId: key(SECONDARY, 'orders-osaka'), Endpoint: expect.objectContaining({ Port: 5432 }),
      })]);
      expect(byArn).toEqual(members);
      expect(noCluster).toEqual([]);
      // The Aurora members are listed through the filter only: the plain list is the standalone instances, as before.
      expect(listed).not.toContain(auroraMemberOf('orders-osaka'));
      // Every key kms.ts must know: each instance's and each cluster's.
      expect(rdsKmsKeys(world)).toEqual(expect.arrayContaining([key(SECONDARY, 'dataset-db-osaka'), key(PRIMARY, 'dataset-db'), key(SECONDARY, 'orders-osaka'), key(PRIMARY, `orders-global-${PRIMARY}`)]));
    });
  });

  it('db-cluster-id in the primary region does not answer while the incident keeps its Aurora clusters down', async () => {
    simulate();
    await withVirtualClock(START, async () => {
      const tokyo = new RDSClient(clientConfig(RDSClient, PRIMARY));
      expect(await errorOf(tokyo.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [TOKYO] }] })))).toBe('TimeoutError');
      world.endRegionOutage();
      const members = (await tokyo.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [TOKYO] }] }))).DBInstances;
      expect(members?.map((m) => [m.DBInstanceIdentifier, m.DBClusterIdentifier])).toEqual([[auroraMemberOf(`orders-global-${PRIMARY}`), `orders-global-${PRIMARY}`]]);
    });
  });

  describe('rds-replica-promotion', () => {
    const core = () => component<'rds-replica-promotion'>('core-database');

    it('promotes the replica: modifying, backing-up, rebooting, then available and no longer a replica', async () => {
      simulate();
      const statuses: string[] = [];
      const result = await withVirtualClock(START, () => drive(rdsReplicaPromotion, () => ctxOf(core()), statuses));
      const d = promotionSeconds();
      // Checked every 30 s after the expected 540 s: the backup and the reboot are seen, each until it is over.
      expect([...new Set(statuses.slice(1).map((s) => s.split(',')[0]))]).toEqual(['backing-up', 'rebooting']);
      expect(result.seconds).toBeGreaterThanOrEqual(d);
      expect(result.seconds).toBeLessThan(d + core().checkIntervalSeconds);
      expect(result.progress.status).toBe('promoted: available, no longer a replica; old primary stopped');
      // The drill's incident stopped the old primary: fenced, one writer, no fencing command needed.
      expect(result.progress.observations).toMatchObject({ oldPrimary: 'stopped', writers: 1, fencing: 'stop' });
      expect(sent('StopDBInstance')).toEqual([]);
      // The lag read before promoting (unplanned: as of the incident) is the series' newest complete minute before the incident.
      const newest = Math.floor(INCIDENT.getTime() / 60_000) - 1;
      expect(result.progress.observations).toMatchObject({ replicaLagSeconds: replicaLagAt('dataset-db-osaka', newest), replicaLagNote: null });
      expect(sent('PromoteReadReplica')[0]?.input).toEqual({ DBInstanceIdentifier: 'dataset-db-osaka', BackupRetentionPeriod: 7 });
      await withVirtualClock(new Date(START.getTime() + result.seconds * 1000), async () => {
        const { instances } = rdsState();
        expect(instances[SECONDARY]?.['dataset-db-osaka']).toMatchObject({ status: 'available', replicaOf: null, backupRetentionPeriod: 7 });
        expect(instances[PRIMARY]?.['dataset-db']).toMatchObject({ readReplicas: [] });
      });
    });

    it('never sends a second PromoteReadReplica when start runs again, during or after the promotion', async () => {
      simulate();
      await withVirtualClock(START, async () => {
        await rdsReplicaPromotion.start(ctxOf(core()));
        await sleep(60);
        expect(await rdsReplicaPromotion.start(ctxOf(core()))).toMatchObject({ done: false, status: expect.stringContaining('modifying') });
        await sleep(promotionSeconds());
        expect(await rdsReplicaPromotion.start(ctxOf(core()))).toMatchObject({ done: true });
      });
      expect(sent('PromoteReadReplica')).toHaveLength(1);
    });

    it('answers AWS\'s errors: promoting a non-replica, an unknown instance, a replica twice', async () => {
      simulate();
      await withVirtualClock(START, async () => {
        const osaka = new RDSClient({ region: SECONDARY });
        const tokyo = new RDSClient({ region: PRIMARY });
        expect(await errorOf(tokyo.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'dataset-db' })))).toBe('InvalidDBInstanceStateFault');
        expect(await errorOf(osaka.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'nope' })))).toBe('DBInstanceNotFoundFault');
        // The replica lives in the secondary region only.
        expect(await errorOf(tokyo.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'dataset-db-osaka' })))).toBe('DBInstanceNotFoundFault');
        await osaka.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'dataset-db-osaka' }));
        expect(await errorOf(osaka.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'dataset-db-osaka' })))).toBe('InvalidDBInstanceStateFault');
      });
      const unknown = { ...core(), params: { ...core().params, replicaDbInstanceIdentifier: 'nope' } };
      expect(await errorOf(withVirtualClock(START, () => rdsReplicaPromotion.start(ctxOf(unknown))))).toBe('ResourceNotFoundError');
    });

    it('takes factor times longer with a slow fault', async () => {
      simulate([{ kind: 'slow', component: 'core-database', factor: 2 }]);
      const result = await withVirtualClock(START, () => drive(rdsReplicaPromotion, () => ctxOf(core())));
      expect(result.seconds).toBeGreaterThanOrEqual(2 * promotionSeconds());
      expect(result.seconds).toBeLessThan(2 * promotionSeconds() + core().checkIntervalSeconds);
    });

    it('fails closed with a fail fault: the instance ends failed and the action raises ActionFailedError', async () => {
      simulate([{ kind: 'fail', component: 'core-database' }]);
      expect(await errorOf(withVirtualClock(START, () => drive(rdsReplicaPromotion, () => ctxOf(core()))))).toBe('ActionFailedError');
      await withVirtualClock(new Date(START.getTime() + 3600_000), async () => {
        expect(rdsState().instances[SECONDARY]?.['dataset-db-osaka']).toMatchObject({ status: 'failed' });
      });
    });

    it('throttles the first N RDS attempts with Throttling (the SDK tries each call 3 times), which the action reports as AwsThrottlingError', async () => {
      simulate([{ kind: 'throttle', service: 'rds', calls: 6 }]);
      await withVirtualClock(START, async () => {
        expect(await errorOf(rdsReplicaPromotion.start(ctxOf(core())))).toBe('AwsThrottlingError');
        expect(await errorOf(rdsReplicaPromotion.start(ctxOf(core())))).toBe('AwsThrottlingError');
        expect(await rdsReplicaPromotion.start(ctxOf(core()))).toMatchObject({ done: false });
      });
      expect(world.calls.filter((c) => c.service === 'rds').map((c) => c.error ?? c.command)).toEqual([
        ...Array.from({ length: 6 }, () => 'Throttling'), 'DescribeDBInstances', 'DescribeDBInstances', 'PromoteReadReplica',
      ]);
    });

    it('goes through modifying, backing-up (the promotion turns backups on) and rebooting before it is available', async () => {
      // Prepare
      simulate();
      const [modifying, backup, reboot] = ['rds.promote-read-replica', 'rds.promote-read-replica-backup', 'rds.promote-read-replica-reboot'].map(seconds) as [number, number, number];
      await withVirtualClock(START, async () => {
        const osaka = new RDSClient({ region: SECONDARY });
        const seen = async () => {
          const db = (await osaka.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'dataset-db-osaka' }))).DBInstances?.[0];
          return { status: db?.DBInstanceStatus, source: db?.ReadReplicaSourceDBInstanceIdentifier ?? null, retention: db?.BackupRetentionPeriod, restorable: db?.LatestRestorableTime !== undefined };
        };
        const source = `arn:aws:rds:${PRIMARY}:123456789012:db:dataset-db`;
        // Act
        const answer = await osaka.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'dataset-db-osaka', BackupRetentionPeriod: 7 }));
        const phases = [await seen()];
        for (const wait of [modifying - 1, 1, backup - 1, 1, reboot - 1, 1]) {
          await sleep(wait);
          phases.push(await seen());
        }
        // Assess: the answer shows modifying (the AWS example); backups are on, and restorable only once the promotion is over.
        expect(answer.DBInstance?.DBInstanceStatus).toBe('modifying');
        expect(phases).toEqual([
          { status: 'modifying', source, retention: 0, restorable: false },
          { status: 'modifying', source, retention: 0, restorable: false },
          { status: 'backing-up', source: null, retention: 7, restorable: false },
          { status: 'backing-up', source: null, retention: 7, restorable: false },
          { status: 'rebooting', source: null, retention: 7, restorable: false },
          { status: 'rebooting', source: null, retention: 7, restorable: false },
          { status: 'available', source: null, retention: 7, restorable: true },
        ]);
      });
    });

    it('takes no backup when the promotion leaves backups off (BackupRetentionPeriod 0): modifying, rebooting, available', async () => {
      simulate();
      await withVirtualClock(START, async () => {
        const osaka = new RDSClient({ region: SECONDARY });
        const status = async () => (await osaka.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'dataset-db-osaka' }))).DBInstances?.[0]?.DBInstanceStatus;
        await osaka.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'dataset-db-osaka', BackupRetentionPeriod: 0 }));
        await sleep(seconds('rds.promote-read-replica'));
        expect(await status()).toBe('rebooting');
        await sleep(seconds('rds.promote-read-replica-reboot'));
        expect(await status()).toBe('available');
      });
    });

    it('region outage: the old primary does not answer, each read of it ends at its 5 s bound; promoted with the lag grown since the incident', async () => {
      // Prepare: the incident (10 min before START) took the whole primary region down.
      simulate([], plan, INCIDENT, true);
      // Act
      const result = await withVirtualClock(START, () => drive(rdsReplicaPromotion, () => ctxOf(core())));
      // Assess: one probe before promoting and one after (5 s each: an attempt timed out at 3 s, the SDK's
      // retry aborted at 5 s), never a fencing command.
      const probes = world.calls.filter((c) => c.region === PRIMARY);
      expect(probes.map((c) => `${c.command} ${c.error ?? ''}`)).toEqual([
        'DescribeDBInstances TimeoutError', 'DescribeDBInstances AbortError', 'DescribeDBInstances TimeoutError', 'DescribeDBInstances AbortError',
      ]);
      expect(sent('PromoteReadReplica')[0]?.at).toBe(new Date(START.getTime() + 5000).toISOString());
      expect(result.progress.observations).toMatchObject({ oldPrimary: 'unreachable', writers: 1 });
      // PostgreSQL's ReplicaLag (now - last replayed commit) grows from the incident on, by 600 s at the promotion: the action
      // reads it as of the incident (lagAsOf), so the lag recorded is what was lost, not the time since.
      expect(result.progress.observations).toMatchObject({ replicaLagSeconds: replicaLagAt('dataset-db-osaka', Math.floor(INCIDENT.getTime() / 60_000) - 1) });
      expect(result.seconds).toBeGreaterThanOrEqual(5 + promotionSeconds() + 5);
      expect(result.seconds).toBeLessThan(5 + promotionSeconds() + 5 + core().checkIntervalSeconds);
      expect(sent('StopDBInstance')).toEqual([]);
    });
  });

  describe('CloudWatch ReplicaLag', () => {
    it('answers minute-aligned datapoints newest first, and none once the promotion started', async () => {
      simulate();
      const query = (start: Date, end: Date, id = 'dataset-db-osaka') => new GetMetricDataCommand({
        StartTime: start, EndTime: end,
        MetricDataQueries: [{ Id: 'lag', MetricStat: { Metric: { Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: id }] }, Period: 60, Stat: 'Maximum' } }],
      });
      await withVirtualClock(START, async () => {
        const cw = new CloudWatchClient({ region: SECONDARY });
        const before = (await cw.send(query(new Date(START.getTime() - 5 * 60_000 - 30_000), START))).MetricDataResults?.[0];
        const minute = START.getTime() / 60_000;
        expect(before?.Timestamps).toEqual([1, 2, 3, 4, 5].map((m) => new Date((minute - m) * 60_000)));
        expect(before?.Values).toEqual([1, 2, 3, 4, 5].map((m) => replicaLagAt('dataset-db-osaka', minute - m)));
        expect(before?.Values?.every((v) => v >= 1 && v <= 4)).toBe(true);
        expect((await cw.send(query(new Date(START.getTime() - 600_000), START, 'dataset-db'))).MetricDataResults?.[0]?.Values).toEqual([]);
        await new RDSClient({ region: SECONDARY }).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'dataset-db-osaka' }));
        await sleep(600);
        const after = (await cw.send(query(new Date(Date.now() - 300_000), new Date()))).MetricDataResults?.[0];
        expect(after).toMatchObject({ Id: 'lag', StatusCode: 'Complete', Timestamps: [], Values: [] });
      });
    });

    const lagQuery = (metric: 'ReplicaLag' | 'AuroraGlobalDBReplicationLag', id: string, start: Date, end: Date) => new GetMetricDataCommand({
      StartTime: start, EndTime: end, ScanBy: 'TimestampAscending',
      MetricDataQueries: [{
        Id: 'lag',
        MetricStat: { Metric: { Namespace: 'AWS/RDS', MetricName: metric, Dimensions: [{ Name: metric === 'ReplicaLag' ? 'DBInstanceIdentifier' : 'DBClusterIdentifier', Value: id }] }, Period: 60, Stat: 'Maximum' },
      }],
    });

    it('source down since the incident: a PostgreSQL replica\'s ReplicaLag grows with the time since it (a MySQL one reports -1)', async () => {
      // Prepare: the incident 10 min before START stopped the source.
      simulate([], plan, INCIDENT);
      const incidentMinute = INCIDENT.getTime() / 60_000;
      const lag0 = replicaLagAt('dataset-db-osaka', incidentMinute);
      await withVirtualClock(START, async () => {
        const cw = new CloudWatchClient({ region: SECONDARY });
        // Act
        const postgres = (await cw.send(lagQuery('ReplicaLag', 'dataset-db-osaka', new Date(INCIDENT.getTime() - 2 * 60_000), START))).MetricDataResults?.[0];
        rdsStateOf(world)!.instances.get(`${SECONDARY}/dataset-db-osaka`)!.engine = 'mysql';
        const mysql = (await cw.send(lagQuery('ReplicaLag', 'dataset-db-osaka', new Date(INCIDENT.getTime() - 2 * 60_000), START))).MetricDataResults?.[0];
        // Assess: steady before the incident; each minute after it, the largest value (the minute's end) one minute higher.
        // The newest readable minute is the one before START (a minute's datapoint is readable once it is over).
        expect(postgres?.Timestamps).toEqual([-2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((m) => new Date((incidentMinute + m) * 60_000)));
        expect(postgres?.Values).toEqual([
          replicaLagAt('dataset-db-osaka', incidentMinute - 2), replicaLagAt('dataset-db-osaka', incidentMinute - 1),
          ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((m) => lag0 + 60 * m),
        ]);
        expect(mysql?.Values).toEqual([replicaLagAt('dataset-db-osaka', incidentMinute - 2), replicaLagAt('dataset-db-osaka', incidentMinute - 1), ...Array<number>(10).fill(-1)]);
      });
    });

    it('with the primary writable (primary-writable fault), replication goes on: the lag stays small', async () => {
      simulate([{ kind: 'primary-writable' }], plan, INCIDENT);
      await withVirtualClock(START, async () => {
        const out = await new CloudWatchClient({ region: SECONDARY }).send(lagQuery('ReplicaLag', 'dataset-db-osaka', INCIDENT, START));
        expect(out.MetricDataResults?.[0]?.Values?.every((v) => v >= 1 && v <= 4)).toBe(true);
      });
    });

    it('AuroraGlobalDBReplicationLag of the secondary cluster: sub-second before the incident, missing once the primary is down, none for the writer', async () => {
      simulate([], plan, INCIDENT);
      await withVirtualClock(START, async () => {
        const cw = new CloudWatchClient({ region: SECONDARY });
        const read = async (id: string, region = SECONDARY) =>
          (await new CloudWatchClient({ region }).send(lagQuery('AuroraGlobalDBReplicationLag', id, new Date(INCIDENT.getTime() - 3 * 60_000), START))).MetricDataResults?.[0];
        const secondary = await read('orders-osaka');
        expect(secondary?.Timestamps).toEqual([3, 2, 1].map((m) => new Date(INCIDENT.getTime() - m * 60_000)));
        expect(secondary?.Values?.every((v) => v >= 100 && v <= 400)).toBe(true);
        expect((await read(`orders-global-${PRIMARY}`, PRIMARY))?.Values ?? []).toEqual([]);
        expect((await cw.send(lagQuery('AuroraGlobalDBReplicationLag', 'orders-osaka', INCIDENT, START))).MetricDataResults?.[0]?.Values).toEqual([]);
      });
    });
  });

  describe('rds-point-in-time-restore', () => {
    it('restores to the grid point before the incident: creating, then available after rds.point-in-time-restore', async () => {
      simulate();
      const result = await withVirtualClock(START, () => drive(rdsPointInTimeRestore, () => ctxOf(pitr)));
      const d = seconds('rds.point-in-time-restore');
      expect(result.seconds).toBeGreaterThanOrEqual(d);
      expect(result.seconds).toBeLessThan(d + pitr.checkIntervalSeconds);
      expect(result.progress.observations).toMatchObject({ restoredTo: '2026-11-29T00:55:00.000Z', endpointAddress: expect.stringContaining('reporting-db-restored') });
      expect(sent('RestoreDBInstanceToPointInTime')[0]?.input).toMatchObject({ SourceDBInstanceIdentifier: 'reporting-db', RestoreTime: new Date('2026-11-29T00:55:00.000Z') });
      await withVirtualClock(new Date(START.getTime() + d * 1000), async () => {
        expect(rdsState().instances[SECONDARY]?.['reporting-db-restored']).toMatchObject({ status: 'available', restoredTo: '2026-11-29T00:55:00.000Z' });
        // start again: the target exists, no second restore.
        expect(await rdsPointInTimeRestore.start(ctxOf(pitr))).toMatchObject({ done: true });
      });
      expect(sent('RestoreDBInstanceToPointInTime')).toHaveLength(1);
    });

    it('restores replicated automated backups to the latest restorable time, never past the incident', async () => {
      // Prepare: a world without a region outage: the backups' latest restorable time (START less the lag) is after the incident.
      simulate();
      // Act
      const result = await withVirtualClock(START, () => drive(rdsPointInTimeRestore, () => ctxOf(archive)));
      // Assess
      expect(result.seconds).toBe(seconds('rds.point-in-time-restore'));
      expect(sent('RestoreDBInstanceToPointInTime')[0]?.input).toEqual({ TargetDBInstanceIdentifier: 'archive-db-restored', SourceDBInstanceAutomatedBackupsArn: BACKUPS_ARN, RestoreTime: INCIDENT });
      expect(result.progress.observations).toMatchObject({ restoredTo: INCIDENT.toISOString(), dataLossSeconds: 0 });
    });

    it('region outage: the replicated backups\' window freezes at the incident less rds.latest-restorable-time-lag; a later RestoreTime is refused', async () => {
      // Prepare: the drill's incident took the primary region (the backups' source) down.
      simulate([], plan, INCIDENT);
      const lag = seconds('rds.latest-restorable-time-lag') * 1000;
      const frozen = new Date(INCIDENT.getTime() - lag);
      const later = new Date(START.getTime() + 2 * 3600_000);
      await withVirtualClock(later, async () => {
        const osaka = new RDSClient({ region: SECONDARY });
        const restore = (input: Record<string, unknown>) =>
          errorOf(osaka.send(new RestoreDBInstanceToPointInTimeCommand({ SourceDBInstanceAutomatedBackupsArn: BACKUPS_ARN, TargetDBInstanceIdentifier: 'archive-db-restored', ...input })));
        // Act
        const backups = await osaka.send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceAutomatedBackupsArn: BACKUPS_ARN }));
        const sameRegion = await osaka.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'reporting-db' }));
        // Assess: frozen hours later; the same-region source, up, still ships its logs.
        expect(backups.DBInstanceAutomatedBackups?.[0]?.RestoreWindow).toEqual({ EarliestTime: new Date(later.getTime() - 7 * 86_400_000), LatestTime: frozen });
        expect(sameRegion.DBInstances?.[0]?.LatestRestorableTime).toEqual(new Date(later.getTime() - lag));
        expect(await restore({ RestoreTime: new Date(frozen.getTime() + 1000) })).toBe('InvalidParameterValue');
        expect(await restore({ UseLatestRestorableTime: true })).toBe('no error');
        expect(rdsState().instances[SECONDARY]?.['archive-db-restored']).toMatchObject({ status: 'creating', restoredTo: frozen.toISOString() });
      });
    });

    it('region outage with the primary writable (primary-writable fault): the replicated backups\' window still moves', async () => {
      simulate([{ kind: 'primary-writable' }], plan, INCIDENT);
      await withVirtualClock(START, async () => {
        const backups = await new RDSClient({ region: SECONDARY }).send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceAutomatedBackupsArn: BACKUPS_ARN }));
        expect(backups.DBInstanceAutomatedBackups?.[0]?.RestoreWindow?.LatestTime).toEqual(new Date(START.getTime() - seconds('rds.latest-restorable-time-lag') * 1000));
      });
    });

    it('region outage, before-incident: restores at once to the newest grid point of the frozen window, done after rds.point-in-time-restore', async () => {
      // Prepare: incident at 01:02: the grid point before it is 01:00, the frozen window ends at 00:57.
      const incident = new Date(INCIDENT.getTime() + 2 * 60_000);
      simulate([], plan, incident);
      const crossRegion = { ...archive, params: { ...archive.params, restoreTo: 'before-incident' as const } };
      const statuses: string[] = [];
      // Act
      const result = await withVirtualClock(START, () => drive(rdsPointInTimeRestore, () => ctxOf(crossRegion, 'unplanned', incident), statuses));
      // Assess: no wait for logs; the restore is the whole duration.
      expect(result.seconds).toBe(seconds('rds.point-in-time-restore'));
      expect(sent('RestoreDBInstanceToPointInTime')).toHaveLength(1);
      expect(sent('RestoreDBInstanceToPointInTime')[0]?.input).toMatchObject({ RestoreTime: new Date('2026-11-29T00:55:00.000Z') });
      expect(statuses[0]).toContain('logs stop at the incident: restored to 2026-11-29T00:55:00.000Z, 7 min before the incident');
      expect(result.progress.observations).toMatchObject({ restoredTo: '2026-11-29T00:55:00.000Z', dataLossSeconds: 420, latestRestorableTime: '2026-11-29T00:57:00.000Z' });
    });

    it('answers AWS\'s errors: restore time outside the window, both time options, an existing target, unknown sources', async () => {
      simulate();
      const lag = seconds('rds.latest-restorable-time-lag') * 1000;
      await withVirtualClock(START, async () => {
        const osaka = new RDSClient({ region: SECONDARY });
        const restore = (input: Record<string, unknown>) =>
          errorOf(osaka.send(new RestoreDBInstanceToPointInTimeCommand({ SourceDBInstanceIdentifier: 'reporting-db', TargetDBInstanceIdentifier: 'x', ...input })));
        expect(await restore({ RestoreTime: new Date(START.getTime() - lag + 1000) })).toBe('InvalidParameterValue');
        expect(await restore({ RestoreTime: new Date(START.getTime() - 8 * 86_400_000) })).toBe('InvalidParameterValue');
        expect(await restore({ RestoreTime: new Date(START.getTime() - lag), UseLatestRestorableTime: true })).toBe('InvalidParameterCombination');
        expect(await restore({ UseLatestRestorableTime: true, TargetDBInstanceIdentifier: 'reporting-db' })).toBe('DBInstanceAlreadyExistsFault');
        expect(await restore({ UseLatestRestorableTime: true, SourceDBInstanceIdentifier: 'nope' })).toBe('DBInstanceNotFoundFault');
        expect(await restore({ UseLatestRestorableTime: true, SourceDBInstanceIdentifier: undefined, SourceDBInstanceAutomatedBackupsArn: `${BACKUPS_ARN}x` }))
          .toBe('DBInstanceAutomatedBackupNotFoundFault');
        // A read replica without backups can't be a PITR source.
        expect(await restore({ UseLatestRestorableTime: true, SourceDBInstanceIdentifier: 'dataset-db-osaka' })).toBe('PointInTimeRestoreNotEnabledFault');
        expect(await restore({ RestoreTime: new Date(START.getTime() - lag) })).toBe('no error');
      });
      // An incident older than the retention window: the action refuses before asking RDS.
      const old = new Date(START.getTime() - 10 * 86_400_000);
      expect(await errorOf(withVirtualClock(START, () => rdsPointInTimeRestore.start(ctxOf(pitr, 'unplanned', old))))).toBe('ActionFailedError');
      expect(sent('RestoreDBInstanceToPointInTime')).toHaveLength(1);
    });

    it('is slowed by a slow fault and ends in restore-error with a fail fault', async () => {
      simulate([{ kind: 'slow', component: 'reporting-database', factor: 1.5 }, { kind: 'fail', component: 'archive-database' }]);
      const slow = await withVirtualClock(START, () => drive(rdsPointInTimeRestore, () => ctxOf(pitr)));
      expect(slow.seconds).toBeGreaterThanOrEqual(1.5 * seconds('rds.point-in-time-restore'));
      expect(slow.seconds).toBeLessThan(1.5 * seconds('rds.point-in-time-restore') + pitr.checkIntervalSeconds);
      expect(await errorOf(withVirtualClock(START, () => drive(rdsPointInTimeRestore, () => ctxOf(archive))))).toBe('ActionFailedError');
      await withVirtualClock(new Date(START.getTime() + 2 * 3600_000), async () => {
        expect(rdsState().instances[SECONDARY]?.['archive-db-restored']).toMatchObject({ status: 'restore-error' });
      });
    });
  });

  describe('aurora-global-failover', () => {
    it('fails over (unplanned): pending, failing-over, then the target is the writer after rds.aurora-global-failover', async () => {
      simulate();
      const result = await withVirtualClock(START, () => drive(auroraGlobalFailover, () => ctxOf(aurora)));
      const d = seconds('rds.aurora-global-failover');
      expect(result.seconds).toBeGreaterThanOrEqual(d);
      expect(result.seconds).toBeLessThan(d + aurora.checkIntervalSeconds);
      expect(result.statuses).toEqual(expect.arrayContaining(['failover requested', 'failing-over toward the target']));
      // The drill's incident takes the primary region's Aurora down: the guard's read of the old writer is not answered,
      // and its 5 s abortSignal ends it (before the client's own timeouts would).
      expect(result.progress.observations).toEqual({ operation: 'failover', dataLossAllowed: true, oldWriter: 'unreachable', writers: 1, ...AURORA_RPO_LAG });
      // An attempt timed out at 3 s; the SDK's retry was aborted at 5 s.
      expect(world.calls.filter((c) => c.command === 'DescribeDBClusters').map((c) => [c.region, (c.input as { DBClusterIdentifier: string }).DBClusterIdentifier, c.error])).toEqual([
        [PRIMARY, TOKYO, 'TimeoutError'], [PRIMARY, TOKYO, 'AbortError'],
      ]);
      expect(world.calls.find((c) => c.command === 'FailoverGlobalCluster')?.at).toBe(new Date(START.getTime() + 5000).toISOString());
      expect(sent('FailoverGlobalCluster')[0]?.input).toEqual({ GlobalClusterIdentifier: 'orders-global', TargetDbClusterIdentifier: OSAKA, AllowDataLoss: true });
      await withVirtualClock(new Date(START.getTime() + result.seconds * 1000), async () => {
        expect(rdsState().globalClusters['orders-global']).toMatchObject({ writer: OSAKA, failoverState: null });
        expect(await auroraGlobalFailover.start(ctxOf(aurora))).toMatchObject({ done: true });
      });
      expect(sent('FailoverGlobalCluster')).toHaveLength(1);
    });

    it('switches over (planned) after rds.aurora-global-switchover, showing pending then switching-over', async () => {
      simulate();
      await withVirtualClock(START, async () => {
        const first = await auroraGlobalFailover.start(ctxOf(aurora, 'planned'));
        expect(first.status).toBe('switchover requested');
        const rds = new RDSClient({ region: SECONDARY });
        const state = async () => (await rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'orders-global' }))).GlobalClusters?.[0]?.FailoverState?.Status;
        expect(await state()).toBe('pending');
        await sleep(seconds('rds.aurora-global-switchover') / 2);
        expect(await state()).toBe('switching-over');
        // A re-run while switching: no second operation.
        expect(await auroraGlobalFailover.start(ctxOf(aurora, 'planned'))).toMatchObject({ done: false, status: 'switching-over toward the target' });
        await sleep(seconds('rds.aurora-global-switchover') / 2);
        expect(await state()).toBeUndefined();
        expect(await auroraGlobalFailover.check(ctxOf(aurora, 'planned'), first.state)).toMatchObject({ done: true });
      });
      expect(sent('SwitchoverGlobalCluster')).toHaveLength(1);
    });

    it('answers AWS\'s errors: both flags, unknown cluster or member, an operation already in flight', async () => {
      simulate();
      await withVirtualClock(START, async () => {
        const rds = new RDSClient({ region: SECONDARY });
        const failover = (input: Record<string, unknown>) =>
          errorOf(rds.send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: 'orders-global', TargetDbClusterIdentifier: OSAKA, ...input })));
        expect(await failover({ AllowDataLoss: true, Switchover: true })).toBe('InvalidParameterCombination');
        expect(await failover({ GlobalClusterIdentifier: 'nope' })).toBe('GlobalClusterNotFoundFault');
        expect(await failover({ TargetDbClusterIdentifier: `${OSAKA}x` })).toBe('DBClusterNotFoundFault');
        expect(await failover({ TargetDbClusterIdentifier: TOKYO })).toBe('InvalidDBClusterStateFault');
        expect(await failover({ AllowDataLoss: true })).toBe('no error');
        expect(await failover({ AllowDataLoss: true })).toBe('InvalidGlobalClusterStateFault');
      });
    });

    it('is slowed by a slow fault; a fail fault cancels it and the action raises ActionFailedError', async () => {
      simulate([{ kind: 'slow', component: 'orders-database', factor: 3 }]);
      const slow = await withVirtualClock(START, () => drive(auroraGlobalFailover, () => ctxOf(aurora)));
      expect(slow.seconds).toBeGreaterThanOrEqual(3 * seconds('rds.aurora-global-failover'));
      expect(slow.seconds).toBeLessThan(3 * seconds('rds.aurora-global-failover') + aurora.checkIntervalSeconds);
      sims.forEach((s) => s.restore());
      simulate([{ kind: 'fail', component: 'orders-database' }]);
      // Checked every 5 s so the short `cancelling` phase (the operation's last tenth) is seen.
      const often = { ...aurora, expectedSeconds: 5, checkIntervalSeconds: 5 };
      const statuses: string[] = [];
      const failed = withVirtualClock(START, () => drive(auroraGlobalFailover, () => ctxOf(often), statuses));
      expect(await errorOf(failed)).toBe('ActionFailedError');
      expect(statuses).toContain('cancelling toward the target');
      await withVirtualClock(new Date(START.getTime() + 3600_000), async () => {
        expect(rdsState().globalClusters['orders-global']).toMatchObject({ writer: TOKYO, failoverState: null });
      });
    });

    it('throttles with Throttling, which the action reports as AwsThrottlingError once the SDK\'s 3 attempts are throttled', async () => {
      simulate([{ kind: 'throttle', service: 'rds', calls: 3 }]);
      await withVirtualClock(START, async () => {
        expect(await errorOf(auroraGlobalFailover.start(ctxOf(aurora)))).toBe('AwsThrottlingError');
        expect(await auroraGlobalFailover.start(ctxOf(aurora))).toMatchObject({ status: 'failover requested' });
      });
    });
  });

  describe('fencing the old primary: StopDBInstance, ModifyDBInstance (security groups), DescribeDBClusters', () => {
    const ISOLATION = ['sg-0123456789abcdef0', 'sg-0fedcba9876543210'];
    const WRITABLE: Fault[] = [{ kind: 'primary-writable' }];
    /** The plan with core-database fenced this way. */
    const fencedWith = (fencing: ComponentOf<'rds-replica-promotion'>['params']['fencing']) => ({
      ...plan,
      components: plan.components.map((c) => (c.id === 'core-database' ? { ...c, params: { ...c.params, fencing } } : c)) as Component[],
    });
    const coreOf = (p: Plan) => p.components.find((c) => c.id === 'core-database') as ComponentOf<'rds-replica-promotion'>;

    it('StopDBInstance: stopping, then stopped after rds.stop-instance; refused for a replica, an instance with replicas, or one not available', async () => {
      simulate(WRITABLE);
      await withVirtualClock(START, async () => {
        const tokyo = new RDSClient({ region: PRIMARY });
        const osaka = new RDSClient({ region: SECONDARY });
        const stop = (client: RDSClient, id: string) => errorOf(client.send(new StopDBInstanceCommand({ DBInstanceIdentifier: id })));
        const status = async () => (await tokyo.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'dataset-db' }))).DBInstances?.[0]?.DBInstanceStatus;
        expect(await stop(osaka, 'dataset-db-osaka')).toBe('InvalidDBInstanceStateFault'); // a read replica
        expect(await stop(tokyo, 'dataset-db')).toBe('InvalidDBInstanceStateFault'); // it has a read replica
        expect(await stop(tokyo, 'nope')).toBe('DBInstanceNotFoundFault');
        await osaka.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'dataset-db-osaka' }));
        await sleep(seconds('rds.promote-read-replica'));
        expect(await stop(tokyo, 'dataset-db')).toBe('no error');
        expect(await status()).toBe('stopping');
        expect(await stop(tokyo, 'dataset-db')).toBe('InvalidDBInstanceStateFault'); // not available
        await sleep(seconds('rds.stop-instance'));
        expect(await status()).toBe('stopped');
        expect(rdsState().instances[PRIMARY]?.['dataset-db']).toMatchObject({ status: 'stopped' });
      });
    });

    it('ModifyDBInstance: the security groups change after rds.modify-security-groups, reported active; other changes are refused', async () => {
      // The plan's isolation groups exist in the primary region (seeded from fencing.isolationSecurityGroupIds).
      simulate(WRITABLE, fencedWith({ method: 'isolate', isolationSecurityGroupIds: ISOLATION }));
      await withVirtualClock(START, async () => {
        const tokyo = new RDSClient({ region: PRIMARY });
        const groups = async () => (await tokyo.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'dataset-db' }))).DBInstances?.[0]?.VpcSecurityGroups;
        // The seeded database is in its own group (the one simulated EC2 describes).
        const own = [{ VpcSecurityGroupId: databaseSecurityGroupId(PRIMARY, 'dataset-db'), Status: 'active' }];
        expect(await groups()).toEqual(own);
        await tokyo.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'dataset-db', VpcSecurityGroupIds: ISOLATION, ApplyImmediately: true }));
        expect(await groups()).toEqual(own);
        await sleep(seconds('rds.modify-security-groups'));
        expect(await groups()).toEqual(ISOLATION.map((id) => ({ VpcSecurityGroupId: id, Status: 'active' })));
        expect(rdsState().instances[PRIMARY]?.['dataset-db']).toMatchObject({ status: 'available', securityGroups: ISOLATION });
        expect(await errorOf(tokyo.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'dataset-db', DBInstanceClass: 'db.r6g.xlarge' })))).toBe('UnsupportedBySimulator');
        expect(await errorOf(tokyo.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'dataset-db', VpcSecurityGroupIds: [] })))).toBe('InvalidParameterValue');
        expect(await errorOf(tokyo.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'nope', VpcSecurityGroupIds: ISOLATION })))).toBe('DBInstanceNotFoundFault');
      });
    });

    it('a security group the account does not have is refused as RDS does (InvalidParameterValue), for ModifyDBInstance and a restore', async () => {
      // Prepare: the plan fences by stopping, so it names no isolation groups: none of ISOLATION exists.
      simulate(WRITABLE);
      await withVirtualClock(START, async () => {
        const tokyo = new RDSClient({ region: PRIMARY });
        // Act
        const modify = await tokyo.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'dataset-db', VpcSecurityGroupIds: ISOLATION, ApplyImmediately: true })).catch((e: Error) => e);
        const restore = await new RDSClient({ region: SECONDARY }).send(new RestoreDBInstanceToPointInTimeCommand({
          SourceDBInstanceIdentifier: 'reporting-db', TargetDBInstanceIdentifier: 'x', UseLatestRestorableTime: true, VpcSecurityGroupIds: ['sg-0simulated', ISOLATION[0]!],
        })).catch((e: Error) => e);
        const groups = (await tokyo.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'dataset-db' }))).DBInstances?.[0]?.VpcSecurityGroups;
        // Assess: refused with the group named, nothing changed or created.
        expect(modify).toMatchObject({ name: 'InvalidParameterValue', message: `Invalid security group , groupId= ${ISOLATION[0]}, groupName=.` });
        expect(restore).toMatchObject({ name: 'InvalidParameterValue' });
        expect(groups).toEqual([{ VpcSecurityGroupId: databaseSecurityGroupId(PRIMARY, 'dataset-db'), Status: 'active' }]);
        expect(rdsState().instances[SECONDARY]?.['x']).toBeUndefined();
      });
      // The plan's isolation groups are seeded in the primary region only: the same ids do not exist in the secondary.
      sims.forEach((x) => x.restore());
      simulate(WRITABLE, fencedWith({ method: 'isolate', isolationSecurityGroupIds: ISOLATION }));
      await withVirtualClock(START, async () => {
        const osaka = new RDSClient({ region: SECONDARY });
        expect(await errorOf(osaka.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'reporting-db', VpcSecurityGroupIds: ISOLATION })))).toBe('InvalidParameterValue');
        expect(await errorOf(new RDSClient({ region: PRIMARY }).send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: 'dataset-db', VpcSecurityGroupIds: ISOLATION })))).toBe('no error');
      });
    });

    it('DescribeDBClusters: the primary region does not answer when the incident took it down; it answers available with primary-writable', async () => {
      simulate();
      await withVirtualClock(START, async () => {
        // Not answered: the client (shared/aws/clients.ts timeouts) gives up after 3 attempts of 3 s, with the SDK's backoff between.
        const tokyo = new RDSClient(clientConfig(RDSClient, PRIMARY));
        expect(await errorOf(tokyo.send(new DescribeDBClustersCommand({ DBClusterIdentifier: TOKYO })))).toBe('TimeoutError');
        expect(Date.now() - START.getTime()).toBeGreaterThanOrEqual(9000);
        expect(Date.now() - START.getTime()).toBeLessThan(9150);
        const osaka = new RDSClient({ region: SECONDARY });
        expect((await osaka.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders-osaka' }))).DBClusters?.[0]).toMatchObject({ DBClusterArn: OSAKA, Status: 'available' });
        expect(await errorOf(osaka.send(new DescribeDBClustersCommand({ DBClusterIdentifier: TOKYO })))).toBe('DBClusterNotFoundFault');
      });
      sims.forEach((x) => x.restore());
      simulate(WRITABLE);
      await withVirtualClock(START, async () => {
        const out = await new RDSClient({ region: PRIMARY }).send(new DescribeDBClustersCommand({ DBClusterIdentifier: TOKYO }));
        expect(out.DBClusters?.[0]).toMatchObject({ DBClusterArn: TOKYO, Status: 'available', GlobalClusterIdentifier: 'orders-global' });
      });
    });

    it('old primary writable, force, isolate: isolates it, promotes once isolated, done with one writer', async () => {
      const p = fencedWith({ method: 'isolate', isolationSecurityGroupIds: ISOLATION });
      simulate(WRITABLE, p);
      const result = await withVirtualClock(START, () => drive(rdsReplicaPromotion, () => ctxOf(coreOf(p), 'unplanned', INCIDENT, true)));
      expect(result.progress.observations).toMatchObject({ oldPrimary: 'isolated', fencing: 'isolate', writers: 1 });
      expect(sent('ModifyDBInstance').map((c) => c.input)).toEqual([{ DBInstanceIdentifier: 'dataset-db', VpcSecurityGroupIds: ISOLATION, ApplyImmediately: true }]);
      expect(sent('PromoteReadReplica')).toHaveLength(1);
      const order = world.calls.filter((c) => !c.error && ['ModifyDBInstance', 'PromoteReadReplica'].includes(c.command)).map((c) => c.command);
      expect(order).toEqual(['ModifyDBInstance', 'PromoteReadReplica']);
      // Isolation first (30 s), then the promotion: a check interval or two longer than the promotion alone.
      expect(result.seconds).toBeGreaterThanOrEqual(seconds('rds.modify-security-groups') + seconds('rds.promote-read-replica'));
      await withVirtualClock(new Date(START.getTime() + result.seconds * 1000), async () => {
        const { instances } = rdsState();
        expect(instances[PRIMARY]?.['dataset-db']).toMatchObject({ status: 'available', securityGroups: ISOLATION });
        expect(instances[SECONDARY]?.['dataset-db-osaka']).toMatchObject({ status: 'available', replicaOf: null });
      });
    });

    it('old primary writable, force, stop: refused (RDS can\'t stop an instance with a read replica), nothing sent', async () => {
      simulate(WRITABLE);
      const error = await withVirtualClock(START, () => rdsReplicaPromotion.start(ctxOf(coreOf(plan), 'unplanned', INCIDENT, true)).then(() => null, (e: Error) => e));
      expect(error).toMatchObject({ name: 'SplitBrainRiskError', message: expect.stringContaining("RDS can't stop an instance that has read replicas") });
      expect(sent('StopDBInstance')).toEqual([]);
      expect(sent('PromoteReadReplica')).toEqual([]);
    });

    it('planned, isolate: fences the healthy primary, then promotes', async () => {
      const p = fencedWith({ method: 'isolate', isolationSecurityGroupIds: ISOLATION });
      simulate(WRITABLE, p);
      const result = await withVirtualClock(START, () => drive(rdsReplicaPromotion, () => ctxOf(coreOf(p), 'planned')));
      expect(result.progress).toMatchObject({ done: true, observations: { oldPrimary: 'isolated', writers: 1 } });
      expect(sent('ModifyDBInstance')).toHaveLength(1);
    });

    it('aurora: the old writer up (primary-writable) is a SplitBrainRiskError; with force the failover ends with one writer, the target', async () => {
      simulate(WRITABLE);
      expect(await errorOf(withVirtualClock(START, () => auroraGlobalFailover.start(ctxOf(aurora))))).toBe('SplitBrainRiskError');
      expect(sent('FailoverGlobalCluster')).toEqual([]);
      const result = await withVirtualClock(START, () => drive(auroraGlobalFailover, () => ctxOf(aurora, 'unplanned', INCIDENT, true)));
      expect(result.progress.observations).toEqual({ operation: 'failover', dataLossAllowed: true, oldWriter: 'available (forced)', writers: 1, ...AURORA_RPO_LAG });
      expect(sent('FailoverGlobalCluster')).toHaveLength(1);
    });
  });

  describe('after the region outage: the old primary back, a replica of the promoted instance (re-protect), the Aurora old writer resynchronised', () => {
    const TOKYO_DB = `arn:aws:rds:${PRIMARY}:123456789012:db:dataset-db`;
    const OSAKA_DB = `arn:aws:rds:${SECONDARY}:123456789012:db:dataset-db-osaka`;
    const REPLICA = `arn:aws:rds:${PRIMARY}:123456789012:db:dataset-db-tokyo`;
    const describeIn = async (region: string, id: string) =>
      (await new RDSClient({ region }).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0];
    /** The region outage of the incident (10 min before START), the replica promoted with backups on (7 days), then the outage ended. */
    async function promotedThenOutageEnded() {
      await new RDSClient({ region: SECONDARY }).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'dataset-db-osaka', BackupRetentionPeriod: 7 }));
      await sleep(promotionSeconds());
      world.endRegionOutage();
    }
    const createReplica = (input: Partial<ConstructorParameters<typeof CreateDBInstanceReadReplicaCommand>[0]> = {}, region = PRIMARY) =>
      new RDSClient({ region }).send(new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: 'dataset-db-tokyo', SourceDBInstanceIdentifier: OSAKA_DB, ...input }));

    it('the old primary the incident stopped comes back available (nothing fenced it) and StopDBInstance fences it: stopping, then stopped', async () => {
      // Prepare: the primary region is down from the incident; the replica promoted.
      simulate([], plan, INCIDENT, true);
      await withVirtualClock(START, async () => {
        await promotedThenOutageEnded();
        const tokyo = new RDSClient(clientConfig(RDSClient, PRIMARY));
        // Act
        const back = await describeIn(PRIMARY, 'dataset-db');
        const stop = await tokyo.send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'dataset-db' }));
        const stopping = (await describeIn(PRIMARY, 'dataset-db'))?.DBInstanceStatus;
        await sleep(seconds('rds.stop-instance'));
        const stopped = (await describeIn(PRIMARY, 'dataset-db'))?.DBInstanceStatus;
        const cluster = await tokyo.send(new DescribeDBClustersCommand({ DBClusterIdentifier: TOKYO }));
        // Assess: up and writable again, its replica promoted away (so nothing stops RDS stopping it).
        expect(back).toMatchObject({ DBInstanceStatus: 'available', ReadReplicaDBInstanceIdentifiers: [], Endpoint: { Address: `dataset-db.csimulated0.${PRIMARY}.rds.amazonaws.com` } });
        expect(stop.DBInstance?.DBInstanceStatus).toBe('stopping');
        expect([stopping, stopped]).toEqual(['stopping', 'stopped']);
        // The Aurora primary region answers again too.
        expect(cluster.DBClusters?.[0]).toMatchObject({ DBClusterArn: TOKYO, Status: 'available' });
        expect(world.calls.filter((c) => c.region === PRIMARY).map((c) => `${c.command} ${c.error ?? 'ok'}`))
          .toEqual(['DescribeDBInstances ok', 'StopDBInstance ok', 'DescribeDBInstances ok', 'DescribeDBInstances ok', 'DescribeDBClusters ok']);
      });
    });

    it('the outage never ended: the old primary stays stopped and its region does not answer, hours later', async () => {
      simulate([], plan, INCIDENT, true);
      await withVirtualClock(new Date(START.getTime() + 6 * 3600_000), async () => {
        expect(world.regionDown(PRIMARY)).toBe(true);
        expect(await errorOf(new RDSClient(clientConfig(RDSClient, PRIMARY)).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'dataset-db' })))).toBe('TimeoutError');
        expect(rdsState().instances[PRIMARY]?.['dataset-db']).toMatchObject({ status: 'stopped' });
      });
    });

    it('CreateDBInstanceReadReplica from the promoted instance into the primary region: creating for rds.create-read-replica, then an available replica both sides list', async () => {
      // Prepare
      simulate([], plan, INCIDENT, true);
      await withVirtualClock(START, async () => {
        await promotedThenOutageEnded();
        const t0 = Date.now();
        // Act
        const created = await createReplica({
          DBInstanceClass: 'db.r6g.xlarge', DBSubnetGroupName: 'dataset-platform-tokyo', VpcSecurityGroupIds: ['sg-0simulated'],
          KmsKeyId: 'arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', Tags: [{ Key: 'dr-autopilot', Value: 're-protect' }],
        });
        const creating = await describeIn(PRIMARY, 'dataset-db-tokyo');
        const sourceWhileCreating = await describeIn(SECONDARY, 'dataset-db-osaka');
        await sleep(seconds('rds.create-read-replica') - 1);
        const stillCreating = (await describeIn(PRIMARY, 'dataset-db-tokyo'))?.DBInstanceStatus;
        await sleep(1);
        const available = await describeIn(PRIMARY, 'dataset-db-tokyo');
        const listed = await new RDSClient({ region: PRIMARY }).send(new DescribeDBInstancesCommand({}));
        // Assess: the answer is the new instance, creating, a replica of the promoted one from the start.
        expect(created.DBInstance).toMatchObject({
          DBInstanceIdentifier: 'dataset-db-tokyo', DBInstanceArn: REPLICA, DBInstanceStatus: 'creating', Engine: 'postgres', DBInstanceClass: 'db.r6g.xlarge',
          ReadReplicaSourceDBInstanceIdentifier: OSAKA_DB, BackupRetentionPeriod: 0, ReadReplicaDBInstanceIdentifiers: [],
          VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0simulated', Status: 'active' }], DBSubnetGroup: { DBSubnetGroupName: 'dataset-platform-tokyo' },
          StorageEncrypted: true, KmsKeyId: 'arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', TagList: [{ Key: 'dr-autopilot', Value: 're-protect' }],
        });
        expect(created.DBInstance?.Endpoint).toBeUndefined();
        expect(creating).toMatchObject({ DBInstanceStatus: 'creating', ReadReplicaSourceDBInstanceIdentifier: OSAKA_DB });
        expect(sourceWhileCreating).toMatchObject({ DBInstanceStatus: 'available', ReadReplicaDBInstanceIdentifiers: [REPLICA] });
        expect(sourceWhileCreating?.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
        expect(stillCreating).toBe('creating');
        expect(available).toMatchObject({
          DBInstanceStatus: 'available', ReadReplicaSourceDBInstanceIdentifier: OSAKA_DB, InstanceCreateTime: new Date(t0 + seconds('rds.create-read-replica') * 1000),
          StatusInfos: [{ StatusType: 'read replication', Normal: true, Status: 'replicating' }], Endpoint: { Address: `dataset-db-tokyo.csimulated0.${PRIMARY}.rds.amazonaws.com`, Port: 5432 },
        });
        expect(listed.DBInstances?.map((d) => d.DBInstanceIdentifier)).toEqual(['dataset-db', 'dataset-db-tokyo']);
        // Recorded as every call is, sent to the replica's region; the SDK presigned the source region's request.
        expect(sent('CreateDBInstanceReadReplica')).toEqual([expect.objectContaining({
          region: PRIMARY, input: expect.objectContaining({ DBInstanceIdentifier: 'dataset-db-tokyo', SourceDBInstanceIdentifier: OSAKA_DB, PreSignedUrl: expect.stringContaining(`rds.${SECONDARY}.amazonaws.com`) }),
        })]);
        // The promoted instance now has a replica: RDS can't stop it.
        expect(await errorOf(new RDSClient({ region: SECONDARY }).send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'dataset-db-osaka' })))).toBe('InvalidDBInstanceStateFault');
        expect(rdsState().instances[PRIMARY]?.['dataset-db-tokyo']).toMatchObject({ status: 'available', replicaOf: OSAKA_DB, backupRetentionPeriod: 0 });
      });
    });

    it('a replica in the source\'s own region is named by identifier on both sides; defaults: the source\'s class, the default security group', async () => {
      simulate();
      await withVirtualClock(START, async () => {
        const created = await createReplica({ DBInstanceIdentifier: 'reporting-db-reader', SourceDBInstanceIdentifier: 'reporting-db' }, SECONDARY);
        expect(created.DBInstance).toMatchObject({
          DBInstanceStatus: 'creating', ReadReplicaSourceDBInstanceIdentifier: 'reporting-db', DBInstanceClass: 'db.r6g.large',
          VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0simulated', Status: 'active' }],
        });
        // In the source's region, a replica is encrypted with the source's key (CreateDBInstanceReadReplica, KmsKeyId).
        const source = await describeIn(SECONDARY, 'reporting-db');
        expect(created.DBInstance).toMatchObject({ StorageEncrypted: true, KmsKeyId: source?.KmsKeyId });
        expect((await describeIn(SECONDARY, 'reporting-db'))?.ReadReplicaDBInstanceIdentifiers).toEqual(['reporting-db-reader']);
        // The SDK presigns only for an ARN of another region.
        expect(sent('CreateDBInstanceReadReplica')[0]?.input).not.toHaveProperty('PreSignedUrl');
      });
    });

    it('answers AWS\'s errors: a plain identifier for a source in another region, an unknown source, a taken identifier, a source not available or without backups', async () => {
      simulate([], plan, INCIDENT, true);
      await withVirtualClock(START, async () => {
        // Prepare: the outage ended; the replica is still a replica (backups off) until promoted.
        world.endRegionOutage();
        const refusal = (input: Parameters<typeof createReplica>[0], region?: string) => createReplica(input, region).then(() => null, (e: Error) => ({ name: e.name, message: e.message }));
        // Act / Assess
        expect(await refusal({ SourceDBInstanceIdentifier: 'dataset-db-osaka' })).toMatchObject({ name: 'DBInstanceNotFoundFault', message: 'DBInstance dataset-db-osaka not found.' });
        expect(await refusal({ SourceDBInstanceIdentifier: `${OSAKA_DB}-nope` })).toMatchObject({ name: 'DBInstanceNotFoundFault' });
        expect(await refusal({ DBInstanceIdentifier: 'dataset-db' })).toMatchObject({ name: 'DBInstanceAlreadyExistsFault', message: 'DB instance dataset-db already exists.' });
        expect(await refusal({ DBInstanceIdentifier: 'dataset--db' })).toMatchObject({ name: 'InvalidParameterValue' });
        expect(rdsState().instances[PRIMARY]?.['dataset-db-tokyo']).toBeUndefined();
      });
    });

    it('refuses a source without automated backups and one not available (its promotion under way), then accepts it once promoted', async () => {
      simulate([], plan, INCIDENT, true);
      await withVirtualClock(START, async () => {
        world.endRegionOutage();
        const refusal = (input: Parameters<typeof createReplica>[0] = {}) => createReplica(input).then(() => null, (e: Error) => ({ name: e.name, message: e.message }));
        // Act: a replica (backups off), then during its promotion, then promoted without backups, then an unknown security group.
        const replicaSource = await refusal();
        await new RDSClient({ region: SECONDARY }).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: 'dataset-db-osaka', BackupRetentionPeriod: 0 }));
        const promoting = await refusal();
        await sleep(seconds('rds.promote-read-replica') + seconds('rds.promote-read-replica-reboot'));
        const noBackups = await refusal();
        // Assess
        const backupsOff = {
          name: 'InvalidDBInstanceStateFault',
          message: 'Automated backups are not enabled for this database instance. To enable automated backups, use ModifyDBInstance to set the backup retention period to a non-zero value.',
        };
        expect(replicaSource).toEqual(backupsOff);
        expect(promoting).toEqual({ name: 'InvalidDBInstanceStateFault', message: 'Instance dataset-db-osaka is not in available state (modifying).' });
        expect(noBackups).toEqual(backupsOff);
        expect(sent('CreateDBInstanceReadReplica')).toEqual([]);
      });
      sims.forEach((x) => x.restore());
      simulate([], plan, INCIDENT, true);
      await withVirtualClock(START, async () => {
        await promotedThenOutageEnded();
        expect(await errorOf(createReplica({ VpcSecurityGroupIds: ['sg-0123456789abcdef0'] }))).toBe('InvalidParameterValue');
        expect(await errorOf(createReplica())).toBe('no error');
        expect(await errorOf(createReplica())).toBe('DBInstanceAlreadyExistsFault');
      });
    });

    it('the source\'s region still down: the call fails as a server error (InternalFailure, 500), which the SDK retries 3 times; a fail fault ends the replica failed', async () => {
      // Prepare: a replica of the Tokyo primary asked for in Osaka while Tokyo is down.
      simulate([], plan, INCIDENT, true);
      await withVirtualClock(START, async () => {
        const error = await createReplica({ DBInstanceIdentifier: 'dataset-db-copy', SourceDBInstanceIdentifier: TOKYO_DB }, SECONDARY).then(() => null, (e: Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }) => e);
        expect(error).toMatchObject({ name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500, attempts: 3 } });
        expect(world.calls.map((c) => `${c.region} ${c.command} ${c.error ?? 'ok'}`)).toEqual(Array.from({ length: 3 }, () => `${SECONDARY} CreateDBInstanceReadReplica InternalFailure`));
      });
      sims.forEach((x) => x.restore());
      simulate([{ kind: 'fail', component: 'core-database' }, { kind: 'slow', component: 'core-database', factor: 2 }], plan, INCIDENT, true);
      await withVirtualClock(START, async () => {
        // The fail fault fails the promotion too: create the replica from the Tokyo primary once its region is back.
        world.endRegionOutage();
        await createReplica({ DBInstanceIdentifier: 'dataset-db-copy', SourceDBInstanceIdentifier: TOKYO_DB }, SECONDARY).catch(() => undefined);
        expect(await errorOf(createReplica({ DBInstanceIdentifier: 'dataset-db-copy', SourceDBInstanceIdentifier: TOKYO_DB }, SECONDARY))).toBe('DBInstanceAlreadyExistsFault');
        await sleep(2 * seconds('rds.create-read-replica') - 1);
        expect((await describeIn(SECONDARY, 'dataset-db-copy'))?.DBInstanceStatus).toBe('creating');
        await sleep(1);
        expect((await describeIn(SECONDARY, 'dataset-db-copy'))?.DBInstanceStatus).toBe('failed');
      });
    });

    it('replicated automated backups receive logs again once the outage ended: their window moves with the clock', async () => {
      simulate([], plan, INCIDENT, true);
      const lag = seconds('rds.latest-restorable-time-lag') * 1000;
      await withVirtualClock(START, async () => {
        const latest = async () => (await new RDSClient({ region: SECONDARY }).send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceAutomatedBackupsArn: BACKUPS_ARN })))
          .DBInstanceAutomatedBackups?.[0]?.RestoreWindow?.LatestTime;
        const frozen = await latest();
        world.endRegionOutage();
        await sleep(3600);
        expect([frozen, await latest()]).toEqual([new Date(INCIDENT.getTime() - lag), new Date(Date.now() - lag)]);
      });
    });

    it('aurora: the primary-region cluster is the plan\'s primaryDbClusterArn when it names one', async () => {
      const named = `arn:aws:rds:${PRIMARY}:123456789012:cluster:orders-tokyo`;
      simulate([], { ...plan, components: plan.components.map((c) => (c.id === aurora.id ? { ...aurora, params: { ...aurora.params, primaryDbClusterArn: named } } : c)) as Component[] });
      await withVirtualClock(START, async () => {
        const gc = (await new RDSClient({ region: SECONDARY }).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'orders-global' }))).GlobalClusters?.[0];
        expect(gc?.GlobalClusterMembers?.map((m) => [m.DBClusterArn, m.IsWriter])).toEqual([[named, true], [OSAKA, false]]);
      });
    });

    it('aurora: the old writer of a failover with data loss is pending-resync until rds.aurora-global-resync after the outage ended, then a connected secondary', async () => {
      // Prepare: the failover during the outage.
      simulate([], plan, INCIDENT, true);
      await withVirtualClock(START, async () => {
        const rds = new RDSClient({ region: SECONDARY });
        const members = async () => (await rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'orders-global' }))).GlobalClusters?.[0]?.GlobalClusterMembers
          ?.map((m) => ({ arn: m.DBClusterArn, writer: m.IsWriter, sync: m.SynchronizationStatus ?? null }));
        await rds.send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: 'orders-global', TargetDbClusterIdentifier: OSAKA, AllowDataLoss: true }));
        await sleep(seconds('rds.aurora-global-failover'));
        // Act
        const afterFailover = await members();
        await sleep(3600);
        const anHourLater = await members();
        world.endRegionOutage();
        await sleep(seconds('rds.aurora-global-resync') - 1);
        const resyncing = await members();
        await sleep(1);
        const resynced = await members();
        // Assess
        const pending = [{ arn: TOKYO, writer: false, sync: 'pending-resync' }, { arn: OSAKA, writer: true, sync: null }];
        expect(afterFailover).toEqual(pending);
        expect(anHourLater).toEqual(pending);
        expect(resyncing).toEqual(pending);
        expect(resynced).toEqual([{ arn: TOKYO, writer: false, sync: 'connected' }, { arn: OSAKA, writer: true, sync: null }]);
      });
    });
  });
});
