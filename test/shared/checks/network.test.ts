import {
  GetHealthCheckStatusCommand,
  InvalidInput,
  NoSuchHealthCheck,
  NoSuchHostedZone,
  Route53Client,
  TestDNSAnswerCommand,
  type HealthCheckObservation,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NETWORK_CHECKS } from '../../../shared/checks/network.ts';
import { dnsAnswer, http, route53HealthCheck } from '../../../shared/checks/schema.ts';
import { checkContext } from '../../support/check-context.ts';

const r53 = mockClient(Route53Client);
const ZONE = 'Z0EXAMPLE123ABC';
const NAME = 'api.dataset-platform.example.com';
const OSAKA = 'api-osaka.dataset-platform.example.com';
const HEALTH_CHECK = '1d2f3a4b-7c1e-4c5d-9e8f-0a1b2c3d4e5f';
const URL_ = 'https://api.dataset-platform.example.com/health';
const INCIDENT = new Date('2026-11-29T01:00:00.000Z');

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } });

/** A fetch answering `status` and `text`; with `latencyMs`, after that long on the (fake) clock. */
function fakeFetch(status: number, text: string, latencyMs?: number) {
  return vi.fn(async (_input: string | URL | Request, _init?: RequestInit) => {
    if (latencyMs !== undefined) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    return new Response(status === 204 ? null : text, { status });
  });
}

/** Runs the check with setTimeout and performance.now() faked: the fake fetch's latency is what the check measures. */
async function onFakeClock<T>(work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  try {
    const running = work();
    await vi.runAllTimersAsync();
    return await running;
  } finally {
    vi.useRealTimers();
  }
}

describe('network checks', () => {
  beforeEach(() => r53.reset());
  afterEach(() => r53.reset());

  describe('dns-answer', () => {
    const spec = (expected: string[]) => dnsAnswer.parse({ type: 'dns-answer', hostedZoneId: ZONE, recordName: NAME, recordType: 'A', expected });

    it('asks TestDNSAnswer and compares the record data as a set (order, case and trailing dots do not matter)', async () => {
      r53.on(TestDNSAnswerCommand).resolves({ RecordData: ['198.51.100.21', '198.51.100.20.'], ResponseCode: 'NOERROR', Nameserver: 'ns', RecordName: NAME, RecordType: 'A', Protocol: 'UDP' });
      const outcome = await NETWORK_CHECKS['dns-answer'](checkContext(), spec(['198.51.100.20', '198.51.100.21', '198.51.100.20']));
      expect(r53).toHaveReceivedCommandExactlyOnceWith(TestDNSAnswerCommand, { HostedZoneId: ZONE, RecordName: NAME, RecordType: 'A' });
      expect(outcome).toEqual({
        status: 'passed', detail: `${NAME} A answers NOERROR [198.51.100.20, 198.51.100.21]`,
        observations: { recordData: ['198.51.100.20', '198.51.100.21'], responseCode: 'NOERROR', expected: ['198.51.100.20', '198.51.100.21'] },
      });
      r53.on(TestDNSAnswerCommand).resolves({ RecordData: [`${OSAKA.toUpperCase()}.`], ResponseCode: 'NOERROR' });
      const cname = dnsAnswer.parse({ type: 'dns-answer', hostedZoneId: ZONE, recordName: NAME, recordType: 'CNAME', expected: [OSAKA] });
      expect((await NETWORK_CHECKS['dns-answer'](checkContext(), cname)).status).toBe('passed');
    });

    it('fails showing what it got and what was expected: a subset, a superset, NXDOMAIN', async () => {
      r53.on(TestDNSAnswerCommand).resolves({ RecordData: ['192.0.2.10'], ResponseCode: 'NOERROR' });
      expect(await NETWORK_CHECKS['dns-answer'](checkContext(), spec(['198.51.100.20']))).toMatchObject({
        status: 'failed', detail: `${NAME} A answers NOERROR [192.0.2.10], expected NOERROR [198.51.100.20]`,
      });
      r53.on(TestDNSAnswerCommand).resolves({ RecordData: ['198.51.100.20', '192.0.2.10'], ResponseCode: 'NOERROR' });
      expect((await NETWORK_CHECKS['dns-answer'](checkContext(), spec(['198.51.100.20']))).status).toBe('failed');
      r53.on(TestDNSAnswerCommand).resolves({ RecordData: ['198.51.100.20'], ResponseCode: 'NOERROR' });
      expect((await NETWORK_CHECKS['dns-answer'](checkContext(), spec(['198.51.100.20', '198.51.100.21']))).status).toBe('failed');
      r53.on(TestDNSAnswerCommand).resolves({ RecordData: [], ResponseCode: 'NXDOMAIN' });
      expect(await NETWORK_CHECKS['dns-answer'](checkContext(), spec(['198.51.100.20']))).toMatchObject({
        status: 'failed', detail: `${NAME} A answers NXDOMAIN [], expected NOERROR [198.51.100.20]`,
      });
    });

    it('NoSuchHostedZone fails naming TestDNSAnswer; Throttling is rethrown as AwsThrottlingError', async () => {
      r53.on(TestDNSAnswerCommand).rejects(new NoSuchHostedZone({ message: `No hosted zone found with ID: ${ZONE}`, $metadata: { httpStatusCode: 404 } }));
      expect(await NETWORK_CHECKS['dns-answer'](checkContext(), spec(['198.51.100.20']))).toEqual({
        status: 'failed', detail: `TestDNSAnswer ${NAME} A in hosted zone ${ZONE}: NoSuchHostedZone (No hosted zone found with ID: ${ZONE})`,
        observations: { api: 'TestDNSAnswer', awsError: 'NoSuchHostedZone' },
      });
      r53.on(TestDNSAnswerCommand).rejects(throttled());
      await expect(NETWORK_CHECKS['dns-answer'](checkContext(), spec(['198.51.100.20']))).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });
    });
  });

  describe('http', () => {
    const spec = (over: Record<string, unknown> = {}) => http.parse({ type: 'http', url: URL_, bodyContains: '"status":"ok"', maxLatencyMs: 500, ...over });

    it('GETs the URL without following redirects, with a timeout of twice maxLatencyMs, and passes on the expected status, body and latency', async () => {
      const fetch = fakeFetch(200, '{"status":"ok","region":"ap-northeast-3"}');
      const timeout = vi.spyOn(AbortSignal, 'timeout');
      const outcome = await NETWORK_CHECKS.http(checkContext({ fetch }), spec());
      expect(fetch).toHaveBeenCalledExactlyOnceWith(URL_, { method: 'GET', redirect: 'manual', signal: expect.any(AbortSignal) });
      expect(timeout).toHaveBeenCalledWith(1000);
      timeout.mockRestore();
      expect(outcome).toMatchObject({ status: 'passed', detail: expect.stringMatching(/^GET https:\/\/api\.dataset-platform\.example\.com\/health: 200 in \d+ ms, body contains "\\"status\\":\\"ok\\""$/) });
      expect(outcome.observations).toEqual({ url: URL_, statusCode: 200, latencyMs: expect.any(Number) });
    });

    it('fails on a status mismatch (a redirect counts as its own status)', async () => {
      const outcome = await NETWORK_CHECKS.http(checkContext({ fetch: fakeFetch(302, '{"status":"ok"}') }), spec());
      expect(outcome).toMatchObject({ status: 'failed', detail: `GET ${URL_}: status 302, expected 200`, observations: { statusCode: 302 } });
      expect((await NETWORK_CHECKS.http(checkContext({ fetch: fakeFetch(204, '') }), spec({ expectStatus: 204, bodyContains: undefined }))).status).toBe('passed');
    });

    it('fails when the body does not contain bodyContains', async () => {
      const outcome = await NETWORK_CHECKS.http(checkContext({ fetch: fakeFetch(200, '{"status":"degraded"}') }), spec());
      expect(outcome).toMatchObject({ status: 'failed', detail: `GET ${URL_}: body does not contain "\\"status\\":\\"ok\\""` });
    });

    it('measures the latency with performance.now() from the request to the body read, and fails when too slow, naming every problem', async () => {
      const outcome = await onFakeClock(() => NETWORK_CHECKS.http(checkContext({ fetch: fakeFetch(503, 'Service Unavailable', 1200) }), spec({ maxLatencyMs: 1000 })));
      expect(outcome).toEqual({
        status: 'failed',
        detail: `GET ${URL_}: status 503, expected 200; body does not contain "\\"status\\":\\"ok\\""; answered in 1200 ms, over maxLatencyMs 1000`,
        observations: { url: URL_, statusCode: 503, latencyMs: 1200 },
      });
      expect(await onFakeClock(() => NETWORK_CHECKS.http(checkContext({ fetch: fakeFetch(200, '{"status":"ok"}', 120) }), spec()))).toMatchObject({
        status: 'passed', detail: `GET ${URL_}: 200 in 120 ms, body contains "\\"status\\":\\"ok\\""`, observations: { latencyMs: 120 },
      });
    });

    it('a network error fails naming its cause', async () => {
      const fetch = vi.fn(async () => {
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND api.dataset-platform.example.com'), { code: 'ENOTFOUND' }) });
      });
      expect(await NETWORK_CHECKS.http(checkContext({ fetch }), spec())).toEqual({
        status: 'failed', detail: `GET ${URL_}: TypeError: fetch failed (ENOTFOUND)`, observations: { url: URL_, statusCode: null, latencyMs: null },
      });
    });

    it('no answer within twice maxLatencyMs: the request is aborted and the check fails', async () => {
      const hanging = vi.fn((_input: string | URL | Request, init?: RequestInit) => new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      }));
      expect(await NETWORK_CHECKS.http(checkContext({ fetch: hanging }), spec({ maxLatencyMs: 20 }))).toEqual({
        status: 'failed', detail: `GET ${URL_}: no answer within 40 ms (TimeoutError)`, observations: { url: URL_, statusCode: null, latencyMs: 40 },
      });
    });
  });

  describe('route53-health-check', () => {
    const spec = (expect: 'healthy' | 'unhealthy' = 'healthy') => route53HealthCheck.parse({ type: 'route53-health-check', healthCheckId: HEALTH_CHECK, expect });
    const checkers = (success: number, total: number): HealthCheckObservation[] => Array.from({ length: total }, (_, i) => ({
      Region: 'us-east-1', IPAddress: `198.51.100.${i}`,
      StatusReport: { Status: i < success ? 'Success: HTTP Status Code 200, OK' : 'Failure: Connection timed out.', CheckedTime: INCIDENT },
    }));

    it('asks GetHealthCheckStatus and counts the checkers reporting Success', async () => {
      r53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: checkers(8, 8) });
      const outcome = await NETWORK_CHECKS['route53-health-check'](checkContext(), spec());
      expect(r53).toHaveReceivedCommandExactlyOnceWith(GetHealthCheckStatusCommand, { HealthCheckId: HEALTH_CHECK });
      expect(outcome).toEqual({
        status: 'passed', detail: `health check ${HEALTH_CHECK} is healthy: 8 of 8 checkers (100 %) report Success (healthy above 18 %)`,
        observations: { healthy: true, checkers: 8, healthyCheckers: 8, healthyPercent: 100 },
      });
    });

    it.each([
      [2, 8, true, 25],
      [1, 8, false, 12.5],
      [19, 100, true, 19],
      [18, 100, false, 18],
      [0, 16, false, 0],
    ])('%i of %i checkers reporting Success: healthy is %s (more than 18 %% needed)', async (success, total, healthy, percent) => {
      r53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: checkers(success, total) });
      const asHealthy = await NETWORK_CHECKS['route53-health-check'](checkContext(), spec('healthy'));
      expect(asHealthy).toMatchObject({ status: healthy ? 'passed' : 'failed', observations: { healthy, healthyPercent: percent } });
      const asUnhealthy = await NETWORK_CHECKS['route53-health-check'](checkContext(), spec('unhealthy'));
      expect(asUnhealthy.status).toBe(healthy ? 'failed' : 'passed');
      if (healthy) expect(asUnhealthy.detail).toMatch(/, expected unhealthy$/);
    });

    it('no checker observations yet: failed', async () => {
      r53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: [] });
      expect(await NETWORK_CHECKS['route53-health-check'](checkContext(), spec())).toMatchObject({ status: 'failed', detail: `health check ${HEALTH_CHECK}: no checker reports its status yet` });
    });

    it('NoSuchHealthCheck and InvalidInput (a CALCULATED check) fail naming the API; Throttling is rethrown', async () => {
      r53.on(GetHealthCheckStatusCommand).rejects(new NoSuchHealthCheck({ message: `A health check with id ${HEALTH_CHECK} does not exist.`, $metadata: { httpStatusCode: 404 } }));
      expect(await NETWORK_CHECKS['route53-health-check'](checkContext(), spec())).toMatchObject({
        status: 'failed', detail: `GetHealthCheckStatus health check ${HEALTH_CHECK}: NoSuchHealthCheck (A health check with id ${HEALTH_CHECK} does not exist.)`,
      });
      r53.on(GetHealthCheckStatusCommand).rejects(new InvalidInput({ message: 'calculated health checks have no status here', $metadata: { httpStatusCode: 400 } }));
      expect(await NETWORK_CHECKS['route53-health-check'](checkContext(), spec())).toMatchObject({ status: 'failed', observations: { api: 'GetHealthCheckStatus', awsError: 'InvalidInput' } });
      r53.on(GetHealthCheckStatusCommand).rejects(throttled());
      await expect(NETWORK_CHECKS['route53-health-check'](checkContext(), spec())).rejects.toMatchObject({ name: 'AwsThrottlingError' });
    });
  });
});
