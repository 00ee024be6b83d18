// Manifest-sample benchmark: `node scripts/bench-manifest-sample.ts`. Puts 10,000 objects with SHA-256
// checksums into the simulated replica bucket, writes their manifest, and times the s3-objects check
// verifying all of them (GetObject of the manifest, parsing, sampling, 10,000 HeadObject at
// HEAD_CONCURRENCY at once, comparing). The simulated S3 answers in no time, so this measures the check's
// own overhead plus the SDK and mock layers, not S3 latency. Prints the numbers; exits 1 only when the
// check does not verify every object.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createAwsClients } from '../shared/aws/clients.ts';
import { s3Objects } from '../shared/checks/schema.ts';
import { STORAGE_CHECKS } from '../shared/checks/storage.ts';
import type { CheckContext } from '../shared/checks/types.ts';
import { installSimulatedAccount } from '../shared/tools/drill/simulator/index.ts';
import { seedManifest } from '../shared/tools/drill/simulator/s3.ts';
import { loadPlanFile } from '../shared/plan/load.ts';
import type { ComponentOf } from '../shared/plan/schema.ts';
import { stateDocumentClient } from '../shared/state/table.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const OBJECTS = 10_000;
const PUT_CONCURRENCY = 64;
const PREFIX = 'bench/';
const MANIFEST = 'manifests/bench.jsonl';

/** Installs the simulated account of the example plan, fills its replica bucket, verifies the manifest sample, and restores the mocks. */
export async function benchManifestSample(): Promise<{ objects: number; ms: number }> {
  const plan = await loadPlanFile(path.join(root, 'examples/dataset-platform.plan.yml'));
  const storage = plan.components.find((c): c is ComponentOf<'s3-failover'> => c.type === 's3-failover');
  if (!storage) throw new Error('the example plan has no s3-failover component (no bucket to fill)');
  const bucket = storage.params.replicaBucket;
  const region = plan.regions.secondary;
  const account = installSimulatedAccount(plan);
  try {
    const s3 = new S3Client({ region });
    let next = 0;
    const put = async () => {
      while (next < OBJECTS) {
        const i = next++;
        const body = Buffer.from(`object ${i} of the manifest-sample benchmark\n`.repeat(24));
        const ChecksumSHA256 = createHash('sha256').update(body).digest('base64');
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${PREFIX}obj-${String(i).padStart(5, '0')}.bin`, Body: body, ChecksumSHA256 }));
      }
    };
    await Promise.all(Array.from({ length: PUT_CONCURRENCY }, put));
    const manifest = seedManifest(account.world, bucket, MANIFEST, { prefix: PREFIX });
    if (manifest.entries !== OBJECTS) throw new Error(`manifest lists ${manifest.entries} objects, expected ${OBJECTS}`);

    const logger = new Logger({ serviceName: 'bench-manifest-sample', logLevel: 'SILENT' });
    const executionId = 'arn:aws:states:ap-northeast-3:000000000000:execution:bench:manifest-sample';
    const ctx: CheckContext = {
      run: {
        executionId, incidentId: executionId, resumeOf: null, plan: plan.name, scenario: 'bench', scenarioName: 'bench', mode: 'unplanned', severity: 'low',
        trigger: { kind: 'console', by: 'bench', reason: 'bench' }, incidentStartedAt: new Date().toISOString(), stage: 'recover', direction: 'forward', movesActiveRegion: false, regions: plan.regions,
      },
      component: null, clients: createAwsClients(), logger, now: new Date(), postgres: null, fetch: globalThis.fetch,
      state: { ddb: stateDocumentClient(new DynamoDBClient({ region })), tableName: 'bench', now: () => new Date(), logger },
    };
    const spec = s3Objects.parse({ type: 's3-objects', bucket, manifestKey: MANIFEST, sampleSize: OBJECTS });
    const started = performance.now();
    const outcome = await STORAGE_CHECKS['s3-objects'](ctx, spec);
    const ms = performance.now() - started;
    if (outcome.status !== 'passed' || outcome.observations?.matched !== OBJECTS) throw new Error(`the check did not verify every object: ${outcome.detail}`);
    return { objects: OBJECTS, ms };
  } finally {
    account.restore();
  }
}

async function main(): Promise<void> {
  const { objects, ms } = await benchManifestSample();
  const perSecond = Math.round(objects / (ms / 1000));
  process.stdout.write(`manifest sample: ${objects.toLocaleString('en-US')} objects verified in ${ms.toFixed(0)} ms (${perSecond.toLocaleString('en-US')} objects/s)\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench-manifest-sample failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
