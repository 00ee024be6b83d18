import type { z } from 'zod';

/**
 * What one component type is, facet by facet. Each type is one folder under shared/components/
 * (params.ts, recover.ts, readiness.ts, one-way.ts, iam.ts, reverse.ts, index.ts, and reprotect.ts where it re-protects) and one line in shared/components/registry.ts;
 * test/shared/components/registry.test.ts proves every registered type has every facet.
 *
 * This file imports nothing of the plan schema (shared/plan/schema.ts builds the component union from
 * the registry), so the facets can be typed by their own params without an import cycle.
 */

/** A CloudFormation value: a string or an intrinsic function (Fn::Join, Ref…). */
export type CfnValue = string | { [intrinsic: string]: unknown };

/** One IAM policy statement, as it goes into the packaged template. */
export interface IamStatement {
  Effect: 'Allow';
  Action: string[];
  Resource: CfnValue | CfnValue[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** What an IAM facet knows of the deployment: the plan's regions and an ARN builder. */
export interface IamContext {
  regions: { primary: string; secondary: string };
  /**
   * `arn:${Partition}:service:region:${AccountId}:resource` as a CloudFormation value; `region` ''
   * for global resources; `withAccount: false` for ARNs without an account (S3, Route 53).
   */
  arn(service: string, region: string, resource: string, withAccount?: boolean): CfnValue;
}

/** The IAM a component type needs, derived from its params: least privilege, on the named resources. */
export interface IamFacet<P> {
  /** Every statement the recovery of one component needs (start and check). */
  statements(params: P, ctx: IamContext): IamStatement[];
  /**
   * Actions that change something and that only the start task sends: check-action's role leaves
   * them out. (Changes a check must make, such as the next batch of a restore, are not listed.)
   */
  startOnly: readonly string[];
  /** What the type's readiness facet (readiness.ts) reads: read-only actions on the named resources. */
  readiness(params: P, ctx: IamContext): IamStatement[];
  /**
   * What its re-protect action (reprotect.ts) needs, for types that re-protect (definition `reprotects`), in
   * the direction it runs in (params reversed and ctx's regions swapped for `reverse`).
   */
  reprotect?(params: P, ctx: IamContext, direction: 'forward' | 'reverse'): IamStatement[];
}

/** What the run knows when it words an approval request. */
export interface OneWayRun {
  regions: { primary: string; secondary: string };
  mode: 'planned' | 'unplanned';
  /** The incident's start (ISO-8601): "before-incident" points in time resolve to it. */
  incidentStartedAt: string;
}

/** A CloudWatch metric whose latest value is a replication lag in seconds (data at risk before a one-way step). */
export interface LagMetricSpec {
  namespace: string;
  metricName: string;
  /** CloudWatch returns bare numbers: the unit the metric is published in. */
  unit: 'Seconds' | 'Milliseconds';
  dimensions: { Name: string; Value: string }[];
}

/**
 * A one-way step (a promotion, a failover that may lose data, a restore that overwrites): the
 * approval gate stops before the tier holding it, and an alarm-started run re-reads its trigger alarm
 * right before it. Pure wording and metric names: no SDK client, so every function may load it.
 */
export interface OneWayStep<P> {
  /** One line for the approval request: what the step does and what cannot be undone. */
  describe(run: OneWayRun, component: { id: string; params: P }): string;
  /**
   * What the step puts at risk: the replication lag metric to read now (null when there is none),
   * a note when nothing needs reading, and whether the data at risk is a database's (unknown lag is
   * then said as such).
   */
  dataAtRisk(run: OneWayRun, component: { id: string; params: P }): { lagMetric: LagMetricSpec | null; note: string | null; database: boolean };
  /**
   * When the old primary is found up, `dr-autopilot approve --force` fences it first and goes on;
   * true when this component's step cannot be fenced first (the approval request says so).
   */
  forceCannotFenceFirst?(component: { id: string; params: P }): boolean;
  /**
   * True when the step's split-brain guard reads the old primary in its region and, when that region does
   * not answer, goes on without proof that it is fenced (it may still accept writes when its region comes
   * back). An unplanned run holding such a step then waits for a person's approval even where its scenario
   * does not require one (shared/run/prepare.ts), and `describe` says what follows an unreachable old primary.
   */
  fencingUnprovenWhenUnreachable?: boolean;
}

/**
 * A component as it runs in the other direction (a failback, or a re-protect after a recovery moved the
 * system): its params with the two regions' roles swapped, or why it cannot run so (what the plan must
 * add, or why the type has nothing to do in that direction).
 */
export type Reversal<P> = { params: P } | { unsupported: string };

/** A component type, facet by facet (its `recover.ts` is loaded by path: shared/components/recovery.ts). */
export interface ComponentTypeDefinition<T extends string, S extends z.ZodType> {
  type: T;
  /** The plan's `params` for this type: schema and defaults. */
  params: S;
  /** null when recovering this type can be undone or repeated safely. */
  oneWay: OneWayStep<z.output<S>> | null;
  iam: IamFacet<z.output<S>>;
  /** The AWS services its recovery calls (SDK client package names: rds, route-53…); each has a simulator in the drill. */
  services: readonly string[];
  /**
   * The component's params in the reverse direction (reverse.ts): the plan's secondary is the run's
   * primary, and the resource the recovery made the writer is the one protected. Pure: packaging
   * compiles every component's reversal into the compiled plan (shared/plan/direction.ts).
   */
  reverse(component: { id: string; params: z.output<S> }): Reversal<z.output<S>>;
  /**
   * Whether the type rebuilds protection in a re-protect stage (it then has reprotect.ts, loaded by path:
   * shared/components/reprotection.ts): a replica of the new writer, reverse replication. False for
   * types whose protection needs no rebuilding, or that the plan owner's own tooling rebuilds.
   */
  reprotects: boolean;
}

/** Keeps the literal type and the params type of a definition (registry lines stay one line each). */
export function defineComponentType<T extends string, S extends z.ZodType>(definition: ComponentTypeDefinition<T, S>): ComponentTypeDefinition<T, S> {
  return definition;
}
