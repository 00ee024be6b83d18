import {
  Route53Client, ChangeResourceRecordSetsCommand, GetChangeCommand, GetHealthCheckStatusCommand, ListResourceRecordSetsCommand, TestDNSAnswerCommand,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { GetRoutingControlStateCommand, Route53RecoveryClusterClient, UpdateRoutingControlStatesCommand } from '@aws-sdk/client-route53-recovery-cluster';
import { clientConfig, ROUTE53_REGION } from '../../aws/clients.ts';
import { isUnreachable, PROBE_TIMEOUT_MS } from '../../aws/reachability.ts';
import { HEALTHY_CHECKER_PERCENT } from '../../checks/network.ts';
import {
  AwsThrottlingError, AwsTransientError, ResourceBusyError, ResourceNotFoundError, UnexpectedStateError, classifyError, notFoundOr,
} from '../../errors.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';

/**
 * route53-failover, three ways (params.ts):
 *
 * - `routing-control` (data plane): ARC routing controls. The failover records carry routing-control health
 *   checks; UpdateRoutingControlStates sets the primary's control Off and the secondary's On in one call on the
 *   ARC cluster, whose five Regional endpoints are tried in rotation, as AWS advises
 *   (https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.update.api.html). It holds whatever the
 *   primary does (back up, down again) and needs nothing of the Route 53 control plane in us-east-1.
 * - `health-check`: Route 53's own health-check failover. In an outage the primary's check is already
 *   unhealthy and DNS answers with the secondary on the data plane by itself: the action only confirms it. It
 *   never inverts or disables the check: an inverted check of a dead endpoint is *healthy* and sends traffic
 *   back to it, and a disabled check counts as healthy
 *   (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html, "Invert health check status" and "Disabled").
 *   A healthy primary (a planned switchover) cannot be failed over this way: the action says which mode can.
 * - `record` (control-plane override): UPSERT the record with ChangeResourceRecordSets and wait for INSYNC.
 *
 * Every Route 53 API (GetHealthCheckStatus, TestDNSAnswer, ChangeResourceRecordSets, GetChange) is the control
 * plane in us-east-1 (https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html):
 * when it does not answer, record and health-check mode fail with a retryable error that names routing-control
 * mode, and the DNS verification of the other two modes is reported as not done instead of failing the recovery.
 */

type Ctx = ActionContext<'route53-failover'>;
type Endpoint = { region: string; endpoint: string };
type Switch = 'On' | 'Off';
const NOT_FOUND = ['NoSuchHostedZone', 'NoSuchHealthCheck', 'NoSuchChange'];
const REJECTED = ['InvalidChangeBatch', 'InvalidInput'];
/** First check after the routing controls were set, when the plan gives no expectedSeconds (an assumption: AWS gives no figure). */
const ROUTING_CONTROL_EXPECTED_SECONDS = 10;
/**
 * Per ARC endpoint: a GetRoutingControlState or UpdateRoutingControlStates is a small request; 5 s (after a
 * 3 s connect timeout, shared/aws/clients.ts) keeps a rotation over five endpoints well inside start-action's
 * 90 s. One attempt per endpoint: the rotation is the retry (the SDK's own would retry the same endpoint).
 */
const ARC_REQUEST_TIMEOUT_MS = 5_000;

/** DNS names and answers compare case-insensitively, with or without the trailing dot. */
const norm = (value: string) => value.trim().toLowerCase().replace(/\.$/, '');
function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map(norm));
  const right = new Set(b.map(norm));
  return left.size === right.size && [...left].every((v) => right.has(v));
}
const errorName = (error: unknown) => (error instanceof Error ? error.name : 'Error');
const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

// ---- Route 53 (control plane, us-east-1) ---------------------------------------------------------------

/** One Route 53 request, its errors mapped to ours; a control plane that does not answer says what does not need it. */
async function call<T>(ctx: Ctx, api: string, what: string, send: (r53: Route53Client) => Promise<T>): Promise<T> {
  try {
    return await send(ctx.clients.get(Route53Client, ROUTE53_REGION));
  } catch (error) {
    if (error instanceof Error && REJECTED.includes(error.name)) {
      const messages = (error as { messages?: string[] }).messages?.join('; ');
      throw new UnexpectedStateError(`${what} rejected: ${error.name}: ${messages || error.message}`, { awsErrorName: error.name }, { cause: error });
    }
    if (isUnreachable(error)) {
      throw new AwsTransientError(
        `the Route 53 control plane (${ROUTE53_REGION}) did not answer ${api} for ${what} (${errorText(error)}); mode ${ctx.component.params.mode} depends on it: ` +
          'mode routing-control fails over on the ARC data plane without it',
        { awsErrorName: errorName(error), api },
        { cause: error },
      );
    }
    throw notFoundOr(error, NOT_FOUND, what);
  }
}

type Dns = { verified: true; data: string[]; code: string } | { verified: false; reason: string };

/**
 * What Route 53 answers for the record (TestDNSAnswer). `optional`: the mode does not need the control plane to
 * fail over, so when it does not answer (within PROBE_TIMEOUT_MS) the answer is "not verified", not an error.
 */
async function testDns(ctx: Ctx, optional: boolean): Promise<Dns> {
  const { hostedZoneId, recordName, recordType } = ctx.component.params;
  const test = new TestDNSAnswerCommand({ HostedZoneId: hostedZoneId, RecordName: recordName, RecordType: recordType });
  const what = `hosted zone ${hostedZoneId}`;
  if (!optional) {
    const answer = await call(ctx, 'TestDNSAnswer', what, (r53) => r53.send(test));
    return { verified: true, data: answer.RecordData ?? [], code: answer.ResponseCode ?? 'UNKNOWN' };
  }
  try {
    const r53 = ctx.clients.get(Route53Client, ROUTE53_REGION);
    const answer = await r53.send(test, { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return { verified: true, data: answer.RecordData ?? [], code: answer.ResponseCode ?? 'UNKNOWN' };
  } catch (error) {
    // TestDNSAnswer works for public hosted zones only
    // (https://docs.aws.amazon.com/Route53/latest/APIReference/API_TestDNSAnswer.html): for a private
    // zone it answers InvalidInput, which says nothing about the failover the mode already proved.
    if (error instanceof Error && error.name === 'InvalidInput') {
      ctx.logger.warn('TestDNSAnswer refused the hosted zone (a private zone?): DNS not verified', { recordName, error: errorText(error) });
      return { verified: false, reason: `TestDNSAnswer refused ${what} (${errorText(error)}): it answers for public hosted zones only` };
    }
    if (!isUnreachable(error)) throw notFoundOr(error, NOT_FOUND, what);
    ctx.logger.warn('The Route 53 control plane did not answer TestDNSAnswer: DNS not verified', { recordName, error: errorText(error) });
    return { verified: false, reason: `TestDNSAnswer: the Route 53 control plane (${ROUTE53_REGION}) did not answer (${errorText(error)})` };
  }
}

function dnsObservations(dns: Dns | undefined): JsonObject {
  if (!dns) return { dnsAnswer: null, dnsResponseCode: null };
  if (!dns.verified) return { dnsAnswer: null, dnsResponseCode: null, dnsVerified: false, dnsNotVerifiedBecause: dns.reason };
  return { dnsAnswer: dns.data, dnsResponseCode: dns.code, dnsVerified: true };
}

/** Whether the DNS answer is the expected one; an unverified answer counts as done (the mode's own proof held). */
function dnsProgress(ctx: Ctx, dns: Dns, expected: readonly string[], proof: string): { done: boolean; status: string } {
  const { recordName, recordType } = ctx.component.params;
  if (!dns.verified) return { done: true, status: `${proof}; DNS not verified: ${dns.reason}` };
  const done = dns.code === 'NOERROR' && sameSet(dns.data, expected);
  return { done, status: `${proof}; ${recordName} ${recordType} answers ${dns.code} [${dns.data.join(', ')}]${done ? '' : `, expecting [${expected.join(', ')}]`}` };
}

// ---- record mode (control-plane override) --------------------------------------------------------------

/** The record to change: the one with params.setIdentifier, else the simple record of that name and type. */
async function findRecord(ctx: Ctx): Promise<ResourceRecordSet | undefined> {
  const { hostedZoneId, recordName, recordType, setIdentifier } = ctx.component.params;
  const what = `${recordName} ${recordType} in hosted zone ${hostedZoneId}`;
  const list = new ListResourceRecordSetsCommand({
    HostedZoneId: hostedZoneId,
    StartRecordName: recordName,
    StartRecordType: recordType,
    MaxItems: setIdentifier ? 100 : 1,
  });
  const out = await call(ctx, 'ListResourceRecordSets', `hosted zone ${hostedZoneId}`, (r53) => r53.send(list));
  const records = (out.ResourceRecordSets ?? []).filter((r) => norm(r.Name ?? '') === norm(recordName) && r.Type === recordType);
  if (setIdentifier) {
    const found = records.find((r) => r.SetIdentifier === setIdentifier);
    // UPSERT could not create it: a routing-policy record needs its policy, which the plan does not hold.
    if (!found) throw new ResourceNotFoundError(`${what} has no record with SetIdentifier ${setIdentifier}`);
    return found;
  }
  const found = records[0];
  if (found?.SetIdentifier) {
    throw new UnexpectedStateError(`${what} is a routing-policy record (SetIdentifier ${found.SetIdentifier}): give params.setIdentifier`);
  }
  return found;
}

/** UPSERTs the record to the secondary target, keeping its routing fields; the change id, or null when it already holds it. */
async function upsertRecord(ctx: Ctx): Promise<string | null> {
  const { hostedZoneId, recordName, recordType, secondaryTarget } = ctx.component.params;
  if (!secondaryTarget) throw new UnexpectedStateError('route53-failover record mode without params.secondaryTarget');
  const existing = await findRecord(ctx);
  const values = existing?.ResourceRecords?.map((r) => r.Value ?? '') ?? [];
  if (existing && !existing.AliasTarget && existing.TTL === secondaryTarget.ttl && sameSet(values, secondaryTarget.values)) return null;
  const { AliasTarget: _alias, ResourceRecords: _records, TTL: _ttl, ...kept } = existing ?? {};
  const record: ResourceRecordSet = {
    ...kept,
    Name: existing?.Name ?? recordName,
    Type: recordType,
    TTL: secondaryTarget.ttl,
    ResourceRecords: secondaryTarget.values.map((Value) => ({ Value })),
  };
  const change = new ChangeResourceRecordSetsCommand({
    HostedZoneId: hostedZoneId,
    ChangeBatch: { Comment: `dr-autopilot failover of ${ctx.component.id}`, Changes: [{ Action: 'UPSERT', ResourceRecordSet: record }] },
  });
  const out = await call(ctx, 'ChangeResourceRecordSets', `${recordName} ${recordType} in hosted zone ${hostedZoneId}`, (r53) => r53.send(change));
  const id = out.ChangeInfo?.Id;
  if (!id) throw new UnexpectedStateError('ChangeResourceRecordSets returned no ChangeInfo.Id');
  return id;
}

/** Waits for the record change to be INSYNC, then asks Route 53 what it answers: done when it is the expected answer. */
async function verifyRecord(ctx: Ctx, state: JsonObject): Promise<ActionProgress> {
  const expected = ctx.component.params.expectedAnswer ?? [];
  const base = { nextCheckSeconds: ctx.component.checkIntervalSeconds, state };
  const changeId = state.changeId;
  const observations = (dns?: Dns): JsonObject => ({ mode: 'record', changeId: changeId ?? null, ...dnsObservations(dns) });
  if (typeof changeId === 'string') {
    const out = await call(ctx, 'GetChange', `Route 53 change ${changeId}`, (r53) => r53.send(new GetChangeCommand({ Id: changeId })));
    const status = out.ChangeInfo?.Status ?? 'UNKNOWN';
    if (status !== 'INSYNC') return { ...base, done: false, status: `change ${changeId} is ${status}`, observations: observations() };
  }
  const dns = await testDns(ctx, false);
  const proof = typeof changeId === 'string' ? `change ${changeId} is INSYNC` : 'the record already holds the secondary target';
  return { ...base, ...dnsProgress(ctx, dns, expected, proof), observations: observations(dns) };
}

// ---- health-check mode (Route 53's own failover) -------------------------------------------------------

/**
 * Reads the primary's health check: unhealthy (at most 18 % of the checkers report Success), Route 53's data plane
 * already answers with the secondary, and this is done once TestDNSAnswer says so (or cannot say: not verified).
 * Healthy, nothing this mode may do moves the traffic: a terminal error names the modes that can.
 */
async function verifyHealthCheckFailover(ctx: Ctx): Promise<ActionProgress> {
  const { primaryHealthCheckId: id, expectedAnswer = [] } = ctx.component.params;
  if (!id) throw new UnexpectedStateError('route53-failover health-check mode without params.primaryHealthCheckId');
  const state: JsonObject = { primaryHealthCheckId: id };
  const base = { nextCheckSeconds: ctx.component.checkIntervalSeconds, state };
  const out = await call(ctx, 'GetHealthCheckStatus', `Route 53 health check ${id}`, (r53) => r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id })));
  const reports = out.HealthCheckObservations ?? [];
  const healthyCheckers = reports.filter((o) => /^success/i.test(o.StatusReport?.Status?.trim() ?? '')).length;
  const check: JsonObject = { id, checkers: reports.length, healthyCheckers, healthy: null };
  if (reports.length === 0) {
    return { ...base, done: false, status: `health check ${id}: no checker reports its status yet`, observations: { mode: 'health-check', primaryHealthCheck: check, ...dnsObservations(undefined) } };
  }
  // More than 18 % healthy is healthy, in integers: healthy × 100 > 18 × total.
  const healthy = healthyCheckers * 100 > HEALTHY_CHECKER_PERCENT * reports.length;
  const seen = `${healthyCheckers} of ${reports.length} checkers report Success`;
  if (healthy) {
    const why = ctx.mode === 'planned' ? 'a planned switchover: the primary is up' : 'the primary endpoint answers its checkers';
    throw new UnexpectedStateError(
      `health check ${id} of the primary is healthy (${seen}; ${why}), so Route 53 keeps answering ${ctx.component.params.recordName} with the primary. ` +
        'health-check mode only confirms Route 53\'s own failover and never inverts or disables the check (that would send traffic to the primary ' +
        'once it fails). To move traffic off a healthy primary use mode routing-control (ARC routing controls, data plane) or mode record ' +
        `(UPSERT through the Route 53 control plane in ${ROUTE53_REGION}).`,
      { healthCheckId: id, healthyCheckers, checkers: reports.length },
    );
  }
  const dns = await testDns(ctx, true);
  const progress = dnsProgress(ctx, dns, expectedAnswer, `primary health check ${id} is unhealthy (${seen}): Route 53 fails over by itself`);
  return { ...base, ...progress, observations: { mode: 'health-check', primaryHealthCheck: { ...check, healthy: false }, ...dnsObservations(dns) } };
}

// ---- routing-control mode (ARC data plane) -------------------------------------------------------------

/**
 * ARC clients, one per cluster endpoint, kept for the Lambda's life. Built here rather than through
 * ctx.clients (shared/aws/clients.ts), whose cache is keyed by client class and region: the ARC data plane is
 * addressed by cluster endpoint (two clusters may both have one in us-west-2), each client is signed for its
 * endpoint's region, and it makes one attempt (the rotation over endpoints is the retry). Tests and the drill
 * still control every call: aws-sdk-client-mock intercepts every instance of the client class.
 */
const arcClients = new Map<string, Route53RecoveryClusterClient>();
function arcClient({ region, endpoint }: Endpoint): Route53RecoveryClusterClient {
  let client = arcClients.get(endpoint);
  if (!client) {
    client = new Route53RecoveryClusterClient({ ...clientConfig(Route53RecoveryClusterClient, region, { requestMs: ARC_REQUEST_TIMEOUT_MS }), endpoint, maxAttempts: 1 });
    arcClients.set(endpoint, client);
  }
  return client;
}

/** An endpoint that times out, fails with 5xx, is throttled or says it is unavailable: the next one is tried. */
function tryNextEndpoint(error: unknown): boolean {
  return isUnreachable(error) || errorName(error) === 'EndpointTemporarilyUnavailableException' || classifyError(error).name === 'AwsThrottlingError';
}

/** What the cluster itself refused (no other endpoint would answer otherwise). */
function arcRefusal(error: unknown, what: string): Error {
  const name = errorName(error);
  const details = { awsErrorName: name };
  if (name === 'ResourceNotFoundException') return new ResourceNotFoundError(`${what}: ${errorText(error)}`, details, { cause: error });
  // "There was a conflict with this request. Try again." (the SDK model's ConflictException).
  if (name === 'ConflictException') return new ResourceBusyError(`${what}: ${errorText(error)}`, details, { cause: error });
  if (name === 'ValidationException') {
    // A safety rule that blocks an update names its ARN in the message
    // (https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.override-safety-rule.html).
    return new UnexpectedStateError(`${what} rejected: ${errorText(error)} (a safety rule that blocks it can be overridden with params.safetyRulesOverride)`, details, { cause: error });
  }
  return classifyError(error);
}

/** The cluster's Regional endpoints, tried in rotation from the one that answered last. */
class ClusterRotation {
  private readonly ctx: Ctx;
  private readonly endpoints: readonly Endpoint[];
  private at: number;

  constructor(ctx: Ctx, endpoints: readonly Endpoint[], at: number) {
    if (endpoints.length === 0) throw new UnexpectedStateError('route53-failover routing-control mode without params.clusterEndpoints');
    this.ctx = ctx;
    this.endpoints = endpoints;
    this.at = Number.isInteger(at) && at >= 0 && at < endpoints.length ? at : 0;
  }

  /** Index of the endpoint that answered last (kept in the action's state for the next check). */
  get index(): number {
    return this.at;
  }

  get endpoint(): Endpoint {
    return this.endpoints[this.at]!;
  }

  async send<T>(what: string, send: (client: Route53RecoveryClusterClient) => Promise<T>): Promise<T> {
    const failures: string[] = [];
    let last: unknown;
    for (let i = 0; i < this.endpoints.length; i += 1) {
      const index = (this.at + i) % this.endpoints.length;
      const endpoint = this.endpoints[index]!;
      try {
        const out = await send(arcClient(endpoint));
        this.at = index;
        return out;
      } catch (error) {
        if (!tryNextEndpoint(error)) throw arcRefusal(error, what);
        last = error;
        failures.push(`${endpoint.region} (${endpoint.endpoint}): ${errorText(error)}`);
        this.ctx.logger.warn('ARC cluster endpoint did not answer: trying the next one', { what, region: endpoint.region, endpoint: endpoint.endpoint, error: errorName(error) });
      }
    }
    const message = `no ARC cluster endpoint answered ${what}: ${failures.join('; ')}`;
    const details = { awsErrorName: errorName(last), endpoints: this.endpoints.length };
    throw classifyError(last).name === 'AwsThrottlingError' ? new AwsThrottlingError(message, details, { cause: last }) : new AwsTransientError(message, details, { cause: last });
  }
}

function routingControls(ctx: Ctx): { primary: string; secondary: string; endpoints: Endpoint[] } {
  const { primaryRoutingControlArn: primary, secondaryRoutingControlArn: secondary, clusterEndpoints: endpoints } = ctx.component.params;
  if (!primary || !secondary || !endpoints) {
    throw new UnexpectedStateError('route53-failover routing-control mode needs params.clusterEndpoints, primaryRoutingControlArn and secondaryRoutingControlArn');
  }
  return { primary, secondary, endpoints };
}

async function readState(rotation: ClusterRotation, arn: string): Promise<Switch> {
  const out = await rotation.send(`GetRoutingControlState of ${arn}`, (c) => c.send(new GetRoutingControlStateCommand({ RoutingControlArn: arn })));
  const state = out.RoutingControlState;
  if (state !== 'On' && state !== 'Off') throw new UnexpectedStateError(`routing control ${arn} is in state ${String(state)}`);
  return state;
}

async function readStates(ctx: Ctx, rotation: ClusterRotation): Promise<{ primary: Switch; secondary: Switch }> {
  const { primary, secondary } = routingControls(ctx);
  return { primary: await readState(rotation, primary), secondary: await readState(rotation, secondary) };
}

/** Done when the primary's control reads Off and the secondary's On (and DNS answers the secondary, when expectedAnswer is given). */
async function verifyRoutingControls(ctx: Ctx, rotation: ClusterRotation, state: JsonObject, read?: { primary: Switch; secondary: Switch }): Promise<ActionProgress> {
  const states = read ?? (await readStates(ctx, rotation));
  const next: JsonObject = { ...state, endpointIndex: rotation.index };
  const base = { nextCheckSeconds: ctx.component.checkIntervalSeconds, state: next };
  const observations = (dns?: Dns): JsonObject => ({
    mode: 'routing-control',
    primaryRoutingControl: states.primary,
    secondaryRoutingControl: states.secondary,
    updateSent: state.updateSent === true,
    clusterEndpoint: rotation.endpoint.region,
    ...dnsObservations(dns),
  });
  const proof = `routing controls: primary ${states.primary}, secondary ${states.secondary}`;
  if (states.primary !== 'Off' || states.secondary !== 'On') {
    return { ...base, done: false, status: `${proof}, waiting for primary Off and secondary On`, observations: observations() };
  }
  const expected = ctx.component.params.expectedAnswer;
  if (!expected) return { ...base, done: true, status: `${proof} (read on ${rotation.endpoint.region})`, observations: observations() };
  const dns = await testDns(ctx, true);
  return { ...base, ...dnsProgress(ctx, dns, expected, proof), observations: observations(dns) };
}

/** Reads both controls; sets the primary Off and the secondary On in one call unless they already are. */
async function setRoutingControls(ctx: Ctx): Promise<ActionProgress> {
  const { primary, secondary, endpoints } = routingControls(ctx);
  const rotation = new ClusterRotation(ctx, endpoints, 0);
  const states = await readStates(ctx, rotation);
  if (states.primary === 'Off' && states.secondary === 'On') {
    ctx.logger.info('Routing controls already set: primary Off, secondary On', { primary, secondary });
    return verifyRoutingControls(ctx, rotation, { updateSent: false }, states);
  }
  const safety = ctx.component.params.safetyRulesOverride;
  const update = new UpdateRoutingControlStatesCommand({
    UpdateRoutingControlStateEntries: [
      { RoutingControlArn: primary, RoutingControlState: 'Off' },
      { RoutingControlArn: secondary, RoutingControlState: 'On' },
    ],
    ...(safety ? { SafetyRulesToOverride: safety } : {}),
  });
  await rotation.send('UpdateRoutingControlStates', (c) => c.send(update));
  ctx.logger.info('Routing controls set: primary Off, secondary On', { primary, secondary, endpoint: rotation.endpoint.region, was: states });
  const state: JsonObject = { updateSent: true, endpointIndex: rotation.index };
  return {
    done: false,
    nextCheckSeconds: ctx.component.expectedSeconds ?? ROUTING_CONTROL_EXPECTED_SECONDS,
    status: `routing controls set (primary Off, secondary On) on ${rotation.endpoint.region}; were primary ${states.primary}, secondary ${states.secondary}`,
    state,
    // As read before the update: the next check reads them back.
    observations: {
      mode: 'routing-control', primaryRoutingControl: states.primary, secondaryRoutingControl: states.secondary, updateSent: true, clusterEndpoint: rotation.endpoint.region,
      ...dnsObservations(undefined),
    },
  };
}

// ---- the action ----------------------------------------------------------------------------------------

/**
 * Fails DNS over to the secondary (see the top of this file for the three modes). Idempotent: every mode reads
 * first and sends nothing when the traffic already goes to the secondary.
 */
export const recover: RecoveryAction<'route53-failover'> = {
  type: 'route53-failover',
  defaultExpectedSeconds: 60,
  async start(ctx) {
    const { mode, recordName } = ctx.component.params;
    if (mode === 'routing-control') return setRoutingControls(ctx);
    if (mode === 'health-check') return verifyHealthCheckFailover(ctx);
    const changeId = await upsertRecord(ctx);
    const state: JsonObject = { changeId };
    ctx.logger.info(changeId ? 'Record UPSERTed to the secondary target' : 'Record already holds the secondary target', { recordName, changeId });
    if (changeId === null) return verifyRecord(ctx, state);
    return {
      done: false,
      nextCheckSeconds: ctx.component.expectedSeconds ?? this.defaultExpectedSeconds,
      status: `record change ${changeId} submitted`,
      state,
      observations: { mode, changeId, ...dnsObservations(undefined) },
    };
  },
  async check(ctx, state) {
    const { mode } = ctx.component.params;
    if (mode === 'routing-control') {
      const rotation = new ClusterRotation(ctx, routingControls(ctx).endpoints, typeof state.endpointIndex === 'number' ? state.endpointIndex : 0);
      return verifyRoutingControls(ctx, rotation, state);
    }
    if (mode === 'health-check') return verifyHealthCheckFailover(ctx);
    return verifyRecord(ctx, state);
  },
};
