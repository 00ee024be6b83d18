import { createHash } from 'node:crypto';
import {
  CopyObjectCommand, GetBucketEncryptionCommand, GetBucketReplicationCommand, GetBucketVersioningCommand, ListObjectVersionsCommand,
  NoSuchBucket, NoSuchKey, ObjectNotInActiveTierError, S3Client, S3ServiceException,
  type CopyObjectCommandInput, type ListObjectVersionsCommandInput, type ReplicationRule, type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { ComponentOf } from '../../plan/schema.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { planAccount, sleep, type DurationTable, type World } from './world.ts';

// S3 throttles with SlowDown, HTTP 503 (aws-behaviour.md §4). service.ts answers every throttle with HTTP 400; the name is what the SDK classifies.
const SIM: ServiceSimulation = { service: 's3', throttleError: 'SlowDown' };

export const S3_DURATIONS: DurationTable = {
  's3.copy-object': {
    seconds: 1,
    source: 'assumption: a server-side CopyObject of one dataset object (well under 5 GiB) returns in about 1 s; aws-behaviour.md §4 gives no figure. ' +
      'The seed plan (3.2) estimates the whole S3 recovery at 1 h.',
  },
};

/** Minutes before the seeding time at which the damage to the s3-version-restore buckets begins. */
export const S3_DAMAGE_MINUTES_BEFORE_SEEDING = 20;

interface Entry { versionId: string; lastModified: number; etag: string; size: number; storageClass: string; deleteMarker: boolean }
interface Bucket {
  name: string;
  region: string;
  encryption: { SSEAlgorithm: ServerSideEncryption; KMSMasterKeyID?: string } | undefined;
  replication: { Role: string; Rules: ReplicationRule[] } | undefined;
  /** Key → entries (versions and delete markers), newest first: the write order, as S3 keeps it. */
  objects: Map<string, Entry[]>;
  /** Set on s3-version-restore buckets: the last instant before any damaging write. */
  damageStartedAt?: number;
  writes: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const digest = (s: string, algorithm = 'sha256') => createHash(algorithm).update(s).digest();
const newVersionId = (seed: string) => digest(seed).toString('base64url').slice(0, 32);
/** Keys sort by their UTF-8 bytes in S3 listings (not by JavaScript's UTF-16 order). */
const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function s3Error(name: string, message: string, status: number, extra: Record<string, string> = {}): Error {
  const $metadata = { httpStatusCode: status, requestId: 'simulated', attempts: 1, totalRetryDelay: 0 };
  const modeled: Record<string, new (o: { $metadata: typeof $metadata; message: string }) => S3ServiceException> = { NoSuchBucket, NoSuchKey, ObjectNotInActiveTierError };
  const Modeled = modeled[name];
  // Unmodeled codes arrive as S3ServiceException with name = the code (aws-behaviour.md §0, §4).
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
 * that version's ETag as its latest version; the junk keys (not there at D) and retired.csv (deleted at
 * D) are left as they are, and nothing outside the prefix is touched. With the incident at T (the drill's
 * run start) every key is already as it was at the incident: nothing is copied.
 * With the `fail` fault on the component, the days-old versions are in GLACIER (lifecycle), so copying
 * them fails with ObjectNotInActiveTierError.
 */
function seedHistory(bucket: Bucket, prefix: string, t: number, archived: boolean, incidentAt: number | undefined) {
  // The damage begins with the incident when the drill says when that was.
  const damage = incidentAt ?? t - S3_DAMAGE_MINUTES_BEFORE_SEEDING * MINUTE;
  bucket.damageStartedAt = damage;
  const put = (key: string, at: number, content: string | null, size = 0, storageClass = 'STANDARD') => {
    const entries = bucket.objects.get(key) ?? [];
    const etag = content === null ? '' : `"${digest(content, 'md5').toString('hex')}"`;
    entries.unshift({ versionId: newVersionId(`${bucket.name}/${key}#${entries.length}`), lastModified: at, etag, size, storageClass, deleteMarker: content === null });
    bucket.objects.set(key, entries);
  };
  for (let i = 0; i < 48; i++) {
    const key = prefix + keyName(i);
    const size = (1 + (i % 7)) * 1_048_576;
    const good = 1 + (i % 3);
    for (let j = 0; j < good; j++) put(key, t - (good - j) * DAY - i * MINUTE, `${key}#${j}`, size, archived ? 'GLACIER' : 'STANDARD');
    if (i % 5 === 0) put(key, damage - 2 * MINUTE, `${key}#recent`, size);
    const at = damage + (i % 12) * MINUTE + 1000;
    if (i % 3 === 1) put(key, at, `${key}#truncated`, 512);
    if (i % 9 === 0) [0, 1].forEach((n) => put(key, at + n * 1000, `${key}#garbage-${n}`, 4096));
    if (i % 4 === 2) put(key, at + 2000, null);
  }
  for (const n of [1, 2]) put(`${prefix}tmp/junk-${n}.bin`, damage + (2 + n) * MINUTE, `junk-${n}`, 4096);
  put(`${prefix}retired.csv`, t - 3 * DAY, 'retired', 2048, archived ? 'GLACIER' : 'STANDARD');
  put(`${prefix}retired.csv`, t - 12 * 60 * MINUTE, null);
  put(`${prefix}retired.csv`, damage + 5 * MINUTE, 'retired#junk', 512);
  put('logs/app.log', t - DAY, 'log', 65_536);
  put('logs/app.log', damage + MINUTE, 'log#truncated', 0);
}

/**
 * S3 in both regions. Each s3-failover component gives a primary bucket (primary region) and a replica
 * (secondary region), both versioned, SSE-KMS by default, each replicating to the other. Each
 * s3-version-restore bucket (in its params.region) gets the object history of seedHistory; a bucket only
 * restored is SSE-S3 (the AWS default) and has no replication configuration. A request from a client in
 * another region is answered PermanentRedirect (301); an unknown bucket NoSuchBucket (404).
 */
export function simulateS3(world: World): SimulatedService {
  const stub = mockClient(S3Client);
  const account = planAccount(world.plan);
  const buckets = new Map<string, Bucket>();
  const seededAt = world.now();
  const add = (name: string, region: string, component: string, kms: boolean) => {
    const key = `arn:aws:kms:${region}:${account}:key/${digest(name).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/, '$1-$2-$3-$4-$5')}`;
    const bucket: Bucket = buckets.get(name) ?? {
      name, region, encryption: kms ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key } : { SSEAlgorithm: 'AES256' }, replication: undefined, objects: new Map(), writes: 0,
    };
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
  for (const c of world.plan.components.filter((x): x is ComponentOf<'s3-failover'> => x.type === 's3-failover')) {
    const { primaryBucket, replicaBucket } = c.params;
    replicate(add(primaryBucket, world.primary, c.id, true), replicaBucket, 'replicate-to-secondary');
    replicate(add(replicaBucket, world.secondary, c.id, true), primaryBucket, 'replicate-back-to-primary');
  }
  for (const c of world.plan.components.filter((x): x is ComponentOf<'s3-version-restore'> => x.type === 's3-version-restore')) {
    const bucket = add(c.params.bucket, world.plan.regions[c.params.region], c.id, false);
    if (bucket.damageStartedAt === undefined) seedHistory(bucket, c.params.prefix, seededAt, world.failing(c.id), world.incidentAt);
  }

  function bucketIn(name: string | undefined, region: string): Bucket {
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
  answer<{ Bucket?: string }, unknown>(world, SIM, stub, GetBucketVersioningCommand, (input, region) => {
    bucketIn(input.Bucket, region);
    return { Status: 'Enabled' };
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
      ...(versions.length ? { Versions: versions.map((p) => ({ ...common(p), ETag: p.entry.etag, Size: p.entry.size, StorageClass: p.entry.storageClass })) } : {}),
      ...(markers.length ? { DeleteMarkers: markers.map(common) } : {}),
    };
  });

  // CopySource "bucket/key?versionId=…", URL-encoded. The copy is a new latest version with the source's ETag.
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
    // aws-behaviour.md §4: a versionId naming a delete marker is InvalidRequest (400) — unconfirmed (U).
    if (entry.deleteMarker) throw s3Error('InvalidRequest', 'The source of a copy request may not specifically refer to a delete marker by version id.', 400);
    if (entry.storageClass === 'GLACIER') {
      throw s3Error('ObjectNotInActiveTierError', 'The source object of the COPY action is not in the active tier and is only stored in Amazon Glacier.', 403);
    }
    await sleep(world.durationMs('s3.copy-object', world.ownerOf('s3', target.region, target.name)));
    target.writes += 1;
    const copy: Entry = {
      versionId: newVersionId(`${target.name}/${input.Key ?? ''}@copy${target.writes}`), lastModified: world.now(), etag: entry.etag, size: entry.size,
      storageClass: input.StorageClass ?? 'STANDARD', deleteMarker: false,
    };
    target.objects.set(input.Key ?? '', [copy, ...(target.objects.get(input.Key ?? '') ?? [])]);
    const sse = target.encryption ?? { SSEAlgorithm: 'AES256' };
    return {
      CopyObjectResult: { ETag: copy.etag, LastModified: new Date(copy.lastModified) }, VersionId: copy.versionId, CopySourceVersionId: entry.versionId,
      ServerSideEncryption: sse.SSEAlgorithm, ...(sse.KMSMasterKeyID ? { SSEKMSKeyId: sse.KMSMasterKeyID, BucketKeyEnabled: true } : {}),
    };
  });

  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => ({
      buckets: Object.fromEntries([...buckets.values()].map((b) => [b.name, {
        region: b.region,
        versioning: 'Enabled',
        encryption: b.encryption?.SSEAlgorithm ?? null,
        replicatesTo: b.replication?.Rules.map((r) => r.Destination?.Bucket ?? '') ?? [],
        ...(b.damageStartedAt !== undefined ? { damageStartedAt: iso(b.damageStartedAt) } : {}),
        ...(b.objects.size ? {
          objects: Object.fromEntries([...b.objects.keys()].sort(utf8Order).map((k) => [k, (b.objects.get(k) ?? []).map((e) => ({
            versionId: e.versionId, lastModified: iso(e.lastModified), ...(e.deleteMarker ? { deleteMarker: true } : { etag: e.etag, size: e.size, storageClass: e.storageClass }),
          }))])),
        } : {}),
      }])),
    }),
  };
}
