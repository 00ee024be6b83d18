import { z } from 'zod';

/**
 * Integrity checks the plan lists per component (`components[].checks`) and for the whole system
 * (`verification.checks`). Each runs after its component recovered (or after the last tier) as a
 * state of its own; a failed check fails the component unless it is `advisory`.
 */

const nonEmpty = z.string().min(1, 'must not be empty');
const regionRole = z.enum(['primary', 'secondary']);
const common = {
  /** Reported but never fails the component or the run. */
  advisory: z.boolean().default(false),
  /** A name for the report when a component has two checks of one type (default: the type). */
  name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes').optional(),
  /** Run only in these scenarios (e.g. a DNS check that holds only after a region failover). */
  onlyInScenarios: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,62}$/)).optional(),
};

/** PostgreSQL checks: they connect with the component's `database.recoverySecretArn`. */
export const postgresWritable = z.strictObject({ ...common, type: z.literal('postgres-writable') });
/** Row counts and checksums of `database.criticalTables` against the newest manifest taken on the primary. */
export const postgresTables = z.strictObject({
  ...common,
  type: z.literal('postgres-tables'),
  /** A manifest older than this (before the incident) is too old to compare with: the check fails. */
  maxManifestAgeMinutes: z.number().int().positive().max(7 * 24 * 60).default(24 * 60),
});
export const postgresIndexes = z.strictObject({ ...common, type: z.literal('postgres-indexes') });
/** Replication from the new primary is re-established: at least `minStandbys` streaming standbys. */
export const postgresReplication = z.strictObject({
  ...common,
  type: z.literal('postgres-replication'),
  minStandbys: z.number().int().min(1).max(10).default(1),
});
/** Measured RPO: the newest heartbeat on the recovered database against the incident's start. */
export const rpoHeartbeat = z.strictObject({ ...common, type: z.literal('rpo-heartbeat') });

export const s3Bucket = z.strictObject({
  ...common,
  type: z.literal('s3-bucket'),
  bucket: nonEmpty,
  region: regionRole.default('secondary'),
  versioning: z.boolean().default(true),
  /** Default encryption is SSE-KMS (aws:kms or aws:kms:dsse). */
  kmsEncryption: z.boolean().default(true),
  /** A replication configuration with an enabled rule (e.g. back towards the old primary region). */
  replication: z.boolean().default(false),
  publicAccessBlocked: z.boolean().default(true),
});
/** A sample of the dataset manifest (JSON lines: key, checksumSHA256 or etag, size) compared with the bucket. */
export const s3Objects = z.strictObject({
  ...common,
  type: z.literal('s3-objects'),
  bucket: nonEmpty,
  region: regionRole.default('secondary'),
  /** Where the manifest is (default: the checked bucket). */
  manifestBucket: nonEmpty.optional(),
  manifestKey: nonEmpty,
  sampleSize: z.number().int().min(1).max(100_000).default(100),
});
/** RPO of replicated objects: S3 Replication Time Control metrics of the rule (ReplicationLatency, OperationsPendingReplication). */
export const s3ReplicationRpo = z.strictObject({
  ...common,
  type: z.literal('s3-replication-rpo'),
  sourceBucket: nonEmpty,
  destinationBucket: nonEmpty,
  ruleId: nonEmpty,
});

export const dnsAnswer = z.strictObject({
  ...common,
  type: z.literal('dns-answer'),
  hostedZoneId: nonEmpty,
  recordName: nonEmpty,
  recordType: z.enum(['A', 'AAAA', 'CNAME']),
  expected: z.array(nonEmpty).min(1),
});
export const http = z.strictObject({
  ...common,
  type: z.literal('http'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  expectStatus: z.number().int().min(100).max(599).default(200),
  bodyContains: z.string().optional(),
  maxLatencyMs: z.number().int().positive().max(60_000).default(2000),
});
export const route53HealthCheck = z.strictObject({
  ...common,
  type: z.literal('route53-health-check'),
  healthCheckId: nonEmpty,
  expect: z.enum(['healthy', 'unhealthy']).default('healthy'),
});

/** ELBv2 target group ARN: `arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID`. */
const targetGroupArn = z.string().regex(/^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/, 'must be an ELBv2 target group ARN (arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID)');

/**
 * The recovered load balancer's target group (ELBv2 DescribeTargetHealth, DescribeTargetGroups): at least
 * `minHealthyTargets` targets `healthy`, and, where the plan says, the target group's health check interval.
 */
export const loadBalancer = z.strictObject({
  ...common,
  type: z.literal('load-balancer'),
  region: regionRole.default('secondary'),
  targetGroupArn,
  minHealthyTargets: z.number().int().min(1).max(1000).default(1),
  /** The interval the plan expects of the target group's health check (ELBv2 allows 5 to 300 s; the seed: 30 s). */
  healthCheckIntervalSeconds: z.number().int().min(5).max(300).optional(),
});

/**
 * The secondary's Site-to-Site VPN connection (EC2 DescribeVpnConnections: `available`, at least `minTunnelsUp`
 * tunnels UP in VgwTelemetry) and, where the plan names one, its Direct Connect backup (Direct Connect
 * DescribeVirtualInterfaces: the virtual interface `available`).
 */
export const vpnConnection = z.strictObject({
  ...common,
  type: z.literal('vpn-connection'),
  region: regionRole.default('secondary'),
  vpnConnectionId: z.string().regex(/^vpn-[0-9a-f]{8}([0-9a-f]{9})?$/, 'must be a VPN connection id (vpn- and 8 or 17 hex digits)'),
  /** A Site-to-Site VPN connection has two tunnels. */
  minTunnelsUp: z.number().int().min(1).max(2).default(1),
  directConnectVirtualInterfaceId: z.string().regex(/^dxvif-[a-z0-9]{8}$/, 'must be a Direct Connect virtual interface id (dxvif- and 8 characters)').optional(),
});

const metricId = z.string().regex(/^[a-z][a-zA-Z0-9_]{0,254}$/, 'must start with a lower-case letter, then letters, digits and underscores (GetMetricData query Id)');
/** One GetMetricData query: a metric and statistic, or a metric math expression over the other queries' ids. */
const metricQuery = z.union([
  z.strictObject({
    id: metricId,
    namespace: z.string().min(1).max(255),
    metricName: z.string().min(1).max(255),
    dimensions: z.record(z.string().min(1).max(255), z.string().min(1).max(1024)).default({}),
    /** A CloudWatch statistic: Average, Sum, Minimum, Maximum, SampleCount, or a percentile such as p95, p99. */
    stat: z.string().regex(/^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d{1,2})?|p100)$/, 'must be Average, Sum, Minimum, Maximum, SampleCount or a percentile such as p95'),
  }),
  z.strictObject({ id: metricId, expression: z.string().min(1).max(2048) }),
], { error: 'each query is {id, namespace, metricName, dimensions, stat} or {id, expression}' });

/**
 * A CloudWatch metric over the last `windowMinutes` before the check, against a threshold: error rate,
 * p95/p99 latency, database latency, CPU. The state machine waits `windowMinutes` after the component
 * recovered (after the last tier, for the system's checks) before it verifies, so the window lies wholly
 * after the recovery: a Step Functions Wait, not a sleep. The last query is the one compared (the others
 * feed its expression); every datapoint in the window must meet the threshold.
 */
export const metric = z.strictObject({
  ...common,
  type: z.literal('metric'),
  region: regionRole.default('secondary'),
  queries: z.array(metricQuery).min(1).max(10),
  /** GetMetricData's Period for every query (a multiple of 60). */
  periodSeconds: z.number().int().min(60).max(3600).multipleOf(60, 'must be a multiple of 60').default(60),
  windowMinutes: z.number().int().min(1).max(60).default(5),
  comparison: z.enum(['LessThanOrEqualToThreshold', 'LessThanThreshold', 'GreaterThanOrEqualToThreshold', 'GreaterThanThreshold']),
  threshold: z.number(),
  /** No datapoint in the window: `failed` (default) or `passed` (a metric that is only emitted when it is non-zero, such as a 5xx count). */
  missingData: z.enum(['failed', 'passed']).default('failed'),
});

/**
 * The recovered database's security settings: storage encrypted, not publicly accessible, no security group
 * opening its port to 0.0.0.0/0 or ::/0 (RDS DescribeDBInstances or DescribeDBClusters, EC2
 * DescribeSecurityGroups), and its KMS key and `kmsKeyArns` enabled in that region (KMS DescribeKey).
 */
export const securitySettings = z.strictObject({
  ...common,
  type: z.literal('security-settings'),
  region: regionRole.default('secondary'),
  dbInstanceIdentifier: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'must be an RDS DB instance identifier').optional(),
  dbClusterIdentifier: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'must be an RDS DB cluster identifier').optional(),
  /** Other keys the recovered system needs (secrets, buckets): each must be Enabled. */
  kmsKeyArns: z.array(z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/, 'must be a KMS key or alias ARN')).default([]),
}).refine((c) => (c.dbInstanceIdentifier === undefined) !== (c.dbClusterIdentifier === undefined), {
  error: 'give exactly one of dbInstanceIdentifier and dbClusterIdentifier: the database whose settings are checked',
  path: ['dbInstanceIdentifier'],
});

export const CHECK_TYPES = [
  'postgres-writable', 'postgres-tables', 'postgres-indexes', 'postgres-replication', 'rpo-heartbeat',
  's3-bucket', 's3-objects', 's3-replication-rpo', 'dns-answer', 'http', 'route53-health-check',
  'load-balancer', 'vpn-connection', 'metric', 'security-settings',
] as const;

export const checkSpec = z.discriminatedUnion(
  'type',
  [postgresWritable, postgresTables, postgresIndexes, postgresReplication, rpoHeartbeat, s3Bucket, s3Objects, s3ReplicationRpo, dnsAnswer, http, route53HealthCheck, loadBalancer, vpnConnection, metric, securitySettings],
  {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const given = typeof issue.input === 'object' && issue.input !== null ? (issue.input as { type?: unknown }).type : undefined;
      return given === undefined ? `required: the check type, one of ${CHECK_TYPES.join(', ')}` : `unknown check type ${JSON.stringify(given)}; use one of ${CHECK_TYPES.join(', ')}`;
    },
  },
);

/** The database a component holds, for the PostgreSQL checks and the scheduled heartbeat and manifest writers. */
export const database = z.strictObject({
  engine: z.literal('postgres').default('postgres'),
  /** Secrets Manager secret of the primary (JSON: host, port, username, password, dbname): heartbeats and manifests are written there. */
  primarySecretArn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'must be a Secrets Manager secret ARN'),
  /** Secret of the database after recovery (the promoted replica, the restored instance), in the secondary region. */
  recoverySecretArn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'must be a Secrets Manager secret ARN'),
  /**
   * Secret of the replica a re-protect builds in the primary region (a new instance: its endpoint is not the
   * old primary's): what a failback's checks connect to. Default: primarySecretArn.
   */
  reprotectSecretArn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'must be a Secrets Manager secret ARN').optional(),
  /** Tables whose row count and checksum are taken on the primary and compared after recovery. */
  criticalTables: z.array(z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'must be schema.table in lower case')).min(1),
  /** At least a minute: the writer runs on an EventBridge schedule (at most once a minute). */
  heartbeatIntervalSeconds: z.number().int().min(60, 'must be at least 60: the writer runs on a schedule, at most once a minute').max(3600).default(60),
  manifestIntervalMinutes: z.number().int().min(1).max(1440).default(60),
});

export type CheckSpec = z.infer<typeof checkSpec>;
export type CheckType = CheckSpec['type'];
export type CheckOf<T extends CheckType> = Extract<CheckSpec, { type: T }>;
export type DatabaseSpec = z.infer<typeof database>;

export const POSTGRES_CHECK_TYPES: readonly CheckType[] = ['postgres-writable', 'postgres-tables', 'postgres-indexes', 'postgres-replication', 'rpo-heartbeat'];
