import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHealthCheckCommand,
  HealthCheckVersionMismatch,
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
  type HealthCheck,
  type ResourceRecordSet,
  type TestDNSAnswerCommandOutput,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recover as route53Failover } from '../../../../shared/components/route53-failover/recover.ts';
import { actionContext, exampleComponent } from '../../../support/action-context.ts';

const r53 = mockClient(Route53Client);
const HEALTH_CHECK_ID = '1d2f3a4b-7c1e-4c5d-9e8f-0a1b2c3d4e5f';
const ZONE = 'Z0EXAMPLE123ABC';
const NAME = 'api.dataset-platform.example.com';
const SECONDARY_TARGET = 'api-osaka.dataset-platform.example.com';

const healthCheck = (inverted: boolean, version: number): HealthCheck => ({
  Id: HEALTH_CHECK_ID,
  CallerReference: 'api-tokyo',
  HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'api-tokyo.dataset-platform.example.com', Inverted: inverted },
  HealthCheckVersion: version,
});
const dnsAnswer = (recordData: string[], responseCode = 'NOERROR'): TestDNSAnswerCommandOutput => ({
  Nameserver: 'ns-1.awsdns-01.org',
  RecordName: NAME,
  RecordType: 'CNAME',
  RecordData: recordData,
  ResponseCode: responseCode,
  Protocol: 'UDP',
  $metadata: {},
});
const primaryRecord: ResourceRecordSet = {
  Name: `${NAME}.`,
  Type: 'CNAME',
  SetIdentifier: 'primary',
  Failover: 'PRIMARY',
  HealthCheckId: HEALTH_CHECK_ID,
  TTL: 60,
  ResourceRecords: [{ Value: 'api-tokyo.dataset-platform.example.com' }],
};
const secondaryRecord: ResourceRecordSet = { ...primaryRecord, SetIdentifier: 'secondary', Failover: 'SECONDARY', HealthCheckId: undefined };

const healthCheckMode = () => exampleComponent('route53-failover', 'api-gateway');
/** The example's record in record mode: its failover PRIMARY record, or a simple record when `simple`. */
const recordMode = (simple = false) =>
  exampleComponent('route53-failover', 'api-gateway', {
    mode: 'record',
    primaryHealthCheckId: undefined,
    secondaryTarget: { values: [SECONDARY_TARGET], ttl: 60 },
    setIdentifier: simple ? undefined : 'primary',
  });

describe('route53-failover', () => {
  beforeEach(() => r53.reset());
  afterEach(() => r53.reset());

  describe('health-check mode', () => {
    it('inverts the primary health check at its current version (never Disabled), in us-east-1', async () => {
      // Prepare
      const ctx = actionContext(await healthCheckMode());
      r53.on(GetHealthCheckCommand).resolves({ HealthCheck: healthCheck(false, 7) });
      r53.on(UpdateHealthCheckCommand).resolves({ HealthCheck: healthCheck(true, 8) });
      // Act
      const progress = await route53Failover.start(ctx);
      // Assess
      expect(r53).toHaveReceivedCommandWith(GetHealthCheckCommand, { HealthCheckId: HEALTH_CHECK_ID });
      expect(r53).toHaveReceivedCommandWith(UpdateHealthCheckCommand, { HealthCheckId: HEALTH_CHECK_ID, HealthCheckVersion: 7, Inverted: true });
      expect(r53.commandCalls(UpdateHealthCheckCommand)[0]?.args[0].input).not.toHaveProperty('Disabled');
      expect(r53).not.toHaveReceivedCommand(TestDNSAnswerCommand);
      expect(progress).toMatchObject({ done: false, nextCheckSeconds: 60, state: { healthCheckInverted: true } });
      expect(progress.observations).toMatchObject({ mode: 'health-check', healthCheckInverted: true });
      expect(await r53.call(0).thisValue.config.region()).toBe('us-east-1');
    });

    it('sends UpdateHealthCheck once when start runs twice (idempotent re-run) and reports the DNS answer', async () => {
      const ctx = actionContext(await healthCheckMode());
      r53.on(GetHealthCheckCommand).resolvesOnce({ HealthCheck: healthCheck(false, 7) }).resolves({ HealthCheck: healthCheck(true, 8) });
      r53.on(UpdateHealthCheckCommand).resolves({ HealthCheck: healthCheck(true, 8) });
      r53.on(TestDNSAnswerCommand).resolves(dnsAnswer([`${SECONDARY_TARGET.toUpperCase()}.`]));
      await route53Failover.start(ctx);
      const again = await route53Failover.start(ctx);
      expect(r53).toHaveReceivedCommandTimes(UpdateHealthCheckCommand, 1);
      expect(r53).toHaveReceivedCommandWith(TestDNSAnswerCommand, { HostedZoneId: ZONE, RecordName: NAME, RecordType: 'CNAME' });
      expect(again.done).toBe(true);
      expect(again.observations).toMatchObject({ dnsAnswer: [`${SECONDARY_TARGET.toUpperCase()}.`], dnsResponseCode: 'NOERROR' });
    });

    it('is done only when TestDNSAnswer returns the expected answer (as a set) with NOERROR', async () => {
      const ctx = actionContext(await healthCheckMode());
      r53
        .on(TestDNSAnswerCommand)
        .resolvesOnce(dnsAnswer(['api-tokyo.dataset-platform.example.com.']))
        .resolvesOnce(dnsAnswer([], 'SERVFAIL'))
        .resolvesOnce(dnsAnswer([`${SECONDARY_TARGET}.`, SECONDARY_TARGET]));
      const state = { healthCheckInverted: true };
      expect(await route53Failover.check(ctx, state)).toMatchObject({ done: false, nextCheckSeconds: 30 });
      expect((await route53Failover.check(ctx, state)).done).toBe(false);
      expect((await route53Failover.check(ctx, state)).done).toBe(true);
    });

    it('maps HealthCheckVersionMismatch to ResourceBusyError (the retry re-reads the version)', async () => {
      const ctx = actionContext(await healthCheckMode());
      r53.on(GetHealthCheckCommand).resolves({ HealthCheck: healthCheck(false, 7) });
      r53.on(UpdateHealthCheckCommand).rejects(new HealthCheckVersionMismatch({ message: 'version mismatch', $metadata: { httpStatusCode: 409 } }));
      await expect(route53Failover.start(ctx)).rejects.toMatchObject({ name: 'ResourceBusyError' });
    });

    it.each([
      { error: new NoSuchHealthCheck({ message: 'No health check exists', $metadata: { httpStatusCode: 404 } }), expected: 'ResourceNotFoundError' },
      {
        error: new Route53ServiceException({ name: 'Throttling', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }),
        expected: 'AwsThrottlingError',
      },
    ])('maps $error.name on GetHealthCheck to $expected', async ({ error, expected }) => {
      const ctx = actionContext(await healthCheckMode());
      r53.on(GetHealthCheckCommand).rejects(error);
      await expect(route53Failover.start(ctx)).rejects.toMatchObject({ name: expected });
      expect(r53).not.toHaveReceivedCommand(UpdateHealthCheckCommand);
    });

    it('maps NoSuchHostedZone on TestDNSAnswer to ResourceNotFoundError', async () => {
      const ctx = actionContext(await healthCheckMode());
      r53.on(TestDNSAnswerCommand).rejects(new NoSuchHostedZone({ message: 'No hosted zone found', $metadata: { httpStatusCode: 404 } }));
      await expect(route53Failover.check(ctx, { healthCheckInverted: true })).rejects.toMatchObject({ name: 'ResourceNotFoundError' });
    });
  });

  describe('record mode', () => {
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
      });
      expect(await r53.call(0).thisValue.config.region()).toBe('us-east-1');
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
    ])('maps $error.name on ChangeResourceRecordSets to $expected', async ({ error, expected, message }) => {
      const ctx = actionContext(await recordMode());
      r53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [primaryRecord], IsTruncated: false, MaxItems: 100 });
      r53.on(ChangeResourceRecordSetsCommand).rejects(error);
      await expect(route53Failover.start(ctx)).rejects.toMatchObject({ name: expected, message: expect.stringContaining(message) });
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
