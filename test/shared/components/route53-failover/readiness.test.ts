import { ListResourceRecordSetsCommand, NoSuchHostedZone, Route53Client, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readiness } from '../../../../shared/components/route53-failover/readiness.ts';
import type { ComponentOf } from '../../../../shared/plan/schema.ts';
import type { ReadinessContext } from '../../../../shared/readiness/types.ts';
import { exampleComponent } from '../../../support/action-context.ts';
import { awsError, readinessDeps } from '../../../support/readiness.ts';

const r53 = mockClient(Route53Client);

const NOW = new Date('2026-11-29T01:00:00.000Z');
const ZONE = 'Z0EXAMPLE123ABC';
const NAME = 'api.dataset-platform.example.com';
const WHAT = `record ${NAME} CNAME in zone ${ZONE}`;
const PRIMARY_CHECK = '1d2f3a4b-7c1e-4c5d-9e8f-0a1b2c3d4e5f';
const SECONDARY_CHECK = '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d';

/** A failover record as Route 53 lists it (its name with the trailing dot). */
const record = (failover: 'PRIMARY' | 'SECONDARY' | undefined, over: Partial<ResourceRecordSet> = {}): ResourceRecordSet => ({
  Name: `${NAME}.`,
  Type: 'CNAME',
  TTL: 60,
  ResourceRecords: [{ Value: failover === 'SECONDARY' ? 'api-osaka.dataset-platform.example.com' : 'api-tokyo.dataset-platform.example.com' }],
  ...(failover ? { Failover: failover, SetIdentifier: failover.toLowerCase() } : {}),
  ...over,
});
const pair = (primary: Partial<ResourceRecordSet> = { HealthCheckId: PRIMARY_CHECK }, secondary: Partial<ResourceRecordSet> = { HealthCheckId: SECONDARY_CHECK }) => ({
  ResourceRecordSets: [record('PRIMARY', primary), record('SECONDARY', secondary)],
});
type Params = ComponentOf<'route53-failover'>['params'];
/** The example plan's API record (mode routing-control), with `params` merged. */
const context = async (params: Partial<Params> = {}): Promise<ReadinessContext<'route53-failover'>> => ({
  component: await exampleComponent('route53-failover', 'api-gateway', params),
  ...readinessDeps(),
  now: NOW,
  rpoSeconds: null,
});

describe('route53-failover readiness', () => {
  beforeEach(() => r53.reset());
  afterEach(() => r53.reset());

  describe('routing-control mode', () => {
    it('is ready when both failover records carry a routing control health check; lists the record set in us-east-1', async () => {
      // Prepare
      r53.on(ListResourceRecordSetsCommand).resolves(pair());
      // Act
      const result = await readiness.assess(await context());
      // Assess
      expect(result).toEqual({
        findings: [{ check: 'health-check', status: 'ready', detail: `failover pair of ${NAME}; PRIMARY checked by ${PRIMARY_CHECK}` }],
        dataAtRiskSeconds: null,
      });
      expect(r53).toHaveReceivedCommandTimes(ListResourceRecordSetsCommand, 1);
      expect(r53.commandCalls(ListResourceRecordSetsCommand)[0]!.args[0].input).toEqual({
        HostedZoneId: ZONE,
        StartRecordName: NAME,
        StartRecordType: 'CNAME',
        MaxItems: 10,
      });
      expect(await r53.call(0).thisValue.config.region()).toBe('us-east-1');
    });

    it('ignores records of other names and types listed after the record', async () => {
      r53.on(ListResourceRecordSetsCommand).resolves({
        ResourceRecordSets: [
          record('PRIMARY', { Type: 'A', HealthCheckId: PRIMARY_CHECK }),
          record('SECONDARY', { Name: `www.${NAME}.`, HealthCheckId: SECONDARY_CHECK }),
        ],
      });
      const result = await readiness.assess(await context());
      expect(result.findings).toEqual([
        { check: 'failover-records', status: 'not-ready', detail: `${WHAT} is not a PRIMARY/SECONDARY failover pair: create both failover records` },
      ]);
    });

    it('is not ready when the record is a simple record, not a failover pair', async () => {
      r53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [record(undefined)] });
      const result = await readiness.assess(await context());
      expect(result).toEqual({
        findings: [{ check: 'failover-records', status: 'not-ready', detail: `${WHAT} is not a PRIMARY/SECONDARY failover pair: create both failover records` }],
        dataAtRiskSeconds: null,
      });
    });

    it('is not ready when the PRIMARY record has no health check', async () => {
      r53.on(ListResourceRecordSetsCommand).resolves(pair({}));
      const result = await readiness.assess(await context());
      expect(result.findings).toEqual([{
        check: 'health-check',
        status: 'not-ready',
        detail: `the PRIMARY record of ${NAME} has no health check: DNS cannot fail over by itself; attach its routing control health check`,
      }]);
    });

    it('is not ready when the SECONDARY record has no routing control health check', async () => {
      r53.on(ListResourceRecordSetsCommand).resolves(pair({ HealthCheckId: PRIMARY_CHECK }, {}));
      const result = await readiness.assess(await context());
      expect(result.findings).toEqual([{
        check: 'health-check',
        status: 'not-ready',
        detail: `the SECONDARY record of ${NAME} has no routing control health check: turning its control On would not route to it`,
      }]);
    });

    it('is not ready when the hosted zone does not exist; not ready when denied; at risk when throttled', async () => {
      r53.on(ListResourceRecordSetsCommand)
        .rejectsOnce(new NoSuchHostedZone({ message: `No hosted zone found with ID: ${ZONE}`, $metadata: { httpStatusCode: 404 } }))
        .rejectsOnce(awsError('AccessDenied', 'not authorized'))
        .rejectsOnce(awsError('Throttling', 'Rate exceeded'));
      expect((await readiness.assess(await context())).findings).toEqual([
        { check: 'failover-records', status: 'not-ready', detail: `${WHAT} not found (NoSuchHostedZone): create it in the recovery region, or correct the plan` },
      ]);
      expect((await readiness.assess(await context())).findings).toEqual([
        { check: 'failover-records', status: 'not-ready', detail: `${WHAT}: access denied (AccessDenied): the automation's role lacks a read it needs; redeploy from this plan` },
      ]);
      expect((await readiness.assess(await context())).findings).toEqual([
        { check: 'failover-records', status: 'at-risk', detail: `${WHAT}: could not be read (Throttling: Rate exceeded); readiness unknown until it answers` },
      ]);
    });
  });

  describe('health-check mode', () => {
    it('is ready when the PRIMARY record carries the plan\'s health check', async () => {
      r53.on(ListResourceRecordSetsCommand).resolves(pair({ HealthCheckId: PRIMARY_CHECK }, {}));
      const result = await readiness.assess(await context({ mode: 'health-check', primaryHealthCheckId: PRIMARY_CHECK }));
      expect(result.findings).toEqual([{ check: 'health-check', status: 'ready', detail: `failover pair of ${NAME}; PRIMARY checked by ${PRIMARY_CHECK}` }]);
    });

    it('is not ready when the PRIMARY record carries another health check than the plan\'s', async () => {
      r53.on(ListResourceRecordSetsCommand).resolves(pair({ HealthCheckId: 'other-check' }, {}));
      const result = await readiness.assess(await context({ mode: 'health-check', primaryHealthCheckId: PRIMARY_CHECK }));
      expect(result.findings).toEqual([{
        check: 'health-check',
        status: 'not-ready',
        detail: `the PRIMARY record of ${NAME} has health check other-check, not the plan's ${PRIMARY_CHECK}: DNS cannot fail over by itself; attach ${PRIMARY_CHECK}`,
      }]);
    });

    it('is not ready when the failover record has no health check', async () => {
      r53.on(ListResourceRecordSetsCommand).resolves(pair({}, {}));
      const result = await readiness.assess(await context({ mode: 'health-check', primaryHealthCheckId: PRIMARY_CHECK }));
      expect(result.findings).toEqual([{
        check: 'health-check',
        status: 'not-ready',
        detail: `the PRIMARY record of ${NAME} has no health check: DNS cannot fail over by itself; attach ${PRIMARY_CHECK}`,
      }]);
    });
  });

  describe('record mode', () => {
    it('is at risk: the record is rewritten through the control plane during the outage', async () => {
      r53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [record(undefined)] });
      const result = await readiness.assess(await context({ mode: 'record', secondaryTarget: { values: ['api-osaka.dataset-platform.example.com'], ttl: 60 } }));
      expect(result).toEqual({
        findings: [{
          check: 'failover-records',
          status: 'at-risk',
          detail: `${WHAT} is rewritten through Route 53's control plane (us-east-1) during the outage; failover records with health checks (mode health-check or routing-control) flip without it`,
        }],
        dataAtRiskSeconds: null,
      });
    });

    it('is not ready when the record is not there', async () => {
      r53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [record(undefined, { Name: `next.${NAME}.` })] });
      const result = await readiness.assess(await context({ mode: 'record', secondaryTarget: { values: ['api-osaka.dataset-platform.example.com'], ttl: 60 } }));
      expect(result.findings).toEqual([{ check: 'failover-records', status: 'not-ready', detail: `${WHAT} not found` }]);
    });
  });
});
