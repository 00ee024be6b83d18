import { S3Client, GetBucketReplicationCommand, GetBucketVersioningCommand, PutBucketReplicationCommand, type ReplicationRule } from '@aws-sdk/client-s3';
import { ActionFailedError, classifyError } from '../../errors.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';

/**
 * Re-protect of an s3-failover: the bucket the application uses now (params.primaryBucket in the run's
 * primary region; in the reverse direction the plan's replica) replicates to the other one
 * (params.replicaBucket in the run's secondary region).
 * - The destination must have versioning Enabled (S3 replicates only into a versioned bucket); it is not
 *   turned on here: a bucket's versioning can never be turned off again, so that is the plan owner's call.
 * - A replication rule of the source that is Enabled toward the destination is kept as it is (done: the
 *   customer's own two-way replication, which s3-failover's recovery already requires).
 * - Otherwise, with params.reprotect, one rule is added (PutBucketReplication replaces the whole
 *   configuration: the source's other rules are kept, the configuration's role becomes reprotect's, and the
 *   new rule gets the next priority), sent at most once per run; without it, the fix is named.
 * Objects written to the source while the other region was down are not copied by a new rule (only
 * new writes are); S3 Batch Replication copies them, which this action does not start.
 */

type Ctx = ActionContext<'s3-failover'>;
const EXPECTED_SECONDS = 30;
const arnOf = (bucket: string) => `arn:aws:s3:::${bucket}`;

function failed(ctx: Ctx, bucket: string, error: unknown): Error {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NoSuchBucket') return new ActionFailedError(`bucket ${bucket} does not exist`, { awsErrorName: name }, { cause: error });
  return classifyError(error);
}

async function rulesOf(ctx: Ctx): Promise<{ role: string | null; rules: ReplicationRule[] }> {
  const Bucket = ctx.component.params.primaryBucket;
  try {
    const out = await ctx.clients.get(S3Client, ctx.regions.primary).send(new GetBucketReplicationCommand({ Bucket }));
    return { role: out.ReplicationConfiguration?.Role ?? null, rules: out.ReplicationConfiguration?.Rules ?? [] };
  } catch (error) {
    if (error instanceof Error && error.name === 'ReplicationConfigurationNotFoundError') return { role: null, rules: [] };
    throw failed(ctx, Bucket, error);
  }
}

async function progress(ctx: Ctx, previous: JsonObject): Promise<ActionProgress> {
  const { primaryBucket: source, replicaBucket: destination, reprotect } = ctx.component.params;
  let versioning: string | undefined;
  try {
    versioning = (await ctx.clients.get(S3Client, ctx.regions.secondary).send(new GetBucketVersioningCommand({ Bucket: destination }))).Status;
  } catch (error) {
    throw failed(ctx, destination, error);
  }
  if (versioning !== 'Enabled') {
    throw new ActionFailedError(`destination bucket ${destination} in ${ctx.regions.secondary} has versioning ${versioning ?? 'never enabled'}: S3 replicates only into a versioned bucket; enable it, then run the re-protect again`);
  }
  const { rules } = await rulesOf(ctx);
  const rule = rules.find((r) => r.Status === 'Enabled' && r.Destination?.Bucket === arnOf(destination));
  if (rule) {
    const state = { ...previous, ruleId: rule.ID ?? null, source, destination };
    return { done: true, nextCheckSeconds: 0, status: `${source} replicates to ${destination} (rule ${rule.ID ?? 'unnamed'}${previous.ruleAddedAt ? ', added by this run' : ', kept'})`, state, observations: state };
  }
  if (previous.ruleAddedAt) {
    return { done: false, nextCheckSeconds: ctx.component.checkIntervalSeconds, status: `rule ${reprotect?.ruleId ?? ''} added at ${String(previous.ruleAddedAt)}, not listed yet`, state: previous, observations: previous };
  }
  if (!reprotect) {
    throw new ActionFailedError(`${source} has no enabled replication rule to ${destination}: add params.reprotect.replicationRoleArn (the role S3 replicates with) so the re-protect can add one, or add the rule yourself`);
  }
  const priority = Math.max(0, ...rules.map((r) => r.Priority ?? 0)) + 1;
  const added: ReplicationRule = {
    ID: reprotect.ruleId,
    Priority: priority,
    Status: 'Enabled',
    Filter: { Prefix: '' },
    DeleteMarkerReplication: { Status: 'Enabled' },
    Destination: { Bucket: arnOf(destination) },
  };
  try {
    await ctx.clients.get(S3Client, ctx.regions.primary).send(
      new PutBucketReplicationCommand({
        Bucket: source,
        ReplicationConfiguration: { Role: reprotect.replicationRoleArn, Rules: [...rules.filter((r) => r.ID !== reprotect.ruleId), added] },
      }),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidRequest') throw new ActionFailedError(`PutBucketReplication on ${source} refused: ${error.message}`, { awsErrorName: error.name }, { cause: error });
    throw failed(ctx, source, error);
  }
  ctx.logger.info('Replication rule added', { source, destination, rule: reprotect.ruleId, kept: rules.length });
  const state = { ruleAddedAt: ctx.now.toISOString(), ruleId: reprotect.ruleId, source, destination, rulesKept: rules.length };
  return { done: false, nextCheckSeconds: EXPECTED_SECONDS, status: `rule ${reprotect.ruleId} added: ${source} → ${destination} (${rules.length} other rule(s) kept)`, state, observations: state };
}

export const reprotect: RecoveryAction<'s3-failover'> = {
  type: 's3-failover',
  defaultExpectedSeconds: EXPECTED_SECONDS,
  start: (ctx) => progress(ctx, {}),
  check: (ctx, state) => progress(ctx, state),
};
