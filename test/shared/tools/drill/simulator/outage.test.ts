import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { GetHealthCheckCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetBucketVersioningCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig, CLIENT_TIMEOUTS, ROUTE53_REGION } from '../../../../../shared/aws/clients.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Plan } from '../../../../../shared/plan/schema.ts';
import { installSimulatedAccount, scenarioLosesPrimaryRegion, type SimulatedAccount } from '../../../../../shared/tools/drill/simulator/index.ts';
import { UNANSWERED } from '../../../../../shared/tools/drill/simulator/service.ts';
import type { Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { PRIMARY, SECONDARY } from '../../../../support/action-context.ts';

/**
 * The drill's region outage black-holes every regional endpoint of the primary region (simulator/service.ts
 * `answer`): a call there hangs until the client's timeouts end it, on the simulated clock, then fails as the
 * SDK fails it. Our clients (shared/aws/clients.ts) connect within 3 s; the SDK's own retry middleware (the
 * simulator answers beneath it: intercept.ts) makes 3 attempts, with its jittered backoff between them (at
 * most 50 ms, then 100 ms; Math.random is seeded on the virtual clock, so a run repeats exactly).
 */

const INCIDENT = new Date('2026-11-29T09:10:00.000Z');
const START = new Date(INCIDENT.getTime() + 20 * 60_000);
/** The most the SDK's two backoffs between 3 attempts add (full jitter of 50 ms × 2^retry: @smithy/core util-retry). */
const BACKOFFS_MAX_MS = 50 + 100;
/** A black-holed call of ours: 3 attempts of `attemptMs` (the 3 s connection timeout), and the backoffs between them. */
const blackHoled = (attemptMs: number = CLIENT_TIMEOUTS.connectionMs) =>
  expect.toSatisfy((ms: number) => ms >= 3 * attemptMs && ms < 3 * attemptMs + BACKOFFS_MAX_MS, `3 × ${attemptMs} ms and the backoffs`);
const EXAMPLE = new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname;
const SECOND = new URL('../../../../fixtures/plans/second-shape.plan.yml', import.meta.url).pathname;

let plan: Plan;
let account: SimulatedAccount | undefined;

/** The example plan's account during its region-outage scenario, from START (20 min after the incident). */
const onClock = <T>(work: () => Promise<T>, options: { faults?: Fault[]; scenario?: string; at?: Date } = {}) =>
  withVirtualClock(options.at ?? START, async () => {
    account = installSimulatedAccount(plan, { faults: options.faults, incidentAt: INCIDENT.getTime(), primaryDown: true, scenario: options.scenario ?? 'region-outage' });
    return work();
  });

/** How a call ends and how much simulated time it took. */
async function timed(call: () => Promise<unknown>): Promise<{ ms: number; error: (Error & { code?: string; cause?: unknown }) | null }> {
  const t0 = Date.now();
  const error = await call().then(() => null, (e: Error) => e);
  return { ms: Date.now() - t0, error };
}

/** One call to each of S3, ECS, SSM and CloudWatch in a region, each with a client as the functions build it. */
const calls = (region: string) => ({
  s3: () => new S3Client(clientConfig(S3Client, region)).send(new GetBucketVersioningCommand({ Bucket: 'dataset-platform-datasets-tokyo' })),
  ecs: () => new ECSClient(clientConfig(ECSClient, region)).send(new DescribeServicesCommand({ cluster: 'dataset-platform-osaka', services: ['auth'] })),
  ssm: () => new SSMClient(clientConfig(SSMClient, region)).send(new GetParameterCommand({ Name: '/dataset-platform/storage/bucket' })),
  cloudwatch: () => new CloudWatchClient(clientConfig(CloudWatchClient, region)).send(new DescribeAlarmsCommand({ AlarmNames: ['dataset-platform-tokyo-region-down'] })),
});

describe('the drill\'s region outage: every endpoint of the primary region is black-holed', () => {
  beforeAll(async () => {
    plan = await loadPlanFile(EXAMPLE);
  });
  afterEach(() => {
    account?.restore();
    account = undefined;
  });

  it('S3, ECS, SSM and CloudWatch calls to the primary region time out after 3 attempts of 3 s of simulated time, with TimeoutError', async () => {
    await onClock(async () => {
      for (const [service, call] of Object.entries(calls(PRIMARY))) {
        // Act
        const { ms, error } = await timed(call);
        // Assess
        expect({ service, ms, name: error?.name }).toEqual({ service, ms: blackHoled(), name: 'TimeoutError' });
        expect(error?.message).toContain('did not establish a connection with the server within the configured timeout of 3000 ms');
      }
      // Each attempt reaches the simulator (the SDK retries beneath nothing of ours).
      expect(account!.world.calls.map((c) => `${c.service} ${c.region} ${c.error ?? ''}`)).toEqual(
        ['s3', 'ecs', 'ssm', 'cloudwatch'].flatMap((service) => Array.from({ length: 3 }, () => `${service} ${PRIMARY} TimeoutError`)),
      );
    });
  });

  it('the same calls to the secondary region are answered at once (an AWS error is an answer)', async () => {
    await onClock(async () => {
      for (const [service, call] of Object.entries(calls(SECONDARY))) {
        const { ms, error } = await timed(call);
        expect({ service, ms, timedOut: error?.name === 'TimeoutError' }).toEqual({ service, ms: 0, timedOut: false });
      }
    });
  });

  it('an abortSignal ends the call earlier, when it fires on the simulated clock: AbortError, never retried', async () => {
    await onClock(async () => {
      // Act: the split-brain probe's bound (shared/aws/reachability.ts PROBE_TIMEOUT_MS).
      const rds = await timed(() => new ECSClient(clientConfig(ECSClient, PRIMARY))
        .send(new DescribeServicesCommand({ cluster: 'c', services: ['s'] }), { abortSignal: AbortSignal.timeout(5000) }));
      // A signal that fires after the client gave up changes nothing.
      const late = await timed(() => new SSMClient(clientConfig(SSMClient, PRIMARY))
        .send(new GetParameterCommand({ Name: 'x' }), { abortSignal: AbortSignal.timeout(60_000) }));
      // Assess
      expect(rds).toMatchObject({ ms: 5000, error: { name: 'AbortError', message: 'Request aborted', cause: { name: 'TimeoutError' } } });
      expect(late).toMatchObject({ ms: blackHoled(), error: { name: 'TimeoutError' } });
      // The first call: one attempt timed out at 3 s, the second aborted at 5 s (never retried); the second call: 3 attempts.
      expect(account!.world.calls.map((c) => c.error)).toEqual(['TimeoutError', 'AbortError', 'TimeoutError', 'TimeoutError', 'TimeoutError']);
    });
  });

  it('a signal already aborted is refused at once, as the SDK does, wherever the call goes', async () => {
    await onClock(async () => {
      const controller = new AbortController();
      controller.abort();
      const { ms, error } = await timed(() => new S3Client(clientConfig(S3Client, SECONDARY))
        .send(new GetBucketVersioningCommand({ Bucket: 'dataset-platform-datasets-osaka' }), { abortSignal: controller.signal }));
      expect({ ms, name: error?.name }).toEqual({ ms: 0, name: 'AbortError' });
    });
  });

  it('follows each client\'s own settings: one attempt (maxAttempts 1); a request timeout only; no timeout at all (the OS connect timeout, ETIMEDOUT)', async () => {
    await onClock(async () => {
      const get = new GetParameterCommand({ Name: '/dataset-platform/storage/bucket' });
      // Act
      const once = await timed(() => new SSMClient({ ...clientConfig(SSMClient, PRIMARY), maxAttempts: 1 }).send(get));
      const requestOnly = await timed(() => new SSMClient({ region: PRIMARY, requestHandler: { requestTimeout: 2_000, throwOnRequestTimeout: true } }).send(get));
      const bare = await timed(() => new SSMClient({ region: PRIMARY }).send(get));
      // Assess
      expect(once).toMatchObject({ ms: CLIENT_TIMEOUTS.connectionMs, error: { name: 'TimeoutError' } });
      expect(requestOnly).toMatchObject({ ms: blackHoled(2_000), error: { name: 'TimeoutError', code: 'ETIMEDOUT', message: expect.stringContaining('2000 ms requestTimeout') } });
      expect(bare).toMatchObject({ ms: blackHoled(UNANSWERED.osConnectTimeoutMs), error: { name: 'Error', code: 'ETIMEDOUT', message: expect.stringMatching(/^connect ETIMEDOUT/) } });
    });
  });

  it('before the incident the primary region answers; Route 53 (global, us-east-1) answers through the outage', async () => {
    await onClock(async () => {
      // Answered at once (the parameter lives in the secondary region only).
      expect(await timed(calls(PRIMARY).ssm)).toMatchObject({ ms: 0, error: { name: 'ParameterNotFound' } });
    }, { at: new Date(INCIDENT.getTime() - 60_000) });
    account?.restore();
    await onClock(async () => {
      const r53 = new Route53Client(clientConfig(Route53Client, ROUTE53_REGION));
      expect(await timed(() => r53.send(new GetHealthCheckCommand({ HealthCheckId: 'nope' })))).toMatchObject({ ms: 0, error: { name: 'NoSuchHealthCheck' } });
    });
  });

  it('a control plane injected down (control-plane-down:route53) hangs the same way', async () => {
    await onClock(async () => {
      const r53 = new Route53Client(clientConfig(Route53Client, ROUTE53_REGION));
      expect(await timed(() => r53.send(new GetHealthCheckCommand({ HealthCheckId: 'x' })))).toMatchObject({ ms: blackHoled(), error: { name: 'TimeoutError' } });
    }, { faults: [{ kind: 'control-plane-down', service: 'route53' }] });
  });

  it('no region outage with the primary writable (primary-writable), nor in a scenario that is not one', async () => {
    await onClock(async () => {
      expect((await timed(calls(PRIMARY).ssm)).ms).toBe(0);
    }, { faults: [{ kind: 'primary-writable' }] });
    account?.restore();
    await onClock(async () => {
      // The storage failure restores the bucket in the primary region: it answers.
      expect((await timed(calls(PRIMARY).s3)).error).toBeNull();
      expect(account!.world.regionOutage).toBe(false);
    }, { scenario: 'storage-failure' });
  });

  it('endRegionOutage: from then on the primary region answers again (PutBucketVersioning on its bucket works); before it, it was down', async () => {
    await onClock(async () => {
      const world = account!.world;
      const tokyo = new S3Client(clientConfig(S3Client, PRIMARY));
      const suspend = () => tokyo.send(new PutBucketVersioningCommand({ Bucket: 'dataset-platform-datasets-tokyo', VersioningConfiguration: { Status: 'Suspended' } }));
      // Prepare: down, as from the incident.
      const during = await timed(suspend);
      const endedAt = Date.now();
      // Act
      world.endRegionOutage();
      const after = await Promise.all(Object.values(calls(PRIMARY)).map(timed));
      const suspended = await timed(suspend);
      // Assess
      expect({ ms: during.ms, name: during.error?.name }).toEqual({ ms: blackHoled(), name: 'TimeoutError' });
      // Answered at once (an AWS error is an answer: the parameter and the alarm live in the secondary region only).
      expect(after.map((a) => [a.ms, a.error?.name === 'TimeoutError'])).toEqual([[0, false], [0, false], [0, false], [0, false]]);
      expect(suspended).toEqual({ ms: 0, error: null });
      expect(account!.snapshot().s3).toMatchObject({ buckets: { 'dataset-platform-datasets-tokyo': { versioning: 'Suspended' } } });
      // The outage is history: down from the incident until its end, not after.
      expect([INCIDENT.getTime(), endedAt - 1, endedAt, endedAt + 3600_000].map((t) => world.regionDown(PRIMARY, t))).toEqual([true, true, false, false]);
      expect([world.outageOver(endedAt - 1), world.outageOver(endedAt), world.outageEndedAt]).toEqual([false, true, endedAt]);
      expect(world.regionDown(SECONDARY)).toBe(false);
    });
  });

  it('endRegionOutage at a later time: down until then; never called, the region stays down', async () => {
    await onClock(async () => {
      const world = account!.world;
      world.endRegionOutage(START.getTime() + 60_000);
      expect((await timed(calls(PRIMARY).ssm)).error?.name).toBe('TimeoutError');
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      expect(await timed(calls(PRIMARY).ssm)).toMatchObject({ ms: 0, error: { name: 'ParameterNotFound' } });
    });
    account?.restore();
    await onClock(async () => {
      expect(account!.world.outageOver(START.getTime() + 30 * 86_400_000)).toBe(false);
      expect(account!.world.regionDown(PRIMARY, START.getTime() + 30 * 86_400_000)).toBe(true);
    });
  });

  it('a region outage is an unplanned scenario that moves DNS away from the primary and acts on nothing in it', async () => {
    const second = await loadPlanFile(SECOND);
    // Only the region outage loses the primary region (the plan's other scenarios, re-protect and failback among them, do not).
    const losing = plan.scenarios.filter((s) => scenarioLosesPrimaryRegion(plan, s.id)).map((s) => s.id);
    expect(losing).toEqual(['region-outage']);
    expect(plan.scenarios.map((s) => s.id)).toEqual(expect.arrayContaining(['region-outage', 'database-failure', 'storage-failure']));
    expect(Object.fromEntries(second.scenarios.map((s) => [s.id, scenarioLosesPrimaryRegion(second, s.id)]))).toEqual({
      'planned-switchover': false, 'region-failover': true, 'catalogue-corruption': false,
    });
  });
});
