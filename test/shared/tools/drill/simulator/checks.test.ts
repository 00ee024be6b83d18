import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetHealthCheckStatusCommand, Route53Client, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import {
  DeleteObjectCommand, DeletePublicAccessBlockCommand, GetObjectCommand, GetPublicAccessBlockCommand, HeadObjectCommand, PutBucketVersioningCommand,
  PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { benchManifestSample } from '../../../../../scripts/bench-manifest-sample.ts';
import { NETWORK_CHECKS } from '../../../../../shared/checks/network.ts';
import { checkSpec, type CheckSpec } from '../../../../../shared/checks/schema.ts';
import { parseManifest, sampleManifest, STORAGE_CHECKS } from '../../../../../shared/checks/storage.ts';
import type { CheckOutcome } from '../../../../../shared/checks/types.ts';
import { CLOUDWATCH_DURATIONS, S3_REPLICATION_METRICS } from '../../../../../shared/tools/drill/simulator/cloudwatch.ts';
import { HTTP_DURATIONS, simulatedFetch } from '../../../../../shared/tools/drill/simulator/http.ts';
import { installSimulatedAccount, type SimulatedAccount } from '../../../../../shared/tools/drill/simulator/index.ts';
import { ROUTE53_DURATIONS } from '../../../../../shared/tools/drill/simulator/route53.ts';
import { S3_DURATIONS, S3_SEEDED_DATASET_OBJECTS, seedManifest, seedObjects, seedS3ObjectChecks } from '../../../../../shared/tools/drill/simulator/s3.ts';
import type { Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Component, Plan } from '../../../../../shared/plan/schema.ts';
import { checkContext, DRILL_EXECUTION, drillCheckOptions } from '../../../../support/check-context.ts';

const INCIDENT = new Date('2026-11-29T01:00:00.000Z');
const START = new Date(INCIDENT.getTime() + 20 * 60_000);
const PRIMARY = 'ap-northeast-1';
const SECONDARY = 'ap-northeast-3';
const TOKYO = 'dataset-platform-datasets-tokyo';
const OSAKA = 'dataset-platform-datasets-osaka';
const MANIFEST = 'manifests/datasets.jsonl';
const PRIMARY_CHECK = '1d2f3a4b-7c1e-4c5d-9e8f-0a1b2c3d4e5f';
const OSAKA_CHECK = '5e6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b';
const API = 'api.dataset-platform.example.com';
const API_OSAKA = 'api-osaka.dataset-platform.example.com';
const AUTH_URL = 'https://auth-osaka.dataset-platform.example.com/health';
const SYSTEM_URL = 'https://api.dataset-platform.example.com/v1/health';

/** The checks of this test, set on the example plan's components whatever the example lists. */
const CHECKS: Record<string, unknown[]> = {
  'dataset-storage': [
    { type: 's3-bucket', bucket: OSAKA, replication: true },
    { type: 's3-objects', bucket: OSAKA, manifestKey: MANIFEST, sampleSize: 50 },
    { type: 's3-replication-rpo', sourceBucket: TOKYO, destinationBucket: OSAKA, ruleId: 'datasets-to-osaka' },
  ],
  authentication: [{ type: 'http', url: AUTH_URL, bodyContains: 'ok', maxLatencyMs: 1000 }],
  'api-gateway': [{ type: 'route53-health-check', healthCheckId: PRIMARY_CHECK, expect: 'unhealthy' }],
};
const SYSTEM_CHECKS = [
  { type: 'dns-answer', hostedZoneId: 'Z0EXAMPLE123ABC', recordName: API, recordType: 'CNAME', expected: [API_OSAKA] },
  { type: 'route53-health-check', healthCheckId: OSAKA_CHECK },
  { type: 'http', url: SYSTEM_URL, bodyContains: 'api ok', maxLatencyMs: 2000 },
];
/** The API record in health-check mode (Route 53's own failover on PRIMARY_CHECK; the example uses routing controls). */
const HEALTH_CHECK_MODE = {
  mode: 'health-check', hostedZoneId: 'Z0EXAMPLE123ABC', recordName: API, recordType: 'CNAME', primaryHealthCheckId: PRIMARY_CHECK, expectedAnswer: [API_OSAKA],
};
const parse = (specs: unknown[]) => specs.map((s) => checkSpec.parse(s));
const spec = <T extends CheckSpec['type']>(type: T, index = 0) =>
  [...plan.components.flatMap((c) => c.checks), ...plan.verification.checks].filter((c): c is Extract<CheckSpec, { type: T }> => c.type === type)[index]!;

let plan: Plan;
let account: SimulatedAccount | undefined;

/** The drill's check context, HTTP through the simulated account unless `fetch` is given. */
const context = (fetch: typeof globalThis.fetch = simulatedFetch(account!.world)) => checkContext({ ...drillCheckOptions(plan), fetch });
/**
 * The account on simulated time from START (the drill starts 20 min after the incident). The incident is a
 * region outage (every endpoint of the primary region black-holed) unless `regionOutage` is false: tests that
 * ask the primary region how it routes a request use a primary region that answers.
 */
const onClock = <T>(work: () => Promise<T>, faults: Fault[] = [], regionOutage = true) => withVirtualClock(START, async () => {
  account = installSimulatedAccount(plan, { faults, incidentAt: INCIDENT.getTime(), primaryDown: true, regionOutage });
  return work();
});
const s3 = (region = SECONDARY) => new S3Client({ region });
const errorOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.name);
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');

describe('simulated account for the storage and network checks', () => {
  beforeAll(async () => {
    const example = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
    plan = {
      ...example,
      components: example.components.map((c) => ({ ...c, ...(c.id === 'api-gateway' ? { params: HEALTH_CHECK_MODE } : {}), checks: parse(CHECKS[c.id] ?? []) }) as Component),
      verification: { checks: parse(SYSTEM_CHECKS) },
    };
  });
  afterEach(() => {
    account?.restore();
    account = undefined;
  });

  describe('S3', () => {
    it('the replica is versioned, SSE-KMS, replicating back and blocks public access: s3-bucket passes; a misconfiguration is named', async () => {
      await onClock(async () => {
        expect(await STORAGE_CHECKS['s3-bucket'](context(), spec('s3-bucket'))).toMatchObject({
          status: 'passed', observations: { region: SECONDARY, versioning: 'Enabled', encryption: 'aws:kms', publicAccessBlocked: true, replicationRules: [`replicate-back-to-primary → arn:aws:s3:::${TOKYO}`] },
        });
        expect((await s3().send(new GetPublicAccessBlockCommand({ Bucket: OSAKA }))).PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true,
        });
        await s3().send(new PutBucketVersioningCommand({ Bucket: OSAKA, VersioningConfiguration: { Status: 'Suspended' } }));
        await s3().send(new DeletePublicAccessBlockCommand({ Bucket: OSAKA }));
        expect(await errorOf(s3().send(new GetPublicAccessBlockCommand({ Bucket: OSAKA })))).toBe('NoSuchPublicAccessBlockConfiguration');
        const outcome = await STORAGE_CHECKS['s3-bucket'](context(), spec('s3-bucket'));
        expect(outcome.detail).toBe(`s3://${OSAKA} in ${SECONDARY}: versioning is Suspended, must be Enabled; ` +
          'public access is not blocked (NoSuchPublicAccessBlockConfiguration), all four Block Public Access settings must be true');
        expect(account!.snapshot().s3).toMatchObject({ buckets: { [OSAKA]: { versioning: 'Suspended', publicAccessBlocked: false } } });
        // The bucket asked in the other region: S3 redirects, the check names the error.
        const elsewhere = await STORAGE_CHECKS['s3-bucket'](context(), { ...spec('s3-bucket'), region: 'primary' });
        expect(elsewhere.detail).toContain(`GetBucketVersioning s3://${OSAKA}: PermanentRedirect`);
      }, [], false);
    });

    it('HeadObject gives ChecksumSHA256 only with ChecksumMode ENABLED; PutObject verifies checksums; deleted and unknown keys are NotFound', async () => {
      await onClock(async () => {
        const put = await s3().send(new PutObjectCommand({ Bucket: OSAKA, Key: 'a.txt', Body: 'hello', ChecksumAlgorithm: 'SHA256' }));
        // SSE-KMS: the ETag is not the MD5 of the object (S3 API Reference, Object: ETag).
        expect(put).toMatchObject({ ChecksumSHA256: sha256('hello'), ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/), ServerSideEncryption: 'aws:kms' });
        expect(put.ETag).not.toBe(`"${createHash('md5').update('hello').digest('hex')}"`);
        const plain = await s3().send(new HeadObjectCommand({ Bucket: OSAKA, Key: 'a.txt' }));
        expect(plain.ChecksumSHA256).toBeUndefined();
        expect(plain).toMatchObject({ ETag: put.ETag, ContentLength: 5, VersionId: put.VersionId });
        expect(await s3().send(new HeadObjectCommand({ Bucket: OSAKA, Key: 'a.txt', ChecksumMode: 'ENABLED' }))).toMatchObject({ ChecksumSHA256: sha256('hello'), ChecksumType: 'FULL_OBJECT' });
        expect(await (await s3().send(new GetObjectCommand({ Bucket: OSAKA, Key: 'a.txt' }))).Body?.transformToString()).toBe('hello');
        // Written without a checksum: none to return.
        await s3().send(new PutObjectCommand({ Bucket: OSAKA, Key: 'b.txt', Body: 'x' }));
        expect((await s3().send(new HeadObjectCommand({ Bucket: OSAKA, Key: 'b.txt', ChecksumMode: 'ENABLED' }))).ChecksumSHA256).toBeUndefined();
        expect(await errorOf(s3().send(new PutObjectCommand({ Bucket: OSAKA, Key: 'c.txt', Body: 'x', ChecksumSHA256: sha256('y') })))).toBe('BadDigest');
        await s3().send(new DeleteObjectCommand({ Bucket: OSAKA, Key: 'a.txt' }));
        expect(await errorOf(s3().send(new HeadObjectCommand({ Bucket: OSAKA, Key: 'a.txt' })))).toBe('NotFound');
        expect(await errorOf(s3().send(new GetObjectCommand({ Bucket: OSAKA, Key: 'a.txt' })))).toBe('NoSuchKey');
        expect(await (await s3().send(new GetObjectCommand({ Bucket: OSAKA, Key: 'a.txt', VersionId: put.VersionId }))).Body?.transformToString()).toBe('hello');
        expect(await errorOf(s3().send(new HeadObjectCommand({ Bucket: OSAKA, Key: 'never.txt' })))).toBe('NotFound');
        expect(await errorOf(s3().send(new HeadObjectCommand({ Bucket: 'no-such-bucket', Key: 'a.txt' })))).toBe('NotFound');
        expect(await errorOf(s3(PRIMARY).send(new HeadObjectCommand({ Bucket: OSAKA, Key: 'b.txt' })))).toBe('301');
      }, [], false);
    });

    it('seedObjects replicates to the rule\'s destination, dated s3.replication-latency later; seedManifest lists the bucket as of a time', async () => {
      await onClock(async () => {
        const scratch = 'scratch/';
        const keys = seedObjects(account!.world, TOKYO, { count: 3, prefix: scratch, endAt: INCIDENT.getTime() });
        const source = await s3(PRIMARY).send(new HeadObjectCommand({ Bucket: TOKYO, Key: keys[2], ChecksumMode: 'ENABLED' }));
        const replica = await s3().send(new HeadObjectCommand({ Bucket: OSAKA, Key: keys[2], ChecksumMode: 'ENABLED' }));
        expect(replica).toMatchObject({ ETag: source.ETag, ChecksumSHA256: source.ChecksumSHA256, ContentLength: source.ContentLength });
        expect(replica.LastModified!.getTime() - source.LastModified!.getTime()).toBe((S3_DURATIONS['s3.replication-latency']?.seconds ?? NaN) * 1000);
        const written = seedManifest(account!.world, OSAKA, 'manifests/all.jsonl', { prefix: scratch, asOf: INCIDENT.getTime() });
        expect(written).toEqual({ bucket: OSAKA, key: 'manifests/all.jsonl', entries: 2 }); // the newest replica lands 30 s after the incident
        const text = await (await s3().send(new GetObjectCommand({ Bucket: OSAKA, Key: 'manifests/all.jsonl' }))).Body!.transformToString();
        expect(parseManifest(text)).toEqual({ entries: [
          { key: keys[0], checksumSHA256: expect.any(String), etag: expect.stringMatching(/^[0-9a-f]{32}$/), size: expect.any(Number) },
          { key: keys[1], checksumSHA256: expect.any(String), etag: expect.stringMatching(/^[0-9a-f]{32}$/), size: expect.any(Number) },
        ], malformed: [] });
      }, [], false);
    });

    it('seedS3ObjectChecks seeds the replica and its manifest: s3-objects passes, then names a changed and a deleted object', async () => {
      await onClock(async () => {
        expect(seedS3ObjectChecks(account!.world)).toEqual([{ check: 's3-objects', bucket: OSAKA, manifest: `s3://${OSAKA}/${MANIFEST}`, entries: S3_SEEDED_DATASET_OBJECTS }]);
        const passed = await STORAGE_CHECKS['s3-objects'](context(), spec('s3-objects'));
        expect(passed).toMatchObject({
          status: 'passed', observations: { manifestEntries: S3_SEEDED_DATASET_OBJECTS, sampled: 50, matched: 50, matchedByChecksumSHA256: 50, missing: 0, mismatched: 0 },
        });
        // Seeded over the hour up to 2 min before the incident (seedObjects' default for the drill).
        const newest = Date.parse(String(passed.observations?.newestLastModified));
        expect(newest).toBeLessThanOrEqual(INCIDENT.getTime() - 2 * 60_000);
        expect(newest).toBeGreaterThan(INCIDENT.getTime() - 62 * 60_000);

        const text = await (await s3().send(new GetObjectCommand({ Bucket: OSAKA, Key: MANIFEST }))).Body!.transformToString();
        const [changed, deleted] = sampleManifest(parseManifest(text).entries, 50, DRILL_EXECUTION).map((e) => e.key);
        await s3().send(new PutObjectCommand({ Bucket: OSAKA, Key: changed, Body: 'truncated', ChecksumAlgorithm: 'SHA256' }));
        await s3().send(new DeleteObjectCommand({ Bucket: OSAKA, Key: deleted }));
        const failed = await STORAGE_CHECKS['s3-objects'](context(), spec('s3-objects'));
        expect(failed).toMatchObject({ status: 'failed', observations: { matched: 48, missing: 1, mismatched: 1, missingKeys: [deleted], mismatchedKeys: [changed] } });
        expect(failed.detail).toContain(`1 missing: ${deleted}; 1 mismatched: ${changed} (size 9 ≠`);
        expect(account!.world.calls.filter((c) => c.command === 'HeadObject')).toHaveLength(100);
      });
    });
  });

  describe('CloudWatch S3 replication metrics', () => {
    it('s3-replication-rpo measures the simulated 30 s latency of the plan\'s rule, in the destination\'s region', async () => {
      expect(CLOUDWATCH_DURATIONS['cloudwatch.s3-replication-metric-delay']).toMatchObject({ seconds: 60, source: expect.stringContaining('minute') });
      await onClock(async () => {
        const outcome = await STORAGE_CHECKS['s3-replication-rpo'](context(), spec('s3-replication-rpo'));
        expect(outcome).toEqual({
          status: 'passed',
          detail: `s3://${TOKYO} → s3://${OSAKA} (rule datasets-to-osaka) was 30 s behind at ${new Date(INCIDENT.getTime() - 60_000).toISOString()}, ` +
            `${S3_REPLICATION_METRICS.pendingOperations} operation(s) pending (newest datapoints in the 15 min before the incident; max 30 s)`,
          observations: {
            rpoSeconds: 30, pendingOperations: S3_REPLICATION_METRICS.pendingOperations, source: 'S3 ReplicationLatency',
            measuredAt: new Date(INCIDENT.getTime() - 60_000).toISOString(), maxLatencySeconds: 30, region: SECONDARY,
          },
        });
        const call = account!.world.calls.find((c) => c.command === 'GetMetricData');
        expect(call).toMatchObject({ service: 'cloudwatch', region: SECONDARY });
        // 15 one-minute datapoints; none in the source's region, none for an unknown rule.
        const query = (RuleId: string) => ({
          StartTime: new Date(INCIDENT.getTime() - 15 * 60_000), EndTime: INCIDENT,
          MetricDataQueries: [{ Id: 'l', MetricStat: { Metric: { Namespace: 'AWS/S3', MetricName: 'ReplicationLatency', Dimensions: [
            { Name: 'SourceBucket', Value: TOKYO }, { Name: 'DestinationBucket', Value: OSAKA }, { Name: 'RuleId', Value: RuleId }] }, Period: 60, Stat: 'Maximum' } }],
        });
        const points = async (region: string, rule: string) =>
          (await new CloudWatchClient({ region }).send(new GetMetricDataCommand(query(rule)))).MetricDataResults?.[0]?.Values?.length;
        expect(await points(SECONDARY, 'datasets-to-osaka')).toBe(15);
        expect(await points(PRIMARY, 'datasets-to-osaka')).toBe(0);
        expect(await points(SECONDARY, 'replicate-to-secondary')).toBe(0);
        const unknown = await STORAGE_CHECKS['s3-replication-rpo'](context(), { ...spec('s3-replication-rpo'), ruleId: 'other-rule' });
        expect(unknown.detail).toMatch(/^no replication metrics/);
      }, [], false);
    });
  });

  describe('Route 53 health checks and DNS', () => {
    it('in the region outage the primary\'s check reports unhealthy (its endpoint is down), the secondary\'s healthy, and dns-answer passes: Route 53 failed over by itself; inverting the primary\'s check would undo it', async () => {
      await onClock(async () => {
        const r53 = new Route53Client({ region: 'us-east-1' });
        const status = async (id: string) => (await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }))).HealthCheckObservations ?? [];
        const down = await status(PRIMARY_CHECK);
        expect(down).toHaveLength(8);
        expect(down.every((o) => o.StatusReport?.Status?.startsWith('Failure'))).toBe(true);
        expect(await NETWORK_CHECKS['route53-health-check'](context(), spec('route53-health-check', 0))).toMatchObject({
          status: 'passed', observations: { healthy: false, checkers: 8, healthyCheckers: 0 },
        });
        expect(await NETWORK_CHECKS['route53-health-check'](context(), spec('route53-health-check', 1))).toMatchObject({
          status: 'passed', observations: { healthy: true, healthyCheckers: 8 },
        });
        expect(await NETWORK_CHECKS['dns-answer'](context(), spec('dns-answer'))).toMatchObject({ status: 'passed', observations: { recordData: [API_OSAKA] } });
        expect(account!.snapshot().route53).toMatchObject({ healthChecks: { [PRIMARY_CHECK]: { healthy: false }, [OSAKA_CHECK]: { healthy: true } } });

        // What the old health-check mode did: an inverted check of the dead endpoint is healthy, and DNS goes back to it.
        await r53.send(new UpdateHealthCheckCommand({ HealthCheckId: PRIMARY_CHECK, Inverted: true }));
        await new Promise((resolve) => setTimeout(resolve, (ROUTE53_DURATIONS['route53.health-check-detection']?.seconds ?? NaN) * 1000));
        expect((await status(PRIMARY_CHECK)).every((o) => o.StatusReport?.Status?.startsWith('Success'))).toBe(true);
        expect((await NETWORK_CHECKS['dns-answer'](context(), spec('dns-answer'))).status).toBe('failed');
      });
    });

    it('a check watching a failing component\'s endpoint reports unhealthy (503); an unknown id is NoSuchHealthCheck', async () => {
      const failing: Fault[] = [{ kind: 'fail', component: 'api-gateway' }];
      await onClock(async () => {
        const r53 = new Route53Client({ region: 'us-east-1' });
        const watched = { ...spec('route53-health-check', 1), healthCheckId: 'hc-watched-by-api-gateway' };
        // A check of the api-gateway component's own list watches its endpoint.
        account!.restore();
        const withWatched = { ...plan, components: plan.components.map((c) => (c.id === 'api-gateway' ? { ...c, checks: [...c.checks, watched] } : c)) as Component[] };
        account = installSimulatedAccount(withWatched, { faults: failing, incidentAt: INCIDENT.getTime() });
        const observations = (await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: watched.healthCheckId }))).HealthCheckObservations ?? [];
        expect(observations[0]?.StatusReport?.Status).toBe('Failure: HTTP Status Code 503, Service Unavailable');
        expect((await NETWORK_CHECKS['route53-health-check'](context(), watched)).status).toBe('failed');
        expect(await NETWORK_CHECKS['route53-health-check'](context(), { ...watched, healthCheckId: 'nope' })).toMatchObject({
          status: 'failed', observations: { awsError: 'NoSuchHealthCheck' },
        });
      }, failing);
    });
  });

  describe('simulated HTTP (http.ts)', () => {
    it('answers the plan\'s check URLs with 200 and their bodyContains after http.response, which the check measures on the virtual clock', async () => {
      expect(HTTP_DURATIONS['http.response']?.seconds).toBe(0.12);
      await onClock(async () => {
        const fetch = simulatedFetch(account!.world);
        const t0 = Date.now();
        const response = await fetch(AUTH_URL);
        expect(Date.now() - t0).toBe(120); // waited on the virtual clock
        expect(response.status).toBe(200);
        expect(await response.text()).toContain('ok');
        expect(await NETWORK_CHECKS.http(context(fetch), spec('http', 0))).toMatchObject({ status: 'passed', observations: { statusCode: 200, latencyMs: 120 } });
        expect(await NETWORK_CHECKS.http(context(fetch), spec('http', 1))).toMatchObject({ status: 'passed', detail: `GET ${SYSTEM_URL}: 200 in 120 ms, body contains "api ok"` });
        const error = await fetch('https://unknown.dataset-platform.example.com/').catch((e: unknown) => e as TypeError & { cause: { code: string } });
        expect(error).toBeInstanceOf(TypeError);
        expect(error).toMatchObject({ message: 'fetch failed', cause: { code: 'ENOTFOUND' } });
        expect(account!.world.calls.filter((c) => c.service === 'http').map((c) => [c.command, (c.input as { url: string }).url, c.error])).toEqual([
          ['GET', AUTH_URL, undefined], ['GET', AUTH_URL, undefined], ['GET', SYSTEM_URL, undefined], ['GET', 'https://unknown.dataset-platform.example.com/', 'ENOTFOUND'],
        ]);
      });
    });

    it('503 while the check\'s component is failing; a slow fault makes it too slow; an aborted request rejects', async () => {
      const check = (): Promise<CheckOutcome> => NETWORK_CHECKS.http(context(), spec('http', 0));
      await onClock(async () => {
        expect(await check()).toMatchObject({ status: 'failed', detail: `GET ${AUTH_URL}: status 503, expected 200; body does not contain "ok"` });
        expect(await NETWORK_CHECKS.http(context(), spec('http', 1))).toMatchObject({ status: 'passed' }); // the system check belongs to no component
      }, [{ kind: 'fail', component: 'authentication' }]);
      account?.restore();
      await onClock(async () => {
        expect(await check()).toMatchObject({ status: 'failed', detail: `GET ${AUTH_URL}: answered in 1200 ms, over maxLatencyMs 1000`, observations: { latencyMs: 1200 } });
        const controller = new AbortController();
        const pending = simulatedFetch(account!.world)(AUTH_URL, { signal: controller.signal });
        controller.abort();
        expect(await errorOf(pending)).toBe('AbortError');
      }, [{ kind: 'slow', component: 'authentication', factor: 10 }]);
    });
  });

  describe('bench-manifest-sample', () => {
    it('verifies a 10,000-object manifest sample against the simulated bucket and restores the mocks', async () => {
      const result = await benchManifestSample();
      expect(result).toEqual({ objects: 10_000, ms: expect.any(Number) });
      expect(result.ms).toBeGreaterThan(0);
      // The mocks are gone: a client reaches for the (absent) network again rather than the simulation.
      expect(await errorOf(new S3Client({ region: SECONDARY, maxAttempts: 1, endpoint: 'http://127.0.0.1:9' }).send(new HeadObjectCommand({ Bucket: OSAKA, Key: 'bench/obj-00000.bin' })))).not.toBe('no error');
    });
  });
});
