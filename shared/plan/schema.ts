import { z } from 'zod';
import { checkSpec, database } from '../checks/schema.ts';

/**
 * The recovery plan: a versioned YAML file that is the single source of truth for what is recovered,
 * in which order, against which targets. Every name here is the name used in the state machine, the
 * execution output and the drill report.
 */

const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes, starting with a letter (max 63)');
const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region code such as ap-northeast-1');
const regionRole = z.enum(['primary', 'secondary']);
const minutes = z.number().int().positive();
const nonEmpty = z.string().min(1, 'must not be empty');
const arn = z.string().regex(/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/, 'must be an ARN');

/**
 * Lets a cross-field check of a component's params run even when another param is already invalid,
 * so one validation reports every problem (zod skips refinements after any other issue by default).
 */
const evenWithOtherIssues = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null };

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

export const rdsReplicaPromotion = z.strictObject({
  ...componentBase,
  type: z.literal('rds-replica-promotion'),
  params: z.strictObject({
    /** Old primary instance in the primary region (fenced after promotion in a later step). */
    primaryDbInstanceIdentifier: nonEmpty,
    /** Cross-region read replica in the secondary region, the one promoted. */
    replicaDbInstanceIdentifier: nonEmpty,
    backupRetentionPeriod: z.number().int().min(1).max(35).default(7),
    /**
     * How the old primary is fenced after the promotion, where its region answers: `stop` it
     * (StopDBInstance), `isolate` it (ModifyDBInstance to isolationSecurityGroupIds, which admit no
     * application traffic), or `none` (only when something outside dr-autopilot fences it).
     */
    fencing: z
      .strictObject({
        method: z.enum(['stop', 'isolate', 'none']).default('stop'),
        isolationSecurityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id such as sg-0123456789abcdef0')).min(1).optional(),
      })
      .superRefine((f, ctx) => {
        if (f.method === 'isolate' && f.isolationSecurityGroupIds === undefined) {
          ctx.addIssue({ code: 'custom', path: ['isolationSecurityGroupIds'], message: 'required when method is isolate: the security groups that admit no application traffic' });
        }
      }, evenWithOtherIssues)
      .default({ method: 'stop' }),
  }),
});

export const auroraGlobalFailover = z.strictObject({
  ...componentBase,
  type: z.literal('aurora-global-failover'),
  params: z.strictObject({
    globalClusterIdentifier: nonEmpty,
    /** ARN of the secondary-region cluster that becomes the writer. */
    targetDbClusterArn: arn,
  }),
});

export const rdsPointInTimeRestore = z.strictObject({
  ...componentBase,
  type: z.literal('rds-point-in-time-restore'),
  params: z.strictObject({
    region: regionRole.default('secondary'),
    sourceDbInstanceIdentifier: nonEmpty.optional(),
    /** For a cross-region restore: the replicated automated backups' ARN in the restore region. */
    sourceDbInstanceAutomatedBackupsArn: arn.optional(),
    targetDbInstanceIdentifier: z
      .string()
      .regex(/^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}$/, 'must be 1-63 letters, digits or hyphens, start with a letter, no "--"'),
    /** `before-incident`: the newest point on the granularity grid before the incident; `latest`: LatestRestorableTime. */
    restoreTo: z.enum(['before-incident', 'latest']).default('before-incident'),
    granularityMinutes: z.number().int().min(1).max(60).default(5),
    retentionDays: z.number().int().min(1).max(35).default(7),
    dbInstanceClass: nonEmpty.optional(),
    dbSubnetGroupName: nonEmpty.optional(),
    vpcSecurityGroupIds: z.array(nonEmpty).optional(),
    multiAz: z.boolean().optional(),
  }).refine((p) => Boolean(p.sourceDbInstanceIdentifier) !== Boolean(p.sourceDbInstanceAutomatedBackupsArn), {
    message: 'give exactly one of sourceDbInstanceIdentifier or sourceDbInstanceAutomatedBackupsArn',
    ...evenWithOtherIssues,
  }),
});

const recordTarget = z.strictObject({
  values: z.array(nonEmpty).min(1),
  ttl: z.number().int().min(0).max(86_400).default(60),
});

export const route53Failover = z.strictObject({
  ...componentBase,
  type: z.literal('route53-failover'),
  params: z
    .strictObject({
      /** `health-check`: invert the primary's health check so Route 53's data plane answers with the secondary.
       *  `record`: UPSERT the record to the secondary target (control-plane override). */
      mode: z.enum(['health-check', 'record']),
      hostedZoneId: nonEmpty,
      recordName: nonEmpty,
      recordType: z.enum(['A', 'AAAA', 'CNAME']),
      /** health-check mode: the primary record's health check. */
      primaryHealthCheckId: nonEmpty.optional(),
      /** record mode: what the record is set to. */
      secondaryTarget: recordTarget.optional(),
      /** record mode: SetIdentifier of the record to change, when it is a routing-policy record. */
      setIdentifier: nonEmpty.optional(),
      /** What TestDNSAnswer must return once failed over. */
      expectedAnswer: z.array(nonEmpty).min(1),
    })
    .superRefine((p, ctx) => {
      // `=== undefined`: an empty value is reported by its own schema ("must not be empty"), not twice.
      if (p.mode === 'health-check' && p.primaryHealthCheckId === undefined) {
        ctx.addIssue({ code: 'custom', path: ['primaryHealthCheckId'], message: 'required when mode is health-check' });
      }
      if (p.mode === 'record' && p.secondaryTarget === undefined) {
        ctx.addIssue({ code: 'custom', path: ['secondaryTarget'], message: 'required when mode is record' });
      }
    }, evenWithOtherIssues),
});

export const s3Failover = z.strictObject({
  ...componentBase,
  type: z.literal('s3-failover'),
  params: z.strictObject({
    primaryBucket: nonEmpty,
    /** Replica bucket in the secondary region. */
    replicaBucket: nonEmpty,
    /** SSM parameter (secondary region) the application reads for its bucket name. */
    parameterName: z.string().regex(/^\/?[A-Za-z0-9_.\-/]+$/, 'must be an SSM parameter name'),
    /** Require SSE-KMS (aws:kms) default encryption on the replica, not only SSE-S3. */
    requireKms: z.boolean().default(true),
  }),
});

export const s3VersionRestore = z.strictObject({
  ...componentBase,
  type: z.literal('s3-version-restore'),
  params: z.strictObject({
    region: regionRole.default('primary'),
    bucket: nonEmpty,
    prefix: z.string().default(''),
    /** `before-incident` or an ISO-8601 time: each object goes back to its newest version at or before it. */
    pointInTime: z.union([z.literal('before-incident'), z.iso.datetime({ offset: true })]).default('before-incident'),
    /** Objects restored per start/check step (keeps each Lambda invocation short). */
    batchSize: z.number().int().min(1).max(1000).default(200),
  }),
});

export const backupRestore = z.strictObject({
  ...componentBase,
  type: z.literal('backup-restore'),
  params: z.strictObject({
    /** Vault in the secondary region holding the copied recovery points. */
    backupVaultName: nonEmpty,
    /** ARN of the protected resource whose newest recovery point is restored. */
    resourceArn: arn,
    resourceType: z.enum(['EFS', 'EBS', 'EC2', 'RDS', 'DynamoDB', 'S3']).default('EFS'),
    iamRoleArn: arn,
    /** Restore metadata passed to StartRestoreJob (for EFS: file-system-id, newFileSystem, Encrypted, KmsKeyId…). */
    metadata: z.record(z.string(), z.string()),
  }),
});

export const ecsScale = z.strictObject({
  ...componentBase,
  type: z.literal('ecs-scale'),
  params: z.strictObject({
    cluster: nonEmpty,
    service: nonEmpty,
    desiredCount: z.number().int().min(1).max(5000),
  }),
});

export const ec2AsgScale = z.strictObject({
  ...componentBase,
  type: z.literal('ec2-asg-scale'),
  params: z
    .strictObject({
      autoScalingGroupName: nonEmpty,
      minSize: z.number().int().min(0),
      desiredCapacity: z.number().int().min(1),
      maxSize: z.number().int().min(1).optional(),
    })
    .refine((p) => p.minSize <= p.desiredCapacity && (p.maxSize === undefined || p.desiredCapacity <= p.maxSize), {
      message: 'must satisfy minSize <= desiredCapacity <= maxSize',
    }),
});

export const elasticacheGlobalFailover = z.strictObject({
  ...componentBase,
  type: z.literal('elasticache-global-failover'),
  params: z.strictObject({
    globalReplicationGroupId: nonEmpty,
    /** Replication group in the secondary region that becomes primary. */
    secondaryReplicationGroupId: nonEmpty,
  }),
});

export const lambdaInvoke = z.strictObject({
  ...componentBase,
  type: z.literal('lambda-invoke'),
  params: z.strictObject({
    region: regionRole.default('secondary'),
    functionName: nonEmpty,
    payload: z.record(z.string(), z.unknown()).default({}),
  }),
});

export const manual = z.strictObject({
  ...componentBase,
  type: z.literal('manual'),
  params: z.strictObject({
    /** What the operator must do before confirming, shown in the request. */
    instructions: nonEmpty,
    /** Runbook link shown with the instructions. */
    runbookUrl: z.url().optional(),
  }),
});

const componentOptions = [
  rdsReplicaPromotion,
  auroraGlobalFailover,
  rdsPointInTimeRestore,
  route53Failover,
  s3Failover,
  s3VersionRestore,
  backupRestore,
  ecsScale,
  ec2AsgScale,
  elasticacheGlobalFailover,
  lambdaInvoke,
  manual,
] as const;

export const COMPONENT_TYPES = componentOptions.map((o) => o.shape.type.value);

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

const language = z.enum(['ja', 'en']);

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
  stakeholders: z.strictObject({ audiences: z.array(audience).min(1) }),
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
