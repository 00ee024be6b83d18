import { GetBucketVersioningCommand, NoSuchBucket, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readiness } from '../../../../shared/components/s3-version-restore/readiness.ts';
import type { ComponentOf } from '../../../../shared/plan/schema.ts';
import type { ReadinessContext } from '../../../../shared/readiness/types.ts';
import { exampleComponent } from '../../../support/action-context.ts';
import { awsError, readinessDeps } from '../../../support/readiness.ts';

const s3 = mockClient(S3Client);

const BUCKET = 'dataset-platform-datasets-tokyo';
type Params = ComponentOf<'s3-version-restore'>['params'];
/** The example plan's dataset restore (region primary). */
const context = async (params: Partial<Params> = {}): Promise<ReadinessContext<'s3-version-restore'>> => ({
  component: await exampleComponent('s3-version-restore', 'dataset-restore', params),
  ...readinessDeps(),
  now: new Date('2026-11-29T01:00:00.000Z'),
  rpoSeconds: 3600,
});

describe('s3-version-restore readiness', () => {
  beforeEach(() => s3.reset());
  afterEach(() => s3.reset());

  it('is ready when the bucket keeps versions; reads it in the plan\'s region', async () => {
    // Prepare
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result).toEqual({ findings: [{ check: 'versioning', status: 'ready', detail: `bucket ${BUCKET} keeps versions` }], dataAtRiskSeconds: null });
    expect(s3).toHaveReceivedCommandTimes(GetBucketVersioningCommand, 1);
    expect(s3.commandCalls(GetBucketVersioningCommand)[0]!.args[0].input).toEqual({ Bucket: BUCKET });
    expect(await s3.call(0).thisValue.config.region()).toBe('ap-northeast-1');
  });

  it('reads the secondary region\'s bucket when the plan says region: secondary', async () => {
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    await readiness.assess(await context({ region: 'secondary', bucket: 'dataset-platform-datasets-osaka' }));
    expect(s3.commandCalls(GetBucketVersioningCommand)[0]!.args[0].input).toEqual({ Bucket: 'dataset-platform-datasets-osaka' });
    expect(await s3.call(0).thisValue.config.region()).toBe('ap-northeast-3');
  });

  it.each([
    ['Suspended', 'Suspended'],
    [undefined, 'off'],
  ])('is not ready when versioning is %s', async (status, words) => {
    s3.on(GetBucketVersioningCommand).resolves(status === undefined ? {} : { Status: status as 'Suspended' });
    const result = await readiness.assess(await context());
    expect(result).toEqual({
      findings: [{
        check: 'versioning',
        status: 'not-ready',
        detail: `bucket ${BUCKET} versioning is ${words}: without versions there is nothing to restore; enable versioning`,
      }],
      dataAtRiskSeconds: null,
    });
  });

  it('is not ready when the bucket does not exist or the read is denied; at risk when throttled', async () => {
    s3.on(GetBucketVersioningCommand)
      .rejectsOnce(new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } }))
      .rejectsOnce(awsError('AccessDenied', 'Access Denied'))
      .rejectsOnce(awsError('SlowDown', 'Please reduce your request rate.'));
    const what = `bucket ${BUCKET} in ap-northeast-1`;
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'versioning', status: 'not-ready', detail: `${what} not found (NoSuchBucket): create it in the recovery region, or correct the plan` },
    ]);
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'versioning', status: 'not-ready', detail: `${what}: access denied (AccessDenied): the automation's role lacks a read it needs; redeploy from this plan` },
    ]);
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'versioning', status: 'at-risk', detail: `${what}: could not be read (SlowDown: Please reduce your request rate.); readiness unknown until it answers` },
    ]);
  });
});
