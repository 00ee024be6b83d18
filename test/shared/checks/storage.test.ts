import { createHash } from 'node:crypto';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import {
  GetBucketEncryptionCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  S3Client,
  S3ServiceException,
  type HeadObjectCommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { s3Bucket, s3Objects, s3ReplicationRpo } from '../../../shared/checks/schema.ts';
import { HEAD_CONCURRENCY, parseManifest, sampleManifest, STORAGE_CHECKS, type ManifestEntry } from '../../../shared/checks/storage.ts';
import { checkContext, EXECUTION } from '../../support/check-context.ts';

const s3 = mockClient(S3Client);
const cw = mockClient(CloudWatchClient);
const PRIMARY = 'ap-northeast-1';
const SECONDARY = 'ap-northeast-3';
const INCIDENT = new Date('2026-11-29T01:00:00.000Z');
const REPLICA = 'dataset-platform-datasets-osaka';
const TOKYO = 'dataset-platform-datasets-tokyo';
const MANIFEST = 'manifests/datasets.jsonl';

const s3Error = (name: string, status: number) => new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: `${name} (test)` });
const regionsCalled = (calls: { thisValue: unknown }[]) => Promise.all(calls.map((c) => (c.thisValue as { config: { region(): Promise<string> } }).config.region()));
const body = (text: string) => ({ transformToString: async () => text }) as never;
const sha = (key: string) => Buffer.from(`sha-${key}`).toString('base64');
/** The MD5 (hex) an SSE-S3 single-part object's ETag is (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html). */
const md5 = (key: string) => createHash('md5').update(`content of ${key}`).digest('hex');

/** A bucket with every setting the plan asks for. */
function goodBucket() {
  s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  s3.on(GetBucketEncryptionCommand).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/datasets' } }] } });
  s3.on(GetBucketReplicationCommand).resolves({
    ReplicationConfiguration: { Role: 'arn:aws:iam::123456789012:role/replication', Rules: [{ ID: 'back-to-tokyo', Status: 'Enabled', Destination: { Bucket: `arn:aws:s3:::${TOKYO}` } }] },
  });
  s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } });
}

describe('storage checks', () => {
  beforeEach(() => {
    s3.reset();
    cw.reset();
  });
  afterEach(() => {
    s3.reset();
    cw.reset();
  });

  describe('s3-bucket', () => {
    it('reads the four settings of the bucket in the check\'s region and passes when the plan\'s requirements hold', async () => {
      goodBucket();
      const outcome = await STORAGE_CHECKS['s3-bucket'](checkContext(), s3Bucket.parse({ type: 's3-bucket', bucket: REPLICA, replication: true }));
      for (const Command of [GetBucketVersioningCommand, GetBucketEncryptionCommand, GetBucketReplicationCommand, GetPublicAccessBlockCommand]) {
        expect(s3).toHaveReceivedCommandExactlyOnceWith(Command, { Bucket: REPLICA });
      }
      expect(new Set(await regionsCalled(s3.calls()))).toEqual(new Set([SECONDARY]));
      expect(outcome).toEqual({
        status: 'passed',
        detail: `s3://${REPLICA} in ${SECONDARY}: versioning Enabled, default encryption aws:kms, replication (back-to-tokyo), public access blocked`,
        observations: { region: SECONDARY, versioning: 'Enabled', encryption: 'aws:kms', replicationRules: [`back-to-tokyo → arn:aws:s3:::${TOKYO}`], publicAccessBlocked: true },
      });
    });

    it('region primary reads the primary region; aws:kms:dsse is SSE-KMS too', async () => {
      goodBucket();
      s3.on(GetBucketEncryptionCommand).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms:dsse' } }] } });
      const outcome = await STORAGE_CHECKS['s3-bucket'](checkContext(), s3Bucket.parse({ type: 's3-bucket', bucket: TOKYO, region: 'primary' }));
      expect(outcome.status).toBe('passed');
      expect(new Set(await regionsCalled(s3.calls()))).toEqual(new Set([PRIMARY]));
    });

    it('names every wrong setting, not just the first', async () => {
      s3.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended' });
      s3.on(GetBucketEncryptionCommand).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } });
      s3.on(GetBucketReplicationCommand).resolves({ ReplicationConfiguration: { Role: 'r', Rules: [{ ID: 'back', Status: 'Disabled', Destination: { Bucket: `arn:aws:s3:::${TOKYO}` } }] } });
      s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false } });
      const outcome = await STORAGE_CHECKS['s3-bucket'](checkContext(), s3Bucket.parse({ type: 's3-bucket', bucket: REPLICA, replication: true }));
      expect(outcome.status).toBe('failed');
      expect(outcome.detail).toBe(
        `s3://${REPLICA} in ${SECONDARY}: versioning is Suspended, must be Enabled; ` +
        'default encryption is AES256, must be SSE-KMS (aws:kms or aws:kms:dsse); ' +
        'replication has no Enabled rule (rules: back Disabled); ' +
        'public access is not fully blocked: BlockPublicPolicy, RestrictPublicBuckets are not true',
      );
      expect(outcome.observations).toMatchObject({ versioning: 'Suspended', encryption: 'AES256', replicationRules: [], publicAccessBlocked: false });
    });

    it('treats the "not configured" errors as settings: no replication, no Block Public Access, no default encryption, versioning never set', async () => {
      s3.on(GetBucketVersioningCommand).resolves({});
      s3.on(GetBucketEncryptionCommand).rejects(s3Error('ServerSideEncryptionConfigurationNotFoundError', 404));
      s3.on(GetBucketReplicationCommand).rejects(s3Error('ReplicationConfigurationNotFoundError', 404));
      s3.on(GetPublicAccessBlockCommand).rejects(s3Error('NoSuchPublicAccessBlockConfiguration', 404));
      const outcome = await STORAGE_CHECKS['s3-bucket'](checkContext(), s3Bucket.parse({ type: 's3-bucket', bucket: REPLICA, replication: true }));
      expect(outcome.status).toBe('failed');
      expect(outcome.detail).toContain('versioning is not enabled (never set), must be Enabled');
      expect(outcome.detail).toContain('default encryption is not configured (ServerSideEncryptionConfigurationNotFoundError), must be SSE-KMS');
      expect(outcome.detail).toContain('replication is not configured (ReplicationConfigurationNotFoundError), must have an Enabled rule');
      expect(outcome.detail).toContain('public access is not blocked (NoSuchPublicAccessBlockConfiguration)');
      expect(outcome.observations).toEqual({ region: SECONDARY, versioning: null, encryption: null, replicationRules: [], publicAccessBlocked: false });
    });

    it('false in the plan means "not required": the same bucket passes, its settings still reported', async () => {
      s3.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended' });
      s3.on(GetBucketEncryptionCommand).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } });
      s3.on(GetBucketReplicationCommand).rejects(s3Error('ReplicationConfigurationNotFoundError', 404));
      s3.on(GetPublicAccessBlockCommand).rejects(s3Error('NoSuchPublicAccessBlockConfiguration', 404));
      const spec = s3Bucket.parse({ type: 's3-bucket', bucket: REPLICA, versioning: false, kmsEncryption: false, publicAccessBlocked: false });
      const outcome = await STORAGE_CHECKS['s3-bucket'](checkContext(), spec);
      expect(outcome).toMatchObject({ status: 'passed', detail: `s3://${REPLICA} in ${SECONDARY}: nothing required by the plan`, observations: { versioning: 'Suspended', encryption: 'AES256' } });
    });

    it('another AWS error fails the check naming the API and the error, for every call that failed', async () => {
      const missing = () => new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } });
      for (const Command of [GetBucketVersioningCommand, GetBucketEncryptionCommand, GetBucketReplicationCommand, GetPublicAccessBlockCommand]) s3.on(Command).rejects(missing());
      const outcome = await STORAGE_CHECKS['s3-bucket'](checkContext(), s3Bucket.parse({ type: 's3-bucket', bucket: REPLICA }));
      expect(outcome.status).toBe('failed');
      expect(outcome.detail).toContain(`GetBucketVersioning s3://${REPLICA}: NoSuchBucket (The specified bucket does not exist)`);
      expect(outcome.detail).toContain('GetPublicAccessBlock');
      expect(outcome.observations).toMatchObject({ errors: ['GetBucketVersioning: NoSuchBucket', 'GetBucketEncryption: NoSuchBucket', 'GetBucketReplication: NoSuchBucket', 'GetPublicAccessBlock: NoSuchBucket'] });
    });

    it.each([
      ['SlowDown', 503, 'AwsThrottlingError'],
      ['InternalError', 500, 'AwsTransientError'],
    ])('%s is rethrown as %s (the state machine retries)', async (name, status, expected) => {
      goodBucket();
      s3.on(GetBucketEncryptionCommand).rejects(s3Error(name, status));
      await expect(STORAGE_CHECKS['s3-bucket'](checkContext(), s3Bucket.parse({ type: 's3-bucket', bucket: REPLICA }))).rejects.toMatchObject({ name: expected, retryable: true });
    });
  });

  describe('manifest parsing and sampling', () => {
    it('parses JSON lines, skips blank lines, keeps the last line of a key, and names malformed lines by number', () => {
      const ok = parseManifest('{"key":"a","checksumSHA256":"x","size":3}\n\n{"key":"b","etag":"\\"e\\""}\n{"key":"a","etag":"f","extra":1}\n');
      expect(ok).toEqual({ entries: [{ key: 'a', etag: 'f' }, { key: 'b', etag: '"e"' }], malformed: [] });
      const bad = parseManifest(['{"key":"a","etag":"e"}', 'not json', '[1]', '{"etag":"e"}', '{"key":"b"}', '{"key":"c","etag":"e","size":-1}'].join('\n'));
      expect(bad.malformed).toEqual([
        { line: 2, reason: 'not JSON' },
        { line: 3, reason: 'not a JSON object' },
        { line: 4, reason: '"key" must be a non-empty string' },
        { line: 5, reason: 'needs a checksum ("checksumSHA256", "checksumSHA1", "checksumCRC64NVME", "checksumCRC32C", "checksumCRC32") or "etag" to compare with' },
        { line: 6, reason: '"size" must be a non-negative integer' },
      ]);
    });

    it('samples deterministically by seed: the same keys whatever the manifest order, others for another run', () => {
      const entries: ManifestEntry[] = Array.from({ length: 1000 }, (_, i) => ({ key: `k/${i}`, etag: `e${i}` }));
      const a = sampleManifest(entries, 50, 'run-1').map((e) => e.key);
      expect(a).toHaveLength(50);
      expect(new Set(a).size).toBe(50);
      expect(sampleManifest([...entries].reverse(), 50, 'run-1').map((e) => e.key)).toEqual(a);
      expect(sampleManifest(entries, 50, 'run-2').map((e) => e.key)).not.toEqual(a);
      expect(sampleManifest(entries.slice(0, 10), 50, 'run-1')).toHaveLength(10);
    });
  });

  describe('s3-objects', () => {
    const spec = (over: Record<string, unknown> = {}) => s3Objects.parse({ type: 's3-objects', bucket: REPLICA, manifestKey: MANIFEST, ...over });
    const manifestOf = (entries: ManifestEntry[]) => entries.map((e) => JSON.stringify(e)).join('\n');

    it('compares the sample by ChecksumSHA256, else by ETag, and names missing and mismatched keys', async () => {
      const entries: ManifestEntry[] = [
        { key: 'datasets/a.csv', checksumSHA256: sha('a'), etag: md5('a'), size: 10 },
        { key: 'datasets/b.csv', checksumSHA256: sha('b'), size: 10 },
        { key: 'datasets/c.csv', etag: md5('c'), size: 10 },
        { key: 'datasets/d.csv', checksumSHA256: sha('d') },
        { key: 'datasets/e.csv', etag: md5('e') },
        { key: 'datasets/f.csv', checksumSHA256: sha('f'), etag: md5('f'), size: 10 },
      ];
      s3.on(GetObjectCommand).resolves({ Body: body(manifestOf(entries)) });
      const heads: Record<string, object> = {
        'datasets/a.csv': { ChecksumSHA256: sha('a'), ETag: `"${md5('other')}"`, ServerSideEncryption: 'AES256', ContentLength: 10, LastModified: new Date('2026-11-29T00:40:00Z') },
        'datasets/b.csv': { ChecksumSHA256: sha('B'), ETag: `"${md5('b')}"`, ServerSideEncryption: 'AES256', ContentLength: 10, LastModified: new Date('2026-11-29T00:55:00Z') },
        'datasets/c.csv': { ETag: `"${md5('c')}"`, ServerSideEncryption: 'AES256', ContentLength: 10, LastModified: new Date('2026-11-29T00:50:00Z') },
        'datasets/f.csv': { ETag: `"${md5('f')}"`, ContentLength: 10, LastModified: new Date('2026-11-29T00:30:00Z') },
      };
      s3.on(HeadObjectCommand).callsFake((input: HeadObjectCommandInput) => {
        const head = heads[input.Key ?? ''];
        if (!head) throw new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
        return head;
      });
      const outcome = await STORAGE_CHECKS['s3-objects'](checkContext(), spec());
      expect(s3).toHaveReceivedCommandExactlyOnceWith(GetObjectCommand, { Bucket: REPLICA, Key: MANIFEST });
      expect(s3).toHaveReceivedCommandTimes(HeadObjectCommand, 6);
      expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: REPLICA, Key: 'datasets/a.csv', ChecksumMode: 'ENABLED' });
      expect(new Set(await regionsCalled(s3.calls()))).toEqual(new Set([SECONDARY]));
      expect(outcome.status).toBe('failed');
      expect(outcome.detail).toBe(
        `6 of 6 manifest objects sampled in s3://${REPLICA} (${SECONDARY}): 2 missing: datasets/d.csv, datasets/e.csv; ` +
        '1 mismatched: datasets/b.csv (ChecksumSHA256 differs)',
      );
      expect(outcome.observations).toEqual({
        manifestEntries: 6, sampled: 6, matched: 3, missing: 2, mismatched: 1, notComparable: 0, matchedByChecksumSHA256: 1, matchedByOtherChecksum: 0, matchedByETag: 2,
        missingKeys: ['datasets/d.csv', 'datasets/e.csv'], mismatchedKeys: ['datasets/b.csv'], notComparableKeys: [], newestLastModified: '2026-11-29T00:55:00.000Z',
      });
    });

    it('passes when every sampled object matches; a size difference or nothing to compare is a mismatch', async () => {
      s3.on(GetObjectCommand).resolves({ Body: body(manifestOf([{ key: 'x', etag: `"${md5('x')}"`, size: 1 }])) });
      s3.on(HeadObjectCommand).resolves({ ETag: `"${md5('x')}"`, ServerSideEncryption: 'AES256', ContentLength: 1, LastModified: new Date('2026-11-29T00:59:00Z') });
      expect(await STORAGE_CHECKS['s3-objects'](checkContext(), spec())).toMatchObject({
        status: 'passed', detail: `1 of 1 manifest objects sampled in s3://${REPLICA} (${SECONDARY}): all match (0 by ChecksumSHA256, 1 by ETag (MD5))`,
      });
      s3.on(HeadObjectCommand).resolves({ ETag: `"${md5('x')}"`, ServerSideEncryption: 'AES256', ContentLength: 2 });
      expect((await STORAGE_CHECKS['s3-objects'](checkContext(), spec())).detail).toContain('x (size 2 ≠ 1)');
      s3.on(GetObjectCommand).resolves({ Body: body(manifestOf([{ key: 'x', checksumSHA256: sha('x') }])) });
      s3.on(HeadObjectCommand).resolves({ ETag: `"${md5('x')}"`, ServerSideEncryption: 'AES256' });
      const outcome = await STORAGE_CHECKS['s3-objects'](checkContext(), spec());
      expect(outcome.detail).toContain('1 not comparable: x (nothing comparable: the manifest has ChecksumSHA256 (FULL_OBJECT), the object has no checksum and an MD5 ETag; add "etag" to the manifest line)');
      expect(outcome.observations).toMatchObject({ notComparable: 1, mismatched: 0, notComparableKeys: ['x'] });
    });

    describe('what is comparable (issue 10): checksums of the same type, an ETag only when it is provably an MD5', () => {
      const oneObject = (entry: ManifestEntry, head: object) => {
        s3.on(GetObjectCommand).resolves({ Body: body(manifestOf([entry])) });
        s3.on(HeadObjectCommand).resolves({ ContentLength: 10, LastModified: new Date('2026-11-29T00:50:00Z'), ...head });
        return STORAGE_CHECKS['s3-objects'](checkContext(), spec());
      };

      it('an SSE-KMS object is not "ETag differs" from a manifest ETag: nothing comparable, and the detail asks for its checksum', async () => {
        // Prepare: the SSE-KMS object's ETag is not the MD5 the manifest recorded; it has a full-object ChecksumSHA256.
        const kms = { ETag: '"9b2cf535f27731c974343645a3985328"', ServerSideEncryption: 'aws:kms', ChecksumSHA256: sha('k'), ChecksumType: 'FULL_OBJECT' };
        // Act
        const outcome = await oneObject({ key: 'k.csv', etag: md5('k'), size: 10 }, kms);
        // Assess
        expect(s3).toHaveReceivedCommandExactlyOnceWith(HeadObjectCommand, { Bucket: REPLICA, Key: 'k.csv', ChecksumMode: 'ENABLED' });
        expect(outcome.status).toBe('failed');
        expect(outcome.detail).not.toContain('ETag differs');
        expect(outcome.detail).toContain('1 not comparable: k.csv (nothing comparable: the manifest has ETag, the object has ChecksumSHA256 (FULL_OBJECT) ' +
          'and an ETag that is not an MD5 (SSE-KMS); add "checksumSHA256" (the object\'s full-object checksum) to the manifest line)');
        expect(outcome.observations).toMatchObject({ matched: 0, mismatched: 0, notComparable: 1, notComparableKeys: ['k.csv'] });
      });

      it('a multipart object\'s ETag ("…-N") is not compared with a manifest MD5; without a checksum the detail says how to give it one', async () => {
        const outcome = await oneObject({ key: 'm.bin', etag: md5('m') }, { ETag: `"${md5('parts')}-3"`, ServerSideEncryption: 'AES256' });
        expect(outcome.detail).not.toContain('ETag differs');
        expect(outcome.detail).toContain('m.bin (nothing comparable: the manifest has ETag, the object has no checksum and an ETag that is not an MD5 (multipart upload, 3 parts); ' +
          'give the object a full-object checksum (copy it onto itself with ChecksumAlgorithm CRC64NVME) and add it to the manifest line)');
      });

      it('a COMPOSITE ChecksumSHA256 (multipart upload) is not compared with the manifest\'s full-object one', async () => {
        const outcome = await oneObject({ key: 'c.bin', checksumSHA256: sha('c') }, { ETag: `"${md5('c')}-2"`, ServerSideEncryption: 'aws:kms', ChecksumSHA256: `${sha('parts')}-2`, ChecksumType: 'COMPOSITE' });
        expect(outcome.detail).not.toContain('ChecksumSHA256 differs');
        expect(outcome.detail).toContain('c.bin (nothing comparable: the manifest has ChecksumSHA256 (FULL_OBJECT), the object has ChecksumSHA256 (COMPOSITE)');
      });

      it('compares another full-object checksum the manifest carries, and an old manifest\'s ETag when the object\'s is an MD5 (SSE-S3, single part)', async () => {
        // Prepare
        const entries: ManifestEntry[] = [
          { key: 'crc.bin', checksumCRC64NVME: 'AAAAAAAAAAA=', size: 10 },
          { key: 'md5.csv', etag: md5('md5'), size: 10 },
          { key: 'bad.csv', checksumCRC32C: 'AAAAAA==', size: 10 },
        ];
        s3.on(GetObjectCommand).resolves({ Body: body(manifestOf(entries)) });
        const heads: Record<string, object> = {
          'crc.bin': { ETag: `"${md5('x')}-4"`, ServerSideEncryption: 'aws:kms', ChecksumCRC64NVME: 'AAAAAAAAAAA=', ChecksumType: 'FULL_OBJECT', ContentLength: 10 },
          'md5.csv': { ETag: `"${md5('md5')}"`, ServerSideEncryption: 'AES256', ContentLength: 10 },
          'bad.csv': { ETag: `"${md5('bad')}"`, ServerSideEncryption: 'aws:kms', ChecksumCRC32C: 'BBBBBB==', ChecksumType: 'FULL_OBJECT', ContentLength: 10 },
        };
        s3.on(HeadObjectCommand).callsFake((input: HeadObjectCommandInput) => heads[input.Key ?? '']);
        // Act
        const outcome = await STORAGE_CHECKS['s3-objects'](checkContext(), spec());
        // Assess
        expect(outcome.detail).toContain('1 mismatched: bad.csv (ChecksumCRC32C differs)');
        expect(outcome.observations).toMatchObject({ matched: 2, matchedByOtherChecksum: 1, matchedByETag: 1, mismatched: 1, notComparable: 0 });
      });

      it('parses the other checksums and checksumType; a line needs a checksum or an ETag', () => {
        const parsed = parseManifest([
          '{"key":"a","checksumCRC32":"AAAAAA==","checksumType":"FULL_OBJECT"}',
          '{"key":"b","checksumSHA1":"x","checksumType":"PARTS"}',
          '{"key":"c","size":3}',
          '{"key":"d","checksumCRC64NVME":""}',
        ].join('\n'));
        expect(parsed.entries).toEqual([{ key: 'a', checksumCRC32: 'AAAAAA==', checksumType: 'FULL_OBJECT' }]);
        expect(parsed.malformed).toEqual([
          { line: 2, reason: '"checksumType" must be FULL_OBJECT or COMPOSITE' },
          { line: 3, reason: 'needs a checksum ("checksumSHA256", "checksumSHA1", "checksumCRC64NVME", "checksumCRC32C", "checksumCRC32") or "etag" to compare with' },
          { line: 4, reason: '"checksumCRC64NVME" must be a non-empty string' },
        ]);
      });
    });

    it('lists the first 10 keys of each kind and counts the rest', async () => {
      const entries = Array.from({ length: 25 }, (_, i) => ({ key: `k${String(i).padStart(2, '0')}`, etag: 'e' }));
      s3.on(GetObjectCommand).resolves({ Body: body(manifestOf(entries)) });
      s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));
      const outcome = await STORAGE_CHECKS['s3-objects'](checkContext(), spec());
      expect(outcome.detail).toContain('25 missing: k00, k01, k02, k03, k04, k05, k06, k07, k08, k09, … (15 more)');
      expect(outcome.observations?.missingKeys).toHaveLength(10);
    });

    it('samples sampleSize keys seeded by the execution id, at most HEAD_CONCURRENCY requests at once', async () => {
      const entries = Array.from({ length: 500 }, (_, i) => ({ key: `datasets/${i}.csv`, etag: md5(`e${i}`) }));
      s3.on(GetObjectCommand).resolves({ Body: body(manifestOf(entries)) });
      let inFlight = 0;
      let most = 0;
      s3.on(HeadObjectCommand).callsFake(async (input: HeadObjectCommandInput) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= 1;
        return { ETag: `"${md5(`e${(input.Key ?? '').replace(/\D/g, '')}`)}"`, ServerSideEncryption: 'AES256' };
      });
      const keys = async (executionId: string) => {
        s3.resetHistory();
        const outcome = await STORAGE_CHECKS['s3-objects'](checkContext({ run: { executionId } }), spec({ sampleSize: 40 }));
        expect(outcome).toMatchObject({ status: 'passed', observations: { sampled: 40, matched: 40, manifestEntries: 500 } });
        return s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input.Key).sort();
      };
      const first = await keys(EXECUTION);
      expect(first).toEqual(sampleManifest(entries, 40, EXECUTION).map((e) => e.key).sort());
      expect(await keys(EXECUTION)).toEqual(first);
      expect(await keys(`${EXECUTION}-resumed`)).not.toEqual(first);
      expect(most).toBe(HEAD_CONCURRENCY);
    });

    it('a malformed manifest line fails the check naming the line; nothing is compared', async () => {
      s3.on(GetObjectCommand).resolves({ Body: body('{"key":"a","etag":"e"}\n{"key":"b","etag":"e"\n{"key":"c","etag":"e"}\n') });
      const outcome = await STORAGE_CHECKS['s3-objects'](checkContext(), spec());
      expect(outcome).toEqual({
        status: 'failed', detail: `manifest s3://${REPLICA}/${MANIFEST} has 1 malformed line(s): line 2: not JSON`, observations: { malformedLines: [2] },
      });
      expect(s3).not.toHaveReceivedCommand(HeadObjectCommand);
    });

    it('reads the manifest from manifestBucket; a missing manifest or an empty one fails', async () => {
      s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
      const outcome = await STORAGE_CHECKS['s3-objects'](checkContext(), spec({ manifestBucket: 'manifests-osaka' }));
      expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'manifests-osaka', Key: MANIFEST });
      expect(outcome).toMatchObject({ status: 'failed', detail: `manifest s3://manifests-osaka/${MANIFEST} in ${SECONDARY} does not exist (GetObject NoSuchKey)` });
      s3.on(GetObjectCommand).resolves({ Body: body('\n') });
      expect(await STORAGE_CHECKS['s3-objects'](checkContext(), spec())).toMatchObject({ status: 'failed', detail: `manifest s3://${REPLICA}/${MANIFEST} lists no objects` });
    });

    it('HeadObject throttled is rethrown as AwsThrottlingError; a 403 fails the check naming HeadObject', async () => {
      s3.on(GetObjectCommand).resolves({ Body: body(manifestOf([{ key: 'a', etag: 'e' }, { key: 'b', etag: 'e' }])) });
      s3.on(HeadObjectCommand).rejects(s3Error('SlowDown', 503));
      await expect(STORAGE_CHECKS['s3-objects'](checkContext(), spec())).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });
      s3.on(HeadObjectCommand).rejects(s3Error('403', 403));
      const outcome = await STORAGE_CHECKS['s3-objects'](checkContext(), spec());
      expect(outcome).toMatchObject({ status: 'failed', observations: { api: 'HeadObject', awsError: '403' } });
      expect(outcome.detail).toMatch(new RegExp(`^HeadObject s3://${REPLICA}/[ab]: 403 \\(access denied`));
    });
  });

  describe('s3-replication-rpo', () => {
    const spec = s3ReplicationRpo.parse({ type: 's3-replication-rpo', sourceBucket: TOKYO, destinationBucket: REPLICA, ruleId: 'replicate-to-secondary' });
    const series = (Id: string, values: number[], newest = INCIDENT.getTime() - 60_000): MetricDataResult => ({
      Id, StatusCode: 'Complete', Values: values, Timestamps: values.map((_, i) => new Date(newest - i * 60_000)),
    });

    it('reads ReplicationLatency and OperationsPendingReplication (Maximum) of the rule in the destination (secondary) region over the 15 min before the incident', async () => {
      cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('latency', [42, 30, 95]), series('pending', [7, 2])] });
      const outcome = await STORAGE_CHECKS['s3-replication-rpo'](checkContext(), spec);
      const dimensions = [{ Name: 'SourceBucket', Value: TOKYO }, { Name: 'DestinationBucket', Value: REPLICA }, { Name: 'RuleId', Value: 'replicate-to-secondary' }];
      expect(cw).toHaveReceivedCommandExactlyOnceWith(GetMetricDataCommand, {
        StartTime: new Date(INCIDENT.getTime() - 15 * 60_000),
        EndTime: INCIDENT,
        ScanBy: 'TimestampDescending',
        MetricDataQueries: [
          { Id: 'latency', MetricStat: { Metric: { Namespace: 'AWS/S3', MetricName: 'ReplicationLatency', Dimensions: dimensions }, Period: 60, Stat: 'Maximum' }, ReturnData: true },
          { Id: 'pending', MetricStat: { Metric: { Namespace: 'AWS/S3', MetricName: 'OperationsPendingReplication', Dimensions: dimensions }, Period: 60, Stat: 'Maximum' }, ReturnData: true },
        ],
      });
      expect(await regionsCalled(cw.calls())).toEqual([SECONDARY]);
      expect(outcome).toEqual({
        status: 'passed',
        detail: `s3://${TOKYO} → s3://${REPLICA} (rule replicate-to-secondary) was 42 s behind at 2026-11-29T00:59:00.000Z, 7 operation(s) pending ` +
          '(newest datapoints in the 15 min before the incident; max 95 s)',
        observations: { rpoSeconds: 42, pendingOperations: 7, source: 'S3 ReplicationLatency', measuredAt: '2026-11-29T00:59:00.000Z', maxLatencySeconds: 95, region: SECONDARY },
      });
    });

    it('follows NextToken and takes the newest datapoint whatever the page order', async () => {
      cw.on(GetMetricDataCommand)
        .resolvesOnce({ MetricDataResults: [series('latency', [20], INCIDENT.getTime() - 300_000), series('pending', [])], NextToken: 'more' })
        .resolves({ MetricDataResults: [series('latency', [25]), series('pending', [1])] });
      const outcome = await STORAGE_CHECKS['s3-replication-rpo'](checkContext(), spec);
      expect(cw).toHaveReceivedCommandTimes(GetMetricDataCommand, 2);
      expect(cw).toHaveReceivedNthCommandWith(GetMetricDataCommand, 2, { NextToken: 'more' });
      expect(outcome.observations).toMatchObject({ rpoSeconds: 25, pendingOperations: 1 });
    });

    it('no datapoints: failed, asking whether replication metrics are enabled', async () => {
      cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [series('latency', []), series('pending', [])] });
      const outcome = await STORAGE_CHECKS['s3-replication-rpo'](checkContext(), spec);
      expect(outcome.status).toBe('failed');
      expect(outcome.detail).toMatch(/^no replication metrics \(is Replication Time Control \/ replication metrics enabled\?\)/);
      expect(outcome.observations).toEqual({ rpoSeconds: null, pendingOperations: null, source: 'S3 ReplicationLatency', region: SECONDARY });
    });

    it('Throttling is rethrown as AwsThrottlingError; another error fails naming GetMetricData', async () => {
      cw.on(GetMetricDataCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }));
      await expect(STORAGE_CHECKS['s3-replication-rpo'](checkContext(), spec)).rejects.toMatchObject({ name: 'AwsThrottlingError' });
      cw.on(GetMetricDataCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
      expect(await STORAGE_CHECKS['s3-replication-rpo'](checkContext(), spec)).toMatchObject({
        status: 'failed', detail: `GetMetricData in ${SECONDARY}: AccessDenied (User is not authorized)`, observations: { api: 'GetMetricData', awsError: 'AccessDenied' },
      });
    });
  });
});
