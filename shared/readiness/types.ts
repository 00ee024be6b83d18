import type { Logger } from '@aws-lambda-powertools/logger';
import type { AwsClients } from '../aws/clients.ts';
import type { ComponentOf, ComponentType } from '../plan/schema.ts';

/**
 * Readiness: whether a recovery started now would work and meet the plan, read from the account
 * before any outage (issue 12 part 1). Every component type has a readiness facet
 * (shared/components/<type>/readiness.ts) that reads its preconditions; shared/readiness/assess.ts
 * runs them all, adds the system's own (topics, IAM) and forecasts RTO and RPO.
 */

/** ready: nothing stands in the way; at-risk: it would work but may miss the plan (lag, age, unknowns); not-ready: it would fail. */
export type ReadinessStatus = 'ready' | 'at-risk' | 'not-ready';

export const READINESS_STATUSES: readonly ReadinessStatus[] = ['ready', 'at-risk', 'not-ready'];

/** One precondition read from the account, with what an operator needs to act on it. */
export interface ReadinessFinding {
  /** A short kebab-case name of the precondition (replica-exists, replica-lag, recovery-point-age…). */
  check: string;
  status: ReadinessStatus;
  /** What was read, in one line: the fact, and for anything not ready what to fix. */
  detail: string;
}

/** A Service Quotas quota a scale-up draws on (applied value in the recovery region). */
export interface QuotaNeed {
  serviceCode: string;
  quotaCode: string;
  /** The quota's name for people (Service Quotas console). */
  name: string;
  /** What the scale-up needs of it. */
  need: number;
  /** The need in words: "4 tasks × 1 vCPU". */
  because: string;
}

/** What a type's facet reads of one component. */
export interface ComponentReadiness {
  findings: ReadinessFinding[];
  /**
   * The data a failover now would lose, in seconds, as read (replica lag, age of the newest recovery
   * point, replication latency); null when this component's reads say nothing of it.
   */
  dataAtRiskSeconds: number | null;
  /** A service quota the recovery's scale-up draws on, with its value as read: assess.ts adds up every component's need of one quota. */
  quota?: QuotaNeed & { value: number };
}

/** Everything a readiness facet needs, passed in (clients mocked in tests, simulated offline). */
export interface ReadinessContext<T extends ComponentType = ComponentType> {
  component: ComponentOf<T>;
  regions: { primary: string; secondary: string };
  clients: AwsClients;
  logger: Pick<Logger, 'warn' | 'info'>;
  now: Date;
  /** The RPO target of the component's data class, in seconds; null without an rpoClass. */
  rpoSeconds: number | null;
}

/** A component type's readiness facet: read-only calls, never a change. */
export interface ReadinessProbe<T extends ComponentType = ComponentType> {
  type: T;
  /**
   * Whether its reads measure the data a recovery now would lose (a lag, an age): an RPO class whose
   * components measure nothing is "not measurable", not "unknown".
   */
  measuresDataAtRisk: boolean;
  /**
   * How long the component's recovery takes, for the RTO forecast, when the plan gives no
   * expectedSeconds and the type's first-check time says nothing of it (an operator's step).
   */
  recoverySeconds?(component: ComponentOf<T>): number;
  assess(ctx: ReadinessContext<T>): Promise<ComponentReadiness>;
}

const RANK: Record<ReadinessStatus, number> = { ready: 0, 'at-risk': 1, 'not-ready': 2 };

/** The worst of the statuses (ready when there are none). */
export function worstStatus(statuses: Iterable<ReadinessStatus>): ReadinessStatus {
  let worst: ReadinessStatus = 'ready';
  for (const s of statuses) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
}
