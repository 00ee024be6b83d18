import { z } from 'zod';
import { checkSpec, type CheckSpec } from '../checks/schema.ts';
import type { PlanIssue } from '../errors.ts';
import type { RegisteredType } from '../components/registry.ts';
import { allRegions, partitionOfRegion } from './aws-partitions.ts';
import { component as componentSchema, type Component } from './schema.ts';
import { didYouMean } from './suggest.ts';

/**
 * Regions and ARNs that cannot lie (README "Regions and ARNs"). A plan's regions must be regions the
 * installed AWS SDK knows, in one partition: a mistyped region (`eu-wst-1`) has no endpoint, and an
 * unreachable old primary would then pass for a fenced one. Every ARN in the plan must sit in the region
 * its field implies (a recovery target in the secondary, the primary's resources in the primary), in the
 * regions' partition, with a 12-digit account id.
 *
 * Runs on the raw plan data, like the cross-reference checks: the regions are read whatever else is
 * wrong, and each component or system check that passes its own schema has its ARNs checked, so one
 * validation reports every problem.
 */

/**
 * Which region an ARN field is in:
 * - `primary` / `secondary`: that region of the plan (fields are written as before any recovery; the
 *   reverse direction swaps them itself, shared/plan/direction.ts);
 * - `either`: one of the two (e.g. a secret that may be replicated to the secondary);
 * - `none`: ARNs of a global service, which name no region (IAM roles, ARC controls);
 * - `params.region`: the component's `region` param says which of the plan's regions.
 */
type Place = 'primary' | 'secondary' | 'either' | 'none' | 'params.region';

interface ArnField {
  /** Dotted path under the component's params (`*`: every element of a list). */
  field: string;
  place: Place;
  /** What the field names, for the message. */
  what: string;
  /** The field also takes a plain name or id: only a value starting with `arn:` is an ARN to check. */
  nameOrArn?: true;
}

/**
 * The ARN fields of each component type's params (shared/components/<type>/params.ts, whose doc comments
 * say where each resource is), with the region each must be in. test/shared/plan/regions.test.ts fails
 * when a type gains a param named …Arn or …Arns that is not listed here.
 */
export const COMPONENT_ARN_FIELDS: Readonly<Record<RegisteredType, readonly ArnField[]>> = {
  'rds-replica-promotion': [
    { field: 'reprotect.kmsKeyId', place: 'primary', what: 'the KMS key of the replica re-protect creates in the primary region', nameOrArn: true },
  ],
  'rds-point-in-time-restore': [
    { field: 'sourceDbInstanceAutomatedBackupsArn', place: 'params.region', what: 'the automated backups restored from (in the restore region)' },
  ],
  'aurora-global-failover': [
    { field: 'targetDbClusterArn', place: 'secondary', what: 'the cluster that becomes the writer' },
    { field: 'primaryDbClusterArn', place: 'primary', what: 'the writer before a recovery' },
  ],
  'elasticache-global-failover': [],
  'ecs-scale': [
    { field: 'cluster', place: 'secondary', what: 'the ECS cluster scaled up', nameOrArn: true },
    { field: 'service', place: 'secondary', what: 'the ECS service scaled up', nameOrArn: true },
  ],
  'ec2-asg-scale': [],
  'route53-failover': [
    { field: 'primaryRoutingControlArn', place: 'none', what: 'an ARC routing control' },
    { field: 'secondaryRoutingControlArn', place: 'none', what: 'an ARC routing control' },
    { field: 'safetyRulesOverride.*', place: 'none', what: 'an ARC safety rule' },
  ],
  's3-failover': [{ field: 'reprotect.replicationRoleArn', place: 'none', what: 'an IAM role' }],
  's3-version-restore': [{ field: 'kmsKeyArn', place: 'params.region', what: "the bucket's KMS key (in the bucket's region)" }],
  'backup-restore': [
    // Copied recovery points keep the protected resource's ARN: usually the primary's, a resource of the secondary is backed up too.
    { field: 'resourceArn', place: 'either', what: 'the protected resource' },
    { field: 'iamRoleArn', place: 'none', what: 'an IAM role' },
  ],
  'lambda-invoke': [{ field: 'functionName', place: 'params.region', what: 'the function (invoked in params.region)', nameOrArn: true }],
  manual: [],
};

/** The database block's secrets (shared/checks/schema.ts `database`). */
const DATABASE_ARN_FIELDS: readonly ArnField[] = [
  // Read by the writers while the primary runs; a replica of the secret in the secondary region serves as well.
  { field: 'primarySecretArn', place: 'either', what: "the primary database's secret" },
  // Read when the primary region may be down: it must be in the secondary.
  { field: 'recoverySecretArn', place: 'secondary', what: "the recovered database's secret (read while the primary region may be down)" },
  { field: 'reprotectSecretArn', place: 'either', what: "the re-protect replica's secret" },
];

/** The system checks' ARN fields: each is read in the check's `region` (a role of the run's regions). */
const CHECK_ARN_FIELDS: Partial<Record<CheckSpec['type'], readonly ArnField[]>> = {
  'load-balancer': [{ field: 'targetGroupArn', place: 'params.region', what: 'the target group' }],
  'security-settings': [{ field: 'kmsKeyArns.*', place: 'params.region', what: 'the KMS key' }],
};

/** Services whose ARNs name no region and no account (S3 buckets and objects: `arn:aws:s3:::bucket`). */
const NO_REGION_NO_ACCOUNT = new Set(['s3']);

const stage = z.enum(['recover', 'reprotect', 'failback']);

/** The parts of a plan these checks read, as leniently as the cross-reference checks do. */
const regionData = z.object({
  regions: z.object({ primary: z.unknown(), secondary: z.unknown() }),
  tiers: z.array(z.object({ id: z.string(), components: z.array(z.string()).catch([]) }).loose()).catch([]),
  components: z.array(z.unknown()).catch([]),
  scenarios: z.array(z.object({ id: z.string(), stage: stage.catch('recover'), tiers: z.array(z.string()).catch([]), components: z.array(z.string()).catch([]) }).loose()).catch([]),
  verification: z.object({ checks: z.array(z.unknown()).catch([]) }).catch({ checks: [] }),
});
type RegionData = z.output<typeof regionData>;

interface Regions {
  primary: string;
  secondary: string;
  partition: string;
}

/** Every value at a dotted path (`a.b`, `list.*`), with its path under `prefix`. */
function valuesAt(value: unknown, path: readonly string[], prefix: string): [string, unknown][] {
  if (path.length === 0) return [[prefix, value]];
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*') return Array.isArray(value) ? value.flatMap((v, i) => valuesAt(v, rest, `${prefix}.${i}`)) : [];
  if (typeof value !== 'object' || value === null) return [];
  return valuesAt((value as Record<string, unknown>)[head], rest, `${prefix}.${head}`);
}

const unknownRegion = (value: string) =>
  `unknown AWS region "${value}"${didYouMean(value, allRegions()) || '; use a region code the AWS SDK lists, such as us-east-1 or ap-northeast-1'}`;

/** `regions.primary` and `regions.secondary`: known to the SDK, one partition. The regions when they pass. */
function planRegions(data: RegionData, issues: PlanIssue[]): Regions | undefined {
  const { primary, secondary } = data.regions;
  const known = (value: unknown, path: string) => {
    // Not a string, or not shaped like a region: the schema says what to write.
    if (typeof value !== 'string') return undefined;
    const partition = partitionOfRegion(value);
    if (!partition) issues.push({ path, message: unknownRegion(value) });
    return partition;
  };
  const primaryPartition = known(primary, 'regions.primary');
  const secondaryPartition = known(secondary, 'regions.secondary');
  if (!primaryPartition || !secondaryPartition) return undefined;
  if (primaryPartition.id !== secondaryPartition.id) {
    issues.push({
      path: 'regions.secondary',
      message: `${String(secondary)} is in partition ${secondaryPartition.id}, the primary ${String(primary)} in ${primaryPartition.id}: choose both regions in one partition (an account and its ARNs belong to one)`,
    });
    return undefined;
  }
  // Equal regions: the schema refuses them; nothing can be told of where an ARN should be.
  if (primary === secondary) return undefined;
  return { primary: primary as string, secondary: secondary as string, partition: primaryPartition.id };
}

/**
 * Where an ARN must be: the allowed regions and how to say so. `role`: the `region` param (a component's,
 * as written before any recovery) or a check's `region` with the stages of the scenarios it runs in.
 */
interface Expected {
  regions: string[];
  /** Completes "names region X, but …". */
  because: string;
}

function expectedFor(place: Exclude<Place, 'none'>, what: string, regions: Regions, regionParam: 'primary' | 'secondary' | undefined): Expected {
  const role = place === 'params.region' ? (regionParam ?? 'secondary') : place;
  if (role === 'either') {
    return { regions: [regions.primary, regions.secondary], because: `${what} must be in the primary (${regions.primary}) or the secondary region (${regions.secondary})` };
  }
  const region = regions[role];
  const why = place === 'params.region' ? ` (params.region: ${role})` : '';
  return { regions: [region], because: `${what} is in the ${role} region${why}, ${region}: use its ARN there` };
}

/** Where a system check reads: its `region` role in each scenario it runs in (a failback swaps the run's regions; a re-protect runs in either direction). */
function checkExpected(check: CheckSpec & { region?: 'primary' | 'secondary' }, what: string, regions: Regions, stages: readonly { id: string; stage: z.output<typeof stage> }[]): Expected {
  const role = check.region ?? 'secondary';
  const other = role === 'primary' ? 'secondary' : 'primary';
  const allowed = new Set<string>();
  for (const s of stages) {
    if (s.stage !== 'failback') allowed.add(regions[role]);
    if (s.stage !== 'recover') allowed.add(regions[other]);
  }
  if (allowed.size === 0) allowed.add(regions[role]);
  const list = [...allowed];
  const swapped = stages.some((s) => s.stage !== 'recover') ? `; a ${stages.some((s) => s.stage === 'failback') ? 'failback' : 're-protect'} swaps the run's regions` : '';
  const scenarios = stages.length > 0 ? ` in the scenarios it runs in (${stages.map((s) => s.id).join(', ')}${swapped})` : '';
  return { regions: list, because: `the check (region: ${role}) reads ${what} in ${list.join(' or ')}${scenarios}: use an ARN there or change the check's region` };
}

/** The problems of one ARN: partition, account id, region. */
function arnIssues(path: string, value: string, place: Place, what: string, regions: Regions, expected: () => Expected): PlanIssue[] {
  const parts = value.split(':');
  // Not an ARN at all: the field's own schema says so (or the field takes a name too and this is none).
  if (parts.length < 6 || parts[0] !== 'arn') return [];
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  const issues: PlanIssue[] = [];
  const add = (message: string) => issues.push({ path, message });
  if (partition !== regions.partition) {
    add(`the ARN is in partition "${partition}", the plan's regions in "${regions.partition}": write arn:${regions.partition}:${service}:…`);
  }
  const global = NO_REGION_NO_ACCOUNT.has(service);
  if (global ? account !== '' : !/^\d{12}$/.test(account)) {
    add(global ? `${service} ARNs name no account: remove "${account}"` : account === '' ? 'the ARN names no account: write the 12-digit AWS account id after the region' : `account id "${account}" must be 12 digits`);
  }
  if (place === 'none') {
    if (region !== '') add(`names region ${region}, but ${what} is global and its ARN names no region: remove it (arn:${regions.partition}:${service}::ACCOUNT:…)`);
    return issues;
  }
  const want = expected();
  if (region === '') {
    // S3 bucket ARNs name no region: nothing to compare.
    if (!global) add(`the ARN names no region: ${want.because}`);
  } else if (!want.regions.includes(region)) {
    add(`names region ${region}, but ${want.because}`);
  }
  return issues;
}

/** The scenarios a component runs in: those naming it or its tier, less those its onlyInScenarios leaves out. */
function scenariosOf(data: RegionData, component: Component) {
  const tier = data.tiers.find((t) => t.components.includes(component.id))?.id;
  return data.scenarios.filter(
    (s) => (s.components.includes(component.id) || (tier !== undefined && s.tiers.includes(tier))) && (component.onlyInScenarios?.includes(s.id) ?? true),
  );
}

function checkArnIssues(check: CheckSpec, at: string, regions: Regions, scenarios: RegionData['scenarios']): PlanIssue[] {
  const stages = check.onlyInScenarios ? scenarios.filter((s) => check.onlyInScenarios!.includes(s.id)) : scenarios;
  return (CHECK_ARN_FIELDS[check.type] ?? []).flatMap(({ field, place, what }) =>
    valuesAt(check, field.split('.'), at).flatMap(([path, value]) =>
      typeof value === 'string' ? arnIssues(path, value, place, what, regions, () => checkExpected(check as CheckSpec & { region?: 'primary' | 'secondary' }, what, regions, stages)) : [],
    ),
  );
}

/** A route53-failover component's ARC cluster endpoints: regions the SDK knows, in the plan's partition, each the region its host name names. */
function clusterEndpointIssues(component: Extract<Component, { type: 'route53-failover' }>, at: string, regions: Regions): PlanIssue[] {
  return (component.params.clusterEndpoints ?? []).flatMap((endpoint, k): PlanIssue[] => {
    const path = `${at}.params.clusterEndpoints.${k}`;
    const partition = partitionOfRegion(endpoint.region);
    if (!partition) return [{ path: `${path}.region`, message: unknownRegion(endpoint.region) }];
    if (partition.id !== regions.partition) {
      return [{ path: `${path}.region`, message: `${endpoint.region} is in partition ${partition.id}, the plan's regions in ${regions.partition}: list the cluster's endpoints as describe-cluster gives them` }];
    }
    const named = /\.route53-recovery-cluster\.([a-z0-9-]+)\./.exec(endpoint.endpoint)?.[1];
    return named !== undefined && named !== endpoint.region
      ? [{ path: `${path}.endpoint`, message: `the endpoint is in ${named}, the entry says ${endpoint.region}: give each endpoint with its own region, as describe-cluster lists them` }]
      : [];
  });
}

function componentIssues(component: Component, i: number, regions: Regions, data: RegionData): PlanIssue[] {
  const at = `components.${i}`;
  const params = component.params as Record<string, unknown>;
  const regionParam = params.region === 'primary' || params.region === 'secondary' ? params.region : undefined;
  const fields = COMPONENT_ARN_FIELDS[component.type].flatMap(({ field, place, what, nameOrArn }) =>
    valuesAt(params, field.split('.'), `${at}.params`).flatMap(([path, value]) =>
      typeof value === 'string' && (!nameOrArn || value.startsWith('arn:'))
        ? arnIssues(path, value, place, what, regions, () => expectedFor(place as Exclude<Place, 'none'>, what, regions, regionParam))
        : [],
    ),
  );
  const database = component.database
    ? DATABASE_ARN_FIELDS.flatMap(({ field, place, what }) =>
        valuesAt(component.database, [field], `${at}.database`).flatMap(([path, value]) =>
          typeof value === 'string' ? arnIssues(path, value, place, what, regions, () => expectedFor(place as Exclude<Place, 'none'>, what, regions, undefined)) : [],
        ),
      )
    : [];
  const scenarios = scenariosOf(data, component);
  const checks = component.checks.flatMap((check, j) => checkArnIssues(check, `${at}.checks.${j}`, regions, scenarios));
  const endpoints = component.type === 'route53-failover' ? clusterEndpointIssues(component, at, regions) : [];
  return [...fields, ...database, ...checks, ...endpoints];
}

/**
 * The plan's regions and every region and ARN in it, checked against the AWS SDK's regions and against
 * each other. `data`: the plan as parsed from YAML (before or after its schema: a component or check
 * that fails its own schema is left to the schema's messages).
 */
export function regionIssues(data: unknown): PlanIssue[] {
  const parsed = regionData.safeParse(data);
  if (!parsed.success) return [];
  const issues: PlanIssue[] = [];
  const regions = planRegions(parsed.data, issues);
  if (!regions) return issues;
  parsed.data.components.forEach((raw, i) => {
    const component = componentSchema.safeParse(raw);
    if (component.success) issues.push(...componentIssues(component.data, i, regions, parsed.data));
  });
  parsed.data.verification.checks.forEach((raw, j) => {
    const check = checkSpec.safeParse(raw);
    if (check.success) issues.push(...checkArnIssues(check.data, `verification.checks.${j}`, regions, parsed.data.scenarios));
  });
  return issues;
}
