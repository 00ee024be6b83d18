import {
  ChangeResourceRecordSetsCommand, GetChangeCommand, GetHealthCheckCommand, GetHealthCheckStatusCommand, ListResourceRecordSetsCommand, Route53Client,
  TestDNSAnswerCommand, UpdateHealthCheckCommand,
  type Change, type ChangeResourceRecordSetsCommandInput, type GetChangeCommandInput, type GetHealthCheckCommandInput, type GetHealthCheckStatusCommandInput,
  type HealthCheck, type HealthCheckObservation, type HealthCheckRegion,
  type HealthCheckConfig, type ListResourceRecordSetsCommandInput, type ResourceRecordSet, type RRType, type TestDNSAnswerCommandInput,
  type UpdateHealthCheckCommandInput,
} from '@aws-sdk/client-route-53';
import { simulateClient } from './intercept.ts';
import { createHash } from 'node:crypto';
import { ROUTE53_REGION } from '../../../aws/clients.ts';
import type { ComponentOf } from '../../../plan/schema.ts';
import { routingControlsOf } from './route53-recovery-cluster.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, type DurationTable, type World } from './world.ts';

export const ROUTE53_DURATIONS: DurationTable = {
  'route53.change-propagation': {
    seconds: 60,
    source: 'Route 53 API Reference (GetChange) / Developer Guide: changes propagate to all authoritative servers "generally within 60 seconds"',
  },
  'route53.health-check-detection': {
    seconds: 90,
    source:
      'Route 53 Developer Guide (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html): ' +
      'checkers every 30 s (RequestInterval), FailureThreshold 3 → 90 s until a check follows its endpoint (down at the incident) or a changed ' +
      'configuration (Inverted, Disabled; how fast an update shows is not documented: the same 90 s assumed)',
  },
};

// Every Route 53 API is its control plane, in us-east-1 (`--inject control-plane-down:route53` takes it away).
const SIM: ServiceSimulation = { service: 'route53', throttleError: 'Throttling', controlPlaneRegion: ROUTE53_REGION };
/** Route 53 is global: ownership of its resources is not keyed by a region. */
const GLOBAL = 'global';

/** DNS names compare case-insensitively, with or without the trailing dot. */
const norm = (name: string | undefined) => (name ?? '').trim().toLowerCase().replace(/\.$/, '');
const fqdn = (name: string | undefined) => `${norm(name)}.`;
const keyOf = (r: ResourceRecordSet) => `${norm(r.Name)}|${r.Type}|${r.SetIdentifier ?? ''}`;
/** Route 53's listing order: name with its labels reversed, then type, then set identifier. */
const order = (name: string | undefined, type = '', set = '') => [norm(name).split('.').reverse().join('.'), type, set];
const before = (a: string[], b: string[]) => a.join('\u0000') < b.join('\u0000');
const recordOwner = (zone: string, name: string | undefined, type: string | undefined) => `record/${zone}/${norm(name)}|${type}`;
const values = (r: ResourceRecordSet) => (r.AliasTarget?.DNSName ? [r.AliasTarget.DNSName] : (r.ResourceRecords ?? []).map((v) => v.Value ?? ''));

interface Zone { id: string; name: string; initial: ResourceRecordSet[] }
interface RecordChange { id: string; zone: string; at: number; ms: number; comment?: string; changes: Change[] }
interface Check {
  id: string;
  /** The configuration as the API returns it (GetHealthCheck, UpdateHealthCheck). */
  config: HealthCheckConfig;
  version: number;
  /** Configurations the checkers act on, from when (an update takes route53.health-check-detection to show). */
  effective: { from: number; config: HealthCheckConfig }[];
  /**
   * What the check watches: the primary endpoint of a health-check-mode failover (down from the incident, when
   * the drill's incident takes the primary region down), the recovered endpoint a `route53-health-check` check
   * names (unhealthy while its component has an injected failure), or an ARC routing control (healthy while On).
   */
  watches: { kind: 'primary'; component: string } | { kind: 'recovered'; component: string | undefined } | { kind: 'routing-control'; arn: string; component: string };
}

/** The regions Route 53 health checkers run in (the HealthCheckRegion values). */
const CHECKER_REGIONS: HealthCheckRegion[] = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'sa-east-1'];

/**
 * A check's reported health from its endpoint's health and its configuration, as the Route 53 Developer Guide
 * says (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html): Inverted
 * flips it, a Disabled check is considered healthy, Disabled and Inverted together unhealthy.
 */
function reported(config: HealthCheckConfig, endpointHealthy: boolean): boolean {
  if (config.Disabled) return !config.Inverted;
  return config.Inverted ? !endpointHealthy : endpointHealthy;
}

/** A UUID-shaped health check id derived from what it watches (stable across drills). */
const healthCheckId = (seed: string) => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The answer a region's endpoint gives, made up from the record type (the primary's before failover). */
function regionValue(c: ComponentOf<'route53-failover'>, region: string, primary: boolean): string {
  if (c.params.recordType === 'A') return primary ? '192.0.2.10' : '192.0.2.20';
  if (c.params.recordType === 'AAAA') return primary ? '2001:db8::10' : '2001:db8::20';
  const [first, ...rest] = norm(c.params.recordName).split('.');
  return [`${first}-${region}`, ...rest].join('.');
}

function apply(records: ResourceRecordSet[], changes: Change[]): ResourceRecordSet[] {
  const byKey = new Map(records.map((r) => [keyOf(r), r]));
  for (const { Action, ResourceRecordSet: r } of changes) {
    if (!r) continue;
    if (Action === 'DELETE') byKey.delete(keyOf(r));
    else byKey.set(keyOf(r), { ...r, Name: fqdn(r.Name) });
  }
  return [...byKey.values()];
}

export function simulateRoute53(world: World): SimulatedService {
  const zones = new Map<string, Zone>();
  const checks = new Map<string, Check>();
  const changes: RecordChange[] = [];
  for (const c of world.plan.components) {
    if (c.type !== 'route53-failover') continue;
    const p = c.params;
    const name = fqdn(p.recordName);
    const zoneName = name.split('.').length > 3 ? name.slice(name.indexOf('.') + 1) : name;
    const zone = zones.get(p.hostedZoneId) ?? {
      id: p.hostedZoneId, name: zoneName, initial: [
        { Name: zoneName, Type: 'NS', TTL: 172800, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org.' }, { Value: 'ns-2.awsdns-02.co.uk.' }] },
        { Name: zoneName, Type: 'SOA', TTL: 900, ResourceRecords: [{ Value: 'ns-1.awsdns-01.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400' }] },
      ],
    };
    zones.set(p.hostedZoneId, zone);
    // What the plan says the primary answers (primaryAnswer, for a failback's TestDNSAnswer), else a value of ours.
    const primary = p.primaryAnswer?.[0] ?? regionValue(c, world.primary, true);
    const record = { Name: name, Type: p.recordType, TTL: 60, ResourceRecords: (p.primaryAnswer ?? [primary]).map((Value) => ({ Value })) };
    const secondary = (p.expectedAnswer ?? [regionValue(c, world.secondary, false)]).map((Value) => ({ Value }));
    const addCheck = (id: string, config: HealthCheckConfig, watches: Check['watches']) => {
      checks.set(id, { id, config, version: 1, effective: [{ from: 0, config }], watches });
      world.own(SIM.service, GLOBAL, `healthcheck/${id}`, c.id);
    };
    if (p.mode === 'health-check' && p.primaryHealthCheckId) {
      const id = p.primaryHealthCheckId;
      const endpoint = p.recordType === 'CNAME' ? { FullyQualifiedDomainName: primary } : { IPAddress: primary };
      addCheck(id, { Type: 'HTTPS', ...endpoint, Port: 443, ResourcePath: '/health', RequestInterval: 30, FailureThreshold: 3, Inverted: false, Disabled: false }, { kind: 'primary', component: c.id });
      zone.initial.push({ ...record, SetIdentifier: 'primary', Failover: 'PRIMARY', HealthCheckId: id });
      zone.initial.push({ ...record, SetIdentifier: 'secondary', Failover: 'SECONDARY', ResourceRecords: secondary });
    } else if (p.mode === 'routing-control' && p.primaryRoutingControlArn && p.secondaryRoutingControlArn) {
      // The failover records carry routing control health checks (type RECOVERY_CONTROL), as ARC sets them up:
      // https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.create-health-check.html
      const [primaryId, secondaryId] = [p.primaryRoutingControlArn, p.secondaryRoutingControlArn].map((arn) => {
        const id = healthCheckId(arn);
        addCheck(id, { Type: 'RECOVERY_CONTROL', RoutingControlArn: arn, Inverted: false, Disabled: false }, { kind: 'routing-control', arn, component: c.id });
        return id;
      });
      zone.initial.push({ ...record, SetIdentifier: 'primary', Failover: 'PRIMARY', HealthCheckId: primaryId });
      zone.initial.push({ ...record, SetIdentifier: 'secondary', Failover: 'SECONDARY', ResourceRecords: secondary, HealthCheckId: secondaryId });
    } else {
      zone.initial.push(p.setIdentifier ? { ...record, SetIdentifier: p.setIdentifier, Failover: 'PRIMARY' } : record);
    }
    world.own(SIM.service, GLOBAL, recordOwner(p.hostedZoneId, name, p.recordType), c.id);
  }

  // Health checks the plan's route53-health-check checks name that no failover component created.
  const namedChecks = [
    ...world.plan.components.flatMap((c) => c.checks.map((check) => ({ check, component: c.id as string | undefined }))),
    ...world.plan.verification.checks.map((check) => ({ check, component: undefined })),
  ];
  const secondaryEndpoint = world.plan.components.find((c): c is ComponentOf<'route53-failover'> => c.type === 'route53-failover')?.params.expectedAnswer?.[0];
  for (const { check, component } of namedChecks) {
    if (check.type !== 'route53-health-check' || checks.has(check.healthCheckId)) continue;
    const id = check.healthCheckId;
    const fqdn = secondaryEndpoint && !/^[\d.:]+$/.test(secondaryEndpoint) ? secondaryEndpoint : `endpoint-${world.secondary}.drill.invalid`;
    const config: HealthCheckConfig = { Type: 'HTTPS', FullyQualifiedDomainName: norm(fqdn), Port: 443, ResourcePath: '/health', RequestInterval: 30, FailureThreshold: 3, Inverted: false, Disabled: false };
    checks.set(id, { id, config, version: 1, effective: [{ from: 0, config }], watches: { kind: 'recovered', component } });
    if (component) world.own(SIM.service, GLOBAL, `healthcheck/${id}`, component);
  }

  const owner = (c: Check) => world.ownerOf(SIM.service, GLOBAL, `healthcheck/${c.id}`);
  const detectionMs = (c: Check) => world.durationMs('route53.health-check-detection', owner(c));
  /** The configuration the checkers act on now. */
  const configAt = (c: Check, now: number) => c.effective.filter((e) => e.from <= now).at(-1)?.config ?? c.config;
  /** Why the watched endpoint is unhealthy now (as the checkers see it), or null when it is healthy. */
  function endpointFailure(c: Check, now: number): string | null {
    const w = c.watches;
    if (w.kind === 'primary') {
      // The checkers see the endpoint down once FailureThreshold checks in a row have failed.
      return world.regionDown(world.primary, now - detectionMs(c))
        ? 'Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.'
        : null;
    }
    if (w.kind === 'recovered') return world.failing(w.component) ? 'Failure: HTTP Status Code 503, Service Unavailable' : null;
    return routingControlsOf(world).stateAt(w.arn, now) === 'On' ? null : 'Failure: the routing control is Off';
  }
  const reportsHealthy = (c: Check, now: number) => reported(configAt(c, now), endpointFailure(c, now) === null);

  /**
   * What each checker reports now: all of them agree with the check's reported health (so more than 18 % report
   * Success exactly when it is healthy). The Status texts ("Success: HTTP Status Code 200, OK", "Failure: …")
   * are modelled on what Route 53 shows; the exact strings, and what an inverted or disabled check's checkers
   * report, are unconfirmed (not in https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHealthCheckStatus.html):
   * here they report the health the check has after inversion.
   */
  function observations(c: Check, now: number): HealthCheckObservation[] {
    const config = configAt(c, now);
    const failure = endpointFailure(c, now);
    const healthy = reported(config, failure === null);
    const endpoint = failure ?? (c.watches.kind === 'routing-control' ? 'Success: the routing control is On' : 'Success: HTTP Status Code 200, OK');
    const status = config.Disabled
      ? `${healthy ? 'Success' : 'Failure'}: the health check is disabled${config.Inverted ? ' and inverted' : ''}`
      : config.Inverted ? `${healthy ? 'Success' : 'Failure'}: ${endpoint.replace(/^(Success|Failure): /, '')} (the health check is inverted)` : endpoint;
    const interval = (c.config.RequestInterval ?? 30) * 1000;
    return CHECKER_REGIONS.map((Region, i) => ({
      Region,
      IPAddress: `198.51.100.${10 + i}`,
      StatusReport: { Status: status, CheckedTime: new Date(now - Math.round((i * interval) / CHECKER_REGIONS.length)) },
    }));
  }

  const stub = simulateClient(Route53Client);
  const zoneOf = (id: string | undefined) => {
    const zone = zones.get((id ?? '').replace(/^\/hostedzone\//, ''));
    if (!zone) throw awsError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);
    return zone;
  };
  const checkOf = (id: string | undefined) => {
    const check = checks.get(id ?? '');
    if (!check) throw awsError('NoSuchHealthCheck', `A health check with id ${id} does not exist.`, 404);
    return check;
  };
  const insync = (ch: RecordChange, now: number) => now >= ch.at + ch.ms;
  /**
   * The `no-health-check` drifts not applied yet (readiness; a drift may be added to a running world): the
   * component's PRIMARY failover record loses its health check (the check itself remains), as an edit outside
   * Route 53's change batches would; DNS then keeps answering PRIMARY whatever its endpoint does.
   */
  const detached = new Set<string>();
  function applyDrifts(): void {
    for (const d of world.drifts('no-health-check')) {
      const c = world.plan.components.find((x): x is ComponentOf<'route53-failover'> => x.id === d.component && x.type === 'route53-failover');
      if (!c || detached.has(c.id)) continue;
      detached.add(c.id);
      const zone = zones.get(c.params.hostedZoneId);
      const primary = zone?.initial.find((r) => norm(r.Name) === norm(c.params.recordName) && r.Type === c.params.recordType && r.Failover === 'PRIMARY');
      if (primary) delete primary.HealthCheckId;
    }
  }
  /** The records as the control plane lists them (every change), or as DNS serves them (changes in sync). */
  const records = (zone: Zone, now: number, served: boolean) => {
    applyDrifts();
    return apply(zone.initial, changes.filter((ch) => ch.zone === zone.id && (!served || insync(ch, now))).flatMap((ch) => ch.changes));
  };
  const healthCheck = (c: Check): HealthCheck => ({ Id: c.id, CallerReference: `dr-drill-${c.id}`, HealthCheckConfig: { ...c.config }, HealthCheckVersion: c.version });

  /** What an authoritative server answers: failover and other routing records pick the first healthy one (primary first). */
  function resolve(zone: Zone, name: string | undefined, type: string | undefined, now: number) {
    const named = records(zone, now, true).filter((r) => norm(r.Name) === norm(name));
    const candidates = named.filter((r) => r.Type === type).sort((a, b) => (a.Failover === 'SECONDARY' ? 1 : 0) - (b.Failover === 'SECONDARY' ? 1 : 0));
    const healthy = (r: ResourceRecordSet) => !r.HealthCheckId || !checks.has(r.HealthCheckId) || reportsHealthy(checkOf(r.HealthCheckId), now);
    const chosen = candidates.find(healthy) ?? candidates[0];
    return { RecordData: chosen ? values(chosen) : [], ResponseCode: named.length > 0 ? 'NOERROR' : 'NXDOMAIN' };
  }

  refuseOthers(SIM, stub);
  answer(world, SIM, stub, GetHealthCheckCommand, (input: GetHealthCheckCommandInput) => ({ HealthCheck: healthCheck(checkOf(input.HealthCheckId)) }));
  answer(world, SIM, stub, GetHealthCheckStatusCommand, (input: GetHealthCheckStatusCommandInput) => ({
    HealthCheckObservations: observations(checkOf(input.HealthCheckId), world.now()),
  }));
  answer(world, SIM, stub, UpdateHealthCheckCommand, (input: UpdateHealthCheckCommandInput) => {
    const now = world.now();
    const check = checkOf(input.HealthCheckId);
    if (input.HealthCheckVersion !== undefined && input.HealthCheckVersion !== check.version) {
      throw awsError('HealthCheckVersionMismatch', `The value of HealthCheckVersion in the request (${input.HealthCheckVersion}) doesn't match the current version (${check.version}).`, 409);
    }
    if (world.failing(owner(check))) throw awsError('InvalidInput', `Health check ${check.id} can't be updated (injected failure).`);
    const { HealthCheckId: _id, HealthCheckVersion: _version, ResetElements: _reset, ...update } = input;
    const defined = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined));
    const config: HealthCheckConfig = { ...check.config, ...defined };
    // The API answers the new configuration at once; the checkers act on it after route53.health-check-detection.
    check.effective.push({ from: now + detectionMs(check), config });
    Object.assign(check, { config, version: check.version + 1 });
    return { HealthCheck: healthCheck(check) };
  });
  answer(world, SIM, stub, ListResourceRecordSetsCommand, (input: ListResourceRecordSetsCommandInput) => {
    const zone = zoneOf(input.HostedZoneId);
    const start = order(input.StartRecordName, input.StartRecordType, input.StartRecordIdentifier);
    const sorted = records(zone, world.now(), false)
      .filter((r) => !input.StartRecordName || !before(order(r.Name, r.Type, r.SetIdentifier), start))
      .sort((a, b) => (before(order(a.Name, a.Type, a.SetIdentifier), order(b.Name, b.Type, b.SetIdentifier)) ? -1 : 1));
    const max = Number(input.MaxItems ?? 300);
    const next = sorted[max];
    return {
      ResourceRecordSets: sorted.slice(0, max),
      IsTruncated: next !== undefined,
      MaxItems: max,
      ...(next ? { NextRecordName: next.Name, NextRecordType: next.Type, NextRecordIdentifier: next.SetIdentifier } : {}),
    };
  });
  answer(world, SIM, stub, ChangeResourceRecordSetsCommand, (input: ChangeResourceRecordSetsCommandInput) => {
    const now = world.now();
    const zone = zoneOf(input.HostedZoneId);
    const batch = input.ChangeBatch?.Changes ?? [];
    const current = new Set(records(zone, now, false).map(keyOf));
    const messages = batch.flatMap(({ Action, ResourceRecordSet: r }) => {
      const what = `resource record set [name='${fqdn(r?.Name)}', type='${r?.Type}'${r?.SetIdentifier ? `, set-identifier='${r.SetIdentifier}'` : ''}]`;
      if (Action === 'CREATE' && r && current.has(keyOf(r))) return [`Tried to create ${what} but it already exists`];
      if (Action === 'DELETE' && r && !current.has(keyOf(r))) return [`Tried to delete ${what} but it was not found`];
      const component = world.ownerOf(SIM.service, GLOBAL, recordOwner(zone.id, r?.Name, r?.Type));
      return world.failing(component) ? [`${what} can't be changed (injected failure)`] : [];
    });
    if (messages.length > 0) throw Object.assign(awsError('InvalidChangeBatch', messages.join('; ')), { messages });
    const change: RecordChange = { id: `C${String(changes.length + 1).padStart(13, '0')}`, zone: zone.id, at: now, ms: 0, comment: input.ChangeBatch?.Comment, changes: batch };
    const owner = batch.map((ch) => world.ownerOf(SIM.service, GLOBAL, recordOwner(zone.id, ch.ResourceRecordSet?.Name, ch.ResourceRecordSet?.Type))).find(Boolean);
    change.ms = world.durationMs('route53.change-propagation', owner);
    changes.push(change);
    return { ChangeInfo: { Id: `/change/${change.id}`, Status: 'PENDING' as const, SubmittedAt: new Date(now), Comment: change.comment } };
  });
  answer(world, SIM, stub, GetChangeCommand, (input: GetChangeCommandInput) => {
    const id = (input.Id ?? '').replace(/^\/change\//, '');
    const change = changes.find((ch) => ch.id === id);
    if (!change) throw awsError('NoSuchChange', `A change with the specified change ID does not exist: ${input.Id}`, 404);
    const Status = insync(change, world.now()) ? ('INSYNC' as const) : ('PENDING' as const);
    return { ChangeInfo: { Id: `/change/${change.id}`, Status, SubmittedAt: new Date(change.at), Comment: change.comment } };
  });
  /**
   * "This call only supports querying public hosted zones"
   * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_TestDNSAnswer.html). A private zone (the
   * `private-zone` fault) is refused with InvalidInput, the call's only other modeled error besides
   * NoSuchHostedZone; the exact code and message for a private zone are unconfirmed.
   */
  const privateZone = (zone: Zone) => world.faults.some((f) => f.kind === 'private-zone' && f.hostedZoneId === zone.id);
  answer(world, SIM, stub, TestDNSAnswerCommand, (input: TestDNSAnswerCommandInput) => {
    const zone = zoneOf(input.HostedZoneId);
    if (privateZone(zone)) throw awsError('InvalidInput', `TestDNSAnswer supports only public hosted zones; ${zone.id} (${zone.name}) is a private hosted zone.`);
    return {
      Nameserver: 'ns-1.awsdns-01.org',
      RecordName: input.RecordName,
      RecordType: input.RecordType as RRType,
      Protocol: 'UDP',
      ...resolve(zone, input.RecordName, input.RecordType, world.now()),
    };
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => {
      const now = world.now();
      const named = (zone: Zone) => [...new Set(zone.initial.filter((r) => r.Type !== 'NS' && r.Type !== 'SOA').map((r) => `${norm(r.Name)} ${r.Type}`))];
      return {
        hostedZones: Object.fromEntries([...zones.values()].map((z) => [z.id, {
          name: z.name,
          ...(privateZone(z) ? { private: true } : {}),
          dnsAnswers: Object.fromEntries(named(z).map((nt) => {
            const [name, type] = nt.split(' ');
            return [nt, resolve(z, name, type, now).RecordData];
          })),
        }])),
        healthChecks: Object.fromEntries([...checks.values()].map((c) => [c.id, {
          type: c.config.Type, version: c.version, inverted: c.config.Inverted ?? false, disabled: c.config.Disabled ?? false, healthy: reportsHealthy(c, now),
        }])),
        changes: Object.fromEntries(changes.map((ch) => [ch.id, insync(ch, now) ? 'INSYNC' : 'PENDING'])),
      };
    },
  };
}
