import {
  CopyObjectCommand,
  ListObjectVersionsCommand,
  NoSuchBucket,
  ObjectNotInActiveTierError,
  S3Client,
  S3ServiceException,
  type CopyObjectCommandInput,
  type DeleteMarkerEntry,
  type ListObjectVersionsCommandOutput,
  type ObjectVersion,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { copySource, recover as s3VersionRestore } from '../../../../shared/components/s3-version-restore/recover.ts';
import { RecoveryAbortedError } from '../../../../shared/errors.ts';
import { INCIDENT, PRIMARY, actionContext, exampleComponent } from '../../../support/action-context.ts';

const s3 = mockClient(S3Client);
const BUCKET = 'dataset-platform-datasets-tokyo';

/** `minutes` relative to the incident: negative is before it. */
const at = (minutes: number) => new Date(INCIDENT.getTime() + minutes * 60_000);
const version = (key: string, id: string, minutes: number, etag: string, isLatest = false): ObjectVersion => ({
  Key: `datasets/${key}`,
  VersionId: id,
  LastModified: at(minutes),
  ETag: `"${etag}"`,
  Size: 1024,
  StorageClass: 'STANDARD',
  IsLatest: isLatest,
});
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
  beforeEach(() => s3.reset());
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
          version('f.csv', 'f3', 15, 'F1', true), // already restored by an earlier run (same ETag) → unchanged
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
    expect(progress).toMatchObject({ done: true, nextCheckSeconds: 0, state: { skippedNewer: 1, skippedDeleted: 1 } });
    expect(progress.observations).toEqual({ restoredCount: 2, unchangedCount: 2, skippedCount: 2, pointInTime: INCIDENT.toISOString() });
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

  it('sends CopyObject once when start runs twice (idempotent re-run)', async () => {
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
});
