import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  TestDNSAnswerCommand,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recover as route53Failover } from '../../../../../shared/components/route53-failover/recover.ts';
import type { ActionContext } from '../../../../../shared/components/types.ts';
import { clientConfig } from '../../../../../shared/aws/clients.ts';
import { parseInject } from '../../../../../shared/tools/drill/inject.ts';
import { ROUTE53_DURATIONS, simulateRoute53 } from '../../../../../shared/tools/drill/simulator/route53.ts';
import { World, type Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Component, ComponentOf, Plan } from '../../../../../shared/plan/schema.ts';
import { INCIDENT, actionContext } from '../../../../support/action-context.ts';
import { drive, sleep } from '../../../../support/drive-action.ts';

const START = new Date(INCIDENT.getTime() + 5 * 60_000);
const ZONE = 'Z0EXAMPLE123ABC';
const NAME = 'api.dataset-platform.example.com';
const HEALTH_CHECK = '1d2f3a4b-7c1e-4c5d-9e8f-0a1b2c3d4e5f';
const OSAKA = 'api-osaka.dataset-platform.example.com';
// The example plan's primaryAnswer: what the primary record answers.
const TOKYO = 'api-tokyo.dataset-platform.example.com';
const seconds = (key: string) => ROUTE53_DURATIONS[key]?.seconds ?? Number.NaN;
const DETECTION = seconds('route53.health-check-detection');
const errorOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: Error) => e.name);

/** A record-mode component beside the health-check one: a simple record in its own zone. */
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

/** The simulated Route 53; `outage`: the drill's incident takes the primary region down at INCIDENT. */
function simulate(faults: Fault[] = [], outage = false) {
  world = new World(plan, { durations: ROUTE53_DURATIONS, faults, primaryDown: outage, incidentAt: INCIDENT.getTime() });
  sim = simulateRoute53(world);
}
/** The example's API record, here in health-check mode (the example itself uses routing controls: route53-recovery-cluster.test.ts). */
const api = () => plan.components.find((c) => c.id === 'api-gateway') as ComponentOf<'route53-failover'>;
const ctxOf = (c: ComponentOf<'route53-failover'>, mode: 'planned' | 'unplanned' = 'unplanned'): ActionContext<'route53-failover'> =>
  actionContext(c, { regions: plan.regions, mode, now: new Date() });
const sent = (command: string) => world.calls.filter((c) => c.command === command && !c.error);
type Snapshot = {
  hostedZones: Record<string, { name: string; dnsAnswers: Record<string, string[]> }>;
  healthChecks: Record<string, { type: string; version: number; inverted: boolean; disabled: boolean; healthy: boolean }>;
  changes: Record<string, string>;
};
const snapshot = () => sim?.snapshot() as Snapshot;
/** A client as the functions build it (shared/aws/clients.ts): its timeouts end a call the control plane does not answer. */
const r53 = () => new Route53Client(clientConfig(Route53Client, 'us-east-1'));
const dns = async (zone = ZONE, name = NAME, type: 'CNAME' | 'A' = 'CNAME') =>
  (await r53().send(new TestDNSAnswerCommand({ HostedZoneId: zone, RecordName: name, RecordType: type }))).RecordData;
const status = async (id = HEALTH_CHECK) => (await r53().send(new GetHealthCheckStatusCommand({ HealthCheckId: id }))).HealthCheckObservations ?? [];

/** The action driven to done as the state machine would, each step with a fresh context (limit: an hour). */
const driveFailover = (c: ComponentOf<'route53-failover'>) => drive(route53Failover, () => ctxOf(c), 3600);

describe('simulated Route 53', () => {
  beforeAll(async () => {
    const example = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
    const healthCheckMode = (c: Component): Component =>
      c.id !== 'api-gateway' || c.type !== 'route53-failover'
        ? c
        : { ...c, params: { ...c.params, mode: 'health-check', primaryHealthCheckId: HEALTH_CHECK, clusterEndpoints: undefined, primaryRoutingControlArn: undefined, secondaryRoutingControlArn: undefined } };
    plan = { ...example, components: [...example.components.map(healthCheckMode), web, files] as Component[] };
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

  it('health checks report the real endpoint: in a region outage the primary\'s check turns unhealthy route53.health-check-detection after the incident, and DNS answers the secondary by itself', async () => {
    simulate([], true);
    await withVirtualClock(new Date(INCIDENT.getTime() + (DETECTION - 1) * 1000), async () => {
      expect((await status()).every((o) => o.StatusReport?.Status?.startsWith('Success'))).toBe(true);
      expect(await dns()).toEqual([TOKYO]);
      await sleep(1);
      expect((await status()).every((o) => o.StatusReport?.Status?.startsWith('Failure: Connection timed out'))).toBe(true);
      expect(await dns()).toEqual([OSAKA]);
      expect(snapshot().healthChecks[HEALTH_CHECK]).toMatchObject({ inverted: false, healthy: false });
    });
  });

  it('health-check mode in the outage: done at its first step, the health check never updated', async () => {
    simulate([], true);
    const result = await withVirtualClock(START, () => driveFailover(api()));
    expect(result.seconds).toBe(0);
    expect(result.progress.observations).toMatchObject({ mode: 'health-check', primaryHealthCheck: { healthy: false, healthyCheckers: 0, checkers: 8 }, dnsAnswer: [OSAKA], dnsVerified: true });
    expect(world.calls.map((c) => c.command)).toEqual(['GetHealthCheckStatus', 'TestDNSAnswer']);
    expect(sent('UpdateHealthCheck')).toEqual([]);
  });

  it('health-check mode with the primary up (a planned switchover): refused with an error naming routing-control and record modes; DNS stays on the primary', async () => {
    simulate();
    await withVirtualClock(START, async () => {
      const error = await route53Failover.start(ctxOf(api(), 'planned')).catch((e: Error) => e);
      expect(error).toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining('use mode routing-control (ARC routing controls, data plane) or mode record') });
      expect(await dns()).toEqual([TOKYO]);
    });
    expect(sent('UpdateHealthCheck')).toEqual([]);
  });

  it.each([
    { change: { Inverted: true }, outage: true, healthy: true, answer: TOKYO, why: 'inverted: the dead primary reports healthy (the defect the old health-check mode had)' },
    { change: { Inverted: true }, outage: false, healthy: false, answer: OSAKA, why: 'inverted: the live primary reports unhealthy' },
    { change: { Disabled: true }, outage: true, healthy: true, answer: TOKYO, why: 'disabled: always considered healthy' },
    { change: { Disabled: true, Inverted: true }, outage: false, healthy: false, answer: OSAKA, why: 'disabled and inverted: unhealthy' },
  ])('UpdateHealthCheck $change (outage $outage) shows after route53.health-check-detection — $why', async ({ change, outage, healthy, answer }) => {
    simulate([], outage);
    await withVirtualClock(START, async () => {
      const before = snapshot().healthChecks[HEALTH_CHECK]?.healthy;
      await r53().send(new UpdateHealthCheckCommand({ HealthCheckId: HEALTH_CHECK, HealthCheckVersion: 1, ...change }));
      await sleep(DETECTION - 1);
      expect(snapshot().healthChecks[HEALTH_CHECK]?.healthy).toBe(before);
      await sleep(1);
      expect(snapshot().healthChecks[HEALTH_CHECK]).toMatchObject({ version: 2, healthy });
      expect((await status()).every((o) => o.StatusReport?.Status?.startsWith(healthy ? 'Success' : 'Failure'))).toBe(true);
      expect(await dns()).toEqual([answer]);
    });
  });

  it('record mode: the UPSERT is PENDING, then INSYNC after route53.change-propagation, and DNS answers the new value', async () => {
    simulate();
    const result = await withVirtualClock(START, () => driveFailover(web));
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
      expect(await errorOf(client.send(new GetHealthCheckStatusCommand({ HealthCheckId: 'nope' })))).toBe('NoSuchHealthCheck');
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
    expect(sent('UpdateHealthCheck')).toHaveLength(1);
  });

  it('takes factor times longer with a slow fault: detecting the primary down, and the record change', async () => {
    simulate([{ kind: 'slow', component: 'api-gateway', factor: 2 }, { kind: 'slow', component: 'web-dns', factor: 3 }], true);
    await withVirtualClock(new Date(INCIDENT.getTime() + (2 * DETECTION - 1) * 1000), async () => {
      expect(await dns()).toEqual([TOKYO]);
      await sleep(1);
      expect(await dns()).toEqual([OSAKA]);
    });
    const record = await withVirtualClock(START, () => driveFailover(web));
    expect(record.seconds).toBeGreaterThanOrEqual(3 * seconds('route53.change-propagation'));
    expect(record.seconds).toBeLessThan(3 * seconds('route53.change-propagation') + web.checkIntervalSeconds);
  });

  it('fails closed with a fail fault: the update is refused and the action raises UnexpectedStateError', async () => {
    simulate([{ kind: 'fail', component: 'api-gateway' }, { kind: 'fail', component: 'web-dns' }]);
    await withVirtualClock(START, async () => {
      expect(await errorOf(r53().send(new UpdateHealthCheckCommand({ HealthCheckId: HEALTH_CHECK, Inverted: true })))).toBe('InvalidInput');
      expect(await errorOf(route53Failover.start(ctxOf(web)))).toBe('UnexpectedStateError');
      expect(await dns('Z0WEB000000001', 'www.dataset-platform.example.net', 'A')).toEqual(['192.0.2.10']);
    });
    expect(world.calls.filter((c) => c.error).map((c) => `${c.command}: ${c.error}`)).toEqual([
      'UpdateHealthCheck: InvalidInput',
      'ChangeResourceRecordSets: InvalidChangeBatch',
    ]);
  });

  it('throttles the first N attempts with Throttling (the SDK tries each call 3 times), which the action reports as AwsThrottlingError; state is not per region', async () => {
    simulate([{ kind: 'throttle', service: 'route53', calls: 6 }], true);
    await withVirtualClock(START, async () => {
      expect(await errorOf(route53Failover.start(ctxOf(api())))).toBe('AwsThrottlingError');
      expect(await errorOf(route53Failover.start(ctxOf(api())))).toBe('AwsThrottlingError');
      expect(await route53Failover.start(ctxOf(api()))).toMatchObject({ done: true });
      // A client built for another region reaches the same (global) Route 53.
      const other = new Route53Client({ region: 'ap-northeast-3' });
      expect((await other.send(new GetHealthCheckCommand({ HealthCheckId: HEALTH_CHECK }))).HealthCheck?.HealthCheckVersion).toBe(1);
    });
    expect(world.calls.slice(0, 2).map((c) => c.error)).toEqual(['Throttling', 'Throttling']);
  });

  it('private-zone: TestDNSAnswer is refused for a private hosted zone (InvalidInput, public zones only); its records and other zones are unaffected', async () => {
    // Prepare: the example's zone is private (`--inject private-zone:ZONE`); the web component's zone stays public.
    expect(() => parseInject('private-zone:ZNOPE', plan)).toThrow(/one hosted zone of the plan's route53-failover components \(Z0EXAMPLE123ABC/);
    simulate([parseInject(`private-zone:${ZONE}`, plan)]);
    await withVirtualClock(START, async () => {
      // Act
      const refused = await r53().send(new TestDNSAnswerCommand({ HostedZoneId: ZONE, RecordName: NAME, RecordType: 'CNAME' })).catch((e: Error) => e);
      const listed = await r53().send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE }));
      // Assess
      expect(refused).toMatchObject({ name: 'InvalidInput', message: expect.stringContaining('public hosted zones') });
      expect(listed.ResourceRecordSets?.some((r) => r.Name === `${NAME}.`)).toBe(true);
      expect(await dns('Z0WEB000000001', 'www.dataset-platform.example.net', 'A')).toEqual(['192.0.2.10']);
      expect(snapshot().hostedZones[ZONE]).toMatchObject({ private: true, dnsAnswers: { [`${NAME} CNAME`]: [TOKYO] } });
      // The record-mode action changes the record, then cannot verify it with TestDNSAnswer: it fails, naming the error.
      const action = await drive(route53Failover, () => ctxOf(files), 600).catch((e: Error) => e);
      expect(action).toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining('InvalidInput') });
    });
    expect(world.calls.filter((c) => c.command === 'TestDNSAnswer').map((c) => c.error)).toEqual(['InvalidInput', undefined, 'InvalidInput']);
  });

  it('control-plane-down: every call fails with TimeoutError (the us-east-1 control plane does not answer), while DNS and the health checkers go on', async () => {
    simulate([{ kind: 'control-plane-down', service: 'route53' }], true);
    await withVirtualClock(START, async () => {
      const timedOut = await r53().send(new TestDNSAnswerCommand({ HostedZoneId: ZONE, RecordName: NAME, RecordType: 'CNAME' })).catch((e: Error) => e);
      expect(timedOut).toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('control plane in us-east-1 did not answer') });
      expect(await errorOf(r53().send(new GetHealthCheckStatusCommand({ HealthCheckId: HEALTH_CHECK })))).toBe('TimeoutError');
      // Record and health-check mode need it: a retryable error that names the mode that does not.
      const record = await route53Failover.start(ctxOf(web)).catch((e: Error) => e);
      expect(record).toMatchObject({ name: 'AwsTransientError', message: expect.stringContaining('mode routing-control fails over on the ARC data plane') });
      expect(await errorOf(route53Failover.start(ctxOf(api())))).toBe('AwsTransientError');
      // The data plane: the primary's check is unhealthy and DNS answers the secondary all the same.
      expect(snapshot().hostedZones[ZONE]?.dnsAnswers[`${NAME} CNAME`]).toEqual([OSAKA]);
      expect(snapshot().healthChecks[HEALTH_CHECK]).toMatchObject({ healthy: false });
    });
    expect(world.calls.every((c) => c.error === 'TimeoutError')).toBe(true);
  });
});
