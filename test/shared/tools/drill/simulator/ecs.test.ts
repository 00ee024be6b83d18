import { ECSClient, DeleteServiceCommand, DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recover as ecsScale } from '../../../../../shared/components/ecs-scale/recover.ts';
import { ECS_DURATIONS, simulateEcs } from '../../../../../shared/tools/drill/simulator/ecs.ts';
import type { SimulatedService } from '../../../../../shared/tools/drill/simulator/service.ts';
import { World, type Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Plan } from '../../../../../shared/plan/schema.ts';
import { actionContext, exampleComponent, SECONDARY } from '../../../../support/action-context.ts';
import { drive, sleep } from '../../../../support/drive-action.ts';

const START = new Date('2026-11-29T01:05:00.000Z');
const CLUSTER = 'dataset-platform-osaka';

let plan: Plan;
let sim: SimulatedService | undefined;
let world: World;

function simulate(faults: Fault[] = [], taskStartSeconds?: number): World {
  const durations = taskStartSeconds === undefined ? ECS_DURATIONS : { 'ecs.task-start': { seconds: taskStartSeconds, source: 'test' } };
  world = new World(plan, { durations, faults });
  sim = simulateEcs(world);
  return world;
}

/** The authentication service (desired 3), checked every 10 s so the finish time is measured closely. */
async function authContext(params: { service?: string; cluster?: string } = {}) {
  const component = await exampleComponent('ecs-scale', 'authentication', params);
  return actionContext({ ...component, expectedSeconds: 10, checkIntervalSeconds: 10 });
}

const updates = () => world.calls.filter((c) => c.command === 'UpdateService' && !c.error);
const auth = () => (sim?.snapshot()[SECONDARY] as Record<string, Record<string, unknown>>)[`${CLUSTER}/auth`];

describe('simulated ECS', () => {
  beforeAll(async () => {
    plan = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
  });
  afterEach(() => {
    sim?.restore();
    sim = undefined;
  });

  it('seeds every ecs-scale service of the plan in the secondary region at 0, ACTIVE and settled', () => {
    simulate();
    expect(sim?.snapshot()).toEqual({
      [SECONDARY]: Object.fromEntries(
        ['auth', 'web', 'reports'].map((s) => [`${CLUSTER}/${s}`, { status: 'ACTIVE', desiredCount: 0, runningCount: 0, pendingCount: 0, rolloutState: 'COMPLETED' }]),
      ),
    });
  });

  it('scales the service out: tasks pending, then running one by one until steady after ecs.task-start', async () => {
    simulate();
    const ctx = await authContext();
    const seen: unknown[] = [];
    const result = await withVirtualClock(START, async () => {
      const t0 = Date.now();
      const run = drive(ecsScale, ctx);
      // The first sample follows the action's UpdateService (on a busy machine the SDK's I/O can take
      // longer than a zero-length sleep; setImmediate is real and lets that I/O progress).
      while (updates().length === 0) await new Promise((resolve) => setImmediate(resolve));
      // Sample the service as time passes (the action's checks run concurrently on the same clock).
      for (const at of [0, 35, 65, 90]) {
        await sleep(at - (Date.now() - t0) / 1000);
        seen.push({ at, ...auth() });
      }
      return run;
    });
    expect(result.seconds).toBe(ECS_DURATIONS['ecs.task-start']?.seconds);
    expect(seen.map((s) => [(s as { runningCount: number }).runningCount, (s as { pendingCount: number }).pendingCount])).toEqual([[0, 3], [1, 2], [2, 1], [3, 0]]);
    expect(seen[1]).toMatchObject({ desiredCount: 3, rolloutState: 'IN_PROGRESS' });
    expect(auth()).toEqual({ status: 'ACTIVE', desiredCount: 3, runningCount: 3, pendingCount: 0, rolloutState: 'COMPLETED' });
    expect(updates()).toHaveLength(1);
    expect(updates()[0]).toMatchObject({ region: SECONDARY, input: { cluster: CLUSTER, service: 'auth', desiredCount: 3 } });
  });

  it('sends no second UpdateService on a re-run, whether under way or done', async () => {
    simulate([], 300);
    const ctx = await authContext();
    await withVirtualClock(START, async () => {
      await ecsScale.start(ctx);
      await sleep(100);
      expect(await ecsScale.start(ctx)).toMatchObject({ done: false, status: 'running 1/3, 1 deployment(s)' });
      await sleep(200);
      expect(await ecsScale.start(ctx)).toMatchObject({ done: true, status: 'running 3/3, 1 deployment(s)' });
    });
    expect(updates()).toHaveLength(1);
  });

  it('a slow fault multiplies the time to steady state', async () => {
    simulate([{ kind: 'slow', component: 'authentication', factor: 3 }], 100);
    const result = await withVirtualClock(START, async () => drive(ecsScale, await authContext()));
    expect(result.seconds).toBe(300);
  });

  it('a fail fault ends the deployment FAILED (circuit breaker): ActionFailedError', async () => {
    simulate([{ kind: 'fail', component: 'authentication' }]);
    const ctx = await authContext();
    const failure = await withVirtualClock(START, async () => drive(ecsScale, ctx).catch((e: unknown) => ({ error: e, at: (Date.now() - START.getTime()) / 1000 })));
    expect(failure).toMatchObject({
      error: { name: 'ActionFailedError', message: 'ECS deployment failed: ECS deployment circuit breaker: tasks failed to start.' },
      at: ECS_DURATIONS['ecs.task-start']?.seconds,
    });
    expect(auth()).toMatchObject({ desiredCount: 3, runningCount: 0, pendingCount: 0, rolloutState: 'FAILED', failedTasks: 3 });
  });

  it('reports a missing service in failures[] (MISSING), not thrown, and the action fails ResourceNotFoundError', async () => {
    simulate();
    const ctx = await authContext({ service: 'payments' });
    const out = await ctx.clients.get(ECSClient, SECONDARY).send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['payments', 'auth'] }));
    expect(out.services?.map((s) => s.serviceName)).toEqual(['auth']);
    expect(out.failures).toEqual([{ arn: `arn:aws:ecs:${SECONDARY}:000000000000:service/${CLUSTER}/payments`, reason: 'MISSING' }]);
    await expect(ecsScale.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    await expect(ctx.clients.get(ECSClient, SECONDARY).send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'payments', desiredCount: 1 }))).rejects.toMatchObject({
      name: 'ServiceNotFoundException',
    });
    expect(updates()).toHaveLength(0);
  });

  it('refuses an unknown cluster with ClusterNotFoundException (also in the primary region, where nothing is seeded)', async () => {
    simulate();
    const ctx = await authContext({ cluster: 'other' });
    await expect(ctx.clients.get(ECSClient, SECONDARY).send(new DescribeServicesCommand({ cluster: 'other', services: ['auth'] }))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(ctx.clients.get(ECSClient, 'ap-northeast-1').send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['auth'] }))).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
    });
    await expect(ecsScale.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
  });

  it('a throttle fault fails the first N attempts with ThrottlingException: the SDK retries each call 3 times, then AwsThrottlingError to the action', async () => {
    // Each call is tried 3 times by the SDK's retry middleware (intercept.ts): 6 throttles fail two calls.
    simulate([{ kind: 'throttle', service: 'ecs', calls: 6 }]);
    const ctx = await authContext();
    await expect(ctx.clients.get(ECSClient, SECONDARY).send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['auth'] }))).rejects.toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
    });
    await expect(ecsScale.start(ctx)).rejects.toMatchObject({ name: 'AwsThrottlingError' });
    await expect(ecsScale.start(ctx)).resolves.toMatchObject({ done: false });
    expect(world.calls.map((c) => [c.command, c.error ?? null])).toEqual([
      ...Array.from({ length: 6 }, () => ['DescribeServices', 'ThrottlingException']),
      ['DescribeServices', null],
      ['UpdateService', null],
    ]);
  });

  it('refuses a command it does not simulate', async () => {
    simulate();
    const ctx = await authContext();
    await expect(ctx.clients.get(ECSClient, SECONDARY).send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'auth' }))).rejects.toMatchObject({
      name: 'UnsupportedBySimulator',
    });
  });
});
