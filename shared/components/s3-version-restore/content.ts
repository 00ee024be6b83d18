import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';

/**
 * Whether two S3 objects (or an object and a manifest line) hold the same bytes, from what S3 says about
 * them: the one rule the restore (./recover.ts) and the s3-objects check (shared/checks/storage.ts) use.
 *
 * An ETag is the MD5 of the content only for an object uploaded in one request (PutObject, or a CopyObject)
 * that is unencrypted or SSE-S3. For SSE-KMS, DSSE-KMS and SSE-C it is not an MD5 of the content; for a
 * multipart upload it is an MD5 of the parts' MD5s with a "-N" suffix, which differs for the same bytes
 * uploaded with other part sizes (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html). An additional
 * checksum is FULL_OBJECT (of all the bytes) or COMPOSITE (of the parts' checksums, "-N" suffix); two
 * values compare only with the same algorithm and the same type
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Checksum.html).
 */

/** What S3 says about one object's content: HeadObject with ChecksumMode ENABLED, or a manifest line. */
export type ContentFacts = Pick<HeadObjectCommandOutput,
  'ETag' | 'ServerSideEncryption' | 'SSECustomerAlgorithm' | 'ContentLength' | 'ChecksumType' |
  'ChecksumSHA256' | 'ChecksumSHA1' | 'ChecksumCRC64NVME' | 'ChecksumCRC32C' | 'ChecksumCRC32'>;

/** The additional checksums, strongest first: the first one both sides have (of one type) decides. */
export const CHECKSUM_FIELDS = ['ChecksumSHA256', 'ChecksumSHA1', 'ChecksumCRC64NVME', 'ChecksumCRC32C', 'ChecksumCRC32'] as const;
export type ChecksumField = (typeof CHECKSUM_FIELDS)[number];
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

export type Comparison =
  | { verdict: 'same'; by: ChecksumField | 'ETag' }
  | { verdict: 'different'; by: 'size' | ChecksumField | 'ETag' }
  | { verdict: 'unknown'; by: null };

const unquote = (etag: string) => etag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');

/** The encryptions whose single-part ETag is the MD5 of the content: none (objects from before 2023) and SSE-S3. */
const MD5_ENCRYPTIONS: readonly (string | undefined)[] = [undefined, 'AES256'];

/**
 * The ETag is provably the MD5 of the content: 32 hex digits (one request, no "-N" part count), the object
 * unencrypted or SSE-S3 (not aws:kms, aws:kms:dsse or anything newer), and no SSE-C.
 */
export function etagIsMd5(facts: Pick<ContentFacts, 'ETag' | 'ServerSideEncryption' | 'SSECustomerAlgorithm'>): boolean {
  return facts.ETag !== undefined && /^[0-9a-f]{32}$/i.test(unquote(facts.ETag)) && MD5_ENCRYPTIONS.includes(facts.ServerSideEncryption) &&
    facts.SSECustomerAlgorithm === undefined;
}

/** A checksum's type: ChecksumType when given, else COMPOSITE when the value ends in the part count ("…-N"). */
export function checksumTypeOf(facts: ContentFacts, field: ChecksumField): ChecksumType | undefined {
  const value = facts[field];
  if (!value) return undefined;
  return (facts.ChecksumType as ChecksumType | undefined) ?? (/-\d+$/.test(value) ? 'COMPOSITE' : 'FULL_OBJECT');
}

/**
 * The rule, in order: another size → different. Then the strongest checksum both sides have with the same
 * type: FULL_OBJECT values equal → same, unequal → different; COMPOSITE values equal → same (same parts),
 * unequal → not decided (the same bytes in other part sizes). Then the ETags, only when both are provably
 * MD5s (etagIsMd5): equal → same, unequal → different. Anything else → unknown: nothing comparable.
 */
export function compareContent(a: ContentFacts, b: ContentFacts): Comparison {
  if (a.ContentLength !== undefined && b.ContentLength !== undefined && a.ContentLength !== b.ContentLength) return { verdict: 'different', by: 'size' };
  for (const field of CHECKSUM_FIELDS) {
    const type = checksumTypeOf(a, field);
    if (type === undefined || type !== checksumTypeOf(b, field)) continue;
    if (a[field] === b[field]) return { verdict: 'same', by: field };
    if (type === 'FULL_OBJECT') return { verdict: 'different', by: field };
  }
  if (etagIsMd5(a) && etagIsMd5(b)) return unquote(a.ETag!) === unquote(b.ETag!) ? { verdict: 'same', by: 'ETag' } : { verdict: 'different', by: 'ETag' };
  return { verdict: 'unknown', by: null };
}

/** For people: what one side offers to compare, e.g. "ChecksumSHA256 (COMPOSITE) and an ETag that is not an MD5 (SSE-KMS)". */
export function describeContent(facts: ContentFacts): string {
  const checksums = CHECKSUM_FIELDS.filter((f) => facts[f]).map((f) => `${f} (${checksumTypeOf(facts, f)})`);
  const etag = facts.ETag === undefined ? null : etagIsMd5(facts) ? 'an MD5 ETag' : `an ETag that is not an MD5 (${whyNotMd5(facts)})`;
  return [checksums.length > 0 ? checksums.join(', ') : 'no checksum', etag].filter((x): x is string => x !== null).join(' and ');
}

function whyNotMd5(facts: ContentFacts): string {
  const parts = /-(\d+)$/.exec(unquote(facts.ETag ?? ''))?.[1];
  if (parts !== undefined) return `multipart upload, ${parts} parts`;
  if (facts.SSECustomerAlgorithm !== undefined) return 'SSE-C';
  if (facts.ServerSideEncryption === 'aws:kms') return 'SSE-KMS';
  if (facts.ServerSideEncryption === 'aws:kms:dsse') return 'DSSE-KMS';
  if (!MD5_ENCRYPTIONS.includes(facts.ServerSideEncryption)) return `${facts.ServerSideEncryption}`;
  return 'not 32 hex digits';
}
