import { GetBucketReplicationCommand, GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { finding, reading } from '../../readiness/findings.ts';
import { lagFinding } from '../../readiness/lag.ts';
import type { ReadinessFinding, ReadinessProbe } from '../../readiness/types.ts';

/**
 * Ready when the primary bucket replicates to the replica bucket (an Enabled rule toward it), the
 * replica keeps versions, and the rule's ReplicationLatency (S3 Replication metrics, in the
 * destination's region) is within the RPO: what a switch to the replica now would miss.
 */
export const readiness: ReadinessProbe<'s3-failover'> = {
  type: 's3-failover',
  measuresDataAtRisk: true,
  async assess(ctx) {
    const p = ctx.component.params;
    const findings: ReadinessFinding[] = [];
    const replication = await reading('replication', `replication of bucket ${p.primaryBucket}`, async () =>
      (await ctx.clients.get(S3Client, ctx.regions.primary).send(new GetBucketReplicationCommand({ Bucket: p.primaryBucket }))).ReplicationConfiguration);
    const rule = 'value' in replication
      ? replication.value?.Rules?.find((r) => r.Status === 'Enabled' && r.Destination?.Bucket?.replace(/^arn:aws[a-z-]*:s3:::/, '') === p.replicaBucket)
      : undefined;
    if ('failed' in replication) {
      findings.push(replication.failed.detail.includes('ReplicationConfigurationNotFound')
        ? finding('replication', 'not-ready', `bucket ${p.primaryBucket} has no replication configuration: the replica ${p.replicaBucket} is not kept up to date`)
        : replication.failed);
    } else if (!rule) {
      findings.push(finding('replication', 'not-ready', `bucket ${p.primaryBucket} has no Enabled replication rule toward ${p.replicaBucket}`));
    } else {
      findings.push(finding('replication', 'ready', `rule ${rule.ID ?? '(no id)'} replicates ${p.primaryBucket} to ${p.replicaBucket}`));
    }
    const versioning = await reading('replica-versioning', `bucket ${p.replicaBucket}`, async () =>
      (await ctx.clients.get(S3Client, ctx.regions.secondary).send(new GetBucketVersioningCommand({ Bucket: p.replicaBucket }))).Status);
    if ('failed' in versioning) findings.push(versioning.failed);
    else findings.push(versioning.value === 'Enabled'
      ? finding('replica-versioning', 'ready', `bucket ${p.replicaBucket} keeps versions`)
      : finding('replica-versioning', 'not-ready', `bucket ${p.replicaBucket} versioning is ${versioning.value ?? 'off'}: replication needs it Enabled`));
    if (!rule) return { findings, dataAtRiskSeconds: null };
    const lag = await lagFinding({ ...ctx, region: ctx.regions.secondary }, {
      namespace: 'AWS/S3',
      metricName: 'ReplicationLatency',
      unit: 'Seconds',
      dimensions: [{ Name: 'SourceBucket', Value: p.primaryBucket }, { Name: 'DestinationBucket', Value: p.replicaBucket }, { Name: 'RuleId', Value: rule.ID ?? '' }],
    }, ctx.rpoSeconds);
    findings.push(lag.finding);
    return { findings, dataAtRiskSeconds: lag.seconds };
  },
};
