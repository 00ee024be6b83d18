import type { Logger } from '@aws-lambda-powertools/logger';
import type { AwsClients } from '../aws/clients.ts';
import { loadReadinessProbe } from '../components/readiness.ts';
import { loadRecoveryAction } from '../components/recovery.ts';
import { recoveryOrder } from '../plan/recovery-order.ts';
import type { IamStatement } from '../components/definition.ts';
import type { Component, Plan } from '../plan/schema.ts';
import type { ActiveRegion } from '../state/active-region.ts';
import { finding } from './findings.ts';
import { quotaVerdict } from './quota.ts';
import { activeRegionFinding, roleFindings, topicFindings } from './system.ts';
import { worstStatus, type QuotaNeed, type ReadinessFinding, type ReadinessStatus } from './types.ts';

/** Components read at once: each reads a few AWS APIs; more would only meet throttling. */
export const READINESS_CONCURRENCY = 8;

export interface ComponentReadinessResult {
  id: string;
  type: string;
  tier: string;
  status: ReadinessStatus;
  findings: ReadinessFinding[];
  /** What a recovery now would lose, in seconds, as read; null when not read. */
  dataAtRiskSeconds: number | null;
  /** How long its recovery takes: the plan's expectedSeconds, else the type's estimate (a manual step: its timeout), else its first-check time. */
  recoverySeconds: number;
  /** The service quota its scale-up draws on, as read. */
  quota?: QuotaNeed & { value: number };
  /** Whether its type measures the data at risk (ReadinessProbe.measuresDataAtRisk). */
  measuresDataAtRisk: boolean;
}

export interface TierForecast {
  id: string;
  targetMinutes: number;
  /** Minutes from the run's start to this tier recovered: each tier waits for the one before. */
  forecastMinutes: number;
  status: ReadinessStatus;
  why: string;
}

export interface RpoForecast {
  rpoClass: string;
  targetMinutes: number;
  /** The largest data at risk read among the class's components, in minutes; null when none could be read. */
  forecastMinutes: number | null;
  /** False when none of its components' types measures data at risk (e.g. only s3-version-restore): nothing to forecast. */
  measurable: boolean;
  status: ReadinessStatus;
  components: string[];
}

/** Readiness of a plan now: per component, the system's own preconditions, and the RTO and RPO a recovery now would achieve. */
export interface ReadinessReport {
  plan: string;
  assessedAt: string;
  regions: { primary: string; secondary: string };
  status: ReadinessStatus;
  components: ComponentReadinessResult[];
  system: ReadinessFinding[];
  forecast: { rto: { scenario: string; tiers: TierForecast[] }[]; rpo: RpoForecast[] };
}

export interface ReadinessDeps {
  clients: AwsClients;
  logger: Pick<Logger, 'warn' | 'info'>;
  now: Date;
  /** The SNS topics notices go to (INTERNAL_TOPIC_ARN, EXTERNAL_TOPIC_ARN). */
  topics: { internal?: string | undefined; external?: string | undefined };
  /** The role of the function that starts recoveries (START_ACTION_ROLE_ARN), whose permissions are simulated. */
  automationRoleArn?: string | undefined;
  /** That role's statements as packaged (CompiledPlan.recoveryRole; partition and account filled in at run time). */
  recoveryStatements?: IamStatement[] | null | undefined;
  /** Where the system runs now, from the state table (null: no recovery has moved it). */
  activeRegion?: ActiveRegion | null;
}

async function assessComponent(plan: Plan, component: Component, tier: string, deps: ReadinessDeps): Promise<ComponentReadinessResult> {
  const rpoMinutes = component.rpoClass ? plan.rpoClasses[component.rpoClass]?.targetMinutes : undefined;
  const [probe, action] = await Promise.all([loadReadinessProbe(component.type), loadRecoveryAction(component.type)]);
  let findings: ReadinessFinding[];
  let dataAtRiskSeconds: number | null = null;
  let quota: ComponentReadinessResult['quota'];
  try {
    const read = await probe.assess({
      component: component as never,
      regions: plan.regions,
      clients: deps.clients,
      logger: deps.logger,
      now: deps.now,
      rpoSeconds: rpoMinutes === undefined ? null : rpoMinutes * 60,
    });
    findings = read.findings;
    dataAtRiskSeconds = read.dataAtRiskSeconds;
    quota = read.quota;
  } catch (error) {
    // A facet turns AWS errors into findings; anything else is a bug that must not hide the other components.
    findings = [finding('assessment', 'at-risk', `could not be assessed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`)];
  }
  return {
    id: component.id,
    type: component.type,
    tier,
    status: worstStatus(findings.map((f) => f.status)),
    findings,
    dataAtRiskSeconds,
    recoverySeconds: component.expectedSeconds ?? probe.recoverySeconds?.(component as never) ?? action.defaultExpectedSeconds,
    measuresDataAtRisk: probe.measuresDataAtRisk,
    ...(quota ? { quota } : {}),
  };
}

/**
 * A quota several components draw on (the services of one account and region share the Fargate vCPUs):
 * each component's need may fit while their sum does not. One finding per quota two or more use.
 */
function sharedQuotas(region: string, results: ComponentReadinessResult[]): ReadinessFinding[] {
  const byQuota = new Map<string, { quota: QuotaNeed & { value: number }; id: string }[]>();
  for (const r of results) {
    if (!r.quota) continue;
    const key = `${r.quota.serviceCode}/${r.quota.quotaCode}`;
    byQuota.set(key, [...(byQuota.get(key) ?? []), { quota: r.quota, id: r.id }]);
  }
  return [...byQuota.values()].filter((users) => users.length > 1).map((users) => {
    const first = users[0]!.quota;
    const need = users.reduce((sum, u) => sum + u.quota.need, 0);
    return quotaVerdict(region, { ...first, need, because: users.map((u) => `${u.id} ${u.quota.need}`).join(' + ') }, Math.min(...users.map((u) => u.quota.value)));
  });
}

/**
 * Each recovery scenario's tiers in order, with the cumulative recovery time against each tier's RTO target.
 * Re-protect and failback scenarios are left out: readiness reads the forward direction's preconditions,
 * and those stages run after a recovery, in the other direction.
 */
function rtoForecast(plan: Plan, byId: Map<string, ComponentReadinessResult>): { scenario: string; tiers: TierForecast[] }[] {
  return plan.scenarios.filter((s) => s.stage === 'recover').map((scenario) => {
    let elapsedSeconds = 0;
    let blockedBy: string | undefined;
    const tiers = recoveryOrder(plan, scenario.id).tiers.map((tier): TierForecast => {
      const results = tier.components.map((c) => byId.get(c.id)).filter((r): r is ComponentReadinessResult => r !== undefined);
      elapsedSeconds += Math.max(0, ...results.map((r) => r.recoverySeconds));
      const forecastMinutes = Math.ceil(elapsedSeconds / 60);
      const notReady = results.filter((r) => r.status === 'not-ready').map((r) => r.id);
      if (notReady.length > 0) blockedBy ??= tier.id;
      if (blockedBy !== undefined) {
        return { id: tier.id, targetMinutes: tier.rtoTargetMinutes, forecastMinutes, status: 'not-ready', why: notReady.length > 0 ? `would fail: ${notReady.join(', ')} not ready` : `waits for ${blockedBy}, which would fail` };
      }
      return forecastMinutes > tier.rtoTargetMinutes
        ? { id: tier.id, targetMinutes: tier.rtoTargetMinutes, forecastMinutes, status: 'at-risk', why: `${forecastMinutes} min exceeds the ${tier.rtoTargetMinutes} min target` }
        : { id: tier.id, targetMinutes: tier.rtoTargetMinutes, forecastMinutes, status: 'ready', why: `within the ${tier.rtoTargetMinutes} min target` };
    });
    return { scenario: scenario.id, tiers };
  });
}

/** Per data class: the largest data at risk read among its components, against its RPO target. */
function rpoForecast(plan: Plan, results: ComponentReadinessResult[]): RpoForecast[] {
  return Object.entries(plan.rpoClasses).flatMap(([rpoClass, target]) => {
    const members = plan.components.filter((c) => c.rpoClass === rpoClass).map((c) => c.id);
    if (members.length === 0) return [];
    const read = results.filter((r) => members.includes(r.id) && r.dataAtRiskSeconds !== null).map((r) => r.dataAtRiskSeconds as number);
    const forecastMinutes = read.length === 0 ? null : Math.round((Math.max(...read) / 60) * 10) / 10;
    const measurable = results.some((r) => members.includes(r.id) && r.measuresDataAtRisk);
    // Unknown where it should have been read is at risk; a class nothing can measure is not.
    const status: ReadinessStatus = forecastMinutes === null ? (measurable ? 'at-risk' : 'ready') : forecastMinutes > target.targetMinutes ? 'at-risk' : 'ready';
    return [{ rpoClass, targetMinutes: target.targetMinutes, forecastMinutes, measurable, status, components: members }];
  });
}

/** Reads every component's preconditions and the system's own, and forecasts RTO and RPO. Read-only. */
export async function assessReadiness(plan: Plan, deps: ReadinessDeps): Promise<ReadinessReport> {
  const tierOf = new Map(plan.tiers.flatMap((t) => t.components.map((id) => [id, t.id] as const)));
  const results: ComponentReadinessResult[] = [];
  for (let i = 0; i < plan.components.length; i += READINESS_CONCURRENCY) {
    const batch = plan.components.slice(i, i + READINESS_CONCURRENCY);
    results.push(...(await Promise.all(batch.map((c) => assessComponent(plan, c, tierOf.get(c.id) ?? '', deps)))));
  }
  const system = [
    activeRegionFinding(plan, deps.activeRegion ?? null),
    ...sharedQuotas(plan.regions.secondary, results),
    ...(await topicFindings(deps.clients, plan.regions.secondary, plan, deps.topics)),
    ...(await roleFindings(deps.clients, deps.automationRoleArn, deps.recoveryStatements)),
  ];
  const byId = new Map(results.map((r) => [r.id, r]));
  const forecast = { rto: rtoForecast(plan, byId), rpo: rpoForecast(plan, results) };
  const status = worstStatus([
    ...results.map((r) => r.status),
    ...system.map((f) => f.status),
    ...forecast.rto.flatMap((s) => s.tiers.map((t) => t.status)),
    ...forecast.rpo.map((r) => r.status),
  ]);
  return { plan: plan.name, assessedAt: deps.now.toISOString(), regions: plan.regions, status, components: results, system, forecast };
}
