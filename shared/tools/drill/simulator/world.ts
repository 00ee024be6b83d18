import type { Plan } from '../../../plan/schema.ts';

/**
 * The simulated two-region AWS account of an offline drill: resources built from the plan, whose
 * state evolves over (simulated) time, answering the real SDK v3 clients beneath their own middleware (intercept.ts).
 * Each service simulator (rds.ts, route53.ts, …) keeps its resources here and reads the clock,
 * the durations table and the injected faults from here.
 */

/** How long simulated operations take, in seconds, with where the figure comes from. */
export interface DurationEntry {
  seconds: number;
  source: string;
}

export type DurationTable = Record<string, DurationEntry>;

export type Fault =
  /** The first `calls` calls to a service (e.g. "rds", "ecs", "route53") are throttled. */
  | { kind: 'throttle'; service: string; calls: number }
  /** The component's operation fails permanently (AWS reports a failed state or refuses the call). */
  | { kind: 'fail'; component: string }
  /** The component's operations take `factor` times longer. */
  | { kind: 'slow'; component: string; factor: number }
  /** The trigger alarms go back to OK `afterMinutes` after the incident (a flapping alarm). */
  | { kind: 'alarm-ok'; afterMinutes: number }
  /** The old primary databases stay up and writable through the incident (split-brain risk). */
  | { kind: 'primary-writable' }
  /** How the simulated approver answers the approval gate (default: approve after approval.operator-response). */
  | { kind: 'approval'; answer: 'approve' | 'approve-force' | 'reject' | 'timeout' }
  /** A run that fails is resumed: the operator removes the injected failures and starts a run with resumeOf. */
  | { kind: 'resume' }
  /**
   * A service's control plane does not answer (e.g. "route53": Route 53's API in us-east-1): every call to it
   * fails as a call to an unreachable endpoint does, with a TimeoutError. Its data plane (DNS answers, health
   * checkers) keeps working.
   */
  | { kind: 'control-plane-down'; service: string }
  /** Every target of the plan's load-balancer checks' target groups fails its health checks (elbv2.ts). */
  | { kind: 'unhealthy-targets' }
  /** Both tunnels of the plan's VPN connections are DOWN, and their Direct Connect virtual interfaces `down` (ec2.ts, directconnect.ts). */
  | { kind: 'vpn-down' }
  /** The recovered service answers a quarter of its requests with 5xx and slowly: the metric checks' window (cloudwatch.ts). */
  | { kind: 'error-spike' }
  /** The recovered database's security group opens its port to 0.0.0.0/0 (ec2.ts). */
  | { kind: 'open-security-group' }
  /** The operator stops the execution while this component's start is in flight (run-drill.ts). */
  | { kind: 'stop-during'; component: string }
  /**
   * A hosted zone the plan names is private (associated with VPCs) rather than public: Route 53 then refuses
   * TestDNSAnswer for it (simulator/route53.ts); its records still resolve inside its VPCs.
   */
  | { kind: 'private-zone'; hostedZoneId: string }
  /** Drift: the account no longer matches what the plan needs (readiness, `dr-autopilot readiness --drift`). */
  | { kind: 'drift'; drift: Drift };

/**
 * How the simulated account drifted from what the plan needs, before any incident (`--drift`): each kind
 * names the component whose resources drifted (or the topic, or the action); the simulators answer
 * the readiness reads accordingly.
 */
export type Drift =
  /** rds-replica-promotion: the replica is gone; aurora-global-failover: the target left the global cluster; elasticache-global-failover: the secondary left the datastore. */
  | { kind: 'replica-missing'; component: string }
  /** rds-replica-promotion / aurora-global-failover: the replication lag metric reads `seconds`; s3-failover: ReplicationLatency does. */
  | { kind: 'replica-lag'; component: string; seconds: number }
  /** backup-restore: the newest recovery point is `hours` old; rds-point-in-time-restore: the latest restorable time is. */
  | { kind: 'stale-backup'; component: string; hours: number }
  /** s3-failover: the primary bucket's replication configuration is removed; s3-version-restore: versioning is suspended. */
  | { kind: 'replication-off'; component: string }
  /** route53-failover: the PRIMARY failover record lost its health check. */
  | { kind: 'no-health-check'; component: string }
  /** ecs-scale: the service's task definition pulls its image from the primary region's ECR. */
  | { kind: 'image-in-primary'; component: string }
  /** ecs-scale (Fargate vCPU) / ec2-asg-scale (standard On-Demand vCPU): the recovery region's quota is `value`. */
  | { kind: 'quota'; component: string; value: number }
  /** lambda-invoke: the function does not exist. */
  | { kind: 'function-missing'; component: string }
  /** The topic's subscriptions are all pending confirmation. */
  | { kind: 'unconfirmed'; topic: 'internal' | 'external' }
  /** IAM policy simulation denies this action to the recovery role (e.g. rds:PromoteReadReplica). */
  | { kind: 'denied'; action: string }
  /** The state table records the plan's secondary region as active (a recovery moved the system there); no simulator reads it. */
  | { kind: 'active-secondary' };

export interface SimulatedCall {
  at: string;
  service: string;
  command: string;
  region: string;
  input: unknown;
  /** The AWS error name when the call was answered with an error. */
  error?: string;
}

export class World {
  readonly plan: Plan;
  readonly durations: DurationTable;
  faults: Fault[];
  readonly calls: SimulatedCall[] = [];
  /** Resource key ("service:region:id") → the plan component it belongs to (for fail/slow faults). */
  private readonly owners = new Map<string, string>();
  private readonly throttleLeft = new Map<string, number>();
  /** When the incident's outage ended (endRegionOutage); undefined while it lasts (the default: it never ends). */
  private outageEnd: number | undefined;

  /** When the simulated incident began (ms), where a simulator dates damage (s3 object history). */
  readonly incidentAt: number | undefined;
  /** The drill's incident took the primary databases down (stopped), unless a `primary-writable` fault keeps them up. */
  readonly primaryDown: boolean;
  /**
   * The incident is the loss of the whole primary region (not only its databases): from the incident on (until
   * endRegionOutage), every regional endpoint there is black-holed (regionDown). Only with primaryDown; default: with primaryDown.
   */
  readonly regionOutage: boolean;

  constructor(plan: Plan, options: { durations: DurationTable; faults?: Fault[]; incidentAt?: number; primaryDown?: boolean; regionOutage?: boolean }) {
    this.plan = plan;
    this.incidentAt = options.incidentAt;
    this.primaryDown = (options.primaryDown ?? false) && !(options.faults ?? []).some((f) => f.kind === 'primary-writable');
    this.regionOutage = this.primaryDown && (options.regionOutage ?? true);
    this.durations = options.durations;
    this.faults = options.faults ?? [];
    for (const f of this.faults) if (f.kind === 'throttle') this.throttleLeft.set(f.service, (this.throttleLeft.get(f.service) ?? 0) + f.calls);
  }

  /** Simulated now (Date is faked by the drill's virtual clock). */
  now(): number {
    return Date.now();
  }

  get primary(): string {
    return this.plan.regions.primary;
  }

  get secondary(): string {
    return this.plan.regions.secondary;
  }

  /** Marks a resource as belonging to a component. */
  own(service: string, region: string, id: string, component: string): void {
    this.owners.set(`${service}:${region}:${id}`, component);
  }

  ownerOf(service: string, region: string, id: string): string | undefined {
    return this.owners.get(`${service}:${region}:${id}`);
  }

  /** Duration in milliseconds of an operation on a resource, slowed when its component is. */
  durationMs(key: string, component?: string): number {
    const entry = this.durations[key];
    if (!entry) throw new Error(`simulator: no duration for "${key}" in the durations table`);
    const factor = this.faults.reduce((f, x) => (x.kind === 'slow' && x.component === component ? f * x.factor : f), 1);
    return entry.seconds * 1000 * factor;
  }

  /** The operator fixed what broke: injected permanent failures stop (before a resumed run). */
  clearFailures(): string[] {
    const cleared = this.faults.filter((f): f is Extract<Fault, { kind: 'fail' }> => f.kind === 'fail').map((f) => f.component);
    this.faults = this.faults.filter((f) => f.kind !== 'fail');
    return cleared;
  }

  /** True when the component has an injected permanent failure. */
  failing(component: string | undefined): boolean {
    return component !== undefined && this.faults.some((f) => f.kind === 'fail' && f.component === component);
  }

  /**
   * Whether a region is down at `at` (default now): a region outage (regionOutage) takes the primary region down
   * from the incident on, until endRegionOutage ends it — every call to its endpoints hangs until the client
   * gives up (service.ts `answer`) and health checks of what runs there fail.
   */
  regionDown(region: string, at: number = this.now()): boolean {
    return this.regionOutage && region === this.primary && (this.incidentAt === undefined || at >= this.incidentAt) && !this.outageOver(at);
  }

  /**
   * The incident's outage is over from `at` on (default now): the primary region answers again (regionDown is
   * false for times ≥ at), and what the incident took down there is back as the simulators model it (outageOver):
   * an RDS primary the incident stopped (and nothing fenced) is available again, replicated backups receive logs
   * again, a global database's old writer resynchronises as a secondary. Never called, the outage never ends.
   */
  endRegionOutage(at: number = this.now()): void {
    this.outageEnd = at;
  }

  /** Whether the incident's outage has ended by `at` (default now): endRegionOutage was called for a time ≤ at. */
  outageOver(at: number = this.now()): boolean {
    return this.outageEnd !== undefined && at >= this.outageEnd;
  }

  /** When the incident's outage ended (endRegionOutage), if it has been ended. */
  get outageEndedAt(): number | undefined {
    return this.outageEnd;
  }

  /** The drifts of a kind (readiness reads), narrowed to that kind. */
  drifts<K extends Drift['kind']>(kind: K): Extract<Drift, { kind: K }>[] {
    return this.faults.flatMap((f) => (f.kind === 'drift' && f.drift.kind === kind ? [f.drift as Extract<Drift, { kind: K }>] : []));
  }

  /** The drift of a kind on a component, if any. */
  drifted<K extends Exclude<Drift['kind'], 'unconfirmed' | 'denied' | 'active-secondary'>>(kind: K, component: string | undefined): Extract<Drift, { kind: K }> | undefined {
    return component === undefined ? undefined : this.drifts(kind).find((d) => 'component' in d && d.component === component);
  }

  /** True when the service's control plane is injected down (`--inject control-plane-down:SERVICE`). */
  controlPlaneDown(service: string): boolean {
    return this.faults.some((f) => f.kind === 'control-plane-down' && f.service === service);
  }

  /** Consumes one throttled call of the service, if any are left. */
  takeThrottle(service: string): boolean {
    const left = this.throttleLeft.get(service) ?? 0;
    if (left <= 0) return false;
    this.throttleLeft.set(service, left - 1);
    return true;
  }

  record(call: Omit<SimulatedCall, 'at'>): void {
    this.calls.push({ at: new Date(this.now()).toISOString(), ...call });
  }
}

/** The account id the plan's ARNs use (backup role, resource ARNs…), else `fallback`. */
export function planAccount(plan: Plan, fallback = '000000000000'): string {
  return /arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(JSON.stringify(plan.components))?.[1] ?? fallback;
}

/** Waits simulated time (the drill's virtual clock fakes setTimeout). */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An error shaped as the SDK v3 throws it: `name` = the AWS error name, `$metadata.httpStatusCode`, `$fault`. */
export function awsError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode, requestId: 'simulated', attempts: 1, totalRetryDelay: 0 },
  });
}
