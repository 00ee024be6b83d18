import { GetHealthCheckCommand, ListResourceRecordSetsCommand, Route53Client, TestDNSAnswerCommand } from '@aws-sdk/client-route-53';
import { GetRoutingControlStateCommand, Route53RecoveryClusterClient, UpdateRoutingControlStatesCommand } from '@aws-sdk/client-route53-recovery-cluster';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recover as route53Failover } from '../../../../../shared/components/route53-failover/recover.ts';
import type { ActionContext } from '../../../../../shared/components/types.ts';
import { ROUTE53_DURATIONS, simulateRoute53 } from '../../../../../shared/tools/drill/simulator/route53.ts';
import { ROUTE53_RECOVERY_CLUSTER_DURATIONS, simulateRoute53RecoveryCluster } from '../../../../../shared/tools/drill/simulator/route53-recovery-cluster.ts';
import { World, type Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Component, ComponentOf, Plan } from '../../../../../shared/plan/schema.ts';
import { INCIDENT, actionContext } from '../../../../support/action-context.ts';
import { drive, sleep } from '../../../../support/drive-action.ts';

const START = new Date(INCIDENT.getTime() + 20 * 60_000);
const ZONE = 'Z0EXAMPLE123ABC';
const NAME = 'api.dataset-platform.example.com';
const OSAKA = 'api-osaka.dataset-platform.example.com';
// The example plan's primaryAnswer: what the primary record answers.
const TOKYO = 'api-tokyo.dataset-platform.example.com';
const PANEL = 'arn:aws:route53-recovery-control::123456789012:controlpanel/8d5e2f4a6b7c4d1e9f0a1b2c3d4e5f60';
const PRIMARY_RC = `${PANEL}/routingcontrol/3f9a1c2d4e5b6a70`;
const SECONDARY_RC = `${PANEL}/routingcontrol/7b2c4e6f8a0d1e35`;
const UPDATE_SECONDS = ROUTE53_RECOVERY_CLUSTER_DURATIONS['route53-recovery-cluster.routing-control-update']?.seconds ?? Number.NaN;
const endpoint = (region: string) => `https://5a1c9e3f.route53-recovery-cluster.${region}.amazonaws.com/v1`;
const errorOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: Error) => e.name);

/** A second cluster's routing-control component: its controls are unknown on the example's cluster. */
const other: ComponentOf<'route53-failover'> = {
  checks: [],
  id: 'other-dns', name: 'Other DNS (another cluster)', type: 'route53-failover', timeoutMinutes: 20, checkIntervalSeconds: 15,
  params: {
    mode: 'routing-control', hostedZoneId: 'Z0OTHER0000001', recordName: 'www.other.example.net', recordType: 'A',
    clusterEndpoints: [{ region: 'us-west-2', endpoint: 'https://0ther000.route53-recovery-cluster.us-west-2.amazonaws.com/v1' }],
    primaryRoutingControlArn: 'arn:aws:route53-recovery-control::123456789012:controlpanel/00000000000000000000000000000001/routingcontrol/0000000000000001',
    secondaryRoutingControlArn: 'arn:aws:route53-recovery-control::123456789012:controlpanel/00000000000000000000000000000001/routingcontrol/0000000000000002',
  },
};

let plan: Plan;
let world: World;
let sims: { restore(): void; snapshot(): Record<string, unknown> }[] = [];

/** Route 53 and ARC on one world; the drill's incident takes the primary region (Tokyo) down at INCIDENT. */
function simulate(faults: Fault[] = []) {
  world = new World(plan, { durations: { ...ROUTE53_DURATIONS, ...ROUTE53_RECOVERY_CLUSTER_DURATIONS }, faults, primaryDown: true, incidentAt: INCIDENT.getTime() });
  sims = [simulateRoute53(world), simulateRoute53RecoveryCluster(world)];
}
const api = () => plan.components.find((c) => c.id === 'api-gateway') as ComponentOf<'route53-failover'>;
const ctxOf = (c: ComponentOf<'route53-failover'>): ActionContext<'route53-failover'> => actionContext(c, { regions: plan.regions, now: new Date() });
const arcAt = (region: string, url = endpoint(region)) => new Route53RecoveryClusterClient({ region, endpoint: url });
const state = async (arn: string, region = 'us-east-1') => (await arcAt(region).send(new GetRoutingControlStateCommand({ RoutingControlArn: arn }))).RoutingControlState;
const setStates = (primary: 'On' | 'Off', secondary: 'On' | 'Off', region = 'us-east-1') =>
  arcAt(region).send(new UpdateRoutingControlStatesCommand({
    UpdateRoutingControlStateEntries: [{ RoutingControlArn: PRIMARY_RC, RoutingControlState: primary }, { RoutingControlArn: SECONDARY_RC, RoutingControlState: secondary }],
  }));
const r53 = () => new Route53Client({ region: 'us-east-1' });
const dns = async () => (await r53().send(new TestDNSAnswerCommand({ HostedZoneId: ZONE, RecordName: NAME, RecordType: 'CNAME' }))).RecordData;
type ArcSnapshot = { endpoints: Record<string, { region: string; answering: boolean }>; routingControls: Record<string, { name: string; state: string; updates: number }> };
const arcSnapshot = () => sims[1]?.snapshot() as ArcSnapshot;

/** The action driven to done as the state machine would, each step with a fresh context (limit: an hour). */
const driveFailover = (c: ComponentOf<'route53-failover'>) => drive(route53Failover, () => ctxOf(c), 3600);

describe('simulated Route 53 ARC routing controls (route53-recovery-cluster)', () => {
  beforeAll(async () => {
    const example = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
    plan = { ...example, components: [...example.components, other] as Component[] };
  });
  afterEach(() => {
    sims.forEach((s) => s.restore());
    sims = [];
  });

  it('seeds the plan\'s routing controls (primary On, secondary Off) and failover records carrying their RECOVERY_CONTROL health checks: DNS answers the primary', async () => {
    simulate();
    await withVirtualClock(START, async () => {
      expect(await state(PRIMARY_RC)).toBe('On');
      expect(await state(SECONDARY_RC)).toBe('Off');
      const { ResourceRecordSets = [] } = await r53().send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE, StartRecordName: NAME, StartRecordType: 'CNAME' }));
      const [primary, secondary] = ResourceRecordSets;
      expect(primary).toMatchObject({ SetIdentifier: 'primary', Failover: 'PRIMARY', ResourceRecords: [{ Value: TOKYO }] });
      expect(secondary).toMatchObject({ SetIdentifier: 'secondary', Failover: 'SECONDARY', ResourceRecords: [{ Value: OSAKA }] });
      const config = async (id: string | undefined) => (await r53().send(new GetHealthCheckCommand({ HealthCheckId: id }))).HealthCheck?.HealthCheckConfig;
      expect(await config(primary?.HealthCheckId)).toMatchObject({ Type: 'RECOVERY_CONTROL', RoutingControlArn: PRIMARY_RC });
      expect(await config(secondary?.HealthCheckId)).toMatchObject({ Type: 'RECOVERY_CONTROL', RoutingControlArn: SECONDARY_RC });
      // The outage does not move traffic by itself: the routing controls hold it where they say.
      expect(await dns()).toEqual([TOKYO]);
      expect(arcSnapshot().endpoints['5a1c9e3f.route53-recovery-cluster.ap-northeast-1.amazonaws.com']).toEqual({ region: 'ap-northeast-1', answering: false });
    });
  });

  it('routing-control mode in the region outage: the Tokyo endpoint times out, the next one sets the controls; done once they read back and DNS answers Osaka, after route53-recovery-cluster.routing-control-update', async () => {
    simulate();
    const result = await withVirtualClock(START, () => driveFailover(api()));
    expect(result.seconds).toBeGreaterThanOrEqual(UPDATE_SECONDS);
    expect(result.seconds).toBeLessThan(UPDATE_SECONDS + api().checkIntervalSeconds);
    expect(result.progress.observations).toMatchObject({ primaryRoutingControl: 'Off', secondaryRoutingControl: 'On', clusterEndpoint: 'us-east-1', dnsAnswer: [OSAKA], dnsVerified: true });
    const arcCalls = world.calls.filter((c) => c.service === 'route53-recovery-cluster').map((c) => `${c.command} ${c.region}${c.error ? ` ${c.error}` : ''}`);
    expect(arcCalls.slice(0, 4)).toEqual([
      'GetRoutingControlState ap-northeast-1 TimeoutError',
      'GetRoutingControlState us-east-1',
      'GetRoutingControlState us-east-1',
      'UpdateRoutingControlStates us-east-1',
    ]);
    await withVirtualClock(new Date(START.getTime() + result.seconds * 1000), async () => {
      expect(arcSnapshot().routingControls[PRIMARY_RC]).toMatchObject({ state: 'Off', updates: 1 });
      expect(arcSnapshot().routingControls[SECONDARY_RC]).toMatchObject({ state: 'On', updates: 1 });
      // Started again (a retry): it reads, finds them set and sends nothing.
      expect(await route53Failover.start(ctxOf(api()))).toMatchObject({ done: true, state: { updateSent: false } });
    });
    expect(world.calls.filter((c) => c.command === 'UpdateRoutingControlStates' && !c.error)).toHaveLength(1);
  });

  it('answers the old state until the change has propagated, and refuses an update meanwhile with ConflictException', async () => {
    simulate();
    await withVirtualClock(START, async () => {
      await setStates('Off', 'On');
      expect(await state(PRIMARY_RC)).toBe('On');
      expect(await errorOf(setStates('Off', 'On', 'us-west-2'))).toBe('ConflictException');
      await sleep(UPDATE_SECONDS - 1);
      expect(await dns()).toEqual([TOKYO]);
      await sleep(1);
      expect([await state(PRIMARY_RC), await state(SECONDARY_RC, 'eu-west-1')]).toEqual(['Off', 'On']);
      expect(await dns()).toEqual([OSAKA]);
      // Set back: traffic returns (not a one-way step).
      await setStates('On', 'Off');
      await sleep(UPDATE_SECONDS);
      expect(await dns()).toEqual([TOKYO]);
    });
  });

  it('answers the SDK model\'s errors: ResourceNotFoundException, ValidationException; the batch applies whole or not at all', async () => {
    simulate();
    await withVirtualClock(START, async () => {
      const client = arcAt('us-east-1');
      const unknown = `${PANEL}/routingcontrol/ffffffffffffffff`;
      expect(await errorOf(client.send(new GetRoutingControlStateCommand({ RoutingControlArn: unknown })))).toBe('ResourceNotFoundException');
      expect(await errorOf(client.send(new GetRoutingControlStateCommand({ RoutingControlArn: 'not-an-arn' })))).toBe('ValidationException');
      // Another cluster's routing control is not known on this cluster's endpoints.
      expect(await errorOf(client.send(new GetRoutingControlStateCommand({ RoutingControlArn: other.params.primaryRoutingControlArn })))).toBe('ResourceNotFoundException');
      expect(await errorOf(client.send(new UpdateRoutingControlStatesCommand({ UpdateRoutingControlStateEntries: [] })))).toBe('ValidationException');
      const badState = new UpdateRoutingControlStatesCommand({ UpdateRoutingControlStateEntries: [{ RoutingControlArn: PRIMARY_RC, RoutingControlState: 'Maybe' as 'On' }] });
      expect(await client.send(badState).catch((e: Error) => e)).toMatchObject({ name: 'ValidationException', reason: 'fieldValidationFailed' });
      const partlyUnknown = new UpdateRoutingControlStatesCommand({
        UpdateRoutingControlStateEntries: [{ RoutingControlArn: PRIMARY_RC, RoutingControlState: 'Off' }, { RoutingControlArn: unknown, RoutingControlState: 'On' }],
      });
      expect(await errorOf(client.send(partlyUnknown))).toBe('ResourceNotFoundException');
      await sleep(UPDATE_SECONDS);
      expect(await state(PRIMARY_RC)).toBe('On');
      // A client built without a cluster endpoint reaches no cluster.
      const noEndpoint = await new Route53RecoveryClusterClient({ region: 'us-west-2' }).send(new GetRoutingControlStateCommand({ RoutingControlArn: PRIMARY_RC })).catch((e: Error & { code?: string }) => e.code);
      expect(noEndpoint).toBe('ENOTFOUND');
    });
  });

  it('fail fault: the update is refused as a blocking safety rule would, and the action fails with UnexpectedStateError', async () => {
    simulate([{ kind: 'fail', component: 'api-gateway' }]);
    await withVirtualClock(START, async () => {
      const error = await route53Failover.start(ctxOf(api())).catch((e: Error) => e);
      expect(error).toMatchObject({ name: 'UnexpectedStateError', message: expect.stringContaining('safety rule') });
      expect(await dns()).toEqual([TOKYO]);
    });
  });

  it('slow fault: the change takes factor times longer', async () => {
    simulate([{ kind: 'slow', component: 'api-gateway', factor: 3 }]);
    const result = await withVirtualClock(START, () => driveFailover(api()));
    expect(result.seconds).toBeGreaterThanOrEqual(3 * UPDATE_SECONDS);
    expect(result.seconds).toBeLessThan(3 * UPDATE_SECONDS + api().checkIntervalSeconds);
  });

  it('throttle:route53-recovery-cluster:N answers ThrottlingException, and the action moves on to the next endpoint', async () => {
    simulate([{ kind: 'throttle', service: 'route53-recovery-cluster', calls: 2 }]);
    await withVirtualClock(START, () => route53Failover.start(ctxOf(api())));
    const arcCalls = world.calls.filter((c) => c.service === 'route53-recovery-cluster').map((c) => `${c.region}${c.error ? ` ${c.error}` : ''}`);
    // Tokyo's endpoint is black-holed (it can't throttle): the two throttled calls are the next endpoints'.
    expect(arcCalls.slice(0, 4)).toEqual(['ap-northeast-1 TimeoutError', 'us-east-1 ThrottlingException', 'us-west-2 ThrottlingException', 'eu-west-1']);
  });

  it('control-plane-down:route53 leaves the data plane alone: the controls are set and DNS follows; only the verification is reported as not done', async () => {
    simulate([{ kind: 'control-plane-down', service: 'route53' }]);
    const result = await withVirtualClock(START, () => driveFailover(api()));
    expect(result.progress).toMatchObject({ done: true, observations: { primaryRoutingControl: 'Off', secondaryRoutingControl: 'On', dnsVerified: false } });
    await withVirtualClock(new Date(START.getTime() + result.seconds * 1000), async () => {
      const zones = (sims[0]?.snapshot() as { hostedZones: Record<string, { dnsAnswers: Record<string, string[]> }> }).hostedZones;
      expect(zones[ZONE]?.dnsAnswers[`${NAME} CNAME`]).toEqual([OSAKA]);
    });
    // One TestDNSAnswer call: 3 attempts, each timed out (the SDK's retry middleware above the simulator).
    expect(world.calls.filter((c) => c.service === 'route53').map((c) => `${c.command} ${c.error ?? ''}`)).toEqual(Array.from({ length: 3 }, () => 'TestDNSAnswer TimeoutError'));
  });
});
