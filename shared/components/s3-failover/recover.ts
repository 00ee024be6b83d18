import { S3Client, GetBucketEncryptionCommand, GetBucketReplicationCommand, GetBucketVersioningCommand } from '@aws-sdk/client-s3';
import { SSMClient, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { ActionFailedError, classifyError } from '../../errors.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';

type Ctx = ActionContext<'s3-failover'>;
const KMS = ['aws:kms', 'aws:kms:dsse'];
/** S3 "not configured" errors (unmodeled, 404): each a failed precondition, said plainly. */
const MISSING: Record<string, string> = {
  NoSuchBucket: 'does not exist',
  ServerSideEncryptionConfigurationNotFoundError: 'has no default encryption configuration',
  ReplicationConfigurationNotFoundError: 'has no replication configuration (writes must replicate back to the primary for failback)',
};

const where = (ctx: Ctx) => `replica bucket ${ctx.component.params.replicaBucket} in ${ctx.regions.secondary}`;

/** One S3 read in the secondary region (nothing in the failed primary region is called). */
async function read<T>(ctx: Ctx, send: (s3: S3Client) => Promise<T>): Promise<T> {
  try {
    return await send(ctx.clients.get(S3Client, ctx.regions.secondary));
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const missing = MISSING[name];
    if (missing) throw new ActionFailedError(`${where(ctx)} ${missing}`, { awsErrorName: name }, { cause: error });
    throw classifyError(error);
  }
}

/** Versioning, default encryption and replication back to the primary: what the replica needs to serve writes safely. */
async function preconditions(ctx: Ctx): Promise<JsonObject> {
  const { replicaBucket: Bucket, primaryBucket, requireKms } = ctx.component.params;
  const versioning = (await read(ctx, (s3) => s3.send(new GetBucketVersioningCommand({ Bucket })))).Status;
  if (versioning !== 'Enabled') throw new ActionFailedError(`${where(ctx)}: versioning is ${versioning ?? 'not enabled'}, must be Enabled`);

  const rules = (await read(ctx, (s3) => s3.send(new GetBucketEncryptionCommand({ Bucket })))).ServerSideEncryptionConfiguration?.Rules ?? [];
  const algorithms = rules.flatMap((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? []);
  const allowed = requireKms ? KMS : [...KMS, 'AES256'];
  const encryption = algorithms.find((a) => allowed.includes(a));
  if (!encryption) {
    throw new ActionFailedError(`${where(ctx)}: default encryption is ${algorithms.join(', ') || 'not set'}, must be ${allowed.join(' or ')}`);
  }

  const replication = (await read(ctx, (s3) => s3.send(new GetBucketReplicationCommand({ Bucket })))).ReplicationConfiguration?.Rules ?? [];
  const back = replication.find((r) => r.Status === 'Enabled' && (r.Destination?.Bucket ?? '').endsWith(`:::${primaryBucket}`));
  if (!back) throw new ActionFailedError(`${where(ctx)}: no Enabled replication rule back to ${primaryBucket} (needed for failback)`);
  return { versioning, encryption, replication: `${back.ID ?? 'rule'} → ${back.Destination?.Bucket ?? primaryBucket}` };
}

/** The SSM parameter's value in the secondary region, or null when it does not exist. */
async function parameterValue(ctx: Ctx): Promise<string | null> {
  try {
    const out = await ctx.clients.get(SSMClient, ctx.regions.secondary).send(new GetParameterCommand({ Name: ctx.component.params.parameterName }));
    return out.Parameter?.Value ?? null;
  } catch (error) {
    if (error instanceof Error && error.name === 'ParameterNotFound') return null;
    throw classifyError(error);
  }
}

function progress(ctx: Ctx, state: JsonObject, value: string | null): ActionProgress {
  const { parameterName, replicaBucket } = ctx.component.params;
  return {
    done: value === replicaBucket,
    nextCheckSeconds: ctx.component.checkIntervalSeconds,
    status: `${parameterName} is ${value ?? '(missing)'}${value === replicaBucket ? '' : `, expecting ${replicaBucket}`}`,
    state,
    observations: { previousValue: state.previousValue ?? null, checks: state.checks ?? null },
  };
}

/**
 * Points readers at the replica bucket (the SSM parameter the application reads), after checking the
 * replica is versioned, encrypted and replicates back. Everything runs in the secondary region.
 */
export const recover: RecoveryAction<'s3-failover'> = {
  type: 's3-failover',
  defaultExpectedSeconds: 10,
  async start(ctx) {
    const { parameterName: Name, replicaBucket } = ctx.component.params;
    const checks = await preconditions(ctx);
    const previousValue = await parameterValue(ctx);
    const state: JsonObject = { previousValue, checks };
    if (previousValue === replicaBucket) {
      ctx.logger.info('Parameter already points at the replica bucket', { parameterName: Name, replicaBucket });
      return progress(ctx, state, previousValue);
    }
    try {
      await ctx.clients.get(SSMClient, ctx.regions.secondary).send(new PutParameterCommand({ Name, Value: replicaBucket, Type: 'String', Overwrite: true }));
    } catch (error) {
      throw classifyError(error);
    }
    ctx.logger.info('Parameter pointed at the replica bucket', { parameterName: Name, from: previousValue, to: replicaBucket });
    return {
      ...progress(ctx, state, previousValue),
      status: `${Name} set to ${replicaBucket} (was ${previousValue ?? 'missing'})`,
      nextCheckSeconds: ctx.component.expectedSeconds ?? this.defaultExpectedSeconds,
    };
  },
  async check(ctx, state) {
    return progress(ctx, state, await parameterValue(ctx));
  },
};
