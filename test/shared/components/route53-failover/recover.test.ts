import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  InvalidChangeBatch,
  InvalidInput,
  ListResourceRecordSetsCommand,
  NoSuchHealthCheck,
  NoSuchHostedZone,
  PriorRequestNotComplete,
  Route53Client,
  Route53ServiceException,
  TestDNSAnswerCommand,
  UpdateHealthCheckCommand,
  type HealthCheckObservation,
  type ResourceRecordSet,
  type TestDNSAnswerCommandOutput,
} from '@aws-sdk/client-route-53';
import {
  ConflictException,
  EndpointTemporarilyUnavailableException,
  GetRoutingControlStateCommand,
  InternalServerException,
  ResourceNotFoundException,
  Route53RecoveryClusterClient,
  ThrottlingException,
  UpdateRoutingControlStatesCommand,
  ValidationException,
  type GetRoutingControlStateCommandInput,
} from '@aws-sdk/client-route53-recovery-cluster';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recover as route53Failover } from '../../../../shared/components/route53-failover/recover.ts';
import type { ComponentOf } from '../../../../shared/plan/schema.ts';
import { actionContext, exampleComponent } from '../../../support/action-context.ts';

const r53 = mockClient(Route53Client);
const arc = mockClient(Route53RecoveryClusterClient);
const HEALTH_CHECK_ID = '1d2f3a4b-7c1e-4c5d-9e8f-0a1b2c3d4e5f';
const ZONE = 'Z0EXAMPLE123ABC';
const NAME = 'api.dataset-platform.example.com';
const SECONDARY_TARGET = 'api-osaka.dataset-platform.example.com';
const TOKYO_TARGET = 'api-tokyo.dataset-platform.example.com';
const PANEL = 'arn:aws:route53-recovery-control::123456789012:controlpanel/8d5e2f4a6b7c4d1e9f0a1b2c3d4e5f60';
const PRIMARY_RC = `${PANEL}/routingcontrol/3f9a1c2d4e5b6a70`;
const SECONDARY_RC = `${PANEL}/routingcontrol/7b2c4e6f8a0d1e35`;
const SAFETY_RULE = `${PANEL}/safetyrule/0a1b2c3d4e5f6a7b`;
/** The example's cluster endpoints, by region, in the plan's order. */
const ENDPOINT_REGIONS = ['ap-northeast-1', 'us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
const host = (region: string) => `5a1c9e3f.route53-recovery-cluster.${region}.amazonaws.com`;

const timeout = () => Object.assign(new Error('Request timed out'), { name: 'TimeoutError' });
const dnsAnswer = (recordData: string[], responseCode = 'NOERROR'): TestDNSAnswerCommandOutput => ({
  Nameserver: 'ns-1.awsdns-01.org',
  RecordName: NAME,
  RecordType: 'CNAME',
  RecordData: recordData,
  ResponseCode: responseCode,
  Protocol: 'UDP',
  $metadata: {},
});
/** Eight checkers, `healthy` of them reporting Success. */
const checkers = (healthy: number): HealthCheckObservation[] =>
  Array.from({ length: 8 }, (_, i) => ({
    Region: 'us-east-1',
    IPAddress: `198.51.100.${10 + i}`,
    StatusReport: { Status: i < healthy ? 'Success: HTTP Status Code 200, OK' : 'Failure: Connection timed out.', CheckedTime: new Date() },
  }));
const primaryRecord: ResourceRecordSet = {
  Name: `${NAME}.`,
  Type: 'CNAME',
  SetIdentifier: 'primary',
  Failover: 'PRIMARY',
  HealthCheckId: HEALTH_CHECK_ID,
  TTL: 60,
  ResourceRecords: [{ Value: TOKYO_TARGET }],
};
const secondaryRecord: ResourceRecordSet = { ...primaryRecord, SetIdentifier: 'secondary', Failover: 'SECONDARY', HealthCheckId: undefined };

const NOT_ROUTING_CONTROL = { clusterEndpoints: undefined, primaryRoutingControlArn: undefined, secondaryRoutingControlArn: undefined } as const;
/** The example's api-gateway (routing-control mode). */
const routingControlMode = (params: Partial<ComponentOf<'route53-failover'>['params']> = {}) => exampleComponent('route53-failover', 'api-gateway', params);
const healthCheckMode = () => exampleComponent('route53-failover', 'api-gateway', { ...NOT_ROUTING_CONTROL, mode: 'health-check', primaryHealthCheckId: HEALTH_CHECK_ID });
/** The example's record in record mode: its failover PRIMARY record, or a simple record when `simple`. */
const recordMode = (simple = false) =>
  exampleComponent('route53-failover', 'api-gateway', {
    ...NOT_ROUTING_CONTROL,
    mode: 'record',
    secondaryTarget: { values: [SECONDARY_TARGET], ttl: 60 },
    setIdentifier: simple ? undefined : 'primary',
  });

/** The region and hostname of the ARC endpoint a call went to. */
async function endpointOf(client: unknown): Promise<string> {
  const config = (client as Route53RecoveryClusterClient).config;
  const endpoint = await (config.endpoint as unknown as () => Promise<{ hostname: string }>)();
  return `${await config.region()} ${endpoint.hostname}`;
}
/** Where each call of the command went (`region hostname`), in order. */
const calledAt = (command: 'GetRoutingControlStateCommand' | 'UpdateRoutingControlStatesCommand') =>
  Promise.all(arc.calls().filter((c) => c.args[0].constructor.name === command).map((c) => endpointOf(c.thisValue)));
const at = (region: string) => `${region} ${host(region)}`;

/** The cluster answers these states; an endpoint in `down` fails with the given error. */
function cluster(states: Record<string, 'On' | 'Off'>, down: Record<string, () => Error> = {}) {
  const failing = (client: unknown) => endpointOf(client).then((e) => Object.entries(down).find(([region]) => e.startsWith(`${region} `))?.[1]);
  arc.on(GetRoutingControlStateCommand).callsFake(async (input: GetRoutingControlStateCommandInput, getClient: () => unknown) => {
    const error = await failing(getClient());
    if (error) throw error();
    return { RoutingControlArn: input.RoutingControlArn, RoutingControlState: states[input.RoutingControlArn ?? ''] };
  });
  arc.on(UpdateRoutingControlStatesCommand).callsFake(async (_input: unknown, getClient: () => unknown) => {
    const error = await failing(getClient());
    if (error) throw error();
    return {};
  });
}

describe('route53-failover', () => {
  beforeEach(() => {
    r53.reset();
    arc.reset();
  });
  afterEach(() => {
    r53.reset();
    arc.reset();
  });

  describe('routing-control mode (ARC data plane)', () => {
    it('reads both routing controls, then sets the primary Off and the secondary On in one UpdateRoutingControlStates; done when both read back and DNS answers the secondary', async () => {
      // Prepare
      const ctx = actionContext(await routingControlMode());
      const states: Record<string, 'On' | 'Off'> = { [PRIMARY_RC]: 'On', [SECONDARY_RC]: 'Off' };
      cluster(states);
      r53.on(TestDNSAnswerCommand).resolves(dnsAnswer([`${SECONDARY_TARGET}.`]));
      // Act
      const started = await route53Failover.start(ctx);
      Object.assign(states, { [PRIMARY_RC]: 'Off', [SECONDARY_RC]: 'On' });
      const checked = await route53Failover.check(ctx, started.state);
      // Assess
      expect(arc).toHaveReceivedNthCommandWith(GetRoutingControlStateCommand, 1, { RoutingControlArn: PRIMARY_RC });
      expect(arc).toHaveReceivedNthCommandWith(GetRoutingControlStateCommand, 2, { RoutingControlArn: SECONDARY_RC });
      expect(arc).toHaveReceivedCommandTimes(UpdateRoutingControlStatesCommand, 1);
      expect(arc.commandCalls(UpdateRoutingControlStatesCommand)[0]?.args[0].input).toEqual({
        UpdateRoutingControlStateEntries: [
          { RoutingControlArn: PRIMARY_RC, RoutingControlState: 'Off' },
          { RoutingControlArn: SECONDARY_RC, RoutingControlState: 'On' },
        ],
      });
      expect(await calledAt('UpdateRoutingControlStatesCommand')).toEqual([at('ap-northeast-1')]);
      expect(started).toMatchObject({ done: false, nextCheckSeconds: 10, state: { updateSent: true, endpointIndex: 0 } });
      expect(checked.done).toBe(true);
      expect(checked.observations).toEqual({
        mode: 'routing-control', primaryRoutingControl: 'Off', secondaryRoutingControl: 'On', updateSent: true, clusterEndpoint: 'ap-northeast-1',
        dnsAnswer: [`${SECONDARY_TARGET}.`], dnsResponseCode: 'NOERROR', dnsVerified: true,
      });
      expect(r53).toHaveReceivedCommandWith(TestDNSAnswerCommand, { HostedZoneId: ZONE, RecordName: NAME, RecordType: 'CNAME' });
      // Nothing of Route 53's control plane is needed to fail over: only the (optional) DNS verification.
      expect(r53.calls().map((c) => c.args[0].constructor.name)).toEqual(['TestDNSAnswerCommand']);
    });

    it('sends no update when the controls already read primary Off and secondary On (idempotent re-run)', async () => {
      // Prepare
      const ctx = actionContext(await routingControlMode());
      cluster({ [PRIMARY_RC]: 'Off', [SECONDARY_RC]: 'On' });
      r53.on(TestDNSAnswerCommand).resolves(dnsAnswer([SECONDARY_TARGET]));
      // Act
      const again = await route53Failover.start(ctx);
      // Assess
      expect(arc).not.toHaveReceivedCommand(UpdateRoutingControlStatesCommand);
      expect(arc).toHaveReceivedCommandTimes(GetRoutingControlStateCommand, 2);
      expect(again).toMatchObject({ done: true, state: { updateSent: false }, observations: { updateSent: false, primaryRoutingControl: 'Off', secondaryRoutingControl: 'On' } });
    });

    it.each([
      { primary: 'On', secondary: 'On' },
      { primary: 'Off', secondary: 'Off' },
    ] as const)('sets both in one call when only one is already as wanted (primary $primary, secondary $secondary)', async ({ primary, secondary }) => {
      const ctx = actionContext(await routingControlMode());
      cluster({ [PRIMARY_RC]: primary, [SECONDARY_RC]: secondary });
      await route53Failover.start(ctx);
      expect(arc).toHaveReceivedCommandTimes(UpdateRoutingControlStatesCommand, 1);
      expect(arc.commandCalls(UpdateRoutingControlStatesCommand)[0]?.args[0].input.UpdateRoutingControlStateEntries).toHaveLength(2);
    });

    it('rotates over the cluster endpoints: the first times out, the second answers and is used for the rest (and by the next check)', async () => {
      // Prepare
      const ctx = actionContext(await routingControlMode());
      const states: Record<string, 'On' | 'Off'> = { [PRIMARY_RC]: 'On', [SECONDARY_RC]: 'Off' };
      cluster(states, { 'ap-northeast-1': timeout });
      r53.on(TestDNSAnswerCommand).resolves(dnsAnswer([SECONDARY_TARGET]));
      // Act
      const started = await route53Failover.start(ctx);
      Object.assign(states, { [PRIMARY_RC]: 'Off', [SECONDARY_RC]: 'On' });
      const checked = await route53Failover.check(ctx, started.state);
      // Assess: each client is signed for its endpoint's region
      expect(await calledAt('GetRoutingControlStateCommand')).toEqual([at('ap-northeast-1'), at('us-east-1'), at('us-east-1'), at('us-east-1'), at('us-east-1')]);
      expect(await calledAt('UpdateRoutingControlStatesCommand')).toEqual([at('us-east-1')]);
      expect(started).toMatchObject({ state: { endpointIndex: 1 }, status: expect.stringContaining('on us-east-1') });
      expect(checked).toMatchObject({ done: true, observations: { clusterEndpoint: 'us-east-1' } });
    });

    it.each([
      { name: 'HTTP 500 (InternalServerException)', error: () => new InternalServerException({ message: 'internal', $metadata: { httpStatusCode: 500 } }) },
      { name: 'EndpointTemporarilyUnavailableException', error: () => new EndpointTemporarilyUnavailableException({ message: 'try another endpoint', $metadata: { httpStatusCode: 503 } }) },
      { name: 'ThrottlingException', error: () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }) },
      { name: 'a connection refused', error: () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) },
    ])('tries the next endpoint after $name', async ({ error }) => {
      const ctx = actionContext(await routingControlMode());
      cluster({ [PRIMARY_RC]: 'On', [SECONDARY_RC]: 'Off' }, { 'ap-northeast-1': error, 'us-east-1': error });
      await route53Failover.start(ctx);
      expect(await calledAt('UpdateRoutingControlStatesCommand')).toEqual([at('us-west-2')]);
    });

    it('fails retryable, naming every endpoint, when none answers (AwsTransientError; AwsThrottlingError when they throttle)', async () => {
      // Prepare
      const ctx = actionContext(await routingControlMode());
      cluster({}, Object.fromEntries(ENDPOINT_REGIONS.map((r) => [r, timeout])));
      // Act
      const error = await route53Failover.start(ctx).catch((e: Error) => e);
      // Assess
      expect(error).toMatchObject({ name: 'AwsTransientError', message: expect.stringMatching(/^no ARC cluster endpoint answered GetRoutingControlState/) });
      for (const region of ENDPOINT_REGIONS) expect((error as Error).message).toContain(`${region} (https://${host(region)}/v1): TimeoutError`);
      expect(arc).toHaveReceivedCommandTimes(GetRoutingControlStateCommand, 5);

      arc.reset();
      const throttle = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
      cluster({}, Object.fromEntries(ENDPOINT_REGIONS.map((r) => [r, throttle])));
      await expect(route53Failover.start(ctx)).rejects.toMatchObject({ name: 'AwsThrottlingError' });
    });

    it.each([
      { error: new ResourceNotFoundException({ message: 'not found', resourceId: PRIMARY_RC, resourceType: 'RoutingControl', $metadata: {} }), expected: 'ResourceNotFoundError' },
      { error: new ConflictException({ message: 'There was a conflict with this request. Try again.', resourceId: PRIMARY_RC, resourceType: 'RoutingControl', $metadata: {} }), expected: 'ResourceBusyError' },
      { error: new ValidationException({ message: `blocked by safety rule ${SAFETY_RULE}`, $metadata: {} }), expected: 'UnexpectedStateError' },
    ])('does not rotate on what the cluster itself refuses: $error.name on the update is $expected', async ({ error, expected }) => {
      const ctx = actionContext(await routingControlMode());
      cluster({ [PRIMARY_RC]: 'On', [SECONDARY_RC]: 'Off' });
      arc.on(UpdateRoutingControlStatesCommand).rejects(error);
      const failed = await route53Failover.start(ctx).catch((e: Error) => e);
      expect(failed).toMatchObject({ name: expected });
      if (expected === 'UnexpectedStateError') expect((failed as Error).message).toContain('params.safetyRulesOverride');
      expect(arc).toHaveReceivedCommandTimes(UpdateRoutingControlStatesCommand, 1);
    });

    it('passes safetyRulesOverride as SafetyRulesToOverride ("break glass")', async () => {
      const ctx = actionContext(await routingControlMode({ safetyRulesOverride: [SAFETY_RULE] }));
      cluster({ [PRIMARY_RC]: 'On', [SECONDARY_RC]: 'Off' });
      await route53Failover.start(ctx);
      expect(arc).toHaveReceivedCommandWith(UpdateRoutingControlStatesCommand, { SafetyRulesToOverride: [SAFETY_RULE] });
    });

    it('waits while the controls do not read back as set yet, then is done; without expectedAnswer it never calls Route 53', async () => {
      // Prepare
      const ctx = actionContext(await routingControlMode({ expectedAnswer: undefined }));
      const states: Record<string, 'On' | 'Off'> = { [PRIMARY_RC]: 'On', [SECONDARY_RC]: 'Off' };
      cluster(states);
      // Act
      const started = await route53Failover.start(ctx);
      const propagating = await route53Failover.check(ctx, started.state);
      Object.assign(states, { [PRIMARY_RC]: 'Off', [SECONDARY_RC]: 'On' });
      const done = await route53Failover.check(ctx, started.state);
      // Assess
      expect(propagating).toMatchObject({ done: false, nextCheckSeconds: 30, status: 'routing controls: primary On, secondary Off, waiting for primary Off and secondary On' });
      expect(done).toMatchObject({ done: true, observations: { dnsAnswer: null } });
      expect(arc).toHaveReceivedCommandTimes(UpdateRoutingControlStatesCommand, 1);
      expect(r53.calls()).toHaveLength(0);
    });

    it('reports DNS as not verified, and still done, when the Route 53 control plane does not answer TestDNSAnswer', async () => {
      const ctx = actionContext(await routingControlMode());
      cluster({ [PRIMARY_RC]: 'Off', [SECONDARY_RC]: 'On' });
      r53.on(TestDNSAnswerCommand).rejects(timeout());
      const progress = await route53Failover.start(ctx);
      expect(progress).toMatchObject({ done: true, observations: { dnsVerified: false, dnsNotVerifiedBecause: expect.stringContaining('control plane (us-east-1) did not answer') } });
      expect(progress.status).toContain('DNS not verified');
    });

    it('reports DNS as not verified, and still done, for a private hosted zone (TestDNSAnswer answers public zones only: InvalidInput)', async () => {
      // Prepare: the controls are set; Route 53 refuses TestDNSAnswer for the private zone.
      const ctx = actionContext(await routingControlMode());
      cluster({ [PRIMARY_RC]: 'Off', [SECONDARY_RC]: 'On' });
      r53.on(TestDNSAnswerCommand).rejects(Object.assign(new Error('The specified hosted zone is a private hosted zone.'), { name: 'InvalidInput' }));
      // Act
      const progress = await route53Failover.start(ctx);
      // Assess
      expect(progress).toMatchObject({ done: true, observations: { dnsVerified: false, dnsNotVerifiedBecause: expect.stringContaining('public hosted zones only') } });
    });
  });

  describe('health-check mode (Route 53\'s own failover, never changed)', () => {
    it('in an outage the primary\'s check is unhealthy: no UpdateHealthCheck is ever sent, done when DNS answers the secondary', async () => {
      // Prepare
      const ctx = actionContext(await healthCheckMode());
      r53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: checkers(0) });
      r53.on(TestDNSAnswerCommand).resolves(dnsAnswer([`${SECONDARY_TARGET.toUpperCase()}.`]));
      // Act
      const progress = await route53Failover.start(ctx);
      // Assess
      expect(r53).toHaveReceivedCommandWith(GetHealthCheckStatusCommand, { HealthCheckId: HEALTH_CHECK_ID });
      expect(r53).toHaveReceivedCommandWith(TestDNSAnswerCommand, { HostedZoneId: ZONE, RecordName: NAME, RecordType: 'CNAME' });
      expect(r53).not.toHaveReceivedCommand(UpdateHealthCheckCommand);
      expect(r53).not.toHaveReceivedCommand(GetHealthCheckCommand);
      expect(r53).not.toHaveReceivedCommand(ChangeResourceRecordSetsCommand);
      expect(progress).toMatchObject({ done: true, state: { primaryHealthCheckId: HEALTH_CHECK_ID } });
      expect(progress.observations).toEqual({
        mode: 'health-check',
        primaryHealthCheck: { id: HEALTH_CHECK_ID, checkers: 8, healthyCheckers: 0, healthy: false },
        dnsAnswer: [`${SECONDARY_TARGET.toUpperCase()}.`], dnsResponseCode: 'NOERROR', dnsVerified: true,
      });
      expect(await r53.call(0).thisValue.config.region()).toBe('us-east-1');
    });

    it('waits while Route 53 still answers the primary, sending nothing, until it answers the secondary (as a set, NOERROR)', async () => {
      const ctx = actionContext(await healthCheckMode());
      r53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: checkers(1) });
      r53
        .on(TestDNSAnswerCommand)
        .resolvesOnce(dnsAnswer([`${TOKYO_TARGET}.`]))
        .resolvesOnce(dnsAnswer([], 'SERVFAIL'))
        .resolvesOnce(dnsAnswer([`${SECONDARY_TARGET}.`, SECONDARY_TARGET]));
      const first = await route53Failover.start(ctx);
      expect(first).toMatchObject({ done: false, nextCheckSeconds: 30 });
      expect(first.status).toContain(`answers NOERROR [${TOKYO_TARGET}.], expecting [${SECONDARY_TARGET}]`);
      expect((await route53Failover.check(ctx, first.state)).done).toBe(false);
      expect((await route53Failover.check(ctx, first.state)).done).toBe(true);
      expect(r53).not.toHaveReceivedCommand(UpdateHealthCheckCommand);
    });

    it.each([
      { healthy: 1, expected: 'unhealthy (12.5 % ≤ 18 %): done' },
      { healthy: 2, expected: 'healthy (25 % > 18 %): refused' },
    ])('applies Route 53\'s 18 % rule: $healthy of 8 checkers healthy is $expected', async ({ healthy }) => {
      const ctx = actionContext(await healthCheckMode());
      r53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: checkers(healthy) });
      r53.on(TestDNSAnswerCommand).resolves(dnsAnswer([SECONDARY_TARGET]));
      const outcome = await route53Failover.start(ctx).then((p) => (p.done ? 'done' : 'waiting'), (e: Error) => e.name);
      expect(outcome).toBe(healthy === 1 ? 'done' : 'UnexpectedStateError');
    });

    it('refuses a healthy primary (a planned switchover) with a terminal error naming routing-control and record modes, and changes nothing', async () => {
      // Prepare
      const ctx = actionContext(await healthCheckMode(), { mode: 'planned' });
      r53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: checkers(8) });
      // Act
      const error = await route53Failover.start(ctx).catch((e: Error) => e);
      // Assess
      expect(error).toMatchObject({ name: 'UnexpectedStateError', retryable: false });
      expect((error as Error).message).toMatch(/is healthy \(8 of 8 checkers report Success; a planned switchover: the primary is up\)/);
      expect((error as Error).message).toContain('use mode routing-control (ARC routing controls, data plane) or mode record');
      expect(r53.calls().map((c) => c.args[0].constructor.name)).toEqual(['GetHealthCheckStatusCommand']);
    });

    it('does not fail the recovery when TestDNSAnswer does not answer: done, DNS not verified', async () => {
      const ctx = actionContext(await healthCheckMode());
      r53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: checkers(0) });
      r53.on(TestDNSAnswerCommand).rejects(timeout());
      const progress = await route53Failover.start(ctx);
      expect(progress).toMatchObject({ done: true, observations: { dnsVerified: false, dnsAnswer: null } });
    });

    it('fails retryable, naming routing-control mode, when the control plane does not answer GetHealthCheckStatus', async () => {
      const ctx = actionContext(await healthCheckMode());
      r53.on(GetHealthCheckStatusCommand).rejects(timeout());
      const error = await route53Failover.start(ctx).catch((e: Error) => e);
      expect(error).toMatchObject({ name: 'AwsTransientError', message: expect.stringContaining('the Route 53 control plane (us-east-1) did not answer GetHealthCheckStatus') });
      expect((error as Error).message).toContain('mode routing-control fails over on the ARC data plane');
    });

    it.each([
      { error: new NoSuchHealthCheck({ message: 'No health check exists', $metadata: { httpStatusCode: 404 } }), expected: 'ResourceNotFoundError' },
      {
        error: new Route53ServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }),
        expected: 'AwsThrottlingError',
      },
    ])('maps $error.name on GetHealthCheckStatus to $expected', async ({ error, expected }) => {
      const ctx = actionContext(await healthCheckMode());
      r53.on(GetHealthCheckStatusCommand).rejects(error);
      await expect(route53Failover.start(ctx)).rejects.toMatchObject({ name: expected });
    });

    it('maps NoSuchHostedZone on TestDNSAnswer to ResourceNotFoundError', async () => {
      const ctx = actionContext(await healthCheckMode());
      r53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: checkers(0) });
      r53.on(TestDNSAnswerCommand).rejects(new NoSuchHostedZone({ message: 'No hosted zone found', $metadata: { httpStatusCode: 404 } }));
      await expect(route53Failover.check(ctx, { primaryHealthCheckId: HEALTH_CHECK_ID })).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    });
  });

  describe('record mode (control-plane override)', () => {
    it('UPSERTs the record to the secondary target keeping its routing fields, then waits for INSYNC and the DNS answer', async () => {
      // Prepare
      const ctx = actionContext(await recordMode());
      r53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [primaryRecord, secondaryRecord], IsTruncated: false, MaxItems: 100 });
      r53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C2682N5HXP0BZ4', Status: 'PENDING', SubmittedAt: new Date() } });
      r53.on(GetChangeCommand)
        .resolvesOnce({ ChangeInfo: { Id: '/change/C2682N5HXP0BZ4', Status: 'PENDING', SubmittedAt: new Date() } })
        .resolves({ ChangeInfo: { Id: '/change/C2682N5HXP0BZ4', Status: 'INSYNC', SubmittedAt: new Date() } });
      r53.on(TestDNSAnswerCommand).resolves(dnsAnswer([`${SECONDARY_TARGET}.`]));
      // Act
      const started = await route53Failover.start(ctx);
      const pending = await route53Failover.check(ctx, started.state);
      const insync = await route53Failover.check(ctx, started.state);
      // Assess
      expect(r53).toHaveReceivedCommandWith(ListResourceRecordSetsCommand, { HostedZoneId: ZONE, StartRecordName: NAME, StartRecordType: 'CNAME' });
      expect(r53).toHaveReceivedCommandWith(ChangeResourceRecordSetsCommand, {
        HostedZoneId: ZONE,
        ChangeBatch: {
          Comment: 'dr-autopilot failover of api-gateway',
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: { ...primaryRecord, ResourceRecords: [{ Value: SECONDARY_TARGET }] },
            },
          ],
        },
      });
      expect(started).toMatchObject({ done: false, nextCheckSeconds: 60, state: { changeId: '/change/C2682N5HXP0BZ4' } });
      expect(r53).toHaveReceivedCommandWith(GetChangeCommand, { Id: '/change/C2682N5HXP0BZ4' });
      expect(pending).toMatchObject({ done: false, status: 'change /change/C2682N5HXP0BZ4 is PENDING' });
      expect(r53).toHaveReceivedCommandTimes(TestDNSAnswerCommand, 1);
      expect(insync.done).toBe(true);
      expect(insync.observations).toEqual({
        mode: 'record',
        changeId: '/change/C2682N5HXP0BZ4',
        dnsAnswer: [`${SECONDARY_TARGET}.`],
        dnsResponseCode: 'NOERROR',
        dnsVerified: true,
      });
      expect(await r53.call(0).thisValue.config.region()).toBe('us-east-1');
      expect(arc.calls()).toHaveLength(0);
    });

    it('sends no change when the record already holds the secondary target (idempotent re-run)', async () => {
      const ctx = actionContext(await recordMode());
      const changed: ResourceRecordSet = { ...primaryRecord, ResourceRecords: [{ Value: `${SECONDARY_TARGET}.` }] };
      r53.on(ListResourceRecordSetsCommand)
        .resolvesOnce({ ResourceRecordSets: [primaryRecord, secondaryRecord], IsTruncated: false, MaxItems: 100 })
        .resolves({ ResourceRecordSets: [changed, secondaryRecord], IsTruncated: false, MaxItems: 100 });
      r53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
      r53.on(TestDNSAnswerCommand).resolves(dnsAnswer([SECONDARY_TARGET]));
      await route53Failover.start(ctx);
      const again = await route53Failover.start(ctx);
      expect(r53).toHaveReceivedCommandTimes(ChangeResourceRecordSetsCommand, 1);
      expect(again).toMatchObject({ done: true, state: { changeId: null } });
      expect(r53).not.toHaveReceivedCommand(GetChangeCommand);
    });

    it.each([
      {
        error: new InvalidChangeBatch({ message: 'Invalid change batch', messages: ['RRSet of type CNAME with DNS name is not permitted'], $metadata: {} }),
        expected: 'UnexpectedStateError',
        message: 'InvalidChangeBatch: RRSet of type CNAME with DNS name is not permitted',
      },
      { error: new InvalidInput({ message: 'Invalid XML', $metadata: {} }), expected: 'UnexpectedStateError', message: 'InvalidInput: Invalid XML' },
      { error: new PriorRequestNotComplete({ message: 'still processing', $metadata: {} }), expected: 'ResourceBusyError', message: 'still processing' },
      { error: new NoSuchHostedZone({ message: 'No hosted zone found', $metadata: {} }), expected: 'ResourceNotFoundError', message: 'NoSuchHostedZone' },
      { error: timeout(), expected: 'AwsTransientError', message: 'the Route 53 control plane (us-east-1) did not answer ChangeResourceRecordSets' },
    ])('maps $error.name on ChangeResourceRecordSets to $expected', async ({ error, expected, message }) => {
      const ctx = actionContext(await recordMode());
      r53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [primaryRecord], IsTruncated: false, MaxItems: 100 });
      r53.on(ChangeResourceRecordSetsCommand).rejects(error);
      await expect(route53Failover.start(ctx)).rejects.toMatchObject({ name: expected, message: expect.stringContaining(message) });
    });

    it('needs the control plane for its DNS answer too: TestDNSAnswer not answering is a retryable error, not "not verified"', async () => {
      const ctx = actionContext(await recordMode());
      r53.on(GetChangeCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'INSYNC', SubmittedAt: new Date() } });
      r53.on(TestDNSAnswerCommand).rejects(timeout());
      await expect(route53Failover.check(ctx, { changeId: '/change/C1' })).rejects.toMatchObject({ name: 'AwsTransientError', message: expect.stringContaining('mode record depends on it') });
    });

    it('refuses a SetIdentifier the zone does not hold (a routing-policy record cannot be created from the plan)', async () => {
      const ctx = actionContext(await recordMode());
      r53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [secondaryRecord], IsTruncated: false, MaxItems: 100 });
      await expect(route53Failover.start(ctx)).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
      expect(r53).not.toHaveReceivedCommand(ChangeResourceRecordSetsCommand);
    });

    it('creates a missing simple record and replaces an alias with the target values', async () => {
      const ctx = actionContext(await recordMode(true));
      const alias: ResourceRecordSet = { Name: `${NAME}.`, Type: 'CNAME', AliasTarget: { HostedZoneId: 'Z2', DNSName: 'lb.example.com', EvaluateTargetHealth: true } };
      r53.on(ListResourceRecordSetsCommand).resolvesOnce({ ResourceRecordSets: [], IsTruncated: false, MaxItems: 1 }).resolves({ ResourceRecordSets: [alias] });
      r53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C2', Status: 'PENDING', SubmittedAt: new Date() } });
      await route53Failover.start(ctx);
      await route53Failover.start(ctx);
      expect(r53).toHaveReceivedCommandWith(ListResourceRecordSetsCommand, { MaxItems: 1 });
      const sent = r53.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input.ChangeBatch?.Changes?.[0]?.ResourceRecordSet);
      const expected: ResourceRecordSet = { Name: NAME, Type: 'CNAME', TTL: 60, ResourceRecords: [{ Value: SECONDARY_TARGET }] };
      expect(sent).toEqual([expected, { ...expected, Name: `${NAME}.` }]);
    });
  });
});
