import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand, DeleteObjectCommand, DeletePublicAccessBlockCommand, GetBucketEncryptionCommand, GetBucketReplicationCommand,
  GetBucketVersioningCommand, GetObjectCommand, GetPublicAccessBlockCommand, HeadObjectCommand, ListObjectVersionsCommand, NoSuchBucket, NoSuchKey,
  NotFound, ObjectNotInActiveTierError, PutBucketReplicationCommand, PutBucketVersioningCommand, PutObjectCommand, PutPublicAccessBlockCommand, S3Client,
  S3ServiceException, type CopyObjectCommandInput, type DeleteObjectCommandInput, type GetObjectCommandInput, type HeadObjectCommandInput, type ListObjectVersionsCommandInput,
  type PublicAccessBlockConfiguration, type PutBucketReplicationCommandInput, type PutBucketVersioningCommandInput, type PutObjectCommandInput, type PutPublicAccessBlockCommandInput,
  type ReplicationRule, type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { simulateClient } from './intercept.ts';
import type { ComponentOf } from '../../../plan/schema.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { planAccount, sleep, type DurationTable, type World } from './world.ts';

// S3 throttles with SlowDown, HTTP 503 (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). service.ts answers every throttle with HTTP 400; the name is what the SDK classifies.
const SIM: ServiceSimulation = { service: 's3', throttleError: 'SlowDown' };

export const S3_DURATIONS: DurationTable = {
  's3.copy-object': {
    seconds: 1,
    source: 'assumption: a server-side CopyObject of one dataset object (well under 5 GiB) returns in about 1 s; AWS publishes no figure (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html). ' +
      'The seed plan (3.2) estimates the whole S3 recovery at 1 h.',
  },
  's3.replication-latency': {
    seconds: 30,
    source: 'assumption: a replicated object reaches the destination bucket 30 s after it was written; S3 User Guide (S3 RTC): "replicates most objects ' +
      'that you upload to Amazon S3 in seconds, and 99.99 percent of those objects within 15 minutes". Also the simulated AWS/S3 ReplicationLatency.',
  },
};

/** A duration from the world's table, else this file's default (a world built with only other services' durations). */
export function s3DurationMs(world: World, key: 's3.copy-object' | 's3.replication-latency', component?: string): number {
  if (world.durations[key]) return world.durationMs(key, component);
  const factor = world.faults.reduce((f, x) => (x.kind === 'slow' && x.component === component ? f * x.factor : f), 1);
  return (S3_DURATIONS[key]?.seconds ?? 0) * 1000 * factor;
}

/** Objects seedObjects writes when an s3-objects check's bucket holds none (seedS3ObjectChecks). */
export const S3_SEEDED_DATASET_OBJECTS = 250;

/** Minutes before the seeding time at which the damage to the s3-version-restore buckets begins. */
export const S3_DAMAGE_MINUTES_BEFORE_SEEDING = 20;

interface Entry {
  versionId: string; lastModified: number; etag: string; size: number; storageClass: string; deleteMarker: boolean;
  /** What the version holds (not for delete markers): SHA-256 and MD5 (hex) of its content, the simulation's own truth. */
  content?: string;
  md5?: string;
  /** The object's encryption, as it was written (S3 does not re-encrypt versions when the bucket default changes). */
  sse?: Sse;
  /** Parts of a multipart upload (its ETag and a COMPOSITE checksum end in "-N"); absent for one request. */
  parts?: number;
  /** Base64 SHA-256 checksum, when the upload asked for one: of the content (FULL_OBJECT) or of its parts (COMPOSITE, "-N"). */
  checksumSHA256?: string;
  checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
  /** The content, kept for objects written with PutObject or seeded (GetObject answers it). */
  body?: Buffer;
  contentType?: string;
}
interface Bucket {
  name: string;
  region: string;
  /** Undefined: versioning was never set (GetBucketVersioning returns no Status). */
  versioning: 'Enabled' | 'Suspended' | undefined;
  encryption: { SSEAlgorithm: ServerSideEncryption; KMSMasterKeyID?: string } | undefined;
  replication: { Role: string; Rules: ReplicationRule[] } | undefined;
  /** The bucket's Block Public Access settings; undefined = none (NoSuchPublicAccessBlockConfiguration). */
  publicAccessBlock: PublicAccessBlockConfiguration | undefined;
  /** Key → entries (versions and delete markers), newest first: the write order, as S3 keeps it. */
  objects: Map<string, Entry[]>;
  /** Set on s3-version-restore buckets: the last instant before any damaging write. */
  damageStartedAt?: number;
  writes: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const digest = (s: string | Buffer, algorithm = 'sha256') => createHash(algorithm).update(s).digest();
const newVersionId = (seed: string) => digest(seed).toString('base64url').slice(0, 32);
/** Keys sort by their UTF-8 bytes in S3 listings (not by JavaScript's UTF-16 order). */
const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

type Sse = { SSEAlgorithm: ServerSideEncryption; KMSMasterKeyID?: string };
const SSE_S3: Sse = { SSEAlgorithm: 'AES256' };
/**
 * The part size of the simulated multipart uploads: assumption, 5 MiB (S3's smallest part but the last,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html); a seeded object over it was uploaded in parts.
 */
const PART_SIZE = 5 * 1_048_576;

/** The bytes in `n` parts of (nearly) equal length. */
function partsOf(bytes: Buffer, n: number): Buffer[] {
  const size = Math.ceil(bytes.length / n);
  return Array.from({ length: n }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

/**
 * How S3 stores content: its ETag and, when the upload asked for one, its SHA-256 checksum.
 * ETag (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html): the MD5 of the content for one
 * request, unencrypted or SSE-S3; the MD5 of the parts' MD5s and "-N" for a multipart upload; for SSE-KMS
 * not an MD5 of the content: here the MD5 of `write` (what makes this write unique), random-looking and new
 * on every write. Checksum (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html):
 * FULL_OBJECT for one request; a multipart SHA-256 is COMPOSITE, the SHA-256 of the parts' SHA-256s and
 * "-N" (SHA-256 has no full-object type for multipart uploads).
 */
function stored(bytes: Buffer, sse: Sse, options: { parts?: number; checksum: boolean; write: string }) {
  const parts = Math.max(1, options.parts ?? 1);
  const pieces = partsOf(bytes, parts);
  const suffix = parts > 1 ? `-${parts}` : '';
  const kms = sse.SSEAlgorithm === 'aws:kms' || sse.SSEAlgorithm === 'aws:kms:dsse';
  const md5 = digest(bytes, 'md5').toString('hex');
  const etag = kms ? digest(`${options.write} ${md5}`, 'md5').toString('hex')
    : parts > 1 ? digest(Buffer.concat(pieces.map((p) => digest(p, 'md5'))), 'md5').toString('hex') : md5;
  const checksumSHA256 = parts > 1 ? `${digest(Buffer.concat(pieces.map((p) => digest(p)))).toString('base64')}${suffix}` : digest(bytes).toString('base64');
  return {
    etag: `"${etag}${suffix}"`, content: digest(bytes).toString('hex'), md5, sse, ...(parts > 1 ? { parts } : {}),
    ...(options.checksum ? { checksumSHA256, checksumType: parts > 1 ? 'COMPOSITE' as const : 'FULL_OBJECT' as const } : {}),
  };
}

function s3Error(name: string, message: string, status: number, extra: Record<string, string> = {}): Error {
  const $metadata = { httpStatusCode: status, requestId: 'simulated', attempts: 1, totalRetryDelay: 0 };
  const modeled: Record<string, new (o: { $metadata: typeof $metadata; message: string }) => S3ServiceException> = { NoSuchBucket, NoSuchKey, NotFound, ObjectNotInActiveTierError };
  const Modeled = modeled[name];
  // Unmodeled codes (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html) arrive as S3ServiceException
  // with name = the code (the SDK's default error handling).
  const error = Modeled ? new Modeled({ $metadata, message }) : new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata, message });
  return Object.assign(error, { Code: name, ...extra });
}

/** Key names under the prefix: mostly plain, some with a space, '+', Japanese and a character outside the BMP (𠮷). */
const keyName = (i: number) => ({ 5: `2026/report ${i}.csv`, 6: `ja/データ-${i}.csv`, 7: `a+b/${i}.parquet`, 8: `ja/～-${i}.csv`, 9: `ja/𠮷-${i}.csv` })[i]
  ?? `${['raw', 'curated', 'reports'][i % 3]}/part-${String(i).padStart(3, '0')}.csv`;

/**
 * A deterministic history for an s3-version-restore bucket, relative to the seeding time T; D = T − 20 min
 * is `damageStartedAt`. Under the prefix, 48 keys each have 1–3 good versions dated days before T; every
 * 5th key also has a good version at D − 2 min. Damage lands after D (D + 1 s … D + 12 min): every 3rd key
 * (i % 3 = 1) is overwritten with truncated data, i % 9 = 0 twice with garbage, i % 4 = 2 gets a delete
 * marker. `tmp/junk-*.bin` are created during the damage; `retired.csv` was deleted 12 h before T and
 * recreated during the damage. Outside the prefix, `logs/app.log` is damaged too.
 *
 * A correct restore with the incident at D: every key whose newest entry at or before D is a version has
 * that version's content (not its ETag) as its latest version; the junk keys (not there at D) and retired.csv (deleted at
 * D) are left as they are, and nothing outside the prefix is touched. With the incident at T (the drill's
 * run start) every key is already as it was at the incident: nothing is copied.
 * With the `fail` fault on the component, the days-old versions are in GLACIER (lifecycle), so copying
 * them fails with ObjectNotInActiveTierError.
 *
 * Every write takes the bucket's encryption (SSE-KMS: random-looking ETags). Versions over PART_SIZE were
 * uploaded in parts ("…-N" ETags); every key but i % 8 = 7 (legacy uploads) was uploaded with a SHA-256
 * checksum (COMPOSITE when in parts). Versions hold stand-in bytes (their `content`), not their nominal size.
 */
function seedHistory(bucket: Bucket, prefix: string, t: number, archived: boolean, incidentAt: number | undefined) {
  // The damage begins with the incident when the drill says when that was.
  const damage = incidentAt ?? t - S3_DAMAGE_MINUTES_BEFORE_SEEDING * MINUTE;
  bucket.damageStartedAt = damage;
  const put = (key: string, at: number, content: string | null, size = 0, storageClass = 'STANDARD', checksum = true) => {
    const entries = bucket.objects.get(key) ?? [];
    const versionId = newVersionId(`${bucket.name}/${key}#${entries.length}`);
    const written = content === null ? { etag: '' }
      : stored(Buffer.from(content), bucket.encryption ?? SSE_S3, { parts: Math.ceil(size / PART_SIZE), checksum, write: `${bucket.name}/${versionId}` });
    entries.unshift({ versionId, lastModified: at, size, storageClass, deleteMarker: content === null, ...written });
    bucket.objects.set(key, entries);
  };
  for (let i = 0; i < 48; i++) {
    const key = prefix + keyName(i);
    const size = (1 + (i % 7)) * 1_048_576;
    const good = 1 + (i % 3);
    const checksum = i % 8 !== 7;
    for (let j = 0; j < good; j++) put(key, t - (good - j) * DAY - i * MINUTE, `${key}#${j}`, size, archived ? 'GLACIER' : 'STANDARD', checksum);
    if (i % 5 === 0) put(key, damage - 2 * MINUTE, `${key}#recent`, size, 'STANDARD', checksum);
    const at = damage + (i % 12) * MINUTE + 1000;
    if (i % 3 === 1) put(key, at, `${key}#truncated`, 512, 'STANDARD', checksum);
    if (i % 9 === 0) [0, 1].forEach((n) => put(key, at + n * 1000, `${key}#garbage-${n}`, 4096, 'STANDARD', checksum));
    if (i % 4 === 2) put(key, at + 2000, null);
  }
  for (const n of [1, 2]) put(`${prefix}tmp/junk-${n}.bin`, damage + (2 + n) * MINUTE, `junk-${n}`, 4096);
  put(`${prefix}retired.csv`, t - 3 * DAY, 'retired', 2048, archived ? 'GLACIER' : 'STANDARD');
  put(`${prefix}retired.csv`, t - 12 * 60 * MINUTE, null);
  put(`${prefix}retired.csv`, damage + 5 * MINUTE, 'retired#junk', 512);
  put('logs/app.log', t - DAY, 'log', 65_536);
  put('logs/app.log', damage + MINUTE, 'log#truncated', 0);
}

interface S3State {
  buckets: Map<string, Bucket>;
  /** Components whose `replication-off` drift has been applied. */
  drifted: Set<string>;
}
const states = new WeakMap<World, S3State>();

/**
 * The `replication-off` drifts not applied yet (a drift may be added to a running world): an s3-failover
 * component's primary bucket loses its replication configuration, an s3-version-restore component's bucket has
 * its versioning suspended (its versions stay). Done once, as the change would be.
 */
function applyDrifts(world: World, state: S3State): void {
  for (const d of world.drifts('replication-off')) {
    if (state.drifted.has(d.component)) continue;
    state.drifted.add(d.component);
    const c = world.plan.components.find((x) => x.id === d.component);
    if (c?.type === 's3-failover') {
      const primary = state.buckets.get(c.params.primaryBucket);
      if (primary) primary.replication = undefined;
    } else if (c?.type === 's3-version-restore') {
      const bucket = state.buckets.get(c.params.bucket);
      if (bucket) bucket.versioning = 'Suspended';
    }
  }
}

function stateOf(world: World): S3State {
  const state = states.get(world);
  if (!state) throw new Error('simulator: S3 is not simulated in this world (call simulateS3 or installSimulatedAccount first)');
  applyDrifts(world, state);
  return state;
}

/** An Enabled replication rule of the simulated account, by its CloudWatch dimensions; undefined when there is none. */
export function s3ReplicationRule(world: World, sourceBucket: string, destinationBucket: string, ruleId: string):
  { sourceRegion: string; destinationRegion: string; component: string | undefined } | undefined {
  const buckets = states.has(world) ? stateOf(world).buckets : undefined;
  const source = buckets?.get(sourceBucket);
  const destination = buckets?.get(destinationBucket);
  const rule = source?.replication?.Rules.find((r) => r.ID === ruleId && r.Status === 'Enabled' && r.Destination?.Bucket === `arn:aws:s3:::${destinationBucket}`);
  if (!source || !destination || !rule) return undefined;
  return { sourceRegion: source.region, destinationRegion: destination.region, component: world.ownerOf('s3', source.region, source.name) };
}

const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('base64');

/** A GetObject Body as the SDK gives it in Node: a Readable with the SdkStreamMixin transforms. */
function sdkBody(bytes: Buffer) {
  return Object.assign(Readable.from([bytes]), {
    transformToString: async (encoding: BufferEncoding = 'utf-8') => bytes.toString(encoding),
    transformToByteArray: async () => new Uint8Array(bytes),
    transformToWebStream: () => Readable.toWeb(Readable.from([bytes])),
  });
}

/** Writes a new current version (versioned bucket) or replaces the null version (versioning never set or suspended). */
function writeEntry(bucket: Bucket, key: string, entry: Omit<Entry, 'versionId'>): Entry {
  bucket.writes += 1;
  const entries = bucket.objects.get(key) ?? [];
  const written: Entry = bucket.versioning === 'Enabled'
    ? { versionId: newVersionId(`${bucket.name}/${key}@write${bucket.writes}`), ...entry }
    : { versionId: 'null', ...entry };
  bucket.objects.set(key, [written, ...entries.filter((e) => bucket.versioning === 'Enabled' || e.versionId !== 'null')]);
  return written;
}

/**
 * Whether a replication rule applies to a key: its filter's prefix (Filter.Prefix, Filter.And.Prefix, or the rule's
 * Prefix of the first schema version) starts the key; a rule filtering on tags matches none of the simulation's
 * objects (they have no tags).
 */
function ruleApplies(rule: ReplicationRule, key: string): boolean {
  const f = rule.Filter;
  if (f?.Tag || f?.And?.Tags?.length) return false;
  return key.startsWith(f?.Prefix ?? f?.And?.Prefix ?? rule.Prefix ?? '');
}

/**
 * Writes `count` dataset objects (deterministic content of 1–16 KiB, each with its SHA-256 checksum) under
 * `prefix` into a simulated bucket, dated over the hour up to `endAt` (the last one; default: 2 min before the
 * incident, or before now), and replicates each to the destination of every Enabled replication rule of the bucket
 * that applies to its key (one hop, as S3 does not chain replication), dated s3.replication-latency later: the
 * seeded rules and those PutBucketReplication set alike. Returns the keys.
 */
export function seedObjects(world: World, bucketName: string, options: { count: number; prefix?: string; endAt?: number }): string[] {
  const { buckets } = stateOf(world);
  const bucket = buckets.get(bucketName);
  if (!bucket) throw new Error(`simulator: no simulated bucket ${bucketName}`);
  const prefix = options.prefix ?? 'datasets/';
  const endAt = options.endAt ?? (world.incidentAt ?? world.now()) - 2 * MINUTE;
  const latency = s3DurationMs(world, 's3.replication-latency', world.ownerOf('s3', bucket.region, bucket.name));
  const destinationsOf = (key: string) => [...new Set((bucket.replication?.Rules ?? [])
    .filter((r) => r.Status === 'Enabled' && ruleApplies(r, key))
    .map((r) => buckets.get((r.Destination?.Bucket ?? '').replace(/^arn:aws[a-z-]*:s3:::/, '')))
    .filter((b): b is Bucket => b !== undefined && b !== bucket))];
  const keys: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const key = `${prefix}part-${String(i).padStart(5, '0')}.parquet`;
    const seed = `${bucket.name}/${key}`;
    const body = Buffer.from(seed.repeat(Math.ceil((1024 * (1 + (i % 16))) / seed.length)).slice(0, 1024 * (1 + (i % 16))));
    const at = endAt - Math.round(((options.count - 1 - i) * 60 * MINUTE) / options.count);
    const entry = {
      lastModified: at, size: body.length, storageClass: 'STANDARD', deleteMarker: false, body,
      ...stored(body, bucket.encryption ?? SSE_S3, { checksum: true, write: `${bucket.name}/${key}@seed` }),
    };
    writeEntry(bucket, key, entry);
    // Assumption (not in AWS's documentation): a replica keeps the source's ETag and checksum; it is encrypted as its bucket says.
    for (const destination of destinationsOf(key)) writeEntry(destination, key, { ...entry, lastModified: at + latency, sse: destination.encryption ?? SSE_S3 });
    keys.push(key);
  }
  return keys;
}

/**
 * Writes a JSON-lines dataset manifest of a simulated bucket: one `{"key","checksumSHA256"?,"etag","size"}`
 * line per key under `prefix` whose newest entry at `asOf` (default: now) is a version (keys deleted or not
 * yet written then are left out; ETags without quotes), in key order. The manifest object is written to
 * `manifestBucket` (default: the bucket itself; created in `region`, default the bucket's, when the simulation
 * has no such bucket) at `key`, never listing itself or the keys in `exclude`. Returns where it went and its size.
 */
export function seedManifest(world: World, bucketName: string, key: string,
  options: { manifestBucket?: string; region?: string; prefix?: string; asOf?: number; exclude?: readonly string[] } = {}): { bucket: string; key: string; entries: number } {
  const { buckets } = stateOf(world);
  const bucket = buckets.get(bucketName);
  if (!bucket) throw new Error(`simulator: no simulated bucket ${bucketName}`);
  const target = options.manifestBucket ?? bucketName;
  const manifestBucket = buckets.get(target) ?? newBucket(target, options.region ?? bucket.region, undefined);
  buckets.set(target, manifestBucket);
  const asOf = options.asOf ?? world.now();
  const skip = new Set([...(options.exclude ?? []), ...(target === bucketName ? [key] : [])]);
  const lines: string[] = [];
  for (const k of [...bucket.objects.keys()].filter((x) => x.startsWith(options.prefix ?? '') && !skip.has(x)).sort(utf8Order)) {
    const then = (bucket.objects.get(k) ?? []).find((e) => e.lastModified <= asOf);
    if (!then || then.deleteMarker) continue;
    lines.push(JSON.stringify({ key: k, ...(then.checksumSHA256 ? { checksumSHA256: then.checksumSHA256 } : {}), etag: then.etag.replace(/"/g, ''), size: then.size }));
  }
  const body = Buffer.from(lines.length ? `${lines.join('\n')}\n` : '');
  writeEntry(manifestBucket, key, {
    lastModified: world.now(), size: body.length, storageClass: 'STANDARD', deleteMarker: false, body, contentType: 'application/x-ndjson',
    ...stored(body, manifestBucket.encryption ?? SSE_S3, { checksum: true, write: `${target}/${key}@${manifestBucket.writes}` }),
  });
  return { bucket: target, key, entries: lines.length };
}

/**
 * Makes the plan's `s3-objects` checks (components[].checks and verification.checks) checkable in the
 * drill: for each, when the checked bucket holds no objects yet, seeds S3_SEEDED_DATASET_OBJECTS objects
 * into the bucket that replicates to it (else into the bucket itself), then writes the manifest at
 * manifestBucket/manifestKey as of the incident. An s3-version-restore bucket keeps its own history and gets
 * a manifest of its restore prefix. A check naming a bucket the simulation does not have is left alone (it
 * fails as the real one would: the manifest does not exist).
 *
 * Call it once after installSimulatedAccount, on the virtual clock, before the run starts; in
 * run-drill.ts right after `const account = installSimulatedAccount(...)`: `seedS3ObjectChecks(account.world)`.
 */
export function seedS3ObjectChecks(world: World): { check: string; bucket: string; manifest: string; entries: number }[] {
  const { buckets } = stateOf(world);
  const specs = [...world.plan.components.flatMap((c) => c.checks), ...world.plan.verification.checks]
    .filter((c): c is Extract<typeof c, { type: 's3-objects' }> => c.type === 's3-objects');
  const manifests = specs.map((c) => c.manifestKey);
  const asOf = world.incidentAt ?? world.now();
  const seeded: { check: string; bucket: string; manifest: string; entries: number }[] = [];
  for (const spec of specs) {
    const bucket = buckets.get(spec.bucket);
    if (!bucket) continue;
    const restore = world.plan.components.find((c): c is ComponentOf<'s3-version-restore'> => c.type === 's3-version-restore' && c.params.bucket === spec.bucket);
    const hasData = [...bucket.objects.entries()].some(([k, entries]) => !manifests.includes(k) && entries[0] && !entries[0].deleteMarker);
    if (!restore && !hasData) {
      const source = [...buckets.values()].find((b) => b !== bucket && b.objects.size === 0 &&
        (b.replication?.Rules ?? []).some((r) => r.Status === 'Enabled' && r.Destination?.Bucket === `arn:aws:s3:::${bucket.name}`));
      seedObjects(world, (source ?? bucket).name, { count: S3_SEEDED_DATASET_OBJECTS, endAt: asOf - 2 * MINUTE });
    }
    const written = seedManifest(world, spec.bucket, spec.manifestKey, {
      manifestBucket: spec.manifestBucket, region: world.plan.regions[spec.region], prefix: restore?.params.prefix ?? '', asOf, exclude: manifests,
    });
    seeded.push({ check: spec.name ?? spec.type, bucket: spec.bucket, manifest: `s3://${written.bucket}/${written.key}`, entries: written.entries });
  }
  return seeded;
}

/**
 * The drill's stand-in for the deployment's report bucket (serverless.yml ReportBucket, REPORT_BUCKET): in
 * the secondary region, where dr-autopilot runs. Not part of the recovered system, so not in the snapshot.
 */
export const DRILL_REPORT_BUCKET = 'dr-autopilot-drill-reports';

/** A new simulated bucket: versioned, Block Public Access on (the S3 default for new buckets since April 2023), SSE-S3 unless given. */
function newBucket(name: string, region: string, encryption: Bucket['encryption']): Bucket {
  const block: PublicAccessBlockConfiguration = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
  return {
    name, region, versioning: 'Enabled', encryption: encryption ?? { SSEAlgorithm: 'AES256' }, replication: undefined, publicAccessBlock: block, objects: new Map(), writes: 0,
  };
}

/**
 * S3 in both regions. Each s3-failover component gives a primary bucket (primary region) and a replica
 * (secondary region), both versioned, SSE-KMS by default, each replicating to the other (rule IDs
 * replicate-to-secondary and replicate-back-to-primary, unless an s3-replication-rpo check of the plan names
 * the pair's rule). Each s3-version-restore bucket (in its params.region) gets the object history of
 * seedHistory; a bucket only restored is SSE-S3 (the AWS default) and has no replication configuration.
 * Every bucket is versioned and has all four Block Public Access settings on (the default for new buckets
 * since April 2023). The `replication-off` drift (readiness): on an s3-failover component, its primary bucket has no
 * replication configuration (removed); on an s3-version-restore component, its bucket's versioning is Suspended. A request from a client in another region is answered PermanentRedirect (301); an
 * unknown bucket NoSuchBucket (404); HeadObject answers without a body (NotFound, "301"). PutBucketReplication replaces a
 * bucket's replication configuration (re-protect), with S3's checks; seedObjects replicates by it.
 *
 * Objects: HeadObject and GetObject (ChecksumSHA256 and ChecksumType with ChecksumMode ENABLED, for objects
 * written with one), PutObject (string or bytes; ChecksumSHA256 verified, BadDigest when wrong), DeleteObject
 * (a delete marker in a versioned bucket), CopyObject (a new version id; the checksum copied; a new ETag in
 * an SSE-KMS bucket). ETags are as S3 makes them (stored()): an MD5 only for one request to an SSE-S3 bucket.
 * The drill seeds datasets and manifests with seedObjects, seedManifest and seedS3ObjectChecks.
 */
export function simulateS3(world: World): SimulatedService {
  const stub = simulateClient(S3Client);
  const account = planAccount(world.plan);
  const buckets = new Map<string, Bucket>();
  const state: S3State = { buckets, drifted: new Set() };
  states.set(world, state);
  const seededAt = world.now();
  const add = (name: string, region: string, component: string, kms: boolean) => {
    const key = `arn:aws:kms:${region}:${account}:key/${digest(name).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/, '$1-$2-$3-$4-$5')}`;
    const bucket: Bucket = buckets.get(name) ?? newBucket(name, region, kms ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key } : undefined);
    buckets.set(name, bucket);
    world.own('s3', bucket.region, name, component);
    return bucket;
  };
  const replicate = (from: Bucket, to: string, id: string) => {
    from.replication = {
      Role: `arn:aws:iam::${account}:role/${from.name}-replication`,
      Rules: [{ ID: id, Priority: 1, Status: 'Enabled', Filter: { Prefix: '' }, DeleteMarkerReplication: { Status: 'Enabled' }, Destination: { Bucket: `arn:aws:s3:::${to}`, StorageClass: 'STANDARD' } }],
    };
  };
  // A rule's ID is the one the plan's s3-replication-rpo check for that pair names, so its metrics answer.
  const rpoChecks = [...world.plan.components.flatMap((c) => c.checks), ...world.plan.verification.checks]
    .filter((c): c is Extract<typeof c, { type: 's3-replication-rpo' }> => c.type === 's3-replication-rpo');
  const ruleId = (from: string, to: string, fallback: string) => rpoChecks.find((c) => c.sourceBucket === from && c.destinationBucket === to)?.ruleId ?? fallback;
  buckets.set(DRILL_REPORT_BUCKET, newBucket(DRILL_REPORT_BUCKET, world.secondary, undefined));
  for (const c of world.plan.components.filter((x): x is ComponentOf<'s3-failover'> => x.type === 's3-failover')) {
    const { primaryBucket, replicaBucket } = c.params;
    replicate(add(primaryBucket, world.primary, c.id, true), replicaBucket, ruleId(primaryBucket, replicaBucket, 'replicate-to-secondary'));
    replicate(add(replicaBucket, world.secondary, c.id, true), primaryBucket, ruleId(replicaBucket, primaryBucket, 'replicate-back-to-primary'));
  }
  for (const c of world.plan.components.filter((x): x is ComponentOf<'s3-version-restore'> => x.type === 's3-version-restore')) {
    const bucket = add(c.params.bucket, world.plan.regions[c.params.region], c.id, false);
    if (bucket.damageStartedAt === undefined) seedHistory(bucket, c.params.prefix, seededAt, world.failing(c.id), world.incidentAt);
  }

  function bucketIn(name: string | undefined, region: string): Bucket {
    applyDrifts(world, state);
    const bucket = buckets.get(name ?? '');
    if (!bucket) throw s3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name ?? '' });
    if (bucket.region !== region) {
      throw s3Error('PermanentRedirect', 'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.', 301, {
        Bucket: bucket.name, Endpoint: `${bucket.name}.s3.${bucket.region}.amazonaws.com`,
      });
    }
    return bucket;
  }

  refuseOthers(SIM, stub);
  // Versioning never set: no Status at all (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html).
  answer<{ Bucket?: string }, unknown>(world, SIM, stub, GetBucketVersioningCommand, (input, region) => {
    const { versioning } = bucketIn(input.Bucket, region);
    return versioning ? { Status: versioning } : {};
  });
  answer<PutBucketVersioningCommandInput, unknown>(world, SIM, stub, PutBucketVersioningCommand, (input, region) => {
    const bucket = bucketIn(input.Bucket, region);
    const status = input.VersioningConfiguration?.Status;
    if (status !== 'Enabled' && status !== 'Suspended') throw s3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
    // Once enabled, versioning can only be suspended, never unset.
    bucket.versioning = status;
    return {};
  });
  answer<{ Bucket?: string }, unknown>(world, SIM, stub, GetPublicAccessBlockCommand, (input, region) => {
    const { publicAccessBlock } = bucketIn(input.Bucket, region);
    if (!publicAccessBlock) throw s3Error('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found', 404);
    return { PublicAccessBlockConfiguration: { ...publicAccessBlock } };
  });
  answer<PutPublicAccessBlockCommandInput, unknown>(world, SIM, stub, PutPublicAccessBlockCommand, (input, region) => {
    const bucket = bucketIn(input.Bucket, region);
    const c = input.PublicAccessBlockConfiguration ?? {};
    // Omitted settings are false.
    bucket.publicAccessBlock = { BlockPublicAcls: c.BlockPublicAcls ?? false, IgnorePublicAcls: c.IgnorePublicAcls ?? false, BlockPublicPolicy: c.BlockPublicPolicy ?? false, RestrictPublicBuckets: c.RestrictPublicBuckets ?? false };
    return {};
  });
  answer<{ Bucket?: string }, unknown>(world, SIM, stub, DeletePublicAccessBlockCommand, (input, region) => {
    bucketIn(input.Bucket, region).publicAccessBlock = undefined;
    return {};
  });
  answer<{ Bucket?: string }, unknown>(world, SIM, stub, GetBucketEncryptionCommand, (input, region) => {
    const { encryption } = bucketIn(input.Bucket, region);
    if (!encryption) throw s3Error('ServerSideEncryptionConfigurationNotFoundError', 'The server side encryption configuration was not found', 404);
    const kms = encryption.SSEAlgorithm === 'aws:kms';
    return { ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: encryption, ...(kms ? { BucketKeyEnabled: true } : {}) }] } };
  });
  answer<{ Bucket?: string }, unknown>(world, SIM, stub, GetBucketReplicationCommand, (input, region) => {
    const { replication } = bucketIn(input.Bucket, region);
    if (!replication) throw s3Error('ReplicationConfigurationNotFoundError', 'The replication configuration was not found', 404);
    return { ReplicationConfiguration: replication };
  });
  /**
   * PutBucketReplication (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html) replaces the
   * bucket's whole replication configuration. Refused as S3 refuses it: MalformedXML for what its schema requires
   * (Role; at least one rule, each with a Status Enabled or Disabled and a Destination.Bucket; assumption: the
   * schema's error, as for PutBucketVersioning); InvalidRequest "Versioning must be 'Enabled' on the bucket to apply a
   * replication configuration" (source not versioned: S3 and moto answer so); a rule with a Filter (the current schema)
   * needs a Priority and DeleteMarkerReplication (InvalidRequest "… must be specified for this version of Cross Region
   * Replication configuration schema …", as S3 answers Terraform users); a destination that is not an S3 bucket ARN
   * (InvalidArgument "Invalid bucket ARN."), is the source itself, does not exist ("Destination bucket must exist.") or
   * is not versioned ("Destination bucket must have versioning enabled."), each InvalidRequest: S3's messages as
   * Terraform users and S3-compatible servers report them (the same-bucket refusal is unconfirmed for AWS). A rule
   * without ID gets one (S3 assigns it). From then on seedObjects replicates the bucket's writes by these rules (one
   * hop); PutObject writes are not replicated (simulator limit). The Role is not checked (IAM is not consulted), nor
   * is the destination's Region answering (S3 replicates asynchronously).
   */
  answer<PutBucketReplicationCommandInput, unknown>(world, SIM, stub, PutBucketReplicationCommand, (input, region) => {
    const bucket = bucketIn(input.Bucket, region);
    const config = input.ReplicationConfiguration;
    const rules = config?.Rules ?? [];
    if (!config?.Role || rules.length === 0 || rules.some((r) => !r.Destination?.Bucket || (r.Status !== 'Enabled' && r.Status !== 'Disabled'))) {
      throw s3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
    }
    if (bucket.versioning !== 'Enabled') throw s3Error('InvalidRequest', "Versioning must be 'Enabled' on the bucket to apply a replication configuration", 400);
    const schemaNote = 'for this version of Cross Region Replication configuration schema. Please refer to S3 Developer Guide for more information.';
    for (const rule of rules) {
      if (rule.Filter !== undefined && rule.Priority === undefined) throw s3Error('InvalidRequest', `Priority must be specified ${schemaNote}`, 400);
      if (rule.Filter !== undefined && !rule.DeleteMarkerReplication) throw s3Error('InvalidRequest', `DeleteMarkerReplication must be specified ${schemaNote}`, 400);
      const arn = rule.Destination?.Bucket ?? '';
      const name = /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(arn)?.[1];
      if (!name) throw s3Error('InvalidArgument', 'Invalid bucket ARN.', 400, { ArgumentName: 'Bucket', ArgumentValue: arn });
      if (name === bucket.name) throw s3Error('InvalidRequest', 'Destination bucket cannot be the same as the source bucket.', 400);
      const destination = buckets.get(name);
      if (!destination) throw s3Error('InvalidRequest', 'Destination bucket must exist.', 400);
      if (destination.versioning !== 'Enabled') throw s3Error('InvalidRequest', 'Destination bucket must have versioning enabled.', 400);
    }
    bucket.replication = {
      Role: config.Role,
      Rules: rules.map((r, i) => ({ ...r, ID: r.ID ?? newVersionId(`${bucket.name}/replication-rule-${bucket.writes}-${i}`) })),
    };
    return {};
  });

  /** The entry a read names: VersionId's, else the current one; a delete marker or nothing → `missing()`. */
  function readable(bucket: Bucket, key: string, versionId: string | undefined, missing: () => Error, onMarker: () => Error): Entry {
    const entries = bucket.objects.get(key) ?? [];
    const entry = versionId === undefined ? entries[0] : entries.find((e) => e.versionId === versionId);
    if (!entry) {
      if (versionId !== undefined && entries.length > 0) throw s3Error('NoSuchVersion', 'The specified version does not exist.', 404, { Key: key, VersionId: versionId });
      throw missing();
    }
    if (entry.deleteMarker) throw versionId === undefined ? missing() : onMarker();
    return entry;
  }
  const sseHeaders = (sse: Sse) => ({ ServerSideEncryption: sse.SSEAlgorithm, ...(sse.KMSMasterKeyID ? { SSEKMSKeyId: sse.KMSMasterKeyID, BucketKeyEnabled: true } : {}) });
  const objectHeaders = (bucket: Bucket, entry: Entry, checksumMode: string | undefined) => {
    const sse = entry.sse ?? bucket.encryption ?? SSE_S3;
    return {
      ETag: entry.etag, ContentLength: entry.size, LastModified: new Date(entry.lastModified), ContentType: entry.contentType ?? 'application/octet-stream',
      ...(entry.versionId !== 'null' || bucket.versioning ? { VersionId: entry.versionId } : {}),
      ...(entry.storageClass !== 'STANDARD' ? { StorageClass: entry.storageClass } : {}),
      ...sseHeaders(sse),
      // Checksums only with ChecksumMode ENABLED, and only for objects uploaded with one, with their type
      // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
      ...(checksumMode === 'ENABLED' && entry.checksumSHA256 ? { ChecksumSHA256: entry.checksumSHA256, ChecksumType: entry.checksumType ?? 'FULL_OBJECT' } : {}),
    };
  };

  // HEAD has no body, so the SDK names its errors by status: 404 → NotFound (a missing key or bucket, a
  // delete marker), others the status string ("301", "405") (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html,
  // https://github.com/aws/aws-sdk-js-v3/issues/6597).
  answer<HeadObjectCommandInput, unknown>(world, SIM, stub, HeadObjectCommand, (input, region) => {
    const noBody = (status: number) => (status === 404 ? s3Error('NotFound', 'Not Found', 404) : s3Error(String(status), 'UnknownError', status));
    let bucket: Bucket;
    try {
      bucket = bucketIn(input.Bucket, region);
    } catch (error) {
      throw noBody((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode);
    }
    const entry = readable(bucket, input.Key ?? '', input.VersionId, () => noBody(404), () => noBody(405));
    return objectHeaders(bucket, entry, input.ChecksumMode);
  });
  answer<GetObjectCommandInput, unknown>(world, SIM, stub, GetObjectCommand, (input, region) => {
    const bucket = bucketIn(input.Bucket, region);
    const key = input.Key ?? '';
    const entry = readable(bucket, key, input.VersionId, () => s3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key }),
      () => s3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405));
    if (entry.storageClass === 'GLACIER') throw s3Error('InvalidObjectState', 'The operation is not valid for the object\'s storage class', 403);
    if (!entry.body) throw s3Error('NotImplemented', `the drill's simulated S3 keeps no content for s3://${bucket.name}/${key} (only objects written with PutObject or seeded)`, 501);
    return { ...objectHeaders(bucket, entry, input.ChecksumMode), Body: sdkBody(entry.body) };
  });
  // Objects written with PutObject are not replicated (only seedObjects models replication).
  answer<PutObjectCommandInput, unknown>(world, SIM, stub, PutObjectCommand, (input, region) => {
    const bucket = bucketIn(input.Bucket, region);
    const raw = input.Body;
    if (raw !== undefined && typeof raw !== 'string' && !(raw instanceof Uint8Array)) {
      throw s3Error('NotImplemented', 'the drill\'s simulated S3 takes PutObject bodies as a string or bytes', 501);
    }
    const body = Buffer.from(raw ?? '');
    const computed = sha256(body);
    if (input.ChecksumSHA256 !== undefined && input.ChecksumSHA256 !== computed) {
      throw s3Error('BadDigest', 'The SHA256 you specified did not match the calculated checksum.', 400);
    }
    const withChecksum = input.ChecksumSHA256 !== undefined || input.ChecksumAlgorithm === 'SHA256';
    // One request: an MD5 ETag unless the bucket encrypts with SSE-KMS (stored()).
    const sse = bucket.encryption ?? SSE_S3;
    const entry = writeEntry(bucket, input.Key ?? '', {
      lastModified: world.now(), size: body.length, storageClass: input.StorageClass ?? 'STANDARD', deleteMarker: false, body,
      ...stored(body, sse, { checksum: withChecksum, write: `${bucket.name}/${input.Key ?? ''}@put${bucket.writes}` }), ...(input.ContentType ? { contentType: input.ContentType } : {}),
    });
    return {
      ETag: entry.etag, ...(bucket.versioning ? { VersionId: entry.versionId } : {}), ...(withChecksum ? { ChecksumSHA256: computed, ChecksumType: 'FULL_OBJECT' } : {}),
      ...sseHeaders(sse),
    };
  });
  // Without VersionId a versioned bucket gets a delete marker; with one, that version is removed for good.
  answer<DeleteObjectCommandInput, unknown>(world, SIM, stub, DeleteObjectCommand, (input, region) => {
    const bucket = bucketIn(input.Bucket, region);
    const key = input.Key ?? '';
    const entries = bucket.objects.get(key) ?? [];
    if (input.VersionId !== undefined) {
      const gone = entries.find((e) => e.versionId === input.VersionId);
      const left = entries.filter((e) => e !== gone);
      if (left.length) bucket.objects.set(key, left);
      else bucket.objects.delete(key);
      return { VersionId: input.VersionId, ...(gone?.deleteMarker ? { DeleteMarker: true } : {}) };
    }
    if (bucket.versioning !== 'Enabled' && bucket.versioning !== 'Suspended') {
      bucket.objects.delete(key);
      return {};
    }
    const marker = writeEntry(bucket, key, { lastModified: world.now(), etag: '', size: 0, storageClass: 'STANDARD', deleteMarker: true });
    return { DeleteMarker: true, VersionId: marker.versionId };
  });

  // Versions and delete markers in key order (UTF-8), newest first within a key; MaxKeys counts both.
  answer<ListObjectVersionsCommandInput, unknown>(world, SIM, stub, ListObjectVersionsCommand, (input, region) => {
    const bucket = bucketIn(input.Bucket, region);
    if (input.Delimiter) throw s3Error('NotImplemented', 'the drill\'s simulated S3 does not implement Delimiter', 501);
    const { KeyMarker: keyMarker, VersionIdMarker: versionMarker } = input;
    if (versionMarker && !keyMarker) throw s3Error('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', 400);
    const prefix = input.Prefix ?? '';
    const max = Math.min(Math.max(input.MaxKeys ?? 1000, 0), 1000);
    const page: { key: string; entry: Entry; latest: boolean }[] = [];
    let truncated = false;
    for (const key of [...bucket.objects.keys()].filter((k) => k.startsWith(prefix)).sort(utf8Order)) {
      const order = keyMarker ? utf8Order(key, keyMarker) : 1;
      if (order < 0 || (order === 0 && !versionMarker)) continue;
      let entries = bucket.objects.get(key) ?? [];
      if (order === 0) {
        const at = entries.findIndex((e) => e.versionId === versionMarker);
        if (at < 0) throw s3Error('InvalidArgument', 'Invalid version id specified', 400); // assumption: an unknown (well-formed) marker is refused
        entries = entries.slice(at + 1);
      }
      for (const entry of entries) {
        if (page.length === max) truncated = true;
        if (truncated) break;
        page.push({ key, entry, latest: entry === bucket.objects.get(key)?.[0] });
      }
      if (truncated) break;
    }
    const last = page.at(-1);
    const versions = page.filter((p) => !p.entry.deleteMarker);
    const markers = page.filter((p) => p.entry.deleteMarker);
    const common = (p: (typeof page)[number]) => ({ Key: p.key, VersionId: p.entry.versionId, IsLatest: p.latest, LastModified: new Date(p.entry.lastModified) });
    return {
      Name: bucket.name, Prefix: prefix, KeyMarker: keyMarker ?? '', VersionIdMarker: versionMarker ?? '', MaxKeys: max, IsTruncated: truncated,
      ...(truncated && last ? { NextKeyMarker: last.key, NextVersionIdMarker: last.entry.versionId } : {}),
      // A version's checksum algorithm and type, not its value (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ObjectVersion.html).
      ...(versions.length ? {
        Versions: versions.map((p) => ({
          ...common(p), ETag: p.entry.etag, Size: p.entry.size, StorageClass: p.entry.storageClass,
          ...(p.entry.checksumSHA256 ? { ChecksumAlgorithm: ['SHA256'], ChecksumType: p.entry.checksumType ?? 'FULL_OBJECT' } : {}),
        })),
      } : {}),
      ...(markers.length ? { DeleteMarkers: markers.map(common) } : {}),
    };
  });

  // CopySource "bucket/key?versionId=…", URL-encoded. The copy is a new latest version with a new version id.
  answer<CopyObjectCommandInput, unknown>(world, SIM, stub, CopyObjectCommand, async (input, region) => {
    const target = bucketIn(input.Bucket, region);
    const [path = '', query = ''] = (input.CopySource ?? '').replace(/^\//, '').split('?');
    const slash = path.indexOf('/');
    const sourceBucket = slash < 0 ? path : path.slice(0, slash);
    let key: string;
    try {
      key = decodeURIComponent(path.slice(slash + 1));
    } catch {
      throw s3Error('InvalidArgument', 'Invalid copy source encoding', 400);
    }
    const versionId = new URLSearchParams(query).get('versionId') ?? undefined;
    const source = buckets.get(sourceBucket);
    if (!source) throw s3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: sourceBucket });
    const entries = source.objects.get(key) ?? [];
    const entry = versionId === undefined ? entries[0] : entries.find((e) => e.versionId === versionId);
    if (!entry && (versionId === undefined || entries.length === 0)) throw s3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    if (!entry) throw s3Error('NoSuchVersion', 'The specified version does not exist.', 404, { Key: key, VersionId: versionId ?? '' });
    if (entry.deleteMarker && versionId === undefined) throw s3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    // A versionId naming a delete marker is InvalidRequest (400): unconfirmed, seen only in emulators
    // (CopyObject: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
    if (entry.deleteMarker) throw s3Error('InvalidRequest', 'The source of a copy request may not specifically refer to a delete marker by version id.', 400);
    if (entry.storageClass === 'GLACIER') {
      throw s3Error('ObjectNotInActiveTierError', 'The source object of the COPY action is not in the active tier and is only stored in Amazon Glacier.', 403);
    }
    if (input.ChecksumAlgorithm !== undefined) throw s3Error('NotImplemented', 'the drill\'s simulated S3 does not implement CopyObject ChecksumAlgorithm', 501);
    await sleep(world.durationMs('s3.copy-object', world.ownerOf('s3', target.region, target.name)));
    target.writes += 1;
    const versionIdOfCopy = newVersionId(`${target.name}/${input.Key ?? ''}@copy${target.writes}`);
    // Encrypted as the target bucket says. One request, so one part: the MD5 of the content when SSE-S3,
    // a new random-looking ETag when SSE-KMS ("a CopyObject may create a new ETag":
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html).
    const sse = target.encryption ?? SSE_S3;
    const kms = sse.SSEAlgorithm === 'aws:kms' || sse.SSEAlgorithm === 'aws:kms:dsse';
    const md5 = entry.md5 ?? '';
    const copy: Entry = {
      versionId: versionIdOfCopy, lastModified: world.now(), size: entry.size, storageClass: input.StorageClass ?? 'STANDARD', deleteMarker: false,
      etag: `"${kms ? digest(`${target.name}/${versionIdOfCopy} ${md5}`, 'md5').toString('hex') : md5}"`, content: entry.content, md5, sse,
      // The source's checksum value (and so its type) is copied by default (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html),
      // and so is its content when the simulation keeps it.
      ...(entry.checksumSHA256 ? { checksumSHA256: entry.checksumSHA256, checksumType: entry.checksumType ?? 'FULL_OBJECT' } : {}),
      ...(entry.body ? { body: entry.body } : {}), ...(entry.contentType ? { contentType: entry.contentType } : {}),
    };
    target.objects.set(input.Key ?? '', [copy, ...(target.objects.get(input.Key ?? '') ?? [])]);
    return {
      CopyObjectResult: {
        ETag: copy.etag, LastModified: new Date(copy.lastModified),
        ...(copy.checksumSHA256 ? { ChecksumSHA256: copy.checksumSHA256, ChecksumType: copy.checksumType } : {}),
      },
      VersionId: copy.versionId, CopySourceVersionId: entry.versionId, ...sseHeaders(sse),
    };
  });

  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => ({
      buckets: Object.fromEntries([...stateOf(world).buckets.values()].filter((b) => b.name !== DRILL_REPORT_BUCKET).map((b) => [b.name, {
        region: b.region,
        versioning: b.versioning ?? null,
        encryption: b.encryption?.SSEAlgorithm ?? null,
        publicAccessBlocked: b.publicAccessBlock !== undefined && Object.values(b.publicAccessBlock).every((v) => v === true),
        replicatesTo: b.replication?.Rules.map((r) => r.Destination?.Bucket ?? '') ?? [],
        ...(b.damageStartedAt !== undefined ? { damageStartedAt: iso(b.damageStartedAt) } : {}),
        ...(b.objects.size ? {
          objects: Object.fromEntries([...b.objects.keys()].sort(utf8Order).map((k) => [k, (b.objects.get(k) ?? []).map((e) => ({
            versionId: e.versionId, lastModified: iso(e.lastModified),
            ...(e.deleteMarker ? { deleteMarker: true } : {
              etag: e.etag, size: e.size, storageClass: e.storageClass, content: e.content, ...(e.parts ? { parts: e.parts } : {}),
              ...(e.checksumSHA256 ? { checksumSHA256: e.checksumSHA256, checksumType: e.checksumType ?? 'FULL_OBJECT' } : {}),
            }),
          }))])),
        } : {}),
      }])),
    }),
  };
}
