import { createHash } from 'node:crypto';
import {
  S3Client, CopyObjectCommand, GetBucketReplicationCommand, GetBucketVersioningCommand, HeadObjectCommand, ListObjectVersionsCommand, PutBucketReplicationCommand,
  PutBucketVersioningCommand, PutObjectCommand, S3ServiceException, type ListObjectVersionsCommandOutput, type ReplicationRule,
} from '@aws-sdk/client-s3';
import { SSMClient, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recover as s3Failover } from '../../../../../shared/components/s3-failover/recover.ts';
import { copySource, recover as s3VersionRestore } from '../../../../../shared/components/s3-version-restore/recover.ts';
import { S3_DAMAGE_MINUTES_BEFORE_SEEDING, S3_DURATIONS, seedObjects, simulateS3 } from '../../../../../shared/tools/drill/simulator/s3.ts';
import type { SimulatedService } from '../../../../../shared/tools/drill/simulator/service.ts';
import { SSM_DURATIONS, simulateSsm } from '../../../../../shared/tools/drill/simulator/ssm.ts';
import { World, type Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Plan } from '../../../../../shared/plan/schema.ts';
import { actionContext, exampleComponent, PRIMARY, SECONDARY } from '../../../../support/action-context.ts';
import { drive } from '../../../../support/drive-action.ts';

const START = new Date('2026-11-29T01:00:00.000Z');
const TOKYO = 'dataset-platform-datasets-tokyo';
const OSAKA = 'dataset-platform-datasets-osaka';
const SCRATCH = 'dataset-platform-scratch-osaka';
const PARAMETER = '/dataset-platform/storage/bucket';
const COPY_SECONDS = S3_DURATIONS['s3.copy-object']?.seconds ?? Number.NaN;
const PUT_SECONDS = SSM_DURATIONS['ssm.put-parameter']?.seconds ?? Number.NaN;
/** The s3-version-restore action copies this many objects at once (PARALLEL_COPIES in the action). */
const PARALLEL_COPIES = 8;
const DAMAGE = new Date(START.getTime() - S3_DAMAGE_MINUTES_BEFORE_SEEDING * 60_000);

/** A snapshot entry: `content` is the simulation's own SHA-256 (hex) of what the version holds, which S3 never shows. */
type Entry = {
  versionId: string; lastModified: string; etag?: string; size?: number; storageClass?: string; deleteMarker?: true; content?: string;
  checksumSHA256?: string; checksumType?: 'FULL_OBJECT' | 'COMPOSITE'; parts?: number;
};
type BucketView = { region: string; encryption: string; replicatesTo: string[]; damageStartedAt?: string; objects?: Record<string, Entry[]> };

let plan: Plan;
let sims: SimulatedService[] = [];
let world: World;

/** Seeds the account at the current (virtual) time; call inside `onClock` so the history is dated from START. */
function simulate(faults: Fault[] = [], withPlan = plan): World {
  world = new World(withPlan, { durations: { ...S3_DURATIONS, ...SSM_DURATIONS }, faults });
  sims = [simulateS3(world), simulateSsm(world)];
  return world;
}
const onClock = <T>(work: () => Promise<T>) => withVirtualClock(START, work);
const snapshot = () => Object.fromEntries(sims.map((s) => [s.service, s.snapshot()])) as {
  s3: { buckets: Record<string, BucketView> };
  ssm: { parameters: Record<string, Record<string, { value: string; version: number }>> };
};
const objects = () => snapshot().s3.buckets[TOKYO]?.objects ?? {};
const calls = (command: string) => world.calls.filter((c) => c.command === command && !c.error);
const rejection = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: Error) => e);

const failoverContext = async (params: { replicaBucket?: string; requireKms?: boolean } = {}) =>
  actionContext(await exampleComponent('s3-failover', 'dataset-storage', params), { incidentStartedAt: START });
const restoreContext = async (incident: Date, params: { batchSize?: number } = {}) =>
  actionContext(await exampleComponent('s3-version-restore', 'dataset-restore', params), { incidentStartedAt: incident });
/** The example plan with one more s3-version-restore bucket, SCRATCH in the secondary region: SSE-S3, its own seeded history under x/. */
const withScratch = (): Plan => {
  const scratch = { ...plan.components.find((c) => c.id === 'dataset-restore')!, id: 'scratch', params: { region: 'secondary', bucket: SCRATCH, prefix: 'x/', pointInTime: 'before-incident', batchSize: 200 } };
  return { ...plan, components: [...plan.components, scratch] as Plan['components'] };
};
const md5ETag = (text: string) => `"${createHash('md5').update(text).digest('hex')}"`;

/** The entry each key had at `time` (entries are newest first). */
const entryAt = (entries: Entry[], time: Date) => entries.find((e) => Date.parse(e.lastModified) <= time.getTime());

/** Keys under the prefix whose restore must copy: their entry at the incident is a version that is not the latest. */
function needingRestore(before: Record<string, Entry[]>, incident: Date) {
  return Object.entries(before).filter(([key, entries]) => {
    const then = entryAt(entries, incident);
    return key.startsWith('datasets/') && then !== undefined && !then.deleteMarker && then.versionId !== entries[0]?.versionId;
  });
}

/** Every key's latest version holds its content at the incident, except keys absent or deleted then (left alone). */
function expectRestoredTo(before: Record<string, Entry[]>, after: Record<string, Entry[]>, incident: Date) {
  expect(Object.keys(after)).toEqual(Object.keys(before));
  for (const [key, entries] of Object.entries(before)) {
    const then = entryAt(entries, incident);
    const now = after[key] ?? [];
    if (!key.startsWith('datasets/') || then === undefined || then.deleteMarker) expect(now, key).toEqual(entries);
    else expect({ key, content: now[0]?.content, deleteMarker: now[0]?.deleteMarker }).toEqual({ key, content: expect.any(String), deleteMarker: undefined });
    if (then && !then.deleteMarker && key.startsWith('datasets/')) expect(now[0]?.content, key).toBe(then.content);
  }
}

describe('simulated S3 and SSM', () => {
  beforeAll(async () => {
    plan = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
  });
  afterEach(() => {
    sims.forEach((s) => s.restore());
    sims = [];
  });

  it('seeds both buckets versioned, SSE-KMS and replicating to each other, and the parameter at the primary bucket', async () => {
    await onClock(async () => simulate());
    const { s3, ssm } = snapshot();
    expect(s3.buckets[TOKYO]).toMatchObject({ region: PRIMARY, encryption: 'aws:kms', replicatesTo: [`arn:aws:s3:::${OSAKA}`], damageStartedAt: DAMAGE.toISOString() });
    expect(s3.buckets[OSAKA]).toMatchObject({ region: SECONDARY, encryption: 'aws:kms', replicatesTo: [`arn:aws:s3:::${TOKYO}`] });
    expect(ssm.parameters[SECONDARY]?.[PARAMETER]).toMatchObject({ value: TOKYO, version: 1 });
    const history = Object.values(objects()).flat();
    expect(Object.keys(objects()).filter((k) => k.startsWith('datasets/'))).toHaveLength(51);
    expect(history.every((e) => Date.parse(e.lastModified) < START.getTime())).toBe(true);
    expect(history.filter((e) => Date.parse(e.lastModified) > DAMAGE.getTime()).length).toBeGreaterThan(20);
  });

  describe('s3-failover', () => {
    it('points the parameter at the replica after the precondition reads, in the secondary region only', async () => {
      const ctx = await failoverContext();
      const result = await onClock(async () => {
        simulate();
        return drive(s3Failover, ctx);
      });
      expect(result.seconds).toBe(PUT_SECONDS + s3Failover.defaultExpectedSeconds);
      expect(result.progress.status).toBe(`${PARAMETER} is ${OSAKA}`);
      expect(snapshot().ssm.parameters[SECONDARY]?.[PARAMETER]).toMatchObject({ value: OSAKA, version: 2 });
      expect(calls('PutParameter')).toHaveLength(1);
      expect(world.calls.every((c) => c.region === SECONDARY && !c.error)).toBe(true);
      expect(result.progress.state.checks).toEqual({
        versioning: 'Enabled', encryption: 'aws:kms', replication: `replicate-back-to-primary → arn:aws:s3:::${TOKYO}`,
      });
    });

    it('sends no second PutParameter on a re-run', async () => {
      const ctx = await failoverContext();
      await onClock(async () => {
        simulate();
        await drive(s3Failover, ctx);
        expect((await drive(s3Failover, ctx)).seconds).toBe(0);
      });
      expect(calls('PutParameter')).toHaveLength(1);
      expect(snapshot().ssm.parameters[SECONDARY]?.[PARAMETER]?.version).toBe(2);
    });

    it('answers a bucket asked for in the wrong region with PermanentRedirect (301)', async () => {
      await onClock(async () => simulate());
      const ctx = await failoverContext({ replicaBucket: TOKYO });
      const direct = await rejection(ctx.clients.get(S3Client, PRIMARY).send(new GetBucketVersioningCommand({ Bucket: OSAKA })));
      expect(direct).toBeInstanceOf(S3ServiceException);
      expect(direct).toMatchObject({ name: 'PermanentRedirect', $metadata: { httpStatusCode: 301 }, Endpoint: `${OSAKA}.s3.${SECONDARY}.amazonaws.com` });
      const error = await rejection(s3Failover.start(ctx));
      expect(error).toMatchObject({ name: 'UnexpectedStateError', details: { awsErrorName: 'PermanentRedirect', httpStatusCode: 301 } });
    });

    it('fails on a missing replica bucket (NoSuchBucket) and on one without replication (ReplicationConfigurationNotFoundError)', async () => {
      await onClock(async () => simulate([], withScratch()));
      const missing = await rejection(s3Failover.start(await failoverContext({ replicaBucket: 'dataset-platform-missing' })));
      expect(missing).toMatchObject({ name: 'ActionFailedError', details: { awsErrorName: 'NoSuchBucket' } });
      const ctx = await failoverContext({ replicaBucket: SCRATCH, requireKms: false });
      const direct = await rejection(ctx.clients.get(S3Client, SECONDARY).send(new GetBucketReplicationCommand({ Bucket: SCRATCH })));
      expect(direct).toMatchObject({ name: 'ReplicationConfigurationNotFoundError', $metadata: { httpStatusCode: 404 } });
      const noReplication = await rejection(s3Failover.start(ctx));
      expect(noReplication).toMatchObject({ name: 'ActionFailedError', details: { awsErrorName: 'ReplicationConfigurationNotFoundError' } });
      // SSE-S3 only: refused while SSE-KMS is required.
      expect(await rejection(s3Failover.start(await failoverContext({ replicaBucket: SCRATCH })))).toMatchObject({
        name: 'ActionFailedError', message: expect.stringContaining('default encryption is AES256'),
      });
      expect(calls('PutParameter')).toHaveLength(0);
    });

    it('refuses PutParameter with the fail fault (AccessDeniedException): the action fails, the parameter is unchanged', async () => {
      const ctx = await failoverContext();
      await onClock(async () => simulate([{ kind: 'fail', component: 'dataset-storage' }]));
      expect(await rejection(s3Failover.start(ctx))).toMatchObject({ name: 'UnexpectedStateError', details: { awsErrorName: 'AccessDeniedException' } });
      expect(snapshot().ssm.parameters[SECONDARY]?.[PARAMETER]).toMatchObject({ value: TOKYO, version: 1 });
    });

    it('takes the slow factor times longer to write the parameter', async () => {
      const ctx = await failoverContext();
      const result = await onClock(async () => {
        simulate([{ kind: 'slow', component: 'dataset-storage', factor: 10 }]);
        return drive(s3Failover, ctx);
      });
      expect(result.seconds).toBe(10 * PUT_SECONDS + s3Failover.defaultExpectedSeconds);
    });

    it('throttles the first N S3 attempts with SlowDown and SSM ones with ThrottlingException (the SDK tries each call 3 times; then AwsThrottlingError)', async () => {
      const ctx = await failoverContext();
      await onClock(async () => {
        simulate([{ kind: 'throttle', service: 's3', calls: 6 }, { kind: 'throttle', service: 'ssm', calls: 3 }]);
        for (const _ of [1, 2, 3]) expect(await rejection(s3Failover.start(ctx))).toMatchObject({ name: 'AwsThrottlingError' });
        expect((await drive(s3Failover, ctx)).progress.done).toBe(true);
      });
      expect(world.calls.filter((c) => c.error).map((c) => `${c.command}:${c.error}`)).toEqual([
        ...Array.from({ length: 6 }, () => 'GetBucketVersioning:SlowDown'), ...Array.from({ length: 3 }, () => 'GetParameter:ThrottlingException'),
      ]);
    });
  });

  describe('SSM Parameter Store', () => {
    it('answers ParameterNotFound, ParameterAlreadyExists without Overwrite, versions and selectors', async () => {
      await onClock(async () => simulate());
      const ssm = (await failoverContext()).clients.get(SSMClient, SECONDARY);
      expect(await rejection(ssm.send(new GetParameterCommand({ Name: '/nope' })))).toMatchObject({ name: 'ParameterNotFound' });
      expect(await rejection((await failoverContext()).clients.get(SSMClient, PRIMARY).send(new GetParameterCommand({ Name: PARAMETER })))).toMatchObject({ name: 'ParameterNotFound' });
      expect(await rejection(ssm.send(new PutParameterCommand({ Name: PARAMETER, Value: 'x', Type: 'String' })))).toMatchObject({ name: 'ParameterAlreadyExists' });
      // The SDK's retry middleware gives every output its $metadata, as on a real answer.
      await onClock(async () => expect(await ssm.send(new PutParameterCommand({ Name: PARAMETER, Value: OSAKA, Overwrite: true }))).toEqual({
        Version: 2, Tier: 'Standard', $metadata: expect.objectContaining({ httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 }),
      }));
      expect((await ssm.send(new GetParameterCommand({ Name: PARAMETER }))).Parameter).toMatchObject({ Value: OSAKA, Version: 2, Type: 'String' });
      expect((await ssm.send(new GetParameterCommand({ Name: `${PARAMETER}:1` }))).Parameter).toMatchObject({ Value: TOKYO, Version: 1, Selector: ':1' });
      const arn = `arn:aws:ssm:${SECONDARY}:123456789012:parameter${PARAMETER}`;
      expect((await ssm.send(new GetParameterCommand({ Name: arn }))).Parameter).toMatchObject({ Value: OSAKA, ARN: arn });
    });
  });

  describe('object versions', () => {
    it('lists versions and delete markers in UTF-8 key order, newest first, paging exactly like S3', async () => {
      await onClock(async () => simulate());
      const s3 = (await restoreContext(START)).clients.get(S3Client, PRIMARY);
      const all = await s3.send(new ListObjectVersionsCommand({ Bucket: TOKYO, Prefix: 'datasets/' }));
      const flat = (out: ListObjectVersionsCommandOutput) =>
        [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])].map((e) => ({ key: e.Key ?? '', id: e.VersionId ?? '', latest: e.IsLatest }));
      const order = <E extends { key: string; id: string }>(entries: E[]) => {
        const history = objects();
        return [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) || history[a.key]!.findIndex((e) => e.versionId === a.id) - history[b.key]!.findIndex((e) => e.versionId === b.id));
      };
      const entries = order(flat(all));
      expect(all.IsTruncated).toBe(false);
      expect(entries.map((e) => e.id)).toEqual(Object.entries(objects()).filter(([k]) => k.startsWith('datasets/')).flatMap(([, h]) => h.map((e) => e.versionId)));
      expect(entries.filter((e) => e.latest)).toHaveLength(51);
      const keys = [...new Set(entries.map((e) => e.key))];
      expect(keys.indexOf('datasets/ja/～-8.csv')).toBeLessThan(keys.indexOf('datasets/ja/𠮷-9.csv')); // UTF-16 order would reverse these

      const pages: ListObjectVersionsCommandOutput[] = [];
      let marker: { KeyMarker?: string; VersionIdMarker?: string } = {};
      do {
        const page = await s3.send(new ListObjectVersionsCommand({ Bucket: TOKYO, Prefix: 'datasets/', MaxKeys: 5, ...marker }));
        pages.push(page);
        const last = order(flat(page)).at(-1);
        if (page.IsTruncated) expect({ key: page.NextKeyMarker, id: page.NextVersionIdMarker }).toEqual({ key: last?.key, id: last?.id });
        else expect(page.NextKeyMarker).toBeUndefined();
        marker = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
      } while (pages.at(-1)?.IsTruncated);
      expect(pages.slice(0, -1).every((p) => flat(p).length === 5)).toBe(true);
      expect(pages.flatMap((p) => order(flat(p)))).toEqual(entries);

      expect(await rejection(s3.send(new ListObjectVersionsCommand({ Bucket: TOKYO, VersionIdMarker: 'x' })))).toMatchObject({ name: 'InvalidArgument' });
      expect(await rejection(s3.send(new ListObjectVersionsCommand({ Bucket: 'nope' })))).toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
      expect(await rejection(s3.send(new ListObjectVersionsCommand({ Bucket: OSAKA })))).toMatchObject({ name: 'PermanentRedirect' });
    });

    it('copies a version as a new latest version: a new ETag in the SSE-KMS bucket, the same content and checksum; refuses missing keys, versions and delete markers', async () => {
      await onClock(async () => simulate());
      const s3 = (await restoreContext(START)).clients.get(S3Client, PRIMARY);
      const key = 'datasets/ja/データ-6.csv'; // i = 6: one good version, then a delete marker after the damage onset
      const [marker, good] = objects()[key]!;
      expect({ marker: marker?.deleteMarker, good: good?.deleteMarker }).toEqual({ marker: true, good: undefined });
      const copy = (CopySource: string) => s3.send(new CopyObjectCommand({ Bucket: TOKYO, Key: key, CopySource, MetadataDirective: 'COPY' }));
      expect(await rejection(copy(copySource(TOKYO, key, marker!.versionId)))).toMatchObject({ name: 'InvalidRequest', $metadata: { httpStatusCode: 400 } });
      expect(await rejection(copy(`${TOKYO}/${encodeURIComponent(key)}`))).toMatchObject({ name: 'NoSuchKey' });
      expect(await rejection(copy(copySource(TOKYO, key, 'no-such-version')))).toMatchObject({ name: 'NoSuchVersion', $metadata: { httpStatusCode: 404 } });
      expect(await rejection(copy(copySource(TOKYO, 'datasets/none.csv', good!.versionId)))).toMatchObject({ name: 'NoSuchKey' });
      const out = await onClock(() => copy(copySource(TOKYO, key, good!.versionId)));
      const copiedAt = new Date(START.getTime() + COPY_SECONDS * 1000);
      // 7 MiB uploaded in 5 MiB parts with SHA-256: a COMPOSITE checksum, copied as it is.
      expect(good).toMatchObject({ parts: 2, checksumType: 'COMPOSITE', checksumSHA256: expect.stringMatching(/-2$/) });
      expect(out).toMatchObject({
        CopySourceVersionId: good!.versionId, ServerSideEncryption: 'aws:kms',
        CopyObjectResult: { LastModified: copiedAt, ChecksumSHA256: good!.checksumSHA256, ChecksumType: 'COMPOSITE' },
      });
      expect(out.CopyObjectResult?.ETag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(out.CopyObjectResult?.ETag).not.toBe(good!.etag);
      expect(out.VersionId).not.toBe(good!.versionId);
      expect(objects()[key]![0]).toEqual({
        versionId: out.VersionId, lastModified: copiedAt.toISOString(), etag: out.CopyObjectResult?.ETag, size: good!.size, storageClass: 'STANDARD',
        content: good!.content, checksumSHA256: good!.checksumSHA256, checksumType: 'COMPOSITE',
      });
    });
  });

  describe('ETags and checksums (issue 10)', () => {
    it('gives SSE-KMS objects random-looking ETags, SSE-S3 single-part objects their MD5, multipart uploads "…-N" with a COMPOSITE checksum', async () => {
      // Prepare: TOKYO is SSE-KMS, SCRATCH SSE-S3.
      await onClock(async () => simulate([], withScratch()));
      const kms = (await restoreContext(START)).clients.get(S3Client, PRIMARY);
      const sse = (await restoreContext(START)).clients.get(S3Client, SECONDARY);
      // Act
      const [first, second, plain] = await onClock(async () => [
        await kms.send(new PutObjectCommand({ Bucket: TOKYO, Key: 'x/a.txt', Body: 'hello' })),
        await kms.send(new PutObjectCommand({ Bucket: TOKYO, Key: 'x/b.txt', Body: 'hello' })),
        await sse.send(new PutObjectCommand({ Bucket: SCRATCH, Key: 'x/a.txt', Body: 'hello' })),
      ]);
      const multipart = Object.entries(snapshot().s3.buckets[SCRATCH]?.objects ?? {})
        .flatMap(([key, entries]) => entries.filter((e) => e.parts !== undefined && e.checksumSHA256 !== undefined).map((e) => ({ key, ...e })))[0]!;
      const head = (ChecksumMode?: 'ENABLED') => sse.send(new HeadObjectCommand({ Bucket: SCRATCH, Key: multipart.key, VersionId: multipart.versionId, ChecksumMode }));
      const listed = await sse.send(new ListObjectVersionsCommand({ Bucket: SCRATCH, Prefix: multipart.key }));
      const copied = await onClock(() => sse.send(new CopyObjectCommand({ Bucket: SCRATCH, Key: multipart.key, CopySource: copySource(SCRATCH, multipart.key, multipart.versionId) })));
      // Assess
      expect(first?.ETag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(first?.ETag).not.toBe(md5ETag('hello'));
      expect(second?.ETag).not.toBe(first?.ETag);
      expect(first).toMatchObject({ ServerSideEncryption: 'aws:kms' });
      expect(plain).toMatchObject({ ETag: md5ETag('hello'), ServerSideEncryption: 'AES256' });
      expect(multipart.etag).toMatch(new RegExp(`^"[0-9a-f]{32}-${multipart.parts}"$`));
      expect(await head('ENABLED')).toMatchObject({
        ETag: multipart.etag, ChecksumSHA256: expect.stringMatching(new RegExp(`-${multipart.parts}$`)), ChecksumType: 'COMPOSITE', ServerSideEncryption: 'AES256',
      });
      expect(await head()).not.toHaveProperty('ChecksumSHA256');
      expect(listed.Versions?.find((v) => v.VersionId === multipart.versionId)).toMatchObject({ ChecksumAlgorithm: ['SHA256'], ChecksumType: 'COMPOSITE' });
      // A CopyObject (one request, not multipart) of it in the SSE-S3 bucket: the MD5 of the content, not the source's "…-N".
      expect(copied.CopyObjectResult?.ETag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(copied.CopyObjectResult).toMatchObject({ ChecksumSHA256: multipart.checksumSHA256, ChecksumType: 'COMPOSITE' });
      expect(snapshot().s3.buckets[SCRATCH]?.objects?.[multipart.key]?.[0]).toMatchObject({ content: multipart.content, etag: copied.CopyObjectResult?.ETag });
    });
  });

  describe('s3-version-restore', () => {
    it('restores every key under the prefix to its version at the incident (damage onset), copies only those that need it', async () => {
      const ctx = await restoreContext(DAMAGE);
      let before: Record<string, Entry[]> = {};
      const result = await onClock(async () => {
        simulate();
        before = objects();
        return drive(s3VersionRestore, ctx);
      });
      const expected = needingRestore(before, DAMAGE);
      expect(expected.length).toBeGreaterThan(20);
      expectRestoredTo(before, objects(), DAMAGE);
      expect(calls('CopyObject')).toHaveLength(expected.length);
      expect(result.progress.observations).toMatchObject({ restoredCount: expected.length, skippedCount: 3 });
      expect(result.seconds).toBe(Math.ceil(expected.length / PARALLEL_COPIES) * COPY_SECONDS);
    });

    it('gives the same result when pages split a key\'s history (batchSize 7); a re-run copies again only what it cannot compare', async () => {
      const ctx = await restoreContext(DAMAGE, { batchSize: 7 });
      let before: Record<string, Entry[]> = {};
      await onClock(async () => {
        simulate();
        before = objects();
        await drive(s3VersionRestore, ctx);
        expectRestoredTo(before, objects(), DAMAGE);
        const copies = calls('CopyObject').length;
        expect(copies).toBe(needingRestore(before, DAMAGE).length);
        // The SSE-KMS copies have new ETags; the keys uploaded with a checksum compare by it. The legacy keys
        // (no checksum) have nothing comparable: their copy is made again, and counted as such.
        const uncomparable = needingRestore(before, DAMAGE).filter(([, entries]) => entryAt(entries, DAMAGE)?.checksumSHA256 === undefined);
        expect(uncomparable.length).toBeGreaterThan(0);
        expect(uncomparable.length).toBeLessThan(copies);
        const again = await drive(s3VersionRestore, ctx);
        const versionsThen = Object.entries(before).filter(([key, entries]) => key.startsWith('datasets/') && entryAt(entries, DAMAGE)?.deleteMarker === undefined && entryAt(entries, DAMAGE));
        expect(again.progress.observations).toMatchObject({
          restoredCount: uncomparable.length, notComparableCount: uncomparable.length, unchangedCount: versionsThen.length - uncomparable.length,
        });
        expect(calls('CopyObject')).toHaveLength(copies + uncomparable.length);
      });
      expect(calls('ListObjectVersions').length).toBeGreaterThan(20);
    });

    it('with the incident at the run start (after the damage), every key is already as it was then: nothing is copied', async () => {
      const ctx = await restoreContext(START);
      const result = await onClock(async () => {
        simulate();
        return drive(s3VersionRestore, ctx);
      });
      expect(result.progress.observations).toMatchObject({ restoredCount: 0 });
      expect(calls('CopyObject')).toHaveLength(0);
    });

    it('takes the slow factor times longer, and fails with the fail fault (source versions archived)', async () => {
      const ctx = await restoreContext(DAMAGE);
      const slow = await onClock(async () => {
        simulate([{ kind: 'slow', component: 'dataset-restore', factor: 5 }]);
        return drive(s3VersionRestore, ctx);
      });
      const copies = calls('CopyObject').length;
      expect(slow.seconds).toBe(5 * Math.ceil(copies / PARALLEL_COPIES) * COPY_SECONDS);
      sims.forEach((s) => s.restore());

      await onClock(async () => simulate([{ kind: 'fail', component: 'dataset-restore' }]));
      const error = await onClock(() => rejection(s3VersionRestore.start(ctx)));
      expect(error).toMatchObject({ name: 'ActionFailedError', message: expect.stringContaining('archived') });
      expect(world.calls.filter((c) => c.error === 'ObjectNotInActiveTierError').length).toBeGreaterThan(0);
    });
  });

  describe('PutBucketReplication (re-protect: the bucket in use replicates back to the other one)', () => {
    const ROLE = 'arn:aws:iam::123456789012:role/dataset-platform-reprotect';
    const rule = (extra: Partial<ReplicationRule> = {}): ReplicationRule => ({
      ID: 'dr-autopilot-reprotect', Priority: 1, Status: 'Enabled', Filter: { Prefix: 'datasets/' }, DeleteMarkerReplication: { Status: 'Enabled' },
      Destination: { Bucket: `arn:aws:s3:::${TOKYO}`, StorageClass: 'STANDARD' }, ...extra,
    });
    const osaka = () => new S3Client({ region: SECONDARY });
    /** `Role` null: sent without one. */
    const put = (Rules: ReplicationRule[], Bucket = OSAKA, Role: string | null = ROLE) =>
      osaka().send(new PutBucketReplicationCommand({ Bucket, ReplicationConfiguration: { Role: Role ?? undefined, Rules } }));

    it('replaces the whole configuration, which GetBucketReplication returns; seedObjects then replicates the keys its rules select, one hop', async () => {
      await onClock(async () => {
        simulate();
        // Act: the rule the seeded configuration had is gone; a second rule without an ID gets one.
        await put([rule(), rule({ ID: undefined, Priority: 2, Filter: { Prefix: 'manifests/' }, Status: 'Disabled' })]);
        const got = await osaka().send(new GetBucketReplicationCommand({ Bucket: OSAKA }));
        const keys = seedObjects(world, OSAKA, { count: 2, prefix: 'datasets/reprotect/', endAt: START.getTime() });
        const others = seedObjects(world, OSAKA, { count: 1, prefix: 'scratch/', endAt: START.getTime() });
        // Assess
        expect(got.ReplicationConfiguration).toEqual({
          Role: ROLE,
          Rules: [rule(), { ...rule({ Priority: 2, Filter: { Prefix: 'manifests/' }, Status: 'Disabled' }), ID: expect.stringMatching(/^[\w-]{32}$/) }],
        });
        expect(calls('PutBucketReplication')).toEqual([expect.objectContaining({ region: SECONDARY, input: expect.objectContaining({ Bucket: OSAKA }) })]);
        const tokyo = snapshot().s3.buckets[TOKYO]?.objects ?? {};
        const latency = (S3_DURATIONS['s3.replication-latency']?.seconds ?? NaN) * 1000;
        expect(keys.map((k) => tokyo[k]?.[0]?.lastModified)).toEqual([START.getTime() - 30 * 60_000 + latency, START.getTime() + latency].map((t) => new Date(t).toISOString()));
        expect(keys.map((k) => tokyo[k]?.[0]?.content)).toEqual(keys.map((k) => snapshot().s3.buckets[OSAKA]?.objects?.[k]?.[0]?.content));
        expect(tokyo[others[0]!]).toBeUndefined();
        expect(snapshot().s3.buckets[OSAKA]?.replicatesTo).toEqual([`arn:aws:s3:::${TOKYO}`, `arn:aws:s3:::${TOKYO}`]);
        // One hop: what reached TOKYO is not sent back by TOKYO's own rule.
        expect(Object.keys(snapshot().s3.buckets[OSAKA]?.objects ?? {}).filter((k) => k.startsWith('datasets/reprotect/'))).toEqual(keys);
      });
    });

    it('answers S3\'s errors: no bucket, schema errors, versioning off at the source or the destination, a destination missing, the source itself, not a bucket ARN', async () => {
      await onClock(async () => {
        simulate();
        const refusal = (p: Promise<unknown>) => p.then(() => null, (e: S3ServiceException) => ({ name: e.name, status: e.$metadata.httpStatusCode, message: e.message }));
        // Act / Assess
        expect(await refusal(put([rule()], 'dataset-platform-nope'))).toEqual({ name: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist' });
        const malformed = { name: 'MalformedXML', status: 400, message: 'The XML you provided was not well-formed or did not validate against our published schema' };
        expect(await refusal(put([rule()], OSAKA, null))).toEqual(malformed);
        expect(await refusal(put([]))).toEqual(malformed);
        expect(await refusal(put([rule({ Destination: undefined })]))).toEqual(malformed);
        expect(await refusal(put([rule({ DeleteMarkerReplication: undefined })]))).toMatchObject({ name: 'InvalidRequest', message: expect.stringMatching(/^DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema/) });
        expect(await refusal(put([rule({ Priority: undefined })]))).toMatchObject({ name: 'InvalidRequest', message: expect.stringMatching(/^Priority must be specified/) });
        expect(await refusal(put([rule({ Destination: { Bucket: TOKYO } })]))).toMatchObject({ name: 'InvalidArgument', message: 'Invalid bucket ARN.' });
        expect(await refusal(put([rule({ Destination: { Bucket: `arn:aws:s3:::${OSAKA}` } })]))).toMatchObject({ name: 'InvalidRequest', message: 'Destination bucket cannot be the same as the source bucket.' });
        expect(await refusal(put([rule({ Destination: { Bucket: 'arn:aws:s3:::dataset-platform-nope' } })]))).toEqual({ name: 'InvalidRequest', status: 400, message: 'Destination bucket must exist.' });
        await new S3Client({ region: PRIMARY }).send(new PutBucketVersioningCommand({ Bucket: TOKYO, VersioningConfiguration: { Status: 'Suspended' } }));
        expect(await refusal(put([rule()]))).toEqual({ name: 'InvalidRequest', status: 400, message: 'Destination bucket must have versioning enabled.' });
        await osaka().send(new PutBucketVersioningCommand({ Bucket: OSAKA, VersioningConfiguration: { Status: 'Suspended' } }));
        expect(await refusal(put([rule()]))).toEqual({ name: 'InvalidRequest', status: 400, message: "Versioning must be 'Enabled' on the bucket to apply a replication configuration" });
        // The rule of the first schema version (Prefix, no Filter) needs neither Priority nor DeleteMarkerReplication.
        await osaka().send(new PutBucketVersioningCommand({ Bucket: OSAKA, VersioningConfiguration: { Status: 'Enabled' } }));
        await new S3Client({ region: PRIMARY }).send(new PutBucketVersioningCommand({ Bucket: TOKYO, VersioningConfiguration: { Status: 'Enabled' } }));
        expect(await refusal(put([{ ID: 'v1', Prefix: 'datasets/', Status: 'Enabled', Destination: { Bucket: `arn:aws:s3:::${TOKYO}` } }]))).toBeNull();
        // Nothing refused changed the configuration.
        expect((await osaka().send(new GetBucketReplicationCommand({ Bucket: OSAKA }))).ReplicationConfiguration?.Rules?.map((r) => r.ID)).toEqual(['v1']);
        expect(world.calls.filter((c) => c.command === 'PutBucketReplication').map((c) => c.error ?? 'ok')).toEqual([
          'NoSuchBucket', 'MalformedXML', 'MalformedXML', 'MalformedXML', 'InvalidRequest', 'InvalidRequest', 'InvalidArgument', 'InvalidRequest', 'InvalidRequest', 'InvalidRequest', 'InvalidRequest', 'ok',
        ]);
      });
    });
  });
});
