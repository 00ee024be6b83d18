import { Route53Client, ChangeResourceRecordSetsCommand, GetChangeCommand, GetHealthCheckCommand, ListResourceRecordSetsCommand, TestDNSAnswerCommand, UpdateHealthCheckCommand, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import { ResourceNotFoundError, UnexpectedStateError, notFoundOr } from '../../errors.ts';
import { ROUTE53_REGION } from '../../aws/clients.ts';
import type { ActionContext, ActionProgress, JsonObject, RecoveryAction } from '../types.ts';

type Ctx = ActionContext<'route53-failover'>;
const NOT_FOUND = ['NoSuchHostedZone', 'NoSuchHealthCheck', 'NoSuchChange'];
const REJECTED = ['InvalidChangeBatch', 'InvalidInput'];

/** DNS names and answers compare case-insensitively, with or without the trailing dot. */
const norm = (value: string) => value.trim().toLowerCase().replace(/\.$/, '');
function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map(norm));
  const right = new Set(b.map(norm));
  return left.size === right.size && [...left].every((v) => right.has(v));
}

/** One Route 53 request (global control plane in us-east-1), its errors mapped to ours. */
async function call<T>(ctx: Ctx, what: string, send: (r53: Route53Client) => Promise<T>): Promise<T> {
  try {
    return await send(ctx.clients.get(Route53Client, ROUTE53_REGION));
  } catch (error) {
    if (error instanceof Error && REJECTED.includes(error.name)) {
      const messages = (error as { messages?: string[] }).messages?.join('; ');
      throw new UnexpectedStateError(`${what} rejected: ${error.name}: ${messages || error.message}`, { awsErrorName: error.name }, { cause: error });
    }
    throw notFoundOr(error, NOT_FOUND, what);
  }
}

/** Inverts the primary's health check (never Disabled: a disabled check counts as healthy). True when an update was sent. */
async function invertHealthCheck(ctx: Ctx, id: string): Promise<boolean> {
  const what = `Route 53 health check ${id}`;
  const { HealthCheck: check } = await call(ctx, what, (r53) => r53.send(new GetHealthCheckCommand({ HealthCheckId: id })));
  if (!check?.HealthCheckConfig) throw new UnexpectedStateError(`${what}: GetHealthCheck returned no configuration`);
  if (check.HealthCheckConfig.Inverted === true) return false;
  // A stale version fails with HealthCheckVersionMismatch (ResourceBusyError): the retry re-reads it.
  const update = new UpdateHealthCheckCommand({ HealthCheckId: id, HealthCheckVersion: check.HealthCheckVersion, Inverted: true });
  await call(ctx, what, (r53) => r53.send(update));
  return true;
}

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
  const out = await call(ctx, `hosted zone ${hostedZoneId}`, (r53) => r53.send(list));
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

function observations(ctx: Ctx, state: JsonObject, dns?: { data: string[]; code: string }): JsonObject {
  const mode = ctx.component.params.mode;
  const step: JsonObject = mode === 'health-check' ? { healthCheckInverted: state.healthCheckInverted ?? null } : { changeId: state.changeId ?? null };
  return { mode, ...step, dnsAnswer: dns?.data ?? null, dnsResponseCode: dns?.code ?? null };
}

/** Waits for a record change to be INSYNC, then asks Route 53 what it answers: done when it is the expected answer. */
async function verify(ctx: Ctx, state: JsonObject): Promise<ActionProgress> {
  const { hostedZoneId, recordName, recordType, expectedAnswer } = ctx.component.params;
  const base = { nextCheckSeconds: ctx.component.checkIntervalSeconds, state };
  const changeId = state.changeId;
  if (typeof changeId === 'string') {
    const out = await call(ctx, `Route 53 change ${changeId}`, (r53) => r53.send(new GetChangeCommand({ Id: changeId })));
    const status = out.ChangeInfo?.Status ?? 'UNKNOWN';
    if (status !== 'INSYNC') return { ...base, done: false, status: `change ${changeId} is ${status}`, observations: observations(ctx, state) };
  }
  const test = new TestDNSAnswerCommand({ HostedZoneId: hostedZoneId, RecordName: recordName, RecordType: recordType });
  const answer = await call(ctx, `hosted zone ${hostedZoneId}`, (r53) => r53.send(test));
  const dns = { data: answer.RecordData ?? [], code: answer.ResponseCode ?? 'UNKNOWN' };
  const done = dns.code === 'NOERROR' && sameSet(dns.data, expectedAnswer);
  const expecting = done ? '' : `, expecting [${expectedAnswer.join(', ')}]`;
  return { ...base, done, status: `${recordName} ${recordType} answers ${dns.code} [${dns.data.join(', ')}]${expecting}`, observations: observations(ctx, state, dns) };
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
  const out = await call(ctx, `${recordName} ${recordType} in hosted zone ${hostedZoneId}`, (r53) => r53.send(change));
  const id = out.ChangeInfo?.Id;
  if (!id) throw new UnexpectedStateError('ChangeResourceRecordSets returned no ChangeInfo.Id');
  return id;
}

/**
 * Fails DNS over to the secondary: by inverting the primary's health check (the data plane then answers
 * with the secondary by itself) or by UPSERTing the record. Done when TestDNSAnswer returns the expected answer.
 */
export const recover: RecoveryAction<'route53-failover'> = {
  type: 'route53-failover',
  defaultExpectedSeconds: 60,
  async start(ctx) {
    const { mode, primaryHealthCheckId, recordName } = ctx.component.params;
    let state: JsonObject;
    let sent: boolean;
    if (mode === 'health-check') {
      if (!primaryHealthCheckId) throw new UnexpectedStateError('route53-failover health-check mode without params.primaryHealthCheckId');
      sent = await invertHealthCheck(ctx, primaryHealthCheckId);
      state = { healthCheckInverted: true };
      ctx.logger.info(sent ? 'Primary health check inverted' : 'Primary health check already inverted', { healthCheckId: primaryHealthCheckId });
    } else {
      const changeId = await upsertRecord(ctx);
      sent = changeId !== null;
      state = { changeId };
      ctx.logger.info(sent ? 'Record UPSERTed to the secondary target' : 'Record already holds the secondary target', { recordName, changeId });
    }
    if (!sent) return verify(ctx, state);
    return {
      done: false,
      nextCheckSeconds: ctx.component.expectedSeconds ?? this.defaultExpectedSeconds,
      status: mode === 'health-check' ? `health check ${primaryHealthCheckId ?? ''} inverted` : `record change ${String(state.changeId)} submitted`,
      state,
      observations: observations(ctx, state),
    };
  },
  async check(ctx, state) {
    return verify(ctx, state);
  },
};
