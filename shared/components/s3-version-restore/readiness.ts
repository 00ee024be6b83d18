import { GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { finding, reading } from '../../readiness/findings.ts';
import type { ReadinessProbe } from '../../readiness/types.ts';

/** Ready when the bucket keeps versions: the earlier versions are what the restore copies back. */
export const readiness: ReadinessProbe<'s3-version-restore'> = {
  type: 's3-version-restore',
  measuresDataAtRisk: false,
  async assess(ctx) {
    const p = ctx.component.params;
    const region = p.region === 'primary' ? ctx.regions.primary : ctx.regions.secondary;
    const read = await reading('versioning', `bucket ${p.bucket} in ${region}`, async () =>
      (await ctx.clients.get(S3Client, region).send(new GetBucketVersioningCommand({ Bucket: p.bucket }))).Status);
    if ('failed' in read) return { findings: [read.failed], dataAtRiskSeconds: null };
    return {
      findings: [read.value === 'Enabled'
        ? finding('versioning', 'ready', `bucket ${p.bucket} keeps versions`)
        : finding('versioning', 'not-ready', `bucket ${p.bucket} versioning is ${read.value ?? 'off'}: without versions there is nothing to restore; enable versioning`)],
      dataAtRiskSeconds: null,
    };
  },
};
