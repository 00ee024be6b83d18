import { createHash } from 'node:crypto';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { S3Client, GetBucketEncryptionCommand, GetBucketReplicationCommand, GetBucketVersioningCommand, GetObjectCommand, GetPublicAccessBlockCommand, HeadObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { CHECKSUM_FIELDS, checksumTypeOf, compareContent, describeContent, etagIsMd5, type ChecksumField, type ChecksumType, type ContentFacts } from '../components/s3-version-restore/content.ts';
import type { JsonObject } from '../components/types.ts';
import { AwsTransientError, classifyError } from '../errors.ts';
import type { CheckContext, CheckOutcome, CheckRunner } from './types.ts';

/**
 * Storage checks (S3): the recovered bucket's settings, a sample of the dataset manifest compared object by
 * object, and the RPO of replicated objects from S3 Replication metrics.
 *
 * Errors: AWS throttling and 5xx are rethrown as retryable (AwsThrottlingError, AwsTransientError) so the
 * state machine retries the check; any other AWS error is a failed outcome naming the API and the error.
 */

/** SSE-KMS default encryption algorithms (single- and dual-layer). */
export const KMS_ALGORITHMS = ['aws:kms', 'aws:kms:dsse'] as const;
/** HeadObject requests in flight at once for the manifest sample. */
export const HEAD_CONCURRENCY = 16;
/** How many keys of each kind (missing, mismatched) the detail and the observations list. */
const LISTED = 10;
/** S3 replication metrics are read over this window before the incident. */
export const RPO_WINDOW_MINUTES = 15;

/** An AWS error that ends the check as failed (not retryable): its API, what it was called on and the error. */
class AwsCallFailed extends Error {
  readonly api: string;
  readonly awsName: string;
  constructor(api: string, what: string, error: unknown) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    super(`${api} ${what}: ${name}${message && message !== name ? ` (${message})` : ''}`);
    this.api = api;
    this.awsName = name;
  }
}

/** Rethrows retryable errors (throttling, 5xx) classified; anything else becomes AwsCallFailed. */
function rethrow(api: string, what: string, error: unknown): never {
  const classified = classifyError(error);
  if (classified.retryable) throw classified;
  throw new AwsCallFailed(api, what, error);
}

async function call<T>(api: string, what: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    return rethrow(api, what, error);
  }
}

/** The outcome of a check whose AWS call failed terminally; other errors propagate (runChecks reports them). */
async function guarded(run: () => Promise<CheckOutcome>): Promise<CheckOutcome> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AwsCallFailed) return { status: 'failed', detail: error.message, observations: { api: error.api, awsError: error.awsName } };
    throw error;
  }
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');
const s3Url = (bucket: string, key?: string) => `s3://${bucket}${key === undefined ? '' : `/${key}`}`;
const regionOf = (ctx: CheckContext, role: 'primary' | 'secondary') => ctx.run.regions[role];

// ---- s3-bucket ------------------------------------------------------------------------------------------

const PUBLIC_ACCESS_FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

/**
 * Versioning, default encryption, replication and the bucket's Block Public Access settings. All four are
 * read (in parallel) and reported; the check fails on every setting the plan requires that is not so, and
 * names all of them. `false` in the plan means "not required", not "must be off". Only the bucket-level
 * Block Public Access is read: the account-level setting (s3control) may block more, never less.
 */
const s3Bucket: CheckRunner<'s3-bucket'> = (ctx, spec) =>
  guarded(async () => {
    const region = regionOf(ctx, spec.region);
    const s3 = ctx.clients.get(S3Client, region);
    const Bucket = spec.bucket;
    const where = s3Url(Bucket);
    const [versioning, encryption, replication, publicAccess] = await Promise.allSettled([
      call('GetBucketVersioning', where, () => s3.send(new GetBucketVersioningCommand({ Bucket }))),
      s3.send(new GetBucketEncryptionCommand({ Bucket })).catch((error: unknown) => {
        if (errorName(error) === 'ServerSideEncryptionConfigurationNotFoundError') return null;
        return rethrow('GetBucketEncryption', where, error);
      }),
      s3.send(new GetBucketReplicationCommand({ Bucket })).catch((error: unknown) => {
        if (errorName(error) === 'ReplicationConfigurationNotFoundError') return null;
        return rethrow('GetBucketReplication', where, error);
      }),
      s3.send(new GetPublicAccessBlockCommand({ Bucket })).catch((error: unknown) => {
        if (errorName(error) === 'NoSuchPublicAccessBlockConfiguration') return null;
        return rethrow('GetPublicAccessBlock', where, error);
      }),
    ]);
    const settled = [versioning, encryption, replication, publicAccess];
    const rejected = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    const retryable = rejected.find((e) => !(e instanceof AwsCallFailed));
    if (retryable) throw retryable;
    if (rejected.length > 0) {
      const failures = rejected as AwsCallFailed[];
      return {
        status: 'failed',
        detail: `${where} in ${region}: ${failures.map((f) => f.message).join('; ')}`,
        observations: { region, errors: failures.map((f) => `${f.api}: ${f.awsName}`) },
      };
    }
    const value = <T>(s: PromiseSettledResult<T>): T => (s as PromiseFulfilledResult<T>).value;

    const problems: string[] = [];
    const versioningStatus = value(versioning).Status ?? null;
    if (spec.versioning && versioningStatus !== 'Enabled') problems.push(`versioning is ${versioningStatus ?? 'not enabled (never set)'}, must be Enabled`);

    const rules = value(encryption)?.ServerSideEncryptionConfiguration?.Rules ?? [];
    const algorithms = rules.flatMap((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? []);
    const kms = algorithms.find((a) => (KMS_ALGORITHMS as readonly string[]).includes(a));
    if (spec.kmsEncryption && !kms) {
      const now = value(encryption) === null ? 'not configured (ServerSideEncryptionConfigurationNotFoundError)' : algorithms.join(', ') || 'not set';
      problems.push(`default encryption is ${now}, must be SSE-KMS (${KMS_ALGORITHMS.join(' or ')})`);
    }

    const replicationRules = value(replication)?.ReplicationConfiguration?.Rules ?? [];
    const enabledRules = replicationRules.filter((r) => r.Status === 'Enabled');
    if (spec.replication && enabledRules.length === 0) {
      problems.push(value(replication) === null
        ? 'replication is not configured (ReplicationConfigurationNotFoundError), must have an Enabled rule'
        : `replication has no Enabled rule (rules: ${replicationRules.map((r) => `${r.ID ?? '?'} ${r.Status ?? '?'}`).join(', ') || 'none'})`);
    }

    const block = value(publicAccess)?.PublicAccessBlockConfiguration;
    const notBlocked = PUBLIC_ACCESS_FLAGS.filter((flag) => block?.[flag] !== true);
    if (spec.publicAccessBlocked && notBlocked.length > 0) {
      problems.push(block === undefined
        ? 'public access is not blocked (NoSuchPublicAccessBlockConfiguration), all four Block Public Access settings must be true'
        : `public access is not fully blocked: ${notBlocked.join(', ')} ${notBlocked.length === 1 ? 'is' : 'are'} not true`);
    }

    const observations: JsonObject = {
      region,
      versioning: versioningStatus,
      encryption: algorithms.length > 0 ? algorithms.join(', ') : null,
      replicationRules: enabledRules.map((r) => `${r.ID ?? '?'} → ${r.Destination?.Bucket ?? '?'}`),
      publicAccessBlocked: block === undefined ? false : notBlocked.length === 0,
    };
    if (problems.length > 0) return { status: 'failed', detail: `${where} in ${region}: ${problems.join('; ')}`, observations };
    const required = [
      spec.versioning && 'versioning Enabled',
      spec.kmsEncryption && `default encryption ${kms}`,
      spec.replication && `replication (${enabledRules.map((r) => r.ID ?? '?').join(', ')})`,
      spec.publicAccessBlocked && 'public access blocked',
    ].filter((x): x is string => typeof x === 'string');
    return { status: 'passed', detail: `${where} in ${region}: ${required.join(', ') || 'nothing required by the plan'}`, observations };
  });

// ---- s3-objects -----------------------------------------------------------------------------------------

/**
 * One line of a dataset manifest (JSON lines). A checksum is compared with the object's own of the same
 * algorithm and type (`checksumType`, else COMPOSITE when the value ends in "-N", else FULL_OBJECT); `etag`
 * (kept for older manifests) is taken as the MD5 of the content and compared only when the object's ETag
 * is provably one too (single part, SSE-S3 or unencrypted: content.ts etagIsMd5).
 */
export interface ManifestEntry {
  key: string;
  checksumSHA256?: string;
  checksumCRC64NVME?: string;
  checksumCRC32C?: string;
  checksumCRC32?: string;
  checksumSHA1?: string;
  checksumType?: ChecksumType;
  etag?: string;
  size?: number;
}

export type ParsedManifest = { entries: ManifestEntry[]; malformed: { line: number; reason: string }[] };

/** A manifest field for each of the object's checksums: checksumSHA256 for ChecksumSHA256… */
const manifestField = (field: ChecksumField) => `c${field.slice(1)}` as 'checksumSHA256' | 'checksumCRC64NVME' | 'checksumCRC32C' | 'checksumCRC32' | 'checksumSHA1';
const MANIFEST_CHECKSUMS = CHECKSUM_FIELDS.map(manifestField);

/**
 * Parses a JSON-lines manifest: one `{"key", "checksumSHA256"?, "checksumCRC64NVME"?, "checksumCRC32C"?,
 * "checksumCRC32"?, "checksumSHA1"?, "checksumType"?, "etag"?, "size"?}` object a line, with a checksum or
 * an ETag to compare. Blank lines are skipped; other fields are ignored. A key listed twice keeps its last
 * line. Line numbers are 1-based.
 */
export function parseManifest(text: string): ParsedManifest {
  const byKey = new Map<string, ManifestEntry>();
  const malformed: ParsedManifest['malformed'] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const bad = (reason: string) => malformed.push({ line: i + 1, reason });
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      bad('not JSON');
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      bad('not a JSON object');
      continue;
    }
    const fields = value as Record<string, unknown>;
    const { key, checksumType, etag, size } = fields;
    const notString = [...MANIFEST_CHECKSUMS, 'etag' as const].find((f) => fields[f] !== undefined && (typeof fields[f] !== 'string' || fields[f] === ''));
    if (typeof key !== 'string' || key === '') bad('"key" must be a non-empty string');
    else if (notString) bad(`"${notString}" must be a non-empty string`);
    else if (checksumType !== undefined && checksumType !== 'FULL_OBJECT' && checksumType !== 'COMPOSITE') bad('"checksumType" must be FULL_OBJECT or COMPOSITE');
    else if (size !== undefined && (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)) bad('"size" must be a non-negative integer');
    else if (MANIFEST_CHECKSUMS.every((f) => fields[f] === undefined) && etag === undefined) {
      bad(`needs a checksum (${MANIFEST_CHECKSUMS.map((f) => `"${f}"`).join(', ')}) or "etag" to compare with`);
    } else {
      const entry: ManifestEntry = { key };
      for (const f of MANIFEST_CHECKSUMS) if (fields[f] !== undefined) entry[f] = fields[f] as string;
      if (checksumType !== undefined) entry.checksumType = checksumType;
      if (etag !== undefined) entry.etag = etag as string;
      if (size !== undefined) entry.size = size as number;
      byKey.set(key, entry);
    }
  }
  return { entries: [...byKey.values()], malformed };
}

/**
 * A deterministic sample of `size` entries: each key is ranked by SHA-256(seed NUL key) and the lowest
 * ranks are taken. The same seed (the run's execution id) picks the same keys whatever the manifest's
 * line order, so a retried or re-run check verifies the same objects; another run picks another sample.
 * Returned in key order.
 */
export function sampleManifest(entries: readonly ManifestEntry[], size: number, seed: string): ManifestEntry[] {
  if (entries.length <= size) return [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const prefix = createHash('sha256').update(seed).update('\u0000');
  const ranked = entries.map((entry) => ({ entry, rank: prefix.copy().update(entry.key).digest('hex') }));
  ranked.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  return ranked.slice(0, size).map((r) => r.entry).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export type Verdict =
  | { kind: 'matched'; by: ChecksumField | 'ETag'; lastModified: Date | undefined }
  | { kind: 'missing' }
  | { kind: 'mismatched'; why: string; lastModified: Date | undefined }
  | { kind: 'notComparable'; why: string; lastModified: Date | undefined };

/** What the manifest line says about the content, in HeadObject's terms (its `etag` taken as an MD5). */
function manifestFacts(entry: ManifestEntry): ContentFacts {
  const facts: ContentFacts = { ETag: entry.etag, ContentLength: entry.size, ChecksumType: entry.checksumType };
  for (const field of CHECKSUM_FIELDS) facts[field] = entry[manifestField(field)];
  return facts;
}

/** What to put in the manifest line so the object can be compared: its full-object checksum, its MD5, or how to give it one. */
function whatToAdd(head: ContentFacts): string {
  const full = CHECKSUM_FIELDS.find((f) => checksumTypeOf(head, f) === 'FULL_OBJECT');
  if (full) return `add "${manifestField(full)}" (the object's full-object checksum) to the manifest line`;
  if (etagIsMd5(head)) return 'add "etag" to the manifest line';
  // A copy onto itself with a checksum algorithm gives an object a full-object checksum (S3 User Guide,
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html).
  return 'give the object a full-object checksum (copy it onto itself with ChecksumAlgorithm CRC64NVME) and add it to the manifest line';
}

/**
 * The manifest line against the object's HeadObject (ChecksumMode ENABLED), by content.ts compareContent:
 * another size, then a checksum of the same algorithm and type, then ETags that are both MD5s. When nothing
 * is comparable, says what each side has and what to add to the manifest.
 */
export function compareObject(entry: ManifestEntry, head: ContentFacts & Pick<HeadObjectCommandOutput, 'LastModified'>): Verdict {
  const lastModified = head.LastModified;
  const expected = manifestFacts(entry);
  const comparison = compareContent(head, expected);
  if (comparison.verdict === 'same') return { kind: 'matched', by: comparison.by, lastModified };
  if (comparison.verdict === 'different') {
    const { by } = comparison;
    const why = by === 'size' ? `size ${head.ContentLength} ≠ ${entry.size}` : by === 'ETag' ? 'ETag (MD5) differs' : `${by} differs`;
    return { kind: 'mismatched', why, lastModified };
  }
  const manifestHas = [...CHECKSUM_FIELDS.filter((f) => expected[f]).map((f) => `${f} (${checksumTypeOf(expected, f)})`), ...(entry.etag ? ['ETag'] : [])].join(' and ');
  return { kind: 'notComparable', why: `nothing comparable: the manifest has ${manifestHas}, the object has ${describeContent(head)}; ${whatToAdd(head)}`, lastModified };
}

/** Runs `work` over the items with at most `limit` in flight; the first error stops new work and is thrown. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const reasons = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  // A retryable error wins over a terminal one: the retried check may then pass.
  const retryable = reasons.find((r) => !(r instanceof AwsCallFailed));
  if (retryable !== undefined) throw retryable;
  if (reasons.length > 0) throw reasons[0];
  return results;
}

const listed = (keys: string[], total: number) => `${keys.slice(0, LISTED).join(', ')}${total > LISTED ? `, … (${total - LISTED} more)` : ''}`;

/**
 * Reads the manifest (JSON lines) from `manifestBucket` (default: the checked bucket, same region), takes a
 * deterministic sample of `sampleSize` keys seeded by the run's execution id (sampleManifest) and sends
 * HeadObject with ChecksumMode ENABLED for each, at most HEAD_CONCURRENCY at once. An object that is not
 * there (NotFound, NoSuchKey; a delete marker answers NotFound) is missing; one whose size, checksum or MD5
 * ETag differs is mismatched (compareObject); one with nothing comparable (an SSE-KMS or multipart object
 * against a manifest ETag, say) is not comparable. Fails on any malformed manifest line, any missing,
 * mismatched or not comparable object.
 */
const s3Objects: CheckRunner<'s3-objects'> = (ctx, spec) =>
  guarded(async () => {
    const region = regionOf(ctx, spec.region);
    const s3 = ctx.clients.get(S3Client, region);
    const manifestBucket = spec.manifestBucket ?? spec.bucket;
    const manifestAt = s3Url(manifestBucket, spec.manifestKey);
    let text: string;
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: manifestBucket, Key: spec.manifestKey }));
      text = (await out.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      if (['NoSuchKey', 'NoSuchBucket'].includes(errorName(error))) {
        return { status: 'failed', detail: `manifest ${manifestAt} in ${region} does not exist (GetObject ${errorName(error)})`, observations: { api: 'GetObject', awsError: errorName(error) } };
      }
      return rethrow('GetObject', `manifest ${manifestAt}`, error);
    }
    const manifest = parseManifest(text);
    if (manifest.malformed.length > 0) {
      const first = manifest.malformed.slice(0, 5).map((m) => `line ${m.line}: ${m.reason}`).join('; ');
      return {
        status: 'failed',
        detail: `manifest ${manifestAt} has ${manifest.malformed.length} malformed line(s): ${first}${manifest.malformed.length > 5 ? '; …' : ''}`,
        observations: { malformedLines: manifest.malformed.slice(0, LISTED).map((m) => m.line) },
      };
    }
    if (manifest.entries.length === 0) return { status: 'failed', detail: `manifest ${manifestAt} lists no objects`, observations: { manifestEntries: 0 } };

    const sample = sampleManifest(manifest.entries, spec.sampleSize, ctx.run.executionId);
    const verdicts = await pool(sample, HEAD_CONCURRENCY, async (entry): Promise<Verdict> => {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: spec.bucket, Key: entry.key, ChecksumMode: 'ENABLED' }));
        return compareObject(entry, head);
      } catch (error) {
        if (['NotFound', 'NoSuchKey'].includes(errorName(error))) return { kind: 'missing' };
        if (errorName(error) === '403') {
          // HEAD has no body: S3's AccessDenied arrives as "403" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html,
          // https://github.com/aws/aws-sdk-js-v3/issues/6597).
          const hint = 'access denied: a missing key answers 403 without s3:ListBucket, and SSE-KMS checksums need kms:Decrypt';
          return rethrow('HeadObject', s3Url(spec.bucket, entry.key), Object.assign(new Error(hint), { name: '403' }));
        }
        return rethrow('HeadObject', s3Url(spec.bucket, entry.key), error);
      }
    });

    const missing: string[] = [];
    const mismatched: { key: string; why: string }[] = [];
    const notComparable: { key: string; why: string }[] = [];
    const by = { ChecksumSHA256: 0, other: 0, ETag: 0 };
    let newest: Date | undefined;
    verdicts.forEach((v, i) => {
      const key = sample[i]!.key;
      if (v.kind === 'missing') missing.push(key);
      else {
        if (v.lastModified && (!newest || v.lastModified > newest)) newest = v.lastModified;
        if (v.kind === 'matched') by[v.by === 'ChecksumSHA256' || v.by === 'ETag' ? v.by : 'other'] += 1;
        else (v.kind === 'mismatched' ? mismatched : notComparable).push({ key, why: v.why });
      }
    });
    const observations: JsonObject = {
      manifestEntries: manifest.entries.length,
      sampled: sample.length,
      matched: by.ChecksumSHA256 + by.other + by.ETag,
      missing: missing.length,
      mismatched: mismatched.length,
      notComparable: notComparable.length,
      matchedByChecksumSHA256: by.ChecksumSHA256,
      matchedByOtherChecksum: by.other,
      matchedByETag: by.ETag,
      missingKeys: missing.slice(0, LISTED),
      mismatchedKeys: mismatched.slice(0, LISTED).map((m) => m.key),
      notComparableKeys: notComparable.slice(0, LISTED).map((m) => m.key),
      newestLastModified: newest?.toISOString() ?? null,
    };
    const what = `${sample.length} of ${manifest.entries.length} manifest objects sampled in ${s3Url(spec.bucket)} (${region})`;
    if (missing.length === 0 && mismatched.length === 0 && notComparable.length === 0) {
      const other = by.other > 0 ? `, ${by.other} by another full-object checksum` : '';
      return { status: 'passed', detail: `${what}: all match (${by.ChecksumSHA256} by ChecksumSHA256${other}, ${by.ETag} by ETag (MD5))`, observations };
    }
    const withWhy = (items: { key: string; why: string }[]) => items.map((m) => `${m.key} (${m.why})`);
    const parts = [
      missing.length > 0 && `${missing.length} missing: ${listed(missing, missing.length)}`,
      mismatched.length > 0 && `${mismatched.length} mismatched: ${listed(withWhy(mismatched), mismatched.length)}`,
      // Not a difference, but nothing verified either: the check fails with what to add to the manifest.
      notComparable.length > 0 && `${notComparable.length} not comparable: ${listed(withWhy(notComparable), notComparable.length)}`,
    ].filter((x): x is string => typeof x === 'string');
    return { status: 'failed', detail: `${what}: ${parts.join('; ')}`, observations };
  });

// ---- s3-replication-rpo ---------------------------------------------------------------------------------

type Series = { timestamps: Date[]; values: number[] };

/** Every datapoint of each query id, following NextToken; InternalError is transient, Forbidden a failure. */
async function metricSeries(ctx: CheckContext, region: string, queries: MetricDataQuery[], start: Date, end: Date): Promise<Map<string, Series>> {
  const series = new Map<string, Series>(queries.map((q) => [q.Id!, { timestamps: [], values: [] }]));
  let NextToken: string | undefined;
  do {
    const input = { MetricDataQueries: queries, StartTime: start, EndTime: end, ScanBy: 'TimestampDescending' as const, NextToken };
    const out = await call('GetMetricData', `in ${region}`, () => ctx.clients.get(CloudWatchClient, region).send(new GetMetricDataCommand(input)));
    for (const result of out.MetricDataResults ?? []) {
      if (result.StatusCode === 'InternalError') throw new AwsTransientError(`GetMetricData ${result.Id}: InternalError`, { awsErrorName: 'InternalError' });
      if (result.StatusCode === 'Forbidden') throw new AwsCallFailed('GetMetricData', `${result.Label ?? result.Id}`, Object.assign(new Error(messages(result)), { name: 'Forbidden' }));
      const s = series.get(result.Id ?? '');
      if (!s) continue;
      (result.Timestamps ?? []).forEach((t, i) => {
        const v = result.Values?.[i];
        if (v !== undefined) {
          s.timestamps.push(t);
          s.values.push(v);
        }
      });
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return series;
}
const messages = (r: MetricDataResult) => (r.Messages ?? []).map((m) => m.Value ?? m.Code ?? '').join('; ') || 'Forbidden';

/** The newest datapoint of a series (pages may come in any order). */
function newestOf(s: Series | undefined): { at: Date; value: number } | undefined {
  let best: { at: Date; value: number } | undefined;
  s?.timestamps.forEach((at, i) => {
    if (!best || at > best.at) best = { at, value: s.values[i]! };
  });
  return best;
}

/**
 * RPO of replicated objects: AWS/S3 ReplicationLatency (seconds, Maximum) and OperationsPendingReplication
 * (Maximum) of the rule (dimensions SourceBucket, DestinationBucket, RuleId), one-minute periods, over the
 * RPO_WINDOW_MINUTES before the incident (run.incidentStartedAt). S3 publishes both metrics in the destination
 * bucket's region (S3 User Guide, "Using S3 Replication metrics"); the destination is taken to be in the
 * recovery (secondary) region, which is also the region that answers during a region outage. The newest
 * ReplicationLatency is the measured RPO. No datapoints → failed (metrics are only published with
 * Replication Time Control or replication metrics enabled on the rule).
 */
const s3ReplicationRpo: CheckRunner<'s3-replication-rpo'> = (ctx, spec) =>
  guarded(async (): Promise<CheckOutcome> => {
    const region = ctx.run.regions.secondary;
    const incident = new Date(ctx.run.incidentStartedAt);
    const start = new Date(incident.getTime() - RPO_WINDOW_MINUTES * 60_000);
    const Dimensions = [
      { Name: 'SourceBucket', Value: spec.sourceBucket },
      { Name: 'DestinationBucket', Value: spec.destinationBucket },
      { Name: 'RuleId', Value: spec.ruleId },
    ];
    const query = (Id: string, MetricName: string): MetricDataQuery => ({
      Id,
      MetricStat: { Metric: { Namespace: 'AWS/S3', MetricName, Dimensions }, Period: 60, Stat: 'Maximum' },
      ReturnData: true,
    });
    const series = await metricSeries(ctx, region, [query('latency', 'ReplicationLatency'), query('pending', 'OperationsPendingReplication')], start, incident);
    const latency = newestOf(series.get('latency'));
    const pending = newestOf(series.get('pending'));
    const rule = `${s3Url(spec.sourceBucket)} → ${s3Url(spec.destinationBucket)} (rule ${spec.ruleId})`;
    if (!latency) {
      return {
        status: 'failed',
        detail: `no replication metrics (is Replication Time Control / replication metrics enabled?): no AWS/S3 ReplicationLatency for ${rule} in ${region} in the ${RPO_WINDOW_MINUTES} min before ${incident.toISOString()}`,
        observations: { rpoSeconds: null, pendingOperations: pending?.value ?? null, source: 'S3 ReplicationLatency', region },
      };
    }
    const maxLatency = Math.max(...series.get('latency')!.values);
    return {
      status: 'passed',
      detail: `${rule} was ${latency.value} s behind at ${latency.at.toISOString()}` +
        `${pending ? `, ${pending.value} operation(s) pending` : ''} (newest datapoints in the ${RPO_WINDOW_MINUTES} min before the incident; max ${maxLatency} s)`,
      observations: {
        rpoSeconds: latency.value,
        pendingOperations: pending?.value ?? null,
        source: 'S3 ReplicationLatency',
        measuredAt: latency.at.toISOString(),
        maxLatencySeconds: maxLatency,
        region,
      },
    };
  });

export const STORAGE_CHECKS: { 's3-bucket': CheckRunner<'s3-bucket'>; 's3-objects': CheckRunner<'s3-objects'>; 's3-replication-rpo': CheckRunner<'s3-replication-rpo'> } = {
  's3-bucket': s3Bucket,
  's3-objects': s3Objects,
  's3-replication-rpo': s3ReplicationRpo,
};
