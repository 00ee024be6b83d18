import { z } from 'zod';
import { checkSpec, database } from '../checks/schema.ts';
import { COMPONENT_TYPES as REGISTRY, componentTypeNames, type ComponentTypes, type RegisteredType } from '../components/registry.ts';
import { awsRegion, id, minutes, nonEmpty } from './fields.ts';
import { DEFAULT_TIME_ZONE, LANGUAGES } from '../notify/text.ts';
import { ianaTimeZone } from './time-zone.ts';

/**
 * The recovery plan: a versioned YAML file that is the single source of truth for what is recovered,
 * in which order, against which targets. Every name here is the name used in the state machine, the
 * execution output and the drill report.
 */

const componentBase = {
  id,
  name: nonEmpty,
  description: z.string().optional(),
  /** Data class this component holds (omit when it holds no data). */
  rpoClass: id.optional(),
  /** The whole action, start to verified, must finish within this many minutes. */
  timeoutMinutes: minutes.max(24 * 60).default(60),
  /** When to check first, in seconds after the start (defaults per component type). */
  expectedSeconds: z.number().int().positive().max(86_400).optional(),
  /** How often to check after the first check, in seconds. */
  checkIntervalSeconds: z.number().int().min(5).max(3_600).default(30),
  /** Restrict this component to these scenarios even when a scenario selects its whole tier. */
  onlyInScenarios: z.array(id).optional(),
  /** Integrity checks run after the component recovered (shared/checks/schema.ts). */
  checks: z.array(checkSpec).default([]),
  /** The PostgreSQL database the component holds: for its checks and the heartbeat and manifest writers. */
  database: database.optional(),
};

/** A component of type T: the fields every component has, its type, and that type's params (shared/components/<type>/params.ts). */
type ComponentSchema<T extends RegisteredType> = z.ZodObject<typeof componentBase & { type: z.ZodLiteral<T>; params: ComponentTypes[T]['params'] }, z.core.$strict>;
/** One schema per registered type (a union, so the plan's Component type stays one case per type). */
type AnyComponentSchema = { [T in RegisteredType]: ComponentSchema<T> }[RegisteredType];

const componentSchema = <T extends RegisteredType>(type: T): ComponentSchema<T> =>
  z.strictObject({ ...componentBase, type: z.literal(type), params: REGISTRY[type].params });

const componentOptions = componentTypeNames.map(componentSchema) as [AnyComponentSchema, ...AnyComponentSchema[]];

/** The component type names, in the registry's order (validation messages list them so). */
export const COMPONENT_TYPES = componentTypeNames;

export const component = z.discriminatedUnion('type', componentOptions, {
  // zod's default ("Invalid discriminator value. Expected 'a' | 'b' …") neither says what was given
  // nor reads as a sentence; name the value and every allowed type.
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const allowed = `one of ${COMPONENT_TYPES.join(', ')}`;
    // The issue's input is the whole component; the discriminator is its `type`.
    const given = typeof issue.input === 'object' && issue.input !== null ? (issue.input as { type?: unknown }).type : undefined;
    return given === undefined ? `required: the component type, ${allowed}` : `unknown component type ${JSON.stringify(given)}; use ${allowed}`;
  },
});

export const tier = z.strictObject({
  id,
  name: nonEmpty,
  order: z.number().int().min(1),
  rtoClass: id,
  dependsOn: z.array(id).default([]),
  components: z.array(id).min(1, 'a tier needs at least one component'),
});

export const scenario = z.strictObject({
  id,
  name: nonEmpty,
  description: z.string().optional(),
  /** planned: the primary is healthy (switchover, no data loss); unplanned: it is not (failover). */
  mode: z.enum(['planned', 'unplanned']),
  /**
   * What the run does (README "Re-protect and failback"):
   * - `recover` (default): moves what the scenario lists from the primary region to the secondary; refused
   *   while the system runs in the secondary (a failback comes first).
   * - `reprotect`: rebuilds protection from the region the system runs in toward the other (a replica of
   *   the promoted database, reverse replication); planned, changes nothing the application uses.
   * - `failback`: runs the plan in the reverse direction, back to the primary region; only while the
   *   system runs in the secondary. The state table holds which region that is (`active#<plan>`).
   */
  stage: z.enum(['recover', 'reprotect', 'failback']).default('recover'),
  /**
   * A recovered run of this scenario moves the system to the other region (the state table records it).
   * Default: a failback does; a recovery does when it fails traffic over (it has a route53-failover
   * component); a re-protect never does.
   */
  movesActiveRegion: z.boolean().optional(),
  severity: z.enum(['critical', 'high', 'medium', 'low']),
  /** Whole tiers to recover. */
  tiers: z.array(id).default([]),
  /** Single components to recover (in their tiers' order). */
  components: z.array(id).default([]),
  triggers: z
    .strictObject({
      /** CloudWatch alarm names whose ALARM state starts this scenario. */
      alarms: z.array(z.string().min(1).max(255)).default([]),
    })
    .default({ alarms: [] }),
  /**
   * Approval gate: the run waits for `dr-autopilot approve` before the tier holding its first one-way
   * step. Default: required for unplanned scenarios (a person confirms the failover), not for planned
   * ones (starting a planned switchover is the decision).
   */
  approval: z
    .strictObject({
      required: z.boolean().optional(),
      /** No answer within this many minutes is a denial (default: safety.approvalTimeoutMinutes). */
      timeoutMinutes: minutes.max(24 * 60).optional(),
    })
    .default({}),
});

/** A language notices are written in: one the templates exist for (shared/notify/text.ts LANGUAGES). */
const language = z.enum(LANGUAGES, {
  error: (issue) => (issue.code === 'invalid_value' && issue.input !== undefined ? `unsupported language ${JSON.stringify(issue.input)}; supported: ${LANGUAGES.join(', ')}` : undefined),
});

export const audience = z.strictObject({
  id,
  kind: z.enum(['internal', 'external']),
  /** Who reads it, from the plan's communication section. */
  groups: z.array(nonEmpty).min(1),
  /** serverless.yml topic this audience's notices are published to. */
  topic: z.enum(['internal', 'external']),
  languages: z.array(language).min(1).default(['ja', 'en']),
});

const targetClass = z.strictObject({ targetMinutes: minutes, description: z.string().optional() });

/**
 * A scheduled test of the plan (seed plan §5.1: monthly failover test, quarterly component test,
 * twice-yearly full recovery): a planned run of a scenario in the real account, started by EventBridge
 * Scheduler. Deployed off (the schedules exist, disabled) unless the deployment turns them on
 * (DR_TEST_SCHEDULES=on): a planned run switches production over.
 */
export const scheduledTest = z.strictObject({
  id,
  name: nonEmpty,
  scenario: id,
  /** An EventBridge Scheduler expression: cron(minutes hours day-of-month month day-of-week year), rate(…) or at(…). */
  schedule: z.string().regex(/^(cron\((\S+ ){5}\S+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\))$/, {
    message: 'must be an EventBridge Scheduler expression: cron(0 2 ? * SUN#1 *), rate(30 days) or at(2027-01-10T02:00:00)',
  }),
  /** The schedule's time zone (IANA name, e.g. Asia/Tokyo); UTC when absent. */
  timezone: z.string().regex(/^[A-Za-z]+(\/[A-Za-z0-9_+-]+)*$/, 'must be an IANA time zone, e.g. Asia/Tokyo').optional(),
  description: z.string().optional(),
});

export const plan = z.strictObject({
  apiVersion: z.literal('dr-autopilot/v1'),
  name: id,
  description: z.string().optional(),
  regions: z.strictObject({ primary: awsRegion, secondary: awsRegion }).refine((r) => r.primary !== r.secondary, {
    message: 'primary and secondary must be different regions',
  }),
  rtoClasses: z.record(id, targetClass).refine((r) => Object.keys(r).length > 0, 'define at least one RTO class'),
  rpoClasses: z.record(id, targetClass).default({}),
  tiers: z.array(tier).min(1),
  components: z.array(component).min(1),
  scenarios: z.array(scenario).min(1),
  stakeholders: z.strictObject({
    audiences: z.array(audience).min(1),
    /**
     * The time zone every notice states its times in (run and trigger notices, internal and external): an
     * IANA name such as Asia/Tokyo, Europe/Berlin or UTC. Default Asia/Tokyo (the plans written before the
     * field existed were Tokyo's).
     */
    timeZone: ianaTimeZone.default(DEFAULT_TIME_ZONE),
  }),
  /**
   * Where the functions that connect to the databases run (verify-component, verify-system and the
   * heartbeat and manifest writers): subnets and security groups in the recovery region's VPC, with
   * a route to the primary region's database (peering or transit gateway) for the writers.
   */
  databaseAccess: z
    .strictObject({
      subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'must be a subnet id')).min(1),
      securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id')).min(1),
    })
    .optional(),
  /** The final verification stage: checks of the whole system after the last tier. */
  verification: z.strictObject({ checks: z.array(checkSpec).default([]) }).default({ checks: [] }),
  /** Scheduled planned tests of the plan's scenarios (deployed disabled by default). */
  testProgramme: z.array(scheduledTest).default([]),
  /**
   * Readiness (shared/readiness/): how often the recovery region reads every component's preconditions
   * and forecasts RTO and RPO (ARC Region switch evaluates its plans every 30 minutes).
   */
  readiness: z
    .strictObject({ intervalMinutes: z.number().int().min(5, 'must be at least 5 (each assessment reads every component)').max(1440).default(30) })
    .default({ intervalMinutes: 30 }),
  safety: z
    .strictObject({
      /** Minimum minutes from the end of one recovery of this plan to the start of the next (anti-flapping); 0 = none. */
      cooldownMinutes: z.number().int().min(0).max(7 * 24 * 60).default(60),
      /** How long an approval gate waits by default; no answer is a denial. */
      approvalTimeoutMinutes: minutes.max(24 * 60).default(30),
    })
    .default({ cooldownMinutes: 60, approvalTimeoutMinutes: 30 }),
});

export type Plan = z.infer<typeof plan>;
export type Tier = z.infer<typeof tier>;
export type Component = z.infer<typeof component>;
export type ComponentType = Component['type'];
export type ComponentOf<T extends ComponentType> = Extract<Component, { type: T }>;
export type Scenario = z.infer<typeof scenario>;
export type Audience = z.infer<typeof audience>;
