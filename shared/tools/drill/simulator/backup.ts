import { createHash } from 'node:crypto';
import {
  BackupClient,
  DescribeRestoreJobCommand,
  ListRecoveryPointsByBackupVaultCommand,
  StartRestoreJobCommand,
  type DescribeRestoreJobCommandInput,
  type ListRecoveryPointsByBackupVaultCommandInput,
  type StartRestoreJobCommandInput,
} from '@aws-sdk/client-backup';
import { simulateClient } from './intercept.ts';
import type { ComponentOf } from '../../../plan/schema.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, planAccount, type DurationTable, type World } from './world.ts';

// Unconfirmed: AWS Backup's throttle error is not modeled (not among the errors of
// https://docs.aws.amazon.com/aws-backup/latest/devguide/API_StartRestoreJob.html); probably ThrottlingException.
const SIM: ServiceSimulation = { service: 'backup', throttleError: 'ThrottlingException' };

export const BACKUP_DURATIONS: DurationTable = {
  'backup.efs-restore': {
    seconds: 7200,
    source: 'seed plan 3.2: EFS recovery estimated 2 h (the duration depends on size; AWS publishes no typical figure: https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-efs.html)',
  },
  'backup.restore': {
    seconds: 3600,
    source: 'assumption: 1 h for a restore of another resource type (AWS publishes no typical figure: https://docs.aws.amazon.com/aws-backup/latest/devguide/API_StartRestoreJob.html)',
  },
  'backup.restore-pending': {
    seconds: 300,
    source: 'assumption: a restore job is PENDING for its first 5 min (part of the restore duration, not added to it)',
  },
};

/** Daily recovery points kept per protected resource (seed plan 3.2: EFS daily backup kept 30 days). */
export const BACKUP_RETENTION_DAYS = 30;
/** The newest recovery point was created this many hours before the seeding time (the daily backup window). */
export const BACKUP_NEWEST_HOURS_BEFORE_SEEDING = 3;
/** Page size of ListRecoveryPointsByBackupVault without MaxResults (assumption; AWS documents only the 1–1000 range). */
const DEFAULT_PAGE = 100;
const HOUR = 3_600_000;

interface RecoveryPoint { arn: string; resourceArn: string; resourceType: string; component: string; createdAt: number; sizeBytes: number }
interface Vault { name: string; region: string; arn: string; points: RecoveryPoint[] }
interface RestoreJob {
  id: string;
  region: string;
  point: RecoveryPoint;
  iamRoleArn: string | undefined;
  createdAt: number;
  pendingMs: number;
  totalMs: number;
  createdResourceArn: string;
}

const uuid = (seed: string) => createHash('sha256').update(seed).digest('hex').slice(0, 32).toUpperCase()
  .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

/**
 * AWS Backup in the secondary region. Each backup-restore component's vault holds 30 daily COMPLETED
 * recovery points of its resourceArn (copied from the primary region), the newest 3 h before the seeding
 * time. With the `stale-backup` drift on the component (from when it is first seen) its newest point is `hours`
 * old: the component's points all shift with it, a day apart as before. A restore job is PENDING for 'backup.restore-pending', then RUNNING (PercentDone rising) until
 * 'backup.efs-restore' (EFS; 'backup.restore' otherwise) after its creation, then COMPLETED with
 * CreatedResourceArn (a new EFS file system unless the metadata names one with newFileSystem "false").
 * The same IdempotencyToken returns the same RestoreJobId and starts nothing. With the `fail` fault on the
 * component the job ends FAILED halfway through RUNNING, with a StatusMessage.
 */
export function simulateBackup(world: World): SimulatedService {
  const stub = simulateClient(BackupClient);
  const account = planAccount(world.plan);
  const vaults = new Map<string, Vault>();
  const jobs = new Map<string, RestoreJob>();
  const tokens = new Map<string, string>();
  const keyOf = (region: string, name: string) => `${region}\n${name}`;
  const seededAt = world.now();

  for (const c of world.plan.components.filter((x): x is ComponentOf<'backup-restore'> => x.type === 'backup-restore')) {
    const { backupVaultName: name, resourceArn, resourceType } = c.params;
    const region = world.secondary;
    const vault = vaults.get(keyOf(region, name)) ?? { name, region, arn: `arn:aws:backup:${region}:${account}:backup-vault:${name}`, points: [] };
    for (let day = 0; day < BACKUP_RETENTION_DAYS; day++) {
      vault.points.push({
        arn: `arn:aws:backup:${region}:${account}:recovery-point:${uuid(`${name}/${resourceArn}/${day}`)}`,
        resourceArn, resourceType, component: c.id,
        createdAt: seededAt - BACKUP_NEWEST_HOURS_BEFORE_SEEDING * HOUR - day * 24 * HOUR,
        sizeBytes: 48_000_000_000 + (BACKUP_RETENTION_DAYS - day) * 150_000_000,
      });
    }
    vaults.set(keyOf(region, name), vault);
    world.own('backup', region, name, c.id);
  }

  /** Components whose `stale-backup` drift has been applied. */
  const staled = new Set<string>();
  /** The `stale-backup` drifts not applied yet: the component's newest point is made `hours` old now, the others shifted with it. */
  function applyDrifts(): void {
    for (const d of world.drifts('stale-backup')) {
      const points = [...vaults.values()].flatMap((v) => v.points).filter((p) => p.component === d.component);
      if (staled.has(d.component) || points.length === 0) continue;
      staled.add(d.component);
      const shift = world.now() - d.hours * HOUR - Math.max(...points.map((p) => p.createdAt));
      for (const p of points) p.createdAt += shift;
    }
  }

  const notFound = (what: string) => awsError('ResourceNotFoundException', what, 400);
  const invalid = (what: string) => awsError('InvalidParameterValueException', what, 400);

  function vaultIn(region: string, name: string | undefined): Vault {
    const vault = vaults.get(keyOf(region, name ?? ''));
    if (!vault) throw notFound(`Backup vault ${name ?? ''} in ${region} does not exist`);
    return vault;
  }

  /** Where a job stands at world.now(). */
  function stateOf(job: RestoreJob) {
    const elapsed = world.now() - job.createdAt;
    const runMs = job.totalMs - job.pendingMs;
    const failAt = job.pendingMs + runMs / 2;
    const failing = world.failing(job.point.component);
    const status = failing && elapsed >= failAt ? 'FAILED' : elapsed >= job.totalMs ? 'COMPLETED' : elapsed >= job.pendingMs ? 'RUNNING' : 'PENDING';
    const progressed = Math.min(elapsed, failing ? failAt : job.totalMs) - job.pendingMs;
    const percent = status === 'COMPLETED' ? 100 : progressed <= 0 || runMs <= 0 ? 0 : (progressed / runMs) * 100;
    // PercentDone's format is undocumented (a string); "NN.NN%" is an assumption.
    return { status, percentDone: `${percent.toFixed(2)}%`, endedAt: status === 'FAILED' ? job.createdAt + failAt : job.createdAt + job.totalMs };
  }

  refuseOthers(SIM, stub);
  answer<ListRecoveryPointsByBackupVaultCommandInput, unknown>(world, SIM, stub, ListRecoveryPointsByBackupVaultCommand, (input, region) => {
    applyDrifts();
    const vault = vaultIn(region, input.BackupVaultName);
    const size = input.MaxResults ?? DEFAULT_PAGE;
    if (!Number.isInteger(size) || size < 1 || size > 1000) throw invalid('MaxResults must be between 1 and 1000');
    let from = 0;
    if (input.NextToken !== undefined) {
      const [tokenVault, offset] = Buffer.from(input.NextToken, 'base64url').toString().split('\n');
      from = Number(offset);
      if (tokenVault !== vault.name || !Number.isInteger(from) || from < 0) throw invalid('Invalid NextToken');
    }
    const matching = vault.points
      .filter((p) => (!input.ByResourceArn || p.resourceArn === input.ByResourceArn) && (!input.ByResourceType || p.resourceType === input.ByResourceType))
      .filter((p) => (!input.ByCreatedBefore || p.createdAt < input.ByCreatedBefore.getTime()) && (!input.ByCreatedAfter || p.createdAt > input.ByCreatedAfter.getTime()))
      .sort((a, b) => b.createdAt - a.createdAt);
    const next = from + size < matching.length ? Buffer.from(`${vault.name}\n${from + size}`).toString('base64url') : undefined;
    return {
      RecoveryPoints: matching.slice(from, from + size).map((p) => ({
        RecoveryPointArn: p.arn, BackupVaultName: vault.name, BackupVaultArn: vault.arn, ResourceArn: p.resourceArn, ResourceType: p.resourceType,
        CreatedBy: { BackupPlanId: uuid(`plan/${vault.name}`).toLowerCase(), BackupRuleId: uuid(`rule/${vault.name}`).toLowerCase() },
        IamRoleArn: `arn:aws:iam::${account}:role/service-role/AWSBackupDefaultServiceRole`, Status: 'COMPLETED',
        CreationDate: new Date(p.createdAt), CompletionDate: new Date(p.createdAt + 25 * 60_000), BackupSizeInBytes: p.sizeBytes,
        Lifecycle: { DeleteAfterDays: BACKUP_RETENTION_DAYS }, CalculatedLifecycle: { DeleteAt: new Date(p.createdAt + BACKUP_RETENTION_DAYS * 24 * HOUR) },
        IsEncrypted: true, EncryptionKeyArn: `arn:aws:kms:${region}:${account}:key/${uuid(`kms/${vault.name}`).toLowerCase()}`,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  });

  answer<StartRestoreJobCommandInput, unknown>(world, SIM, stub, StartRestoreJobCommand, (input, region) => {
    const metadata = input.Metadata;
    if (!input.RecoveryPointArn || !metadata) throw awsError('MissingParameterValueException', 'RecoveryPointArn and Metadata are required', 400);
    applyDrifts();
    const point = [...vaults.values()].filter((v) => v.region === region).flatMap((v) => v.points).find((p) => p.arn === input.RecoveryPointArn);
    // Which of ResourceNotFoundException / InvalidParameterValueException AWS returns for an unknown point is undocumented (§5 lists both).
    if (!point) throw notFound(`Recovery point ${input.RecoveryPointArn} in ${region} does not exist`);
    if (metadata.KmsKeyId && metadata.Encrypted !== 'true') throw invalid('Encrypted must be true when KmsKeyId is set');
    const existingFs = metadata.newFileSystem === 'false' ? metadata['file-system-id'] : undefined;
    if (metadata.newFileSystem === 'false' && !existingFs) throw invalid('file-system-id is required when newFileSystem is false');
    const tokenKey = input.IdempotencyToken ? keyOf(region, input.IdempotencyToken) : undefined;
    const same = tokenKey ? tokens.get(tokenKey) : undefined;
    if (same) return { RestoreJobId: same };

    const id = uuid(`${region}/${point.arn}/${jobs.size}`);
    const durationKey = point.resourceType === 'EFS' ? 'backup.efs-restore' : 'backup.restore';
    const totalMs = world.durationMs(durationKey, point.component);
    const fs = existingFs ?? `fs-${createHash('sha256').update(id).digest('hex').slice(0, 17)}`;
    jobs.set(id, {
      id, region, point, iamRoleArn: input.IamRoleArn, createdAt: world.now(), totalMs,
      pendingMs: Math.min(world.durationMs('backup.restore-pending', point.component), totalMs),
      createdResourceArn: point.resourceType === 'EFS' ? `arn:aws:elasticfilesystem:${region}:${account}:file-system/${fs}` : `${point.resourceArn}-restored-${id.slice(0, 8)}`,
    });
    if (tokenKey) tokens.set(tokenKey, id);
    return { RestoreJobId: id };
  });

  answer<DescribeRestoreJobCommandInput, unknown>(world, SIM, stub, DescribeRestoreJobCommand, (input, region) => {
    const job = jobs.get(input.RestoreJobId ?? '');
    if (!job || job.region !== region) throw notFound(`Restore job ${input.RestoreJobId ?? ''} in ${region} does not exist`);
    const { status, percentDone, endedAt } = stateOf(job);
    return {
      AccountId: account, RestoreJobId: job.id, RecoveryPointArn: job.point.arn, RecoveryPointCreationDate: new Date(job.point.createdAt),
      CreationDate: new Date(job.createdAt), Status: status, PercentDone: percentDone, BackupSizeInBytes: job.point.sizeBytes,
      IamRoleArn: job.iamRoleArn, ExpectedCompletionTimeMinutes: Math.ceil(job.totalMs / 60_000), ResourceType: job.point.resourceType,
      ...(status === 'COMPLETED' ? { CompletionDate: new Date(endedAt), CreatedResourceArn: job.createdResourceArn } : {}),
      ...(status === 'FAILED' ? {
        CompletionDate: new Date(endedAt),
        StatusMessage: `Restore of ${job.point.resourceArn} failed: the file system could not be created (failure injected by the drill)`,
      } : {}),
    };
  });

  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => {
      applyDrifts();
      return {
        vaults: Object.fromEntries([...vaults.values()].map((v) => [v.name, {
          region: v.region,
          recoveryPoints: v.points.length,
          newest: v.points.length ? iso(Math.max(...v.points.map((p) => p.createdAt))) : null,
          oldest: v.points.length ? iso(Math.min(...v.points.map((p) => p.createdAt))) : null,
        }])),
        restoreJobs: Object.fromEntries([...jobs.values()].map((j) => {
          const { status, percentDone, endedAt } = stateOf(j);
          const ended = status === 'COMPLETED' || status === 'FAILED';
          return [j.id, {
            region: j.region, recoveryPointArn: j.point.arn, status, percentDone, createdAt: iso(j.createdAt),
            completedAt: ended ? iso(endedAt) : null, createdResourceArn: status === 'COMPLETED' ? j.createdResourceArn : null,
          }];
        })),
      };
    },
  };
}
