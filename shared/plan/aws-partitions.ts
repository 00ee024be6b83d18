import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The AWS partitions and their regions as the installed AWS SDK v3 knows them: the list its endpoint
 * resolver uses (`partition()` of @aws-sdk/core/client), so a plan is checked against the regions the
 * functions' own clients can reach. Read from the SDK's files at validation time (the CLI and packaging
 * only: Lambda code reads the compiled plan and never loads this module); `partition()` itself does not
 * list them. test/shared/plan/regions.test.ts checks this list against `partition()`.
 */

export interface AwsPartition {
  /** `aws`, `aws-cn`, `aws-us-gov`, … : the ARN's second field. */
  id: string;
  /** Region codes, in the SDK's order (its `aws-global`-style pseudo regions left out). */
  regions: string[];
}

/** Where SDK releases keep the list: @aws-sdk/util-endpoints (JSON) up to 3.9xx, then inside @aws-sdk/core. */
const SOURCES = [
  { pkg: '@aws-sdk/core', file: 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js' },
  { pkg: '@aws-sdk/util-endpoints', file: 'dist-cjs/lib/aws/partitions.json' },
] as const;

interface PartitionsInfo {
  partitions: { id: string; regions: Record<string, unknown> }[];
}

function isPartitionsInfo(value: unknown): value is PartitionsInfo {
  const partitions = (value as { partitions?: unknown } | null)?.partitions;
  return Array.isArray(partitions) && partitions.length > 0 && partitions.every((p) => typeof p?.id === 'string' && typeof p?.regions === 'object' && p.regions !== null);
}

/** The JSON of `partitions.json`, or of the ES module `export const partitionsInfo = {…};`. */
function parsePartitions(text: string): unknown {
  const body = /^\s*export const partitionsInfo\s*=\s*([\s\S]*?);?\s*$/.exec(text)?.[1] ?? text;
  return JSON.parse(body);
}

function readSdkPartitions(): AwsPartition[] {
  const require = createRequire(import.meta.url);
  const tried: string[] = [];
  for (const { pkg, file } of SOURCES) {
    let full: string;
    try {
      full = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
    } catch {
      tried.push(`${pkg} (not installed)`);
      continue;
    }
    try {
      const info = parsePartitions(readFileSync(full, 'utf8'));
      if (!isPartitionsInfo(info)) throw new Error('not a partitions list');
      return info.partitions.map((p) => ({ id: p.id, regions: Object.keys(p.regions).filter((r) => !r.endsWith('-global')) }));
    } catch (error) {
      tried.push(`${full} (${(error as Error).message})`);
    }
  }
  throw new Error(`cannot read the AWS SDK's list of regions, tried ${tried.join('; ')}: reinstall the dependencies (npm ci)`);
}

let cached: AwsPartition[] | undefined;

/** Every partition with its regions (read once). */
export function awsPartitions(): AwsPartition[] {
  cached ??= readSdkPartitions();
  return cached;
}

/** The partition a region code belongs to, or undefined when no partition lists it. */
export function partitionOfRegion(region: string): AwsPartition | undefined {
  return awsPartitions().find((p) => p.regions.includes(region));
}

/** Every region code of every partition, in the SDK's order (the `aws` partition's first). */
export function allRegions(): string[] {
  return awsPartitions().flatMap((p) => p.regions);
}
