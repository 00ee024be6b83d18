import { BackupClient, DescribeRestoreJobCommand, ListRecoveryPointsByBackupVaultCommand, StartRestoreJobCommand, type RecoveryPointByBackupVault } from '@aws-sdk/client-backup';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recover as backupRestore } from '../../../../../shared/components/backup-restore/recover.ts';
import type { ActionContext, ActionProgress } from '../../../../../shared/components/types.ts';
import { BACKUP_DURATIONS, BACKUP_NEWEST_HOURS_BEFORE_SEEDING, BACKUP_RETENTION_DAYS, simulateBackup } from '../../../../../shared/tools/drill/simulator/backup.ts';
import type { SimulatedService } from '../../../../../shared/tools/drill/simulator/service.ts';
import { World, type Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Plan } from '../../../../../shared/plan/schema.ts';
import { actionContext, exampleComponent, PRIMARY, SECONDARY } from '../../../../support/action-context.ts';

const START = new Date('2026-11-29T01:00:00.000Z');
const VAULT = 'dataset-platform-osaka';
const RESOURCE = 'arn:aws:elasticfilesystem:ap-northeast-1:123456789012:file-system/fs-0123456789abcdef0';
const RESTORE_SECONDS = BACKUP_DURATIONS['backup.efs-restore']?.seconds ?? Number.NaN;
const PENDING_SECONDS = BACKUP_DURATIONS['backup.restore-pending']?.seconds ?? Number.NaN;
const NEWEST = new Date(START.getTime() - BACKUP_NEWEST_HOURS_BEFORE_SEEDING * 3_600_000);
const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const rejection = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: Error) => e);

type Ctx = ActionContext<'backup-restore'>;

/** Runs the action as the state machine does (start, then a check each nextCheckSeconds, `now` fresh each time) until done. */
async function drive(ctx: Ctx, limitSeconds = 6 * 3600) {
  const fresh = () => ({ ...ctx, now: new Date() });
  const t0 = Date.now();
  let progress: ActionProgress = await backupRestore.start(fresh());
  while (!progress.done) {
    await sleep(progress.nextCheckSeconds);
    if (Date.now() - t0 > limitSeconds * 1000) throw new Error(`not done after ${limitSeconds} s: ${progress.status}`);
    progress = await backupRestore.check(fresh(), progress.state);
  }
  return { seconds: (Date.now() - t0) / 1000, progress };
}

let plan: Plan;
let sim: SimulatedService | undefined;
let world: World;

function simulate(faults: Fault[] = []): World {
  world = new World(plan, { durations: BACKUP_DURATIONS, faults });
  sim = simulateBackup(world);
  return world;
}
const onClock = <T>(work: () => Promise<T>) => withVirtualClock(START, work);
type JobView = { status: string; percentDone: string; recoveryPointArn: string; createdResourceArn: string | null; completedAt: string | null };
const snapshot = () => sim?.snapshot() as { vaults: Record<string, { region: string; recoveryPoints: number; newest: string; oldest: string }>; restoreJobs: Record<string, JobView> };
const jobs = () => Object.values(snapshot().restoreJobs);
const calls = (command: string) => world.calls.filter((c) => c.command === command && !c.error);

/** The backup-system component of the example plan (incident = the run start = the seeding time). */
const restoreContext = async (params: { backupVaultName?: string; metadata?: Record<string, string> } = {}) =>
  actionContext(await exampleComponent('backup-restore', 'backup-system', params), { incidentStartedAt: START });

describe('simulated AWS Backup', () => {
  beforeAll(async () => {
    plan = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
  });
  afterEach(() => {
    sim?.restore();
    sim = undefined;
  });

  it('seeds the secondary vault with 30 daily COMPLETED points of the resource, newest first, paged by MaxResults', async () => {
    await onClock(async () => simulate());
    expect(snapshot().vaults[VAULT]).toEqual({
      region: SECONDARY, recoveryPoints: BACKUP_RETENTION_DAYS, newest: NEWEST.toISOString(),
      oldest: new Date(NEWEST.getTime() - (BACKUP_RETENTION_DAYS - 1) * 86_400_000).toISOString(),
    });
    const backup = (await restoreContext()).clients.get(BackupClient, SECONDARY);
    const points: RecoveryPointByBackupVault[] = [];
    const pages: number[] = [];
    let NextToken: string | undefined;
    do {
      const out = await backup.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: VAULT, ByResourceArn: RESOURCE, MaxResults: 7, NextToken }));
      points.push(...(out.RecoveryPoints ?? []));
      pages.push(out.RecoveryPoints?.length ?? 0);
      NextToken = out.NextToken;
    } while (NextToken);
    expect(pages).toEqual([7, 7, 7, 7, 2]);
    expect(points.every((p) => p.Status === 'COMPLETED' && p.ResourceArn === RESOURCE && p.RecoveryPointArn?.startsWith(`arn:aws:backup:${SECONDARY}:123456789012:recovery-point:`))).toBe(true);
    expect(points.map((p) => p.CreationDate?.getTime())).toEqual([...points.map((p) => p.CreationDate?.getTime() ?? 0)].sort((a, b) => b - a));
    expect(points[0]).toMatchObject({ CreationDate: NEWEST, Lifecycle: { DeleteAfterDays: 30 } });
    expect((await backup.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: VAULT, ByResourceArn: `${RESOURCE}1` }))).RecoveryPoints).toEqual([]);
    expect(await rejection(backup.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: VAULT, NextToken: 'bogus' })))).toMatchObject({ name: 'InvalidParameterValueException' });
  });

  it('answers an unknown vault, a vault in the other region, an unknown recovery point and job with ResourceNotFoundException', async () => {
    await onClock(async () => simulate());
    const ctx = await restoreContext();
    const inOsaka = ctx.clients.get(BackupClient, SECONDARY);
    expect(await rejection(inOsaka.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: 'nope' })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await rejection(ctx.clients.get(BackupClient, PRIMARY).send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: VAULT })))).toMatchObject({ name: 'ResourceNotFoundException' });
    const unknownPoint = new StartRestoreJobCommand({ RecoveryPointArn: `arn:aws:backup:${SECONDARY}:123456789012:recovery-point:NOPE`, Metadata: {} });
    expect(await rejection(inOsaka.send(unknownPoint))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await rejection(inOsaka.send(new DescribeRestoreJobCommand({ RestoreJobId: 'nope' })))).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await rejection(backupRestore.start(await restoreContext({ backupVaultName: 'nope' })))).toMatchObject({ name: 'ResourceNotFoundError' });
    const kmsWithoutEncryption = await restoreContext({ metadata: { newFileSystem: 'true', KmsKeyId: 'arn:aws:kms:ap-northeast-3:123456789012:key/x' } });
    expect(await rejection(backupRestore.start(kmsWithoutEncryption))).toMatchObject({ name: 'ActionFailedError', details: { awsErrorName: 'InvalidParameterValueException' } });
    expect(calls('StartRestoreJob')).toHaveLength(0);
  });

  it('restores the newest point before the incident: PENDING, RUNNING, then COMPLETED after backup.efs-restore', async () => {
    const ctx = await restoreContext();
    const seen: { at: number; status: string; percent: string }[] = [];
    const result = await onClock(async () => {
      simulate();
      const run = drive(ctx);
      for (const at of [60, PENDING_SECONDS + 60, RESTORE_SECONDS / 2]) {
        await sleep(at - (Date.now() - START.getTime()) / 1000);
        const [job] = jobs();
        seen.push({ at, status: job?.status ?? '', percent: job?.percentDone ?? '' });
      }
      return run;
    });
    expect(result.seconds).toBe(RESTORE_SECONDS);
    expect(seen.map((s) => s.status)).toEqual(['PENDING', 'RUNNING', 'RUNNING']);
    expect(seen[0]?.percent).toBe('0.00%');
    expect(Number.parseFloat(seen[2]?.percent ?? '')).toBeGreaterThan(40);
    const [job] = jobs();
    expect(job).toMatchObject({ status: 'COMPLETED', percentDone: '100.00%', completedAt: new Date(START.getTime() + RESTORE_SECONDS * 1000).toISOString() });
    expect(job?.createdResourceArn).toMatch(new RegExp(`^arn:aws:elasticfilesystem:${SECONDARY}:123456789012:file-system/fs-[0-9a-f]{17}$`));
    expect(result.progress.observations).toMatchObject({ recoveryPointCreatedAt: NEWEST.toISOString(), createdResourceArn: job?.createdResourceArn });
  });

  it('gets the same job back on a re-run (same IdempotencyToken): one restore job, never a second', async () => {
    const ctx = await restoreContext();
    await onClock(async () => {
      simulate();
      const first = await backupRestore.start(ctx);
      const again = await backupRestore.start({ ...ctx, now: new Date() });
      expect(again.state.restoreJobId).toBe(first.state.restoreJobId);
      await drive(ctx);
    });
    expect(jobs()).toHaveLength(1);
    // The action re-sends StartRestoreJob on every start; AWS Backup's idempotency makes it a no-op.
    expect(calls('StartRestoreJob')).toHaveLength(3);
  });

  it('ends the job FAILED with a StatusMessage under the fail fault: the action fails with ActionFailedError', async () => {
    const ctx = await restoreContext();
    const error = await onClock(async () => {
      simulate([{ kind: 'fail', component: 'backup-system' }]);
      return rejection(drive(ctx));
    });
    expect(error).toMatchObject({ name: 'ActionFailedError', details: { status: 'FAILED', statusMessage: expect.stringContaining('injected by the drill') } });
    expect(jobs()[0]).toMatchObject({ status: 'FAILED', createdResourceArn: null });
  });

  it('takes the slow factor times longer', async () => {
    const ctx = await restoreContext();
    const result = await onClock(async () => {
      simulate([{ kind: 'slow', component: 'backup-system', factor: 2 }]);
      return drive(ctx);
    });
    expect(result.seconds).toBe(2 * RESTORE_SECONDS);
  });

  it('throttles the first N calls with ThrottlingException (AwsThrottlingError), then answers', async () => {
    const ctx = await restoreContext();
    await onClock(async () => {
      // Each start's call is tried 3 times by the SDK's retry middleware (intercept.ts).
      simulate([{ kind: 'throttle', service: 'backup', calls: 6 }]);
      for (const _ of [1, 2]) expect(await rejection(backupRestore.start(ctx))).toMatchObject({ name: 'AwsThrottlingError' });
      expect((await drive(ctx)).progress.done).toBe(true);
    });
    expect(world.calls.slice(0, 7).map((c) => `${c.command}:${c.error ?? 'ok'}`)).toEqual([
      ...Array.from({ length: 6 }, () => 'ListRecoveryPointsByBackupVault:ThrottlingException'), 'ListRecoveryPointsByBackupVault:ok',
    ]);
    expect(jobs()).toHaveLength(1);
  });
});
