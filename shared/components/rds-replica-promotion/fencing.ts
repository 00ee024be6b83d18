import { RDSClient, DescribeDBInstancesCommand, ModifyDBInstanceCommand, StopDBInstanceCommand, type DBInstance } from '@aws-sdk/client-rds';
import { UnexpectedStateError, classifyError } from '../../errors.ts';
import { isUnreachable, PROBE_TIMEOUT_MS } from '../../aws/reachability.ts';
import type { ActionContext } from '../types.ts';

/**
 * Fencing the old primary of an RDS read-replica promotion: reading it in its own region, telling
 * whether it can still accept writes, and stopping or isolating it. Used by rds-replica-promotion.
 *
 * Choices (see also the promotion's comments):
 * - The old primary is read with a 5 s abortSignal: a region that does not answer by then is taken
 *   for the outage, and the guard lets the promotion go on (state `fenced`, `verified` false): an
 *   assumption, not a fence, since it may accept writes when its region comes back (the approval request
 *   says so: one-way.ts). Only timeouts, network errors and HTTP 5xx
 *   count as "does not answer"; throttling and busy errors are retried (a region that says "slow
 *   down" is up); DBInstanceNotFoundFault means there is no old primary to fence; anything else
 *   (AccessDenied…) fails closed: a permission problem must not pass for an outage.
 * - Isolated = its VpcSecurityGroups are exactly fencing.isolationSecurityGroupIds, each `active`
 *   (the only documented status: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_VpcSecurityGroupMembership.html).
 * - RDS can't stop an instance that has read replicas (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_StopInstance.html; the error
 *   code for it is unconfirmed): StopDBInstance is not sent while the old primary lists one.
 */

type Ctx = ActionContext<'rds-replica-promotion'>;
export type Fencing = Ctx['component']['params']['fencing'];
export type FenceCommand = 'StopDBInstance' | 'ModifyDBInstance';

/** Statuses in which an instance is up and may accept writes. */
const WRITABLE = new Set([
  'available', 'backing-up', 'modifying', 'configuring-enhanced-monitoring', 'configuring-iam-database-auth', 'configuring-log-exports',
  'maintenance', 'renaming', 'resetting-master-credentials', 'storage-optimization', 'upgrading',
]);
/** Statuses an instance does not leave by itself: it will not accept writes again unless someone acts. */
const DOWN = new Set([
  'stopped', 'deleting', 'failed', 'inaccessible-encryption-credentials', 'inaccessible-encryption-credentials-recoverable', 'incompatible-network',
  'incompatible-option-group', 'incompatible-parameters', 'incompatible-restore', 'insufficient-capacity', 'restore-error', 'storage-full',
]);
/** Network-level failures (Node error codes) that mean the region did not answer. */
const REFUSED = ['InvalidDBInstanceStateFault', 'DBInstanceNotFoundFault'];

/** The old primary as read from its region. */
export type OldPrimary = { kind: 'unreachable'; reason: string } | { kind: 'absent' } | { kind: 'found'; db: DBInstance };

/**
 * Where the old primary stands:
 * - `fenced`: it can't accept writes and won't by itself (gone, stopped, isolated, failed), or its region
 *   does not answer (unreachable: assumed, not verified);
 * - `fencing`: on its way there (`stopping`);
 * - `up`: it accepts writes, or soon will (`starting`, `rebooting`, unknown statuses).
 */
export interface FenceView {
  state: 'fenced' | 'fencing' | 'up';
  /** For the report: stopped, stopping, isolated, unreachable, not found, not-fenced (method none), `<status>, not fenced`. */
  oldPrimary: string;
  /** It counts as a writer: reachable, in a writable status and not isolated. */
  writes: boolean;
  /** Fenced as seen by dr-autopilot itself (stopped or isolated), rather than assumed from an outage. */
  verified: boolean;
  status: string | null;
}

const primaryWhat = (ctx: Ctx) => `old primary ${ctx.component.params.primaryDbInstanceIdentifier} in ${ctx.regions.primary}`;


/** Reads the old primary in the primary region (5 s at most). Throws retryable errors when throttled or busy. */
export async function probeOldPrimary(ctx: Ctx): Promise<OldPrimary> {
  const id = ctx.component.params.primaryDbInstanceIdentifier;
  try {
    const out = await ctx.clients.get(RDSClient, ctx.regions.primary)
      .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const db = out.DBInstances?.[0];
    return db ? { kind: 'found', db } : { kind: 'absent' };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    if (err.name === 'DBInstanceNotFoundFault') return { kind: 'absent' };
    const classified = classifyError(error);
    if (classified.name === 'AwsThrottlingError' || classified.name === 'ResourceBusyError') throw classified;
    if (isUnreachable(error)) {
      ctx.logger.info('Old primary not reachable', { primary: id, region: ctx.regions.primary, error: err.name });
      return { kind: 'unreachable', reason: `${err.name}: ${err.message}` };
    }
    throw new UnexpectedStateError(`can't tell whether the ${primaryWhat(ctx)} is up: ${err.name}: ${err.message}`, { awsErrorName: err.name }, { cause: err });
  }
}

/** Its VpcSecurityGroups are exactly the isolation groups, each active. */
export function isIsolated(db: DBInstance, fencing: Fencing): boolean {
  const wanted = fencing.isolationSecurityGroupIds;
  const groups = db.VpcSecurityGroups ?? [];
  if (!wanted || groups.length === 0 || groups.some((g) => g.Status !== 'active')) return false;
  const have = new Set(groups.map((g) => g.VpcSecurityGroupId));
  return have.size === new Set(wanted).size && wanted.every((id) => have.has(id));
}

export function fenceView(probe: OldPrimary, fencing: Fencing): FenceView {
  if (probe.kind === 'unreachable') return { state: 'fenced', oldPrimary: 'unreachable', writes: false, verified: false, status: null };
  if (probe.kind === 'absent') return { state: 'fenced', oldPrimary: 'not found', writes: false, verified: false, status: null };
  const status = probe.db.DBInstanceStatus ?? 'unknown';
  if (status === 'stopped') return { state: 'fenced', oldPrimary: 'stopped', writes: false, verified: true, status };
  if (isIsolated(probe.db, fencing)) return { state: 'fenced', oldPrimary: 'isolated', writes: false, verified: true, status };
  if (DOWN.has(status)) return { state: 'fenced', oldPrimary: status, writes: false, verified: true, status };
  if (status === 'stopping') return { state: 'fencing', oldPrimary: 'stopping', writes: false, verified: false, status };
  const oldPrimary = fencing.method === 'none' ? 'not-fenced (method none)' : `${status}, not fenced`;
  return { state: 'up', oldPrimary, writes: WRITABLE.has(status), verified: false, status };
}

/** Read replicas the old primary still lists, other than `except` (our replica, by identifier or ARN). */
export function otherReplicas(db: DBInstance, except?: string): string[] {
  const ours = (r: string) => except !== undefined && (r === except || r.endsWith(`:db:${except}`));
  return (db.ReadReplicaDBInstanceIdentifiers ?? []).filter((r) => !ours(r));
}

/**
 * Sends the fencing command of the method: StopDBInstance, or ModifyDBInstance to the isolation
 * groups (RDS applies security-group changes asynchronously and ignores ApplyImmediately for them;
 * it is sent anyway, as the intent). An InvalidDBInstanceStateFault (the instance can't take it in
 * its current status) comes back as `refused`, to try again at a later check; throttling and other
 * errors are thrown, classified (DBInstanceNotFoundFault is `refused` too: the next read says "not found"). Nothing is recorded on a failure, so the next attempt reads first.
 */
export async function sendFence(ctx: Ctx, method: 'stop' | 'isolate'): Promise<{ sent: FenceCommand } | { refused: string }> {
  const { primaryDbInstanceIdentifier: id, fencing } = ctx.component.params;
  const rds = ctx.clients.get(RDSClient, ctx.regions.primary);
  const command: FenceCommand = method === 'stop' ? 'StopDBInstance' : 'ModifyDBInstance';
  try {
    if (method === 'stop') await rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: id }));
    else await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, VpcSecurityGroupIds: fencing.isolationSecurityGroupIds, ApplyImmediately: true }));
  } catch (error) {
    // Not in a status that takes it (or gone since it was read): the next check reads it again.
    if (error instanceof Error && REFUSED.includes(error.name)) return { refused: `${command} refused (${error.name}): ${error.message}` };
    throw classifyError(error);
  }
  ctx.logger.info('Old primary fencing requested', { primary: id, region: ctx.regions.primary, command });
  return { sent: command };
}
