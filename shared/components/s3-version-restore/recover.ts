import { S3Client, CopyObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, type ListObjectVersionsCommandOutput } from '@aws-sdk/client-s3';
import { ActionFailedError, UnexpectedStateError, notFoundOr } from '../../errors.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';
import { compareContent, type ContentFacts } from './content.ts';

type Ctx = ActionContext<'s3-version-restore'>;
/** CopyObject copies at most 5 GiB. */
const MAX_COPY_BYTES = 5 * 1024 ** 3;
/** Copies (and HeadObject pairs) in flight at once within a page. */
const PARALLEL_COPIES = 8;

/** One entry of a key's history: a version or a delete marker. */
type Entry = { key: string; versionId: string; lastModified: number; size: number; deleteMarker: boolean };
/** The last key of a truncated page, whose older entries continue on the next page. */
type Carry = { key: string; latest: Entry; resolved: boolean };
type Counts = {
  restored: number; unchanged: number; skippedNewer: number; skippedDeleted: number;
  /** Of `restored`: copied because nothing comparable could tell that the current version already held the content. */
  notComparable: number;
};
type State = Omit<Counts, 'notComparable'> & {
  /** Absent in the state of a restore started before this count existed. */
  notComparable?: number;
  pointInTime: string; keyMarker: string | null; versionIdMarker: string | null; carry: Carry | null; pages: number; complete: boolean;
  /** The run's beforeOneWay guard has run (before the first overwriting copy), or the restore was found under way: never again. */
  guarded?: boolean;
};

const regionOf = (ctx: Ctx) => ctx.regions[ctx.component.params.region];

/** `bucket/key?versionId=…`, URL-encoded as S3 requires; each path segment encoded, '/' kept. */
export const copySource = (bucket: string, key: string, versionId: string) =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}?versionId=${encodeURIComponent(versionId)}`;

/** Each key's versions and delete markers merged, newest first (S3 lists the two apart, each newest first). */
function historyByKey(out: ListObjectVersionsCommandOutput): Map<string, Entry[]> {
  const entry = (e: { Key?: string; VersionId?: string; LastModified?: Date; IsLatest?: boolean }, extra: Partial<Entry>) => ({
    key: e.Key ?? '', versionId: e.VersionId ?? 'null', lastModified: e.LastModified?.getTime() ?? 0, size: 0, deleteMarker: false,
    latest: e.IsLatest === true, ...extra,
  });
  const all = [
    ...(out.Versions ?? []).map((v) => entry(v, { size: v.Size ?? 0 })),
    ...(out.DeleteMarkers ?? []).map((m) => entry(m, { deleteMarker: true })),
  ].sort((a, b) => Number(b.latest) - Number(a.latest) || b.lastModified - a.lastModified);
  const byKey = new Map<string, Entry[]>();
  for (const { latest: _latest, ...e } of all) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
  return byKey;
}

type Verdict = 'restore' | keyof Omit<Counts, 'restored' | 'notComparable'>;
/** What to do with one key, and why: `restoredEarlier` when its current version already holds the content (an earlier run's copy). */
type Decision = { verdict: Verdict; restoredEarlier: boolean; notComparable: boolean };

/** HeadObject of one version with ChecksumMode ENABLED: its checksums, ETag, encryption and size. */
async function contentOf(ctx: Ctx, entry: Entry): Promise<ContentFacts> {
  const { bucket } = ctx.component.params;
  const head = new HeadObjectCommand({ Bucket: bucket, Key: entry.key, VersionId: entry.versionId, ChecksumMode: 'ENABLED' });
  try {
    return await ctx.clients.get(S3Client, regionOf(ctx)).send(head);
  } catch (error) {
    // HEAD has no body: S3's AccessDenied arrives as "403" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
    if (error instanceof Error && error.name === '403') {
      throw new UnexpectedStateError(
        `HeadObject of ${entry.key} version ${entry.versionId} was refused (403): it needs s3:GetObjectVersion, and for an SSE-KMS object's checksum (ChecksumMode ENABLED) kms:Decrypt on its key`,
        { key: entry.key, awsErrorName: '403' }, { cause: error },
      );
    }
    throw notFoundOr(error, ['NoSuchBucket', 'NotFound'], `${entry.key} version ${entry.versionId} in bucket ${bucket} (${regionOf(ctx)})`);
  }
}

/**
 * Whether the key must be restored. Its current version is another one than the version at the point
 * in time: it already holds that content only when compareContent (./content.ts) says so: the sizes,
 * then a checksum of the same algorithm and type, then ETags that are provably MD5s. An ETag alone says
 * nothing for SSE-KMS, SSE-C or multipart objects, and a copy in an SSE-KMS bucket gets a new one. When
 * nothing is comparable the version is copied (never skip content that may differ): a re-run copies such
 * a key again (the same bytes once more), counted as notComparable.
 */
async function decide(ctx: Ctx, latest: Entry, chosen: Entry | undefined): Promise<Decision> {
  const plain = (verdict: Verdict): Decision => ({ verdict, restoredEarlier: false, notComparable: false });
  if (!chosen) return plain('skippedNewer'); // the key did not exist at the point in time
  if (chosen.deleteMarker) return plain('skippedDeleted'); // deleted then: leave it alone, never delete data
  if (chosen.versionId === latest.versionId) return plain('unchanged');
  if (latest.deleteMarker || latest.size !== chosen.size) return plain('restore');
  const [now, then] = await Promise.all([contentOf(ctx, latest), contentOf(ctx, chosen)]);
  const { verdict } = compareContent(now, then);
  if (verdict === 'same') return { verdict: 'unchanged', restoredEarlier: true, notComparable: false }; // restored by an earlier run
  return { verdict: 'restore', restoredEarlier: false, notComparable: verdict === 'unknown' };
}

/** `work` over the items, at most `limit` at once; results in order. */
async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit) results.push(...(await Promise.all(items.slice(i, i + limit).map(work))));
  return results;
}

async function restore(ctx: Ctx, version: Entry): Promise<void> {
  const { bucket } = ctx.component.params;
  const what = `${version.key} version ${version.versionId}`;
  if (version.size > MAX_COPY_BYTES) throw new ActionFailedError(`${what} is ${version.size} bytes, over CopyObject's 5 GiB`, { key: version.key });
  const copy = new CopyObjectCommand({ Bucket: bucket, Key: version.key, CopySource: copySource(bucket, version.key, version.versionId), MetadataDirective: 'COPY' });
  try {
    await ctx.clients.get(S3Client, regionOf(ctx)).send(copy);
  } catch (error) {
    if (error instanceof Error && error.name === 'ObjectNotInActiveTierError') {
      throw new ActionFailedError(`${what} is archived (not in an active tier): restore it from Glacier first`, { key: version.key }, { cause: error });
    }
    throw notFoundOr(error, ['NoSuchBucket'], `bucket ${bucket} in ${regionOf(ctx)}`);
  }
}

/** Lists one page of versions, decides each key whose history is complete enough, and restores those that need it. */
async function step(ctx: Ctx, state: State): Promise<State> {
  const { bucket, prefix, batchSize } = ctx.component.params;
  const list = new ListObjectVersionsCommand({
    Bucket: bucket, Prefix: prefix, KeyMarker: state.keyMarker ?? undefined, VersionIdMarker: state.versionIdMarker ?? undefined, MaxKeys: batchSize,
  });
  let out: ListObjectVersionsCommandOutput;
  try {
    out = await ctx.clients.get(S3Client, regionOf(ctx)).send(list);
  } catch (error) {
    throw notFoundOr(error, ['NoSuchBucket'], `bucket ${bucket} in ${regionOf(ctx)}`);
  }
  const truncated = out.IsTruncated === true;
  if (truncated && !out.NextKeyMarker) throw new UnexpectedStateError(`ListObjectVersions on ${bucket} is truncated without a NextKeyMarker`);
  const pit = Date.parse(state.pointInTime);
  const history = historyByKey(out);
  const decided: { latest: Entry; chosen: Entry | undefined }[] = [];
  const carried = state.carry;
  // The carried key's entries ended with the previous page: none was old enough.
  if (carried && !carried.resolved && !history.has(carried.key)) decided.push({ latest: carried.latest, chosen: undefined });
  let carry: Carry | null = null;
  for (const [key, entries] of history) {
    const continued = carried?.key === key ? carried : undefined;
    const latest = continued?.latest ?? (entries[0] as Entry);
    const chosen = entries.find((e) => e.lastModified <= pit);
    const resolved = continued?.resolved === true;
    const tail = truncated && key === out.NextKeyMarker;
    if (!resolved && (chosen || !tail)) decided.push({ latest, chosen });
    if (tail) carry = { key, latest, resolved: resolved || chosen !== undefined };
  }
  const counts: Counts = {
    restored: state.restored, unchanged: state.unchanged, skippedNewer: state.skippedNewer, skippedDeleted: state.skippedDeleted, notComparable: state.notComparable ?? 0,
  };
  const toRestore: Entry[] = [];
  let guarded = state.guarded === true;
  const decisions = await inBatches(decided, PARALLEL_COPIES, ({ latest, chosen }) => decide(ctx, latest, chosen));
  decisions.forEach(({ verdict, restoredEarlier, notComparable }, i) => {
    const chosen = decided[i]!.chosen;
    if (verdict === 'restore' && chosen) toRestore.push(chosen);
    else if (verdict !== 'restore') counts[verdict] += 1;
    if (notComparable) counts.notComparable += 1;
    // A re-run after copies were accepted: the restore is under way, its guard is behind it.
    if (restoredEarlier) guarded = true;
  });
  if (toRestore.length > 0 && !guarded) {
    // The first copy that overwrites data: the run's guard (e.g. the trigger alarm re-read), once per run.
    await ctx.beforeOneWay('CopyObject');
    guarded = true;
  }
  await inBatches(toRestore, PARALLEL_COPIES, (version) => restore(ctx, version));
  counts.restored += toRestore.length;
  ctx.logger.info('S3 version page handled', { bucket, prefix, page: state.pages + 1, restored: toRestore.length, truncated });
  return {
    ...state, ...counts, carry, guarded, pages: state.pages + 1, complete: !truncated,
    keyMarker: truncated ? (out.NextKeyMarker ?? null) : null, versionIdMarker: truncated ? (out.NextVersionIdMarker ?? null) : null,
  };
}

function progress(ctx: Ctx, state: State): ActionProgress {
  const skipped = state.skippedNewer + state.skippedDeleted;
  const notComparable = state.notComparable ?? 0;
  const restored = `${state.restored} restored${notComparable > 0 ? ` (${notComparable} without a comparable checksum)` : ''}`;
  return {
    done: state.complete,
    // More pages: the next one right away (each Lambda call handles one page).
    nextCheckSeconds: state.complete ? 0 : 1,
    status: `${state.pages} page(s): ${restored}, ${state.unchanged} unchanged, ${skipped} skipped${state.complete ? '' : ', more to list'}`,
    state: state as unknown as JsonObject,
    observations: { restoredCount: state.restored, unchangedCount: state.unchanged, skippedCount: skipped, notComparableCount: notComparable, pointInTime: state.pointInTime },
  };
}

/**
 * Restores every object under the prefix to its newest version at or before the point in time, by
 * copying that version over the current one: one ListObjectVersions page per start/check call. A key
 * whose current version already holds that content (decide: sizes, checksums, provable MD5 ETags; never
 * an ETag alone) is not copied, so a re-run after a crash does not copy it again; the run's state is not
 * what tells, since the step that crashed never returned its state and a resumed run starts afresh.
 * ctx.beforeOneWay('CopyObject') runs once per run, right before the first page that has something to
 * copy (not before every page), and not at all when nothing needs copying or a re-run finds an
 * earlier run's copies (the restore is under way: its guard already ran).
 */
export const recover: RecoveryAction<'s3-version-restore'> = {
  type: 's3-version-restore',
  oneWay: true,
  defaultExpectedSeconds: 30,
  async start(ctx) {
    const { pointInTime } = ctx.component.params;
    const at = pointInTime === 'before-incident' ? ctx.incidentStartedAt : new Date(pointInTime);
    const initial: State = {
      pointInTime: at.toISOString(), keyMarker: null, versionIdMarker: null, carry: null, pages: 0, complete: false,
      restored: 0, unchanged: 0, skippedNewer: 0, skippedDeleted: 0, notComparable: 0,
    };
    return progress(ctx, await step(ctx, initial));
  },
  async check(ctx, state) {
    const current = state as unknown as State;
    if (typeof current.pointInTime !== 'string') throw new UnexpectedStateError('s3-version-restore check without a pointInTime in its state');
    return progress(ctx, current.complete ? current : await step(ctx, current));
  },
};
