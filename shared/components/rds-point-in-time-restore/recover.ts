import { RDSClient, DescribeDBInstanceAutomatedBackupsCommand, DescribeDBInstancesCommand, RestoreDBInstanceToPointInTimeCommand, type DBInstance, type RestoreDBInstanceToPointInTimeCommandInput } from '@aws-sdk/client-rds';
import { ActionFailedError, ResourceBusyError, ResourceNotFoundError, UnexpectedStateError, classifyError, notFoundOr } from '../../errors.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';

type Ctx = ActionContext<'rds-point-in-time-restore'>;
const EXPECTED_SECONDS = 3600;
const NOT_FOUND = ['DBInstanceNotFoundFault', 'DBInstanceAutomatedBackupNotFoundFault'];
const RESTORE_FAILED = ['PointInTimeRestoreNotEnabledFault', 'InvalidRestoreFault'];
/** Target states that end by themselves. */
const IN_PROGRESS = new Set([
  'creating', 'backing-up', 'modifying', 'rebooting', 'starting', 'upgrading', 'renaming', 'maintenance', 'storage-optimization',
  'configuring-enhanced-monitoring', 'configuring-iam-database-auth', 'configuring-log-exports', 'resetting-master-credentials',
]);
/** Target states that mean the restore failed. */
const FAILED = new Set(['restore-error', 'incompatible-restore', 'incompatible-parameters', 'incompatible-network', 'failed', 'storage-full']);
const DAY_MS = 86_400_000;

/**
 * The restore point for `before-incident`: the newest point of the UTC granularity grid (aligned to the
 * Unix epoch, so to whole hours when the granularity divides 60) strictly before the incident. An incident
 * exactly on a grid point takes the previous point: the incident's own instant may hold its first bad write.
 */
export function restorePointBefore(incident: Date, granularityMinutes: number): Date {
  const grid = granularityMinutes * 60_000;
  return new Date((Math.ceil(incident.getTime() / grid) - 1) * grid);
}

const regionOf = (ctx: Ctx) => ctx.regions[ctx.component.params.region];
const iso = (d: Date) => d.toISOString();

/** The instance, or undefined when it does not exist. */
async function findInstance(ctx: Ctx, id: string): Promise<DBInstance | undefined> {
  try {
    const out = await ctx.clients.get(RDSClient, regionOf(ctx)).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return out.DBInstances?.[0];
  } catch (error) {
    if (error instanceof Error && error.name === 'DBInstanceNotFoundFault') return undefined;
    throw classifyError(error);
  }
}

/** [earliest, latest] restorable times: the retention window counted back from now, up to the source's latest restorable time. */
async function restorableWindow(ctx: Ctx): Promise<{ earliest: Date; latest: Date | undefined }> {
  const p = ctx.component.params;
  const retentionStart = new Date(ctx.now.getTime() - p.retentionDays * DAY_MS);
  if (p.sourceDbInstanceIdentifier) {
    const source = await findInstance(ctx, p.sourceDbInstanceIdentifier);
    if (!source) throw new ResourceNotFoundError(`source RDS instance ${p.sourceDbInstanceIdentifier} in ${regionOf(ctx)} does not exist`);
    return { earliest: retentionStart, latest: source.LatestRestorableTime };
  }
  const arn = p.sourceDbInstanceAutomatedBackupsArn;
  try {
    const out = await ctx.clients.get(RDSClient, regionOf(ctx)).send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceAutomatedBackupsArn: arn }));
    const backups = out.DBInstanceAutomatedBackups?.[0];
    if (!backups) throw new ResourceNotFoundError(`automated backups ${arn ?? ''} in ${regionOf(ctx)} do not exist`);
    const window = backups.RestoreWindow;
    const earliest = window?.EarliestTime && window.EarliestTime > retentionStart ? window.EarliestTime : retentionStart;
    return { earliest, latest: window?.LatestTime };
  } catch (error) {
    throw notFoundOr(error, NOT_FOUND, `automated backups ${arn ?? ''} in ${regionOf(ctx)}`);
  }
}

/** Sends the restore; 'already-exists' when the target name is taken (an earlier attempt's restore). */
async function restore(ctx: Ctx, input: RestoreDBInstanceToPointInTimeCommandInput): Promise<DBInstance | 'already-exists'> {
  try {
    const out = await ctx.clients.get(RDSClient, regionOf(ctx)).send(new RestoreDBInstanceToPointInTimeCommand(input));
    return out.DBInstance ?? { DBInstanceStatus: 'creating' };
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: '', message: String(error) };
    if (name === 'DBInstanceAlreadyExistsFault') return 'already-exists';
    const details = { awsErrorName: name };
    if (RESTORE_FAILED.includes(name)) {
      throw new ActionFailedError(`point-in-time restore of ${input.TargetDBInstanceIdentifier} refused: ${name}: ${message}`, details, { cause: error });
    }
    if (name === 'InvalidDBInstanceStateFault') {
      throw new ResourceBusyError(`the source can't be restored from now: ${message}`, details, { cause: error });
    }
    throw notFoundOr(error, NOT_FOUND, `the restore source for ${input.TargetDBInstanceIdentifier} in ${regionOf(ctx)}`);
  }
}

function progress(ctx: Ctx, db: DBInstance, state: JsonObject): ActionProgress {
  const target = ctx.component.params.targetDbInstanceIdentifier;
  const status = db.DBInstanceStatus ?? 'unknown';
  const observations: JsonObject = { restoredTo: state.restoredTo ?? null, targetDbInstanceIdentifier: target };
  const base = { nextCheckSeconds: ctx.component.checkIntervalSeconds, status: `target ${target} is ${status}`, state };
  if (status === 'available') {
    const address = db.Endpoint?.Address;
    return { ...base, done: true, observations: address ? { ...observations, endpointAddress: address } : observations };
  }
  if (FAILED.has(status)) throw new ActionFailedError(`point-in-time restore of ${target} failed: the instance is ${status}`, { status });
  if (IN_PROGRESS.has(status)) return { ...base, done: false, observations };
  throw new UnexpectedStateError(`restore target ${target} is ${status}`, { status });
}

/** Restores the source to a new instance: to the grid point before the incident, or to the latest restorable time. */
export const recover: RecoveryAction<'rds-point-in-time-restore'> = {
  type: 'rds-point-in-time-restore',
  defaultExpectedSeconds: EXPECTED_SECONDS,
  async start(ctx) {
    const p = ctx.component.params;
    const target = p.targetDbInstanceIdentifier;
    const restoreTime = p.restoreTo === 'before-incident' ? restorePointBefore(ctx.incidentStartedAt, p.granularityMinutes) : undefined;
    const state: JsonObject = { restoredTo: restoreTime ? iso(restoreTime) : 'latest' };
    const existing = await findInstance(ctx, target);
    if (existing) {
      // A retry or a re-run: the restore was already sent; never a second one.
      ctx.logger.info('Restore target already exists', { target, status: existing.DBInstanceStatus });
      return progress(ctx, existing, state);
    }
    if (restoreTime) {
      const { earliest, latest } = await restorableWindow(ctx);
      if (!latest) throw new ActionFailedError(`the source has no latest restorable time (automated backups off?): can't restore ${target}`);
      if (restoreTime > latest && restoreTime <= ctx.now) {
        // The logs up to the restore point are not shipped yet (LatestRestorableTime trails the present
        // by up to 5 min): wait for them rather than fail; the component's deadline bounds the wait.
        const gapSeconds = (restoreTime.getTime() - latest.getTime()) / 1000;
        return {
          done: false,
          nextCheckSeconds: Math.min(600, Math.max(30, Math.ceil(gapSeconds) + 30)),
          status: `waiting: latest restorable time ${iso(latest)} has not reached the restore point ${iso(restoreTime)}`,
          state: { ...state, waitingForRestorePoint: true },
          observations: state,
        };
      }
      if (restoreTime < earliest || restoreTime > latest) {
        throw new ActionFailedError(
          `restore point ${iso(restoreTime)} is outside the restorable window [${iso(earliest)}, ${iso(latest)}]`,
          { restoreTime: iso(restoreTime), earliestRestorableTime: iso(earliest), latestRestorableTime: iso(latest) },
        );
      }
    }
    const input: RestoreDBInstanceToPointInTimeCommandInput = {
      TargetDBInstanceIdentifier: target,
      ...(p.sourceDbInstanceIdentifier
        ? { SourceDBInstanceIdentifier: p.sourceDbInstanceIdentifier }
        : { SourceDBInstanceAutomatedBackupsArn: p.sourceDbInstanceAutomatedBackupsArn }),
      ...(restoreTime ? { RestoreTime: restoreTime } : { UseLatestRestorableTime: true }),
      ...(p.dbInstanceClass !== undefined ? { DBInstanceClass: p.dbInstanceClass } : {}),
      ...(p.dbSubnetGroupName !== undefined ? { DBSubnetGroupName: p.dbSubnetGroupName } : {}),
      ...(p.vpcSecurityGroupIds !== undefined ? { VpcSecurityGroupIds: p.vpcSecurityGroupIds } : {}),
      ...(p.multiAz !== undefined ? { MultiAZ: p.multiAz } : {}),
    };
    const created = await restore(ctx, input);
    if (created === 'already-exists') {
      // Another attempt got there first: the restore is under way, report where it stands.
      const raced = await findInstance(ctx, target);
      if (!raced) throw new UnexpectedStateError(`${target}: RDS says it already exists, but DescribeDBInstances does not find it`);
      return progress(ctx, raced, state);
    }
    ctx.logger.info('Point-in-time restore requested', { target, region: regionOf(ctx), restoredTo: state.restoredTo });
    return { ...progress(ctx, created, state), nextCheckSeconds: ctx.component.expectedSeconds ?? EXPECTED_SECONDS };
  },
  async check(ctx, state) {
    // Still waiting for the restore point to become restorable: try to start again (idempotent).
    if (state.waitingForRestorePoint === true) return recover.start(ctx);
    const db = await findInstance(ctx, ctx.component.params.targetDbInstanceIdentifier);
    if (!db) throw new UnexpectedStateError(`restore target ${ctx.component.params.targetDbInstanceIdentifier} has disappeared`);
    return progress(ctx, db, state);
  },
};
