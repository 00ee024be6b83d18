import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHealthCheckCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  TestDNSAnswerCommand,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recover as route53Failover } from '../../../../../shared/components/route53-failover/recover.ts';
import type { ActionContext, ActionProgress } from '../../../../../shared/components/types.ts';
import { ROUTE53_DURATIONS, simulateRoute53 } from '../../../../../shared/tools/drill/simulator/route53.ts';
import { World, type Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Component, ComponentOf, Plan } from '../../../../../shared/plan/schema.ts';
import { INCIDENT, actionContext } from '../../../../support/action-context.ts';

const START = new Date(INCIDENT.getTime() + 5 * 60_000);
const ZONE = 'Z0EXAMPLE123ABC';
const NAME = 'api.dataset-platform.example.com';
const HEALTH_CHECK = '1d2f3a4b-7c1e-4c5d-9e8f-0a1b2c3d4e5f';
const OSAKA = 'api-osaka.dataset-platform.example.com';
const TOKYO = 'api-ap-northeast-1.dataset-platform.example.com';
const seconds = (key: string) => ROUTE53_DURATIONS[key]?.seconds ?? Number.NaN;
const sleep = (s: number) => new Promise((resolve) => setTimeout(resolve, s * 1000));
const errorOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: Error) => e.name);

/** A record-mode component beside the example's health-check one: a simple record in its own zone. */
const web: ComponentOf<'route53-failover'> = {
  checks: [],
  id: 'web-dns', name: 'Web DNS (record UPSERT)', type: 'route53-failover', timeoutMinutes: 20, checkIntervalSeconds: 15,
  params: { mode: 'record', hostedZoneId: 'Z0WEB000000001', recordName: 'www.dataset-platform.example.net', recordType: 'A',
    secondaryTarget: { values: ['198.51.100.20'], ttl: 60 }, expectedAnswer: ['198.51.100.20'] },
};
/** A record-mode component that changes one failover record by its SetIdentifier. */
const files: ComponentOf<'route53-failover'> = {
  checks: [],
  id: 'files-dns', name: 'Files DNS (failover record UPSERT)', type: 'route53-failover', timeoutMinutes: 20, checkIntervalSeconds: 15,
  params: { mode: 'record', hostedZoneId: ZONE, recordName: 'files.dataset-platform.example.com', recordType: 'CNAME', setIdentifier: 'tokyo',
    secondaryTarget: { values: ['files-osaka.dataset-platform.example.com'], ttl: 60 }, expectedAnswer: ['files-osaka.dataset-platform.example.com'] },
};

let plan: Plan;
let world: World;
let sim: { restore(): void; snapshot(): Record<string, unknown> } | undefined;

function simulate(faults: Fault[] = []) {
  world = new World(plan, { durations: ROUTE53_DURATIONS, faults });
  sim = simulateRoute53(world);
}
const api = () => plan.components.find((c) => c.id === 'api-gateway') as ComponentOf<'route53-failover'>;
const ctxOf = (c: ComponentOf<'route53-failover'>): ActionContext<'route53-failover'> =>
  actionContext(c, { regions: plan.regions, now: new Date() });
const sent = (command: string) => world.calls.filter((c) => c.command === command && !c.error);
type Snapshot = {
  hostedZones: Record<string, { name: string; dnsAnswers: Record<string, string[]> }>;
  healthChecks: Record<string, { version: number; inverted: boolean; healthy: boolean }>;
  changes: Record<string, string>;
};
const snapshot = () => sim?.snapshot() as Snapshot;
const r53 = () => new Route53Client({ region: 'us-east-1' });
const dns = async (zone = ZONE, name = NAME, type: 'CNAME' | 'A' = 'CNAME') =>
  (await r53().send(new TestDNSAnswerCommand({ HostedZoneId: zone, RecordName: name, RecordType: type }))).RecordData;

async function drive(c: ComponentOf<'route53-failover'>) {
  const t0 = Date.now();
  let progress: ActionProgress = await route53Failover.start(ctxOf(c));
  while (!progress.done) {
    await sleep(progress.nextCheckSeconds);
    if (Date.now() - t0 > 3600_000) throw new Error(`not done after an hour: ${progress.status}`);
    progress = await route53Failover.check(ctxOf(c), progress.state);
  }
  return { seconds: (Date.now() - t0) / 1000, progress };
}

describe('simulated Route 53', () => {
  beforeAll(async () => {
    const example = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
    plan = { ...example, components: [...example.components, web, files] as Component[] };
  });
  afterEach(() => {
    sim?.restore();
    sim = undefined;
  });

  it('seeds the failover record pair with the primary\'s health check, and the record-mode records', async () => {
    simulate();
    await withVirtualClock(START, async () => {
      const { ResourceRecordSets } = await r53().send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE, StartRecordName: NAME, StartRecordType: 'CNAME' }));
      expect(ResourceRecordSets).toEqual([
        { Name: `${NAME}.`, Type: 'CNAME', TTL: 60, SetIdentifier: 'primary', Failover: 'PRIMARY', HealthCheckId: HEALTH_CHECK, ResourceRecords: [{ Value: TOKYO }] },
        { Name: `${NAME}.`, Type: 'CNAME', TTL: 60, SetIdentifier: 'secondary', Failover: 'SECONDARY', ResourceRecords: [{ Value: OSAKA }] },
        // Route 53 lists by name with its labels reversed: com.example.dataset-platform.files comes after …api.
        expect.objectContaining({ Name: 'files.dataset-platform.example.com.', SetIdentifier: 'tokyo', Failover: 'PRIMARY' }),
      ]);
      const { HealthCheck } = await r53().send(new GetHealthCheckCommand({ HealthCheckId: HEALTH_CHECK }));
      expect(HealthCheck).toMatchObject({ HealthCheckVersion: 1, HealthCheckConfig: { Inverted: false, RequestInterval: 30, FailureThreshold: 3, FullyQualifiedDomainName: TOKYO } });
      expect(await dns()).toEqual([TOKYO]);
      expect(await dns('Z0WEB000000001', 'www.dataset-platform.example.net', 'A')).toEqual(['192.0.2.10']);
    });
  });

  it('health-check mode: inverting the check makes DNS answer the secondary after route53.health-check-failover', async () => {
    simulate();
    const result = await withVirtualClock(START, () => drive(api()));
    const d = seconds('route53.health-check-failover');
    expect(result.seconds).toBeGreaterThanOrEqual(d);
    expect(result.seconds).toBeLessThan(d + api().checkIntervalSeconds);
    expect(result.progress.observations).toMatchObject({ mode: 'health-check', healthCheckInverted: true, dnsAnswer: [OSAKA], dnsResponseCode: 'NOERROR' });
    expect(sent('UpdateHealthCheck').map((c) => c.input)).toEqual([{ HealthCheckId: HEALTH_CHECK, HealthCheckVersion: 1, Inverted: true }]);
    await withVirtualClock(new Date(START.getTime() + d * 1000), async () => {
      expect(snapshot().healthChecks[HEALTH_CHECK]).toEqual({ version: 2, inverted: true, disabled: false, healthy: false });
      expect(snapshot().hostedZones[ZONE]?.dnsAnswers[`${NAME} CNAME`]).toEqual([OSAKA]);
      // start again: already inverted, no second update; it just verifies.
      expect(await route53Failover.start(ctxOf(api()))).toMatchObject({ done: true });
    });
    expect(sent('UpdateHealthCheck')).toHaveLength(1);
  });

  it('health-check mode: DNS keeps answering the primary until the checkers have seen the inversion', async () => {
    simulate();
    await withVirtualClock(START, async () => {
      await route53Failover.start(ctxOf(api()));
      await sleep(seconds('route53.health-check-failover') - 1);
      expect(await dns()).toEqual([TOKYO]);
      await sleep(1);
      expect(await dns()).toEqual([OSAKA]);
    });
  });

  it('record mode: the UPSERT is PENDING, then INSYNC after route53.change-propagation, and DNS answers the new value', async () => {
    simulate();
    const result = await withVirtualClock(START, () => drive(web));
    const d = seconds('route53.change-propagation');
    expect(result.seconds).toBeGreaterThanOrEqual(d);
    expect(result.seconds).toBeLessThan(d + web.checkIntervalSeconds);
    const changeId = result.progress.state.changeId as string;
    expect(changeId).toMatch(/^\/change\/C/);
    await withVirtualClock(new Date(START.getTime() + d * 1000), async () => {
      expect(snapshot().changes).toEqual({ [changeId.replace('/change/', '')]: 'INSYNC' });
      expect(snapshot().hostedZones.Z0WEB000000001?.dnsAnswers).toEqual({ 'www.dataset-platform.example.net A': ['198.51.100.20'] });
      // start again: the record already holds the target, no second change; it just verifies.
      expect(await route53Failover.start(ctxOf(web))).toMatchObject({ done: true });
    });
    expect(sent('ChangeResourceRecordSets')).toHaveLength(1);
  });

  it('record mode by SetIdentifier: keeps the failover routing and answers the new value once in sync', async () => {
    simulate();
    await withVirtualClock(START, async () => {
      const first = await route53Failover.start(ctxOf(files));
      const changeId = first.state.changeId as string;
      expect((await r53().send(new GetChangeCommand({ Id: changeId }))).ChangeInfo?.Status).toBe('PENDING');
      expect(await dns(ZONE, files.params.recordName)).toEqual([`files-ap-northeast-1.dataset-platform.example.com`]);
      await sleep(seconds('route53.change-propagation'));
      expect((await r53().send(new GetChangeCommand({ Id: changeId }))).ChangeInfo?.Status).toBe('INSYNC');
      expect(await route53Failover.check(ctxOf(files), first.state)).toMatchObject({ done: true });
    });
    const upsert = sent('ChangeResourceRecordSets')[0]?.input as { ChangeBatch: { Changes: { ResourceRecordSet: unknown }[] } };
    expect(upsert.ChangeBatch.Changes[0]?.ResourceRecordSet).toMatchObject({ SetIdentifier: 'tokyo', Failover: 'PRIMARY' });
  });

  it('answers AWS\'s errors: stale health-check version, unknown zone, health check and change, bad batches', async () => {
    simulate();
    await withVirtualClock(START, async () => {
      const client = r53();
      await client.send(new UpdateHealthCheckCommand({ HealthCheckId: HEALTH_CHECK, HealthCheckVersion: 1, FailureThreshold: 2 }));
      expect(await errorOf(client.send(new UpdateHealthCheckCommand({ HealthCheckId: HEALTH_CHECK, HealthCheckVersion: 1, Inverted: true })))).toBe('HealthCheckVersionMismatch');
      expect(await errorOf(client.send(new GetHealthCheckCommand({ HealthCheckId: 'nope' })))).toBe('NoSuchHealthCheck');
      expect(await errorOf(client.send(new UpdateHealthCheckCommand({ HealthCheckId: 'nope', Inverted: true })))).toBe('NoSuchHealthCheck');
      expect(await errorOf(client.send(new TestDNSAnswerCommand({ HostedZoneId: 'ZNOPE', RecordName: NAME, RecordType: 'CNAME' })))).toBe('NoSuchHostedZone');
      expect(await errorOf(client.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZNOPE' })))).toBe('NoSuchHostedZone');
      expect(await errorOf(client.send(new GetChangeCommand({ Id: '/change/CNOPE' })))).toBe('NoSuchChange');
      const create = new ChangeResourceRecordSetsCommand({
        HostedZoneId: ZONE,
        ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: { Name: NAME, Type: 'CNAME', SetIdentifier: 'primary', TTL: 60, ResourceRecords: [{ Value: 'x' }] } }] },
      });
      const rejected = await client.send(create).catch((e: Error & { messages?: string[] }) => e);
      expect(rejected).toMatchObject({ name: 'InvalidChangeBatch', messages: [expect.stringContaining('already exists')] });
    });
    // The action re-reads the version on its retry: a concurrent edit is a busy resource, not a failure.
    expect(sent('UpdateHealthCheck')).toHaveLength(1);
  });

  it('takes factor times longer with a slow fault', async () => {
    simulate([{ kind: 'slow', component: 'api-gateway', factor: 2 }, { kind: 'slow', component: 'web-dns', factor: 3 }]);
    const hc = await withVirtualClock(START, () => drive(api()));
    expect(hc.seconds).toBeGreaterThanOrEqual(2 * seconds('route53.health-check-failover'));
    expect(hc.seconds).toBeLessThan(2 * seconds('route53.health-check-failover') + api().checkIntervalSeconds);
    const record = await withVirtualClock(START, () => drive(web));
    expect(record.seconds).toBeGreaterThanOrEqual(3 * seconds('route53.change-propagation'));
    expect(record.seconds).toBeLessThan(3 * seconds('route53.change-propagation') + web.checkIntervalSeconds);
  });

  it('fails closed with a fail fault: the update is refused and the action raises UnexpectedStateError', async () => {
    simulate([{ kind: 'fail', component: 'api-gateway' }, { kind: 'fail', component: 'web-dns' }]);
    await withVirtualClock(START, async () => {
      expect(await errorOf(route53Failover.start(ctxOf(api())))).toBe('UnexpectedStateError');
      expect(await errorOf(route53Failover.start(ctxOf(web)))).toBe('UnexpectedStateError');
      expect(await dns()).toEqual([TOKYO]);
    });
    expect(world.calls.filter((c) => c.error).map((c) => `${c.command}: ${c.error}`)).toEqual([
      'UpdateHealthCheck: InvalidInput',
      'ChangeResourceRecordSets: InvalidChangeBatch',
    ]);
  });

  it('throttles the first N calls with Throttling, which the action reports as AwsThrottlingError; state is not per region', async () => {
    simulate([{ kind: 'throttle', service: 'route53', calls: 2 }]);
    await withVirtualClock(START, async () => {
      expect(await errorOf(route53Failover.start(ctxOf(api())))).toBe('AwsThrottlingError');
      expect(await errorOf(route53Failover.start(ctxOf(api())))).toBe('AwsThrottlingError');
      expect(await route53Failover.start(ctxOf(api()))).toMatchObject({ done: false, status: `health check ${HEALTH_CHECK} inverted` });
      // A client built for another region reaches the same (global) Route 53.
      const other = new Route53Client({ region: 'ap-northeast-3' });
      expect((await other.send(new GetHealthCheckCommand({ HealthCheckId: HEALTH_CHECK }))).HealthCheck?.HealthCheckVersion).toBe(2);
    });
    expect(world.calls.slice(0, 2).map((c) => c.error)).toEqual(['Throttling', 'Throttling']);
  });
});
