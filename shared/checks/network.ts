import { Route53Client, GetHealthCheckStatusCommand, TestDNSAnswerCommand } from '@aws-sdk/client-route-53';
import { ROUTE53_REGION } from '../aws/clients.ts';
import type { JsonObject } from '../components/types.ts';
import { awsCall, failedCall } from './aws-call.ts';
import type { CheckContext, CheckRunner } from './types.ts';

/**
 * Network and application checks: the DNS answer Route 53 gives for the plan's record, the recovered
 * service's HTTP endpoint, and a Route 53 health check's status.
 *
 * Errors: Route 53 throttling and 5xx are rethrown as retryable; other AWS errors (NoSuchHostedZone,
 * NoSuchHealthCheck, InvalidInput…) are a failed outcome naming the API and the error.
 */

/** A Route 53 health check is healthy when more than this share of its checkers report it healthy (Route 53 DG). */
export const HEALTHY_CHECKER_PERCENT = 18;

/** DNS names and answers compare case-insensitively, with or without the trailing dot. */
const norm = (value: string) => value.trim().toLowerCase().replace(/\.$/, '');

/**
 * TestDNSAnswer for the record (Route 53's own answer, from a resolver in us-east-1 by default): passes
 * when the response code is NOERROR and the record data equals `expected` as a set.
 */
const dnsAnswer: CheckRunner<'dns-answer'> = async (ctx, spec) => {
  const input = { HostedZoneId: spec.hostedZoneId, RecordName: spec.recordName, RecordType: spec.recordType };
  const answer = await awsCall(() => ctx.clients.get(Route53Client, ROUTE53_REGION).send(new TestDNSAnswerCommand(input)));
  if (!answer.ok) return failedCall('TestDNSAnswer', `${spec.recordName} ${spec.recordType} in hosted zone ${spec.hostedZoneId}`, answer);
  const out = answer.value;
  const got = [...new Set((out.RecordData ?? []).map(norm))].sort();
  const expected = [...new Set(spec.expected.map(norm))].sort();
  const code = out.ResponseCode ?? 'UNKNOWN';
  const same = got.length === expected.length && got.every((v, i) => v === expected[i]);
  const observations: JsonObject = { recordData: got, responseCode: code, expected };
  const answers = `${spec.recordName} ${spec.recordType} answers ${code} [${got.join(', ')}]`;
  if (code === 'NOERROR' && same) return { status: 'passed', detail: answers, observations };
  return { status: 'failed', detail: `${answers}, expected NOERROR [${expected.join(', ')}]`, observations };
};

/** The cause undici gives a failed fetch (ECONNREFUSED, ENOTFOUND…), for the detail. */
function fetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const why = cause?.code ?? cause?.message;
  return `${error.name}: ${error.message}${why ? ` (${why})` : ''}`;
}

/**
 * GETs the URL (redirects are not followed, so a 3xx is the status checked) and reads the body. The
 * latency is from the request to the whole body read, measured with performance.now(). The request is
 * aborted after twice maxLatencyMs. Every requirement that is not met is named: status, body, latency.
 */
const httpCheck: CheckRunner<'http'> = async (ctx: CheckContext, spec) => {
  const timeoutMs = spec.maxLatencyMs * 2;
  const started = performance.now();
  let status: number;
  let body: string;
  try {
    const response = await ctx.fetch(spec.url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    status = response.status;
    body = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      status: 'failed',
      detail: timedOut ? `GET ${spec.url}: no answer within ${timeoutMs} ms (${(error as Error).name})` : `GET ${spec.url}: ${fetchError(error)}`,
      observations: { url: spec.url, statusCode: null, latencyMs: timedOut ? timeoutMs : null },
    };
  }
  const latencyMs = Math.round(performance.now() - started);

  const problems: string[] = [];
  if (status !== spec.expectStatus) problems.push(`status ${status}, expected ${spec.expectStatus}`);
  if (spec.bodyContains !== undefined && !body.includes(spec.bodyContains)) problems.push(`body does not contain ${JSON.stringify(spec.bodyContains)}`);
  if (latencyMs > spec.maxLatencyMs) problems.push(`answered in ${latencyMs} ms, over maxLatencyMs ${spec.maxLatencyMs}`);
  const observations: JsonObject = { url: spec.url, statusCode: status, latencyMs };
  if (problems.length > 0) return { status: 'failed', detail: `GET ${spec.url}: ${problems.join('; ')}`, observations };
  return { status: 'passed', detail: `GET ${spec.url}: ${status} in ${latencyMs} ms${spec.bodyContains !== undefined ? `, body contains ${JSON.stringify(spec.bodyContains)}` : ''}`, observations };
};

/**
 * GetHealthCheckStatus: each checker's StatusReport.Status starts with "Success" or "Failure"; the check is
 * healthy when more than HEALTHY_CHECKER_PERCENT % of the checkers report Success (Route 53 Developer Guide,
 * "How Amazon Route 53 determines whether a health check is healthy"). Compared with `expect`.
 * (GetHealthCheckStatus does not work for CALCULATED health checks: that is a failed check.)
 */
const route53HealthCheck: CheckRunner<'route53-health-check'> = async (ctx, spec) => {
  const answer = await awsCall(() => ctx.clients.get(Route53Client, ROUTE53_REGION).send(new GetHealthCheckStatusCommand({ HealthCheckId: spec.healthCheckId })));
  if (!answer.ok) return failedCall('GetHealthCheckStatus', `health check ${spec.healthCheckId}`, answer);
  const reports = answer.value.HealthCheckObservations ?? [];
  const healthyCheckers = reports.filter((o) => /^success/i.test(o.StatusReport?.Status?.trim() ?? '')).length;
  if (reports.length === 0) {
    return { status: 'failed', detail: `health check ${spec.healthCheckId}: no checker reports its status yet`, observations: { healthy: null, checkers: 0, healthyCheckers: 0, healthyPercent: null } };
  }
  // More than 18 %, in integers: healthy × 100 > 18 × total.
  const healthy = healthyCheckers * 100 > HEALTHY_CHECKER_PERCENT * reports.length;
  const percent = Math.round((healthyCheckers / reports.length) * 1000) / 10;
  const observations: JsonObject = { healthy, checkers: reports.length, healthyCheckers, healthyPercent: percent };
  const state = healthy ? 'healthy' : 'unhealthy';
  const detail = `health check ${spec.healthCheckId} is ${state}: ${healthyCheckers} of ${reports.length} checkers (${percent} %) report Success` +
    ` (healthy above ${HEALTHY_CHECKER_PERCENT} %)${state === spec.expect ? '' : `, expected ${spec.expect}`}`;
  return { status: state === spec.expect ? 'passed' : 'failed', detail, observations };
};

export const NETWORK_CHECKS: { 'dns-answer': CheckRunner<'dns-answer'>; http: CheckRunner<'http'>; 'route53-health-check': CheckRunner<'route53-health-check'> } = {
  'dns-answer': dnsAnswer,
  http: httpCheck,
  'route53-health-check': route53HealthCheck,
};
