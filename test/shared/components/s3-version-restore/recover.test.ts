import { createHash } from 'node:crypto';
import {
  CopyObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  NoSuchBucket,
  NotFound,
  ObjectNotInActiveTierError,
  S3Client,
  S3ServiceException,
  type CopyObjectCommandInput,
  type DeleteMarkerEntry,
  type HeadObjectCommandInput,
  type HeadObjectCommandOutput,
  type ListObjectVersionsCommandOutput,
  type ObjectVersion,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compareContent, etagIsMd5, type ContentFacts } from '../../../../shared/components/s3-version-restore/content.ts';
import { copySource, recover as s3VersionRestore } from '../../../../shared/components/s3-version-restore/recover.ts';
import { RecoveryAbortedError } from '../../../../shared/errors.ts';
import { INCIDENT, PRIMARY, actionContext, exampleComponent } from '../../../support/action-context.ts';

const s3 = mockClient(S3Client);
const BUCKET = 'dataset-platform-datasets-tokyo';

/** `minutes` relative to the incident: negative is before it. */
const at = (minutes: number) => new Date(INCIDENT.getTime() + minutes * 60_000);
const hash = (algorithm: string, text: string) => createHash(algorithm).update(text).digest();
/** What HeadObject (ChecksumMode ENABLED) answers for each listed version, by version id. */
const held = new Map<string, HeadObjectCommandOutput>();
/**
 * A version of `key` holding `content`. The example's dataset bucket is SSE-KMS, so each version's ETag
 * is its own random-looking value, not an MD5 of the content
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html); what identifies the content is its
 * full-object ChecksumSHA256. `head` changes what HeadObject answers for it (and Size follows ContentLength).
 */
const version = (key: string, id: string, minutes: number, content: string, isLatest = false, head: Partial<HeadObjectCommandOutput> = {}): ObjectVersion => {
  const answer: HeadObjectCommandOutput = {
    ETag: `"${hash('md5', `datasets/${key}@${id}`).toString('hex')}"`, ContentLength: 1024, ServerSideEncryption: 'aws:kms', VersionId: id,
    ChecksumSHA256: hash('sha256', content).toString('base64'), ChecksumType: 'FULL_OBJECT', $metadata: {}, ...head,
  };
  held.set(id, answer);
  return { Key: `datasets/${key}`, VersionId: id, LastModified: at(minutes), ETag: answer.ETag, Size: answer.ContentLength, StorageClass: 'STANDARD', IsLatest: isLatest };
};
const headOf = (key: string, versionId: string): HeadObjectCommandInput => ({ Bucket: BUCKET, Key: `datasets/${key}`, VersionId: versionId, ChecksumMode: 'ENABLED' });
const marker = (key: string, id: string, minutes: number, isLatest = false): DeleteMarkerEntry => ({
  Key: `datasets/${key}`,
  VersionId: id,
  LastModified: at(minutes),
  IsLatest: isLatest,
});
const page = (
  versions: ObjectVersion[],
  markers: DeleteMarkerEntry[] = [],
  next?: { key: string; versionId: string },
): ListObjectVersionsCommandOutput => ({
  Versions: versions,
  DeleteMarkers: markers,
  IsTruncated: next !== undefined,
  ...(next ? { NextKeyMarker: `datasets/${next.key}`, NextVersionIdMarker: next.versionId } : {}),
  $metadata: {},
});
const copyOf = (key: string, versionId: string): CopyObjectCommandInput => ({
  Bucket: BUCKET,
  Key: `datasets/${key}`,
  CopySource: `${BUCKET}/datasets/${key}?versionId=${versionId}`,
  MetadataDirective: 'COPY',
});
const component = (params: { batchSize?: number; pointInTime?: string } = {}) => exampleComponent('s3-version-restore', 'dataset-restore', params);

describe('s3-version-restore', () => {
  beforeEach(() => {
    s3.reset();
    held.clear();
    s3.on(HeadObjectCommand).callsFake((input: HeadObjectCommandInput) => {
      const answer = held.get(input.VersionId ?? '');
      if (!answer) throw new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
      return answer;
    });
  });
  afterEach(() => s3.reset());

  it('copies each key\'s newest version before the incident over the current one, leaving the rest alone', async () => {
    // Prepare
    const ctx = actionContext(await component());
    s3.on(ListObjectVersionsCommand).resolves(
      page(
        [
          version('a.csv', 'a3', 10, 'A3', true), // overwritten after the incident → restore a2
          version('a.csv', 'a2', -30, 'A2'),
          version('a.csv', 'a1', -90, 'A1'),
          version('b.csv', 'b1', -60, 'B1', true), // untouched since → unchanged
          version('c.csv', 'c2', 20, 'C2', true), // deleted before the incident, recreated after → skipped (deleted)
          version('c.csv', 'c0', -120, 'C0'),
          version('d.csv', 'd1', 5, 'D1', true), // created after the incident → skipped (newer)
          version('e.csv', 'e1', -45, 'E1'), // deleted after the incident → restore e1
          version('f.csv', 'f3', 15, 'F1', true), // already restored by an earlier run (same ChecksumSHA256, another ETag) → unchanged
          version('f.csv', 'f2', 12, 'F2'),
          version('f.csv', 'f1', -10, 'F1'),
        ],
        [marker('c.csv', 'cm', -20), marker('e.csv', 'em', 3, true)],
      ),
    );
    s3.on(CopyObjectCommand).resolves({ VersionId: 'new', CopyObjectResult: { ETag: '"A2"' } });
    // Act
    const progress = await s3VersionRestore.start(ctx);
    // Assess
    expect(s3).toHaveReceivedCommandWith(ListObjectVersionsCommand, { Bucket: BUCKET, Prefix: 'datasets/', MaxKeys: 200, KeyMarker: undefined });
    expect(s3).toHaveReceivedCommandTimes(CopyObjectCommand, 2);
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, copyOf('a.csv', 'a2'));
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, copyOf('e.csv', 'e1'));
    // Only keys whose current version is another one of the same size are read (a deleted key, another size: restore).
    expect(s3).toHaveReceivedCommandTimes(HeadObjectCommand, 4);
    for (const [key, id] of [['a.csv', 'a3'], ['a.csv', 'a2'], ['f.csv', 'f3'], ['f.csv', 'f1']] as const) {
      expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, headOf(key, id));
    }
    expect(progress).toMatchObject({ done: true, nextCheckSeconds: 0, state: { skippedNewer: 1, skippedDeleted: 1 } });
    expect(progress.observations).toEqual({ restoredCount: 2, unchangedCount: 2, skippedCount: 2, notComparableCount: 0, pointInTime: INCIDENT.toISOString() });
    expect(await s3.call(0).thisValue.config.region()).toBe(PRIMARY);
  });

  it('leaves a key alone whose newest entry at the point in time is a delete marker (never deletes data)', async () => {
    const ctx = actionContext(await component());
    s3.on(ListObjectVersionsCommand).resolves(page([version('g.csv', 'g2', 30, 'G2', true), version('g.csv', 'g1', -60, 'G1')], [marker('g.csv', 'gm', -5)]));
    const progress = await s3VersionRestore.start(ctx);
    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(progress.observations).toMatchObject({ restoredCount: 0, skippedCount: 1 });
  });

  it('pages with the markers in state, one page per call, resolving a key whose versions span two pages', async () => {
    // Prepare: b's versions are split between the pages; its restore point is on page 2.
    const ctx = actionContext(await component({ batchSize: 3 }));
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce(
        page([version('a.csv', 'a1', -60, 'A1', true), version('b.csv', 'b3', 20, 'B3', true), version('b.csv', 'b2', 10, 'B2')], [], { key: 'b.csv', versionId: 'b2' }),
      )
      .resolvesOnce(page([version('b.csv', 'b1', -30, 'B1'), version('c.csv', 'c1', -10, 'C1', true)]));
    s3.on(CopyObjectCommand).resolves({});
    // Act
    const first = await s3VersionRestore.start(ctx);
    const second = await s3VersionRestore.check(ctx, first.state);
    // Assess
    expect(first).toMatchObject({ done: false, nextCheckSeconds: 1, state: { keyMarker: 'datasets/b.csv', versionIdMarker: 'b2', pages: 1 } });
    expect(s3).toHaveReceivedNthCommandWith(ListObjectVersionsCommand, 2, {
      Bucket: BUCKET,
      Prefix: 'datasets/',
      KeyMarker: 'datasets/b.csv',
      VersionIdMarker: 'b2',
      MaxKeys: 3,
    });
    expect(s3).toHaveReceivedCommandTimes(CopyObjectCommand, 1);
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, copyOf('b.csv', 'b1'));
    expect(second).toMatchObject({ done: true, state: { pages: 2, keyMarker: null } });
    expect(second.observations).toMatchObject({ restoredCount: 1, unchangedCount: 2, skippedCount: 0 });
  });

  it('decides a split key on its first page when the restore point is there, and ignores its older versions on the next', async () => {
    const ctx = actionContext(await component({ batchSize: 2 }));
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce(page([version('b.csv', 'b3', 20, 'B3', true), version('b.csv', 'b2', -10, 'B2')], [], { key: 'b.csv', versionId: 'b2' }))
      .resolvesOnce(page([version('b.csv', 'b1', -30, 'B1')]));
    s3.on(CopyObjectCommand).resolves({});
    const first = await s3VersionRestore.start(ctx);
    const second = await s3VersionRestore.check(ctx, first.state);
    expect(s3).toHaveReceivedCommandTimes(CopyObjectCommand, 1);
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, copyOf('b.csv', 'b2'));
    expect(second.observations).toMatchObject({ restoredCount: 1, unchangedCount: 0, skippedCount: 0 });
  });

  it('counts a split key with no version before the point in time as skipped when the next page moves on', async () => {
    const ctx = actionContext(await component({ batchSize: 1 }));
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce(page([version('n.csv', 'n1', 5, 'N1', true)], [], { key: 'n.csv', versionId: 'n1' }))
      .resolvesOnce(page([version('o.csv', 'o1', -5, 'O1', true)]));
    const first = await s3VersionRestore.start(ctx);
    const second = await s3VersionRestore.check(ctx, first.state);
    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(second).toMatchObject({ done: true, state: { skippedNewer: 1 } });
    expect(second.observations).toMatchObject({ unchangedCount: 1, skippedCount: 1 });
  });

  it('sends CopyObject once when start runs twice: the SSE-KMS copy has another ETag, the same ChecksumSHA256 (idempotent re-run)', async () => {
    const ctx = actionContext(await component());
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce(page([version('a.csv', 'a2', 10, 'BAD', true), version('a.csv', 'a1', -10, 'GOOD')]))
      .resolves(page([version('a.csv', 'a3', 11, 'GOOD', true), version('a.csv', 'a2', 10, 'BAD'), version('a.csv', 'a1', -10, 'GOOD')]));
    s3.on(CopyObjectCommand).resolves({ VersionId: 'a3' });
    await s3VersionRestore.start(ctx);
    const again = await s3VersionRestore.start(ctx);
    expect(s3).toHaveReceivedCommandTimes(CopyObjectCommand, 1);
    expect(again.observations).toMatchObject({ restoredCount: 0, unchangedCount: 1 });
  });

  describe('deciding whether the current version already holds the content (issue 10)', () => {
    it('does not copy an SSE-KMS object whose current version holds the content already: same ChecksumSHA256, another ETag', async () => {
      // Prepare: k3 is an earlier run's copy of k1 (a copy in an SSE-KMS bucket gets a new ETag).
      const ctx = actionContext(await component());
      s3.on(ListObjectVersionsCommand).resolves(page([
        version('k.csv', 'k3', 12, 'GOOD', true), version('k.csv', 'k2', 10, 'BAD'), version('k.csv', 'k1', -10, 'GOOD'),
      ]));
      s3.on(CopyObjectCommand).resolves({});
      // Act
      const progress = await s3VersionRestore.start(ctx);
      // Assess
      expect(held.get('k3')?.ETag).not.toBe(held.get('k1')?.ETag);
      expect(s3).toHaveReceivedCommandTimes(HeadObjectCommand, 2);
      expect(s3).toHaveReceivedNthCommandWith(HeadObjectCommand, 1, headOf('k.csv', 'k3'));
      expect(s3).toHaveReceivedNthCommandWith(HeadObjectCommand, 2, headOf('k.csv', 'k1'));
      expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
      expect(progress.observations).toMatchObject({ restoredCount: 0, unchangedCount: 1 });
    });

    it('does not judge a multipart object different by its ETag: re-uploaded with another part size, same full-object CRC64NVME', async () => {
      // Prepare: SSE-S3, both multipart (ETag "…-N", an MD5 of part MD5s), 3 parts then 5 parts of the same bytes.
      const ctx = actionContext(await component());
      const crc = { ChecksumSHA256: undefined, ChecksumCRC64NVME: 'AbCdEfGhIjk=', ChecksumType: 'FULL_OBJECT' as const, ServerSideEncryption: 'AES256' as const };
      s3.on(ListObjectVersionsCommand).resolves(page([
        version('m.bin', 'm2', 10, 'same bytes', true, { ...crc, ETag: `"${hash('md5', 'five parts').toString('hex')}-5"` }),
        version('m.bin', 'm1', -10, 'same bytes', false, { ...crc, ETag: `"${hash('md5', 'three parts').toString('hex')}-3"` }),
      ]));
      s3.on(CopyObjectCommand).resolves({});
      // Act
      const progress = await s3VersionRestore.start(ctx);
      // Assess
      expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, headOf('m.bin', 'm2'));
      expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, headOf('m.bin', 'm1'));
      expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
      expect(progress.observations).toMatchObject({ restoredCount: 0, unchangedCount: 1 });
    });

    it('copies when nothing comparable says the content is the same (never skips content that may differ), and counts those copies', async () => {
      // Prepare: same size each time. n: SSE-KMS without checksums; p: composite checksums of other part sizes.
      const ctx = actionContext(await component());
      const none = { ChecksumSHA256: undefined, ChecksumType: undefined };
      s3.on(ListObjectVersionsCommand).resolves(page([
        version('n.csv', 'n2', 10, 'N2', true, none), version('n.csv', 'n1', -10, 'N1', false, none),
        version('p.bin', 'p2', 10, 'P', true, { ChecksumSHA256: 'c2hhMjU2LW9mLTUtcGFydHM=-5', ChecksumType: 'COMPOSITE', ETag: '"0123456789abcdef0123456789abcdef-5"' }),
        version('p.bin', 'p1', -10, 'P', false, { ChecksumSHA256: 'c2hhMjU2LW9mLTMtcGFydHM=-3', ChecksumType: 'COMPOSITE', ETag: '"fedcba9876543210fedcba9876543210-3"' }),
      ]));
      s3.on(CopyObjectCommand).resolves({});
      // Act
      const progress = await s3VersionRestore.start(ctx);
      // Assess
      expect(s3).toHaveReceivedCommandTimes(CopyObjectCommand, 2);
      expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, copyOf('n.csv', 'n1'));
      expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, copyOf('p.bin', 'p1'));
      expect(progress.observations).toMatchObject({ restoredCount: 2, unchangedCount: 0, notComparableCount: 2 });
      expect(progress.status).toContain('2 restored (2 without a comparable checksum)');
    });

    it('decides by the ETag when it is provably an MD5 (single-part, SSE-S3) and by size without reading the versions', async () => {
      // Prepare: s: same MD5 → unchanged; t: another MD5 → restore; u: another size → restore, no HeadObject.
      const ctx = actionContext(await component());
      const md5 = (content: string) => ({ ServerSideEncryption: 'AES256' as const, ChecksumSHA256: undefined, ChecksumType: undefined, ETag: `"${hash('md5', content).toString('hex')}"` });
      s3.on(ListObjectVersionsCommand).resolves(page([
        version('s.csv', 's2', 10, 'S', true, md5('S')), version('s.csv', 's1', -10, 'S', false, md5('S')),
        version('t.csv', 't2', 10, 'T2', true, md5('T2')), version('t.csv', 't1', -10, 'T1', false, md5('T1')),
        version('u.csv', 'u2', 10, 'U2', true, { ContentLength: 512 }), version('u.csv', 'u1', -10, 'U1'),
      ]));
      s3.on(CopyObjectCommand).resolves({});
      // Act
      const progress = await s3VersionRestore.start(ctx);
      // Assess
      expect(s3).toHaveReceivedCommandTimes(CopyObjectCommand, 2);
      expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, copyOf('t.csv', 't1'));
      expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, copyOf('u.csv', 'u1'));
      expect(s3).toHaveReceivedCommandTimes(HeadObjectCommand, 4);
      expect(s3).not.toHaveReceivedCommandWith(HeadObjectCommand, headOf('u.csv', 'u2'));
      expect(progress.observations).toMatchObject({ restoredCount: 2, unchangedCount: 1, notComparableCount: 0 });
    });

    it('names kms:Decrypt when HeadObject with ChecksumMode is refused (403)', async () => {
      const ctx = actionContext(await component());
      s3.on(ListObjectVersionsCommand).resolves(page([version('a.csv', 'a2', 10, 'A2', true), version('a.csv', 'a1', -10, 'A1')]));
      s3.on(HeadObjectCommand).rejects(new S3ServiceException({ name: '403', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'UnknownError' }));
      await expect(s3VersionRestore.start(ctx)).rejects.toMatchObject({ name: 'UnexpectedStateError', message: expect.stringMatching(/datasets\/a\.csv version a[12] .*kms:Decrypt/) });
      expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
    });
  });

  it('uses an explicit point in time from the plan', async () => {
    const ctx = actionContext(await component({ pointInTime: '2026-11-29T00:00:00+00:00' }));
    s3.on(ListObjectVersionsCommand).resolves(page([version('a.csv', 'a2', -30, 'A2', true), version('a.csv', 'a1', -90, 'A1')]));
    s3.on(CopyObjectCommand).resolves({});
    const progress = await s3VersionRestore.start(ctx);
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, copyOf('a.csv', 'a1'));
    expect(progress.observations).toMatchObject({ pointInTime: '2026-11-29T00:00:00.000Z' });
  });

  it('URL-encodes the key in CopySource, keeping "/" readable', () => {
    expect(copySource(BUCKET, 'datasets/q1 report+v2/データ.csv', 'v1.a_b')).toBe(
      `${BUCKET}/datasets/q1%20report%2Bv2/%E3%83%87%E3%83%BC%E3%82%BF.csv?versionId=v1.a_b`,
    );
  });

  it('fails with ActionFailedError naming the key when the version is archived (ObjectNotInActiveTierError)', async () => {
    const ctx = actionContext(await component());
    s3.on(ListObjectVersionsCommand).resolves(page([version('a.csv', 'a2', 10, 'A2', true), version('a.csv', 'a1', -10, 'A1')]));
    s3.on(CopyObjectCommand).rejects(new ObjectNotInActiveTierError({ message: 'The source object of the COPY action is not in the active tier', $metadata: {} }));
    await expect(s3VersionRestore.start(ctx)).rejects.toMatchObject({ name: 'ActionFailedError', message: expect.stringContaining('datasets/a.csv version a1') });
  });

  it('maps NoSuchBucket to ResourceNotFoundError and SlowDown to AwsThrottlingError', async () => {
    const ctx = actionContext(await component());
    s3.on(ListObjectVersionsCommand).rejects(new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } }));
    await expect(s3VersionRestore.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    const slowDown = new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'Please reduce your request rate.' });
    s3.on(ListObjectVersionsCommand).resolves(page([version('a.csv', 'a2', 10, 'A2', true), version('a.csv', 'a1', -10, 'A1')]));
    s3.on(CopyObjectCommand).rejects(slowDown);
    await expect(s3VersionRestore.start(ctx)).rejects.toMatchObject({ name: 'AwsThrottlingError' });
  });

  describe('the beforeOneWay hook', () => {
    /** A hook that records its calls in `events`, and CopyObject recording its keys there too. */
    const recording = () => {
      const events: string[] = [];
      const hook = vi.fn(async (step: string) => {
        events.push(`beforeOneWay:${step}`);
      });
      s3.on(CopyObjectCommand).callsFake((input: CopyObjectCommandInput) => {
        events.push(`CopyObject:${input.Key}`);
        return {};
      });
      return { events, hook };
    };

    it('runs once, right before the first page that copies, not before later pages', async () => {
      // Prepare: page 1 has nothing to copy, pages 2 and 3 do.
      const { events, hook } = recording();
      const ctx = actionContext(await component({ batchSize: 2 }), { beforeOneWay: hook });
      s3.on(ListObjectVersionsCommand)
        .resolvesOnce(page([version('a.csv', 'a1', -60, 'A1', true)], [], { key: 'a.csv', versionId: 'a1' }))
        .resolvesOnce(page([version('b.csv', 'b2', 10, 'B2', true), version('b.csv', 'b1', -10, 'B1')], [], { key: 'b.csv', versionId: 'b1' }))
        .resolvesOnce(page([version('c.csv', 'c2', 10, 'C2', true), version('c.csv', 'c1', -10, 'C1')]));
      // Act
      const first = await s3VersionRestore.start(ctx);
      const second = await s3VersionRestore.check(ctx, first.state);
      const third = await s3VersionRestore.check(ctx, second.state);
      // Assess
      expect(hook).toHaveBeenCalledExactlyOnceWith('CopyObject');
      expect(events).toEqual(['beforeOneWay:CopyObject', 'CopyObject:datasets/b.csv', 'CopyObject:datasets/c.csv']);
      expect(first.state).toMatchObject({ guarded: false });
      expect(third).toMatchObject({ done: true, state: { guarded: true }, observations: { restoredCount: 2 } });
    });

    it('is not called when nothing needs copying', async () => {
      const { hook } = recording();
      const ctx = actionContext(await component(), { beforeOneWay: hook });
      s3.on(ListObjectVersionsCommand).resolves(page([version('a.csv', 'a1', -60, 'A1', true)]));
      await s3VersionRestore.start(ctx);
      expect(hook).not.toHaveBeenCalled();
    });

    it('is not called again by a re-run that finds an earlier run\'s copies (the restore is under way)', async () => {
      // Prepare: a.csv was copied by the earlier run (a3 has a1's ETag); b.csv's copy did not happen.
      const { events, hook } = recording();
      const ctx = actionContext(await component(), { beforeOneWay: hook });
      s3.on(ListObjectVersionsCommand).resolves(page([
        version('a.csv', 'a3', 11, 'A1', true), version('a.csv', 'a2', 10, 'BAD'), version('a.csv', 'a1', -10, 'A1'),
        version('b.csv', 'b2', 10, 'BAD', true), version('b.csv', 'b1', -10, 'B1'),
      ]));
      // Act
      const progress = await s3VersionRestore.start(ctx);
      // Assess
      expect(hook).not.toHaveBeenCalled();
      expect(events).toEqual(['CopyObject:datasets/b.csv']);
      expect(progress.observations).toMatchObject({ restoredCount: 1, unchangedCount: 1 });
    });

    it('sends no CopyObject when the hook throws', async () => {
      const abort = new RecoveryAbortedError('trigger alarm is back to OK');
      const ctx = actionContext(await component(), { beforeOneWay: vi.fn().mockRejectedValue(abort) });
      s3.on(ListObjectVersionsCommand).resolves(page([version('a.csv', 'a2', 10, 'A2', true), version('a.csv', 'a1', -10, 'A1')]));
      s3.on(CopyObjectCommand).resolves({});
      await expect(s3VersionRestore.start(ctx)).rejects.toBe(abort);
      expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
    });
  });

  describe('the comparison rule (content.ts)', () => {
    const MD5 = '"0cc175b9c0f1b6a831c399e269772661"';
    it.each<[string, Parameters<typeof etagIsMd5>[0], boolean]>([
      ['single part, SSE-S3', { ETag: MD5, ServerSideEncryption: 'AES256' }, true],
      ['single part, unencrypted (before 2023)', { ETag: MD5 }, true],
      ['single part, no quotes', { ETag: '0cc175b9c0f1b6a831c399e269772661', ServerSideEncryption: 'AES256' }, true],
      ['multipart ("-N"), SSE-S3', { ETag: '"0cc175b9c0f1b6a831c399e269772661-3"', ServerSideEncryption: 'AES256' }, false],
      ['SSE-KMS', { ETag: MD5, ServerSideEncryption: 'aws:kms' }, false],
      ['DSSE-KMS', { ETag: MD5, ServerSideEncryption: 'aws:kms:dsse' }, false],
      ['SSE-C', { ETag: MD5, ServerSideEncryption: 'AES256', SSECustomerAlgorithm: 'AES256' }, false],
      ['an encryption S3 added later', { ETag: MD5, ServerSideEncryption: 'aws:fsx' }, false],
      ['not 32 hex digits', { ETag: '"ex"', ServerSideEncryption: 'AES256' }, false],
      ['no ETag', { ServerSideEncryption: 'AES256' }, false],
    ])('etagIsMd5: %s → %s', (_, facts, expected) => {
      expect(etagIsMd5(facts)).toBe(expected);
    });

    const kms = (etag: string, more: ContentFacts = {}): ContentFacts => ({ ETag: `"${etag}"`, ServerSideEncryption: 'aws:kms', ContentLength: 10, ...more });
    const sse = (etag: string, more: ContentFacts = {}): ContentFacts => ({ ETag: `"${etag}"`, ServerSideEncryption: 'AES256', ContentLength: 10, ...more });
    const A = 'a'.repeat(32);
    const B = 'b'.repeat(32);
    it.each<[string, ContentFacts, ContentFacts, ReturnType<typeof compareContent>]>([
      ['another size', sse(A), sse(A, { ContentLength: 11 }), { verdict: 'different', by: 'size' }],
      ['SSE-KMS, same full-object SHA-256, other ETags', kms(A, { ChecksumSHA256: 'x=' }), kms(B, { ChecksumSHA256: 'x=' }), { verdict: 'same', by: 'ChecksumSHA256' }],
      ['SSE-KMS, other full-object SHA-256', kms(A, { ChecksumSHA256: 'x=' }), kms(A, { ChecksumSHA256: 'y=' }), { verdict: 'different', by: 'ChecksumSHA256' }],
      ['SSE-KMS, no checksum, same ETag', kms(A), kms(A), { verdict: 'unknown', by: null }],
      ['SSE-KMS, no checksum, other ETags', kms(A), kms(B), { verdict: 'unknown', by: null }],
      ['multipart, other part sizes, same full-object CRC64NVME', sse(`${A}-3`, { ChecksumCRC64NVME: 'c=', ChecksumType: 'FULL_OBJECT' }),
        sse(`${B}-5`, { ChecksumCRC64NVME: 'c=', ChecksumType: 'FULL_OBJECT' }), { verdict: 'same', by: 'ChecksumCRC64NVME' }],
      ['multipart, no checksum, other ETags', sse(`${A}-3`), sse(`${B}-5`), { verdict: 'unknown', by: null }],
      ['COMPOSITE checksums equal (same parts)', sse(`${A}-2`, { ChecksumSHA256: 's=-2', ChecksumType: 'COMPOSITE' }),
        sse(`${A}-2`, { ChecksumSHA256: 's=-2', ChecksumType: 'COMPOSITE' }), { verdict: 'same', by: 'ChecksumSHA256' }],
      ['COMPOSITE checksums of other part sizes', sse(`${A}-2`, { ChecksumSHA256: 's=-2', ChecksumType: 'COMPOSITE' }),
        sse(`${B}-3`, { ChecksumSHA256: 't=-3', ChecksumType: 'COMPOSITE' }), { verdict: 'unknown', by: null }],
      ['COMPOSITE vs FULL_OBJECT of one algorithm: not compared; the MD5 ETags decide', sse(A, { ChecksumSHA256: 's=-2', ChecksumType: 'COMPOSITE' }),
        sse(A, { ChecksumSHA256: 'f=', ChecksumType: 'FULL_OBJECT' }), { verdict: 'same', by: 'ETag' }],
      ['COMPOSITE inferred from the "-N" value, FULL_OBJECT from none', kms(A, { ChecksumCRC32: 'c=-2' }), kms(B, { ChecksumCRC32: 'c=' }), { verdict: 'unknown', by: null }],
      ['other algorithms on each side', kms(A, { ChecksumSHA256: 's=' }), kms(B, { ChecksumCRC32: 'c=' }), { verdict: 'unknown', by: null }],
      ['the strongest common checksum decides', kms(A, { ChecksumSHA1: 'same=', ChecksumCRC32: 'one=' }), kms(B, { ChecksumSHA1: 'same=', ChecksumCRC32: 'two=' }),
        { verdict: 'same', by: 'ChecksumSHA1' }],
      ['SSE-S3 single part, same MD5', sse(A), sse(A), { verdict: 'same', by: 'ETag' }],
      ['SSE-S3 single part, other MD5', sse(A), sse(B), { verdict: 'different', by: 'ETag' }],
      ['an MD5 ETag against an SSE-KMS one', sse(A), kms(A), { verdict: 'unknown', by: null }],
    ])('compareContent: %s', (_, a, b, expected) => {
      expect(compareContent(a, b)).toEqual(expected);
      expect(compareContent(b, a)).toEqual(expected);
    });
  });
});
