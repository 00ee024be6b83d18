import { RDSClient, DescribeDBInstanceAutomatedBackupsCommand, DescribeDBInstancesCommand, RestoreDBInstanceToPointInTimeCommand, type DBInstance, type RestoreDBInstanceToPointInTimeCommandInput } from '@aws-sdk/client-rds';
import { ActionFailedError, DrAutopilotError, ResourceBusyError, ResourceNotFoundError, UnexpectedStateError, classifyError, notFoundOr } from '../../errors.ts';
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
/** Source states in which the instance runs, so uploads transaction logs (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/accessing-monitoring.html). */
const SHIPS_LOGS = new Set(['available', ...[...IN_PROGRESS].filter((s) => s !== 'creating' && s !== 'starting')]);
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/**
 * How long after a restore point a source that still ships logs may take to make it restorable: RDS
 * uploads logs every 5 min and LatestRestorableTime is "typically within the last five minutes"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html), plus 10 min of margin.
 * Past it, the logs are taken as stopped: the component's deadline is not the bound.
 */
const LOG_WAIT_MS = 15 * MINUTE_MS;

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

interface RestorableWindow {
  earliest: Date;
  latest: Date | undefined;
  /** Why no more logs will arrive (the window will not move on), or undefined while they may. */
  logsStopped?: string;
}

/** [earliest, latest] restorable times: the retention window counted back from now, up to the source's latest restorable time. */
async function restorableWindow(ctx: Ctx): Promise<RestorableWindow> {
  const p = ctx.component.params;
  const retentionStart = new Date(ctx.now.getTime() - p.retentionDays * DAY_MS);
  if (p.sourceDbInstanceIdentifier) {
    const source = await findInstance(ctx, p.sourceDbInstanceIdentifier);
    if (!source) throw new ResourceNotFoundError(`source RDS instance ${p.sourceDbInstanceIdentifier} in ${regionOf(ctx)} does not exist`);
    const status = source.DBInstanceStatus ?? 'unknown';
    const latest = source.LatestRestorableTime;
    return {
      earliest: retentionStart,
      latest,
      ...(SHIPS_LOGS.has(status) ? {} : { logsStopped: `the source is ${status}, its logs stop at ${latest ? iso(latest) : 'its latest restorable time'}` }),
    };
  }
  const arn = p.sourceDbInstanceAutomatedBackupsArn;
  try {
    const out = await ctx.clients.get(RDSClient, regionOf(ctx)).send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceAutomatedBackupsArn: arn }));
    const backups = out.DBInstanceAutomatedBackups?.[0];
    if (!backups) throw new ResourceNotFoundError(`automated backups ${arn ?? ''} in ${regionOf(ctx)} do not exist`);
    const window = backups.RestoreWindow;
    const earliest = window?.EarliestTime && window.EarliestTime > retentionStart ? window.EarliestTime : retentionStart;
    // Replicated backups get their logs from the source region; in an unplanned run that region is taken
    // to be lost, so their window ends at (or shortly before) the incident and never moves past it
    // (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html).
    return { earliest, latest: window?.LatestTime, ...(ctx.mode === 'unplanned' ? { logsStopped: 'logs stop at the incident' } : {}) };
  } catch (error) {
    throw notFoundOr(error, NOT_FOUND, `automated backups ${arn ?? ''} in ${regionOf(ctx)}`);
  }
}

/** "7 min", "2.5 min": how long before the incident a point is. */
const minutesBefore = (incident: Date, point: Date) => `${Number(((incident.getTime() - point.getTime()) / MINUTE_MS).toFixed(2))} min`;

/** The restore point chosen, with the latest restorable time it was chosen against and, when it is not the plan's own point, why. */
interface RestorePoint {
  point: Date;
  latest: Date;
  note?: string;
}
/** The plan's point (the grid point before the incident) is not restorable yet, and logs may still make it so before `untilMs`. */
interface WaitForLogs {
  wanted: Date;
  latest: Date;
  untilMs: number;
}

const outsideWindow = (what: string, point: Date, w: RestorableWindow & { latest: Date }) =>
  new ActionFailedError(`${what} ${iso(point)} is outside the restorable window [${iso(w.earliest)}, ${iso(w.latest)}]`, {
    restoreTime: iso(point), earliestRestorableTime: iso(w.earliest), latestRestorableTime: iso(w.latest),
  });

/**
 * Where to restore to, never after the incident:
 * - `latest`: min(latest restorable time, incident), always as an explicit RestoreTime (never
 *   UseLatestRestorableTime): the point is then known and recorded (the measured RPO), and a same-region
 *   source whose window runs past the incident (a database failure: its later writes are suspect)
 *   is not restored past it. No wait: `latest` takes what is restorable now.
 * - `before-incident`: the grid point before the incident once the window reaches it. Before that, wait
 *   only while logs can still arrive (a same-region source that runs, or replicated backups in a planned
 *   run), and at most LOG_WAIT_MS after the point. When no more logs will come (replicated backups in an
 *   unplanned run, a stopped source, or the wait is over), take at once the newest point of the same grid
 *   the window holds: the plan asked for grid points (several databases restored on one grid land on the
 *   same instant), and `latest` is the choice for the freshest data.
 * Fails terminally when the window is empty or holds no acceptable point.
 */
async function chooseRestorePoint(ctx: Ctx): Promise<RestorePoint | WaitForLogs> {
  const p = ctx.component.params;
  const incident = ctx.incidentStartedAt;
  const window = await restorableWindow(ctx);
  const { latest } = window;
  if (!latest) throw new ActionFailedError(`the source has no latest restorable time (automated backups off?): can't restore ${p.targetDbInstanceIdentifier}`);
  const w = { ...window, latest };
  if (latest < w.earliest) {
    throw new ActionFailedError(`the restorable window is empty: its latest restorable time ${iso(latest)} is before its earliest ${iso(w.earliest)}: can't restore ${p.targetDbInstanceIdentifier}`, {
      earliestRestorableTime: iso(w.earliest), latestRestorableTime: iso(latest),
    });
  }
  if (p.restoreTo === 'latest') {
    if (latest > incident) {
      if (incident < w.earliest) throw outsideWindow('restore point (the incident)', incident, w);
      return { point: incident, latest, note: `the latest restorable time ${iso(latest)} is after the incident: restored to the incident, ${iso(incident)}` };
    }
    return { point: latest, latest, note: `restored to the latest restorable time ${iso(latest)}, ${minutesBefore(incident, latest)} before the incident` };
  }
  const wanted = restorePointBefore(incident, p.granularityMinutes);
  if (wanted < w.earliest) throw outsideWindow('restore point', wanted, w);
  if (wanted <= latest) return { point: wanted, latest };
  const untilMs = wanted.getTime() + LOG_WAIT_MS;
  if (!w.logsStopped && ctx.now.getTime() < untilMs) return { wanted, latest, untilMs };
  const why = w.logsStopped ?? `no logs past ${iso(latest)} arrived within ${LOG_WAIT_MS / MINUTE_MS} min of the restore point ${iso(wanted)}`;
  const grid = p.granularityMinutes * MINUTE_MS;
  const point = new Date(Math.floor(latest.getTime() / grid) * grid);
  if (point < w.earliest) {
    throw new ActionFailedError(
      `${why}, and the restorable window [${iso(w.earliest)}, ${iso(latest)}] holds no point of the ${p.granularityMinutes}-minute grid: ` +
        `can't restore ${p.targetDbInstanceIdentifier} to a point before the incident`,
      { restoreTime: iso(wanted), earliestRestorableTime: iso(w.earliest), latestRestorableTime: iso(latest) },
    );
  }
  return { point, latest, note: `${why}: restored to ${iso(point)}, ${minutesBefore(incident, point)} before the incident` };
}

/** The state (and observations) of a restore point: the point, the data-loss window (incident − point) and why. */
function pointState(ctx: Ctx, chosen: RestorePoint): JsonObject {
  return {
    restoredTo: iso(chosen.point),
    dataLossSeconds: (ctx.incidentStartedAt.getTime() - chosen.point.getTime()) / 1000,
    latestRestorableTime: iso(chosen.latest),
    ...(chosen.note ? { restorePointNote: chosen.note } : {}),
  };
}

/**
 * The restore point of a target an earlier attempt created, chosen again from the window (RDS does not
 * report it): the same point while the window is frozen or holds the plan's point. Unknown (null)
 * when it can't be chosen any more; retryable errors (throttling) still retry.
 */
async function earlierRestorePoint(ctx: Ctx): Promise<JsonObject> {
  try {
    const chosen = await chooseRestorePoint(ctx);
    return 'point' in chosen ? pointState(ctx, chosen) : { restoredTo: null };
  } catch (error) {
    if (error instanceof DrAutopilotError && error.retryable) throw error;
    ctx.logger.warn('Restore point of the existing target unknown', { error: error instanceof Error ? error.message : String(error) });
    return { restoredTo: null };
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
  const note = typeof state.restorePointNote === 'string' ? `; ${state.restorePointNote}` : '';
  const observations: JsonObject = { restoredTo: state.restoredTo ?? null, targetDbInstanceIdentifier: target };
  for (const key of ['dataLossSeconds', 'latestRestorableTime', 'restorePointNote']) if (state[key] !== undefined) observations[key] = state[key];
  const base = { nextCheckSeconds: ctx.component.checkIntervalSeconds, status: `target ${target} is ${status}${note}`, state };
  if (status === 'available') {
    const address = db.Endpoint?.Address;
    return { ...base, done: true, observations: address ? { ...observations, endpointAddress: address } : observations };
  }
  if (FAILED.has(status)) throw new ActionFailedError(`point-in-time restore of ${target} failed: the instance is ${status}`, { status });
  if (IN_PROGRESS.has(status)) return { ...base, done: false, observations };
  throw new UnexpectedStateError(`restore target ${target} is ${status}`, { status });
}

/** Restores the source to a new instance: to the grid point before the incident, or to the latest restorable time, never after the incident. */
export const recover: RecoveryAction<'rds-point-in-time-restore'> = {
  type: 'rds-point-in-time-restore',
  defaultExpectedSeconds: EXPECTED_SECONDS,
  async start(ctx) {
    const p = ctx.component.params;
    const target = p.targetDbInstanceIdentifier;
    const existing = await findInstance(ctx, target);
    if (existing) {
      // A retry or a re-run: the restore was already sent; never a second one.
      ctx.logger.info('Restore target already exists', { target, status: existing.DBInstanceStatus });
      return progress(ctx, existing, await earlierRestorePoint(ctx));
    }
    const chosen = await chooseRestorePoint(ctx);
    if (!('point' in chosen)) {
      // The logs up to the restore point are not shipped yet (LatestRestorableTime trails the present
      // by up to 5 min): wait for them, at most until LOG_WAIT_MS after the point.
      const gapSeconds = (chosen.wanted.getTime() - chosen.latest.getTime()) / 1000;
      const leftSeconds = (chosen.untilMs - ctx.now.getTime()) / 1000;
      const planned = { restoredTo: iso(chosen.wanted), latestRestorableTime: iso(chosen.latest) };
      return {
        done: false,
        nextCheckSeconds: Math.max(30, Math.ceil(Math.min(600, gapSeconds + 30, leftSeconds))),
        status: `waiting: latest restorable time ${iso(chosen.latest)} has not reached the restore point ${iso(chosen.wanted)}`,
        state: { restoredTo: planned.restoredTo, waitingForRestorePoint: true },
        observations: planned,
      };
    }
    const state = pointState(ctx, chosen);
    const input: RestoreDBInstanceToPointInTimeCommandInput = {
      TargetDBInstanceIdentifier: target,
      ...(p.sourceDbInstanceIdentifier
        ? { SourceDBInstanceIdentifier: p.sourceDbInstanceIdentifier }
        : { SourceDBInstanceAutomatedBackupsArn: p.sourceDbInstanceAutomatedBackupsArn }),
      RestoreTime: chosen.point,
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
    ctx.logger.info('Point-in-time restore requested', { target, region: regionOf(ctx), restoredTo: state.restoredTo, note: chosen.note });
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
