import { DescribeSecurityGroupsCommand, EC2Client, type IpPermission, type SecurityGroup } from '@aws-sdk/client-ec2';
import { DescribeKeyCommand, KMSClient, type KeyMetadata } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import type { JsonObject } from '../components/types.ts';
import { awsCall, failedCall, refusedDetail, type AwsAnswer } from './aws-call.ts';
import type { CheckContext, CheckOutcome, CheckRunner } from './types.ts';

/**
 * The `security-settings` check: the recovered database, in the check's region, has
 * - storage encrypted (DBInstance / DBCluster StorageEncrypted,
 *   https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html,
 *   https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBCluster.html);
 * - no public access: PubliclyAccessible false on the instance, or on the cluster (Multi-AZ DB clusters
 *   have it) and on every member instance (Aurora sets it per instance), listed with DescribeDBInstances
 *   filtered by db-cluster-id (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html);
 * - no ingress rule of its VPC security groups (EC2 DescribeSecurityGroups,
 *   https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroups.html) that lets
 *   0.0.0.0/0 or ::/0 reach its port (the instance's Endpoint.Port, the cluster's Port): a rule covers the
 *   port when its IpProtocol is -1 (all protocols) or tcp (or 6) with FromPort ≤ port ≤ ToPort
 *   (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html: any other protocol number
 *   opens that protocol only, never TCP);
 * - its KMS key (KmsKeyId) and every `kmsKeyArns` key Enabled (KMS DescribeKey, KeyMetadata.KeyState,
 *   https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyMetadata.html). A KMS key is regional: a key
 *   whose ARN names another region cannot serve the recovered database or the system beside it there, so it
 *   is reported as such without being asked for (the verify role may DescribeKey in the plan's regions only).
 * Every requirement not met is named in one detail. An unknown database is a failed outcome naming
 * DBInstanceNotFoundFault or DBClusterNotFoundFault; a security group or key that EC2 or KMS does not know is
 * one of the problems named. Throttling and 5xx are rethrown as retryable.
 */

/** Addresses that mean "anyone": the IPv4 and IPv6 catch-alls. */
export const WORLD = { ipv4: '0.0.0.0/0', ipv6: '::/0' } as const;

/** What the check reads of the database, from an instance or a cluster and its members. */
interface Database {
  kind: 'instance' | 'cluster';
  storageEncrypted: boolean;
  kmsKeyId: string | undefined;
  port: number | undefined;
  securityGroups: string[];
  /** The instances (or the cluster) that are publicly accessible. */
  publiclyAccessible: string[];
  members?: string[];
}

const groupsOf = (groups: { VpcSecurityGroupId?: string | undefined }[] | undefined) => (groups ?? []).flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : []));

async function readInstance(ctx: CheckContext, region: string, id: string): Promise<AwsAnswer<Database>> {
  const out = await awsCall(() => ctx.clients.get(RDSClient, region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })));
  if (!out.ok) return out;
  const db = out.value.DBInstances?.[0];
  if (!db) return { ok: false, awsError: 'DBInstanceNotFoundFault', said: `DBInstanceNotFoundFault (no DB instance ${id} in the answer)` };
  return {
    ok: true,
    value: {
      kind: 'instance', storageEncrypted: db.StorageEncrypted === true, kmsKeyId: db.KmsKeyId, port: db.Endpoint?.Port ?? db.DbInstancePort,
      securityGroups: groupsOf(db.VpcSecurityGroups), publiclyAccessible: db.PubliclyAccessible === true ? [id] : [],
    },
  };
}

async function readCluster(ctx: CheckContext, region: string, id: string): Promise<AwsAnswer<Database> | { ok: false; outcome: CheckOutcome }> {
  const rds = ctx.clients.get(RDSClient, region);
  const out = await awsCall(() => rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id })));
  if (!out.ok) return out;
  const cluster = out.value.DBClusters?.[0];
  if (!cluster) return { ok: false, awsError: 'DBClusterNotFoundFault', said: `DBClusterNotFoundFault (no DB cluster ${id} in the answer)` };
  const members: DBInstance[] = [];
  let Marker: string | undefined;
  do {
    const input = { Filters: [{ Name: 'db-cluster-id', Values: [id] }], ...(Marker ? { Marker } : {}) };
    const page = await awsCall(() => rds.send(new DescribeDBInstancesCommand(input)));
    if (!page.ok) return { ok: false, outcome: failedCall('DescribeDBInstances', `of cluster ${id} in ${region}`, page) };
    members.push(...(page.value.DBInstances ?? []));
    Marker = page.value.Marker;
  } while (Marker);
  const names = members.map((m) => m.DBInstanceIdentifier ?? '?');
  return {
    ok: true,
    value: {
      kind: 'cluster', storageEncrypted: cluster.StorageEncrypted === true, kmsKeyId: cluster.KmsKeyId, port: cluster.Port,
      securityGroups: groupsOf(cluster.VpcSecurityGroups),
      publiclyAccessible: [...(cluster.PubliclyAccessible === true ? [id] : []), ...members.filter((m) => m.PubliclyAccessible === true).map((m) => m.DBInstanceIdentifier ?? '?')],
      members: names,
    },
  };
}

/** The ingress rule's protocol and ports, as people write them: all traffic, tcp 5432, tcp 0-65535. */
function ruleText(rule: IpPermission): string {
  if (rule.IpProtocol === '-1') return 'all traffic';
  const protocol = rule.IpProtocol === '6' ? 'tcp' : rule.IpProtocol ?? '?';
  return rule.FromPort === rule.ToPort ? `${protocol} ${rule.FromPort}` : `${protocol} ${rule.FromPort}-${rule.ToPort}`;
}

/** Whether a rule lets TCP reach `port` (any TCP port when the port is unknown). */
function reaches(rule: IpPermission, port: number | undefined): boolean {
  if (rule.IpProtocol === '-1') return true;
  if (rule.IpProtocol !== 'tcp' && rule.IpProtocol !== '6') return false;
  return port === undefined || ((rule.FromPort ?? 0) <= port && port <= (rule.ToPort ?? 65535));
}

/** Every ingress rule of the groups that opens the port to anyone: "security group sg-… (name) opens tcp 5432 to 0.0.0.0/0". */
export function openToTheWorld(groups: SecurityGroup[], port: number | undefined): string[] {
  return groups.flatMap((g) => (g.IpPermissions ?? []).flatMap((rule) => {
    if (!reaches(rule, port)) return [];
    const world = [
      ...((rule.IpRanges ?? []).some((r) => r.CidrIp === WORLD.ipv4) ? [WORLD.ipv4] : []),
      ...((rule.Ipv6Ranges ?? []).some((r) => r.CidrIpv6 === WORLD.ipv6) ? [WORLD.ipv6] : []),
    ];
    if (world.length === 0) return [];
    return [`security group ${g.GroupId ?? '?'}${g.GroupName ? ` (${g.GroupName})` : ''} opens ${ruleText(rule)} to ${world.join(' and ')}`];
  }));
}

/** The region an ARN names (`arn:aws:kms:REGION:…`), if it is an ARN. */
const arnRegion = (arn: string) => /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]+):/.exec(arn)?.[1];

/** A key's state for the detail and the observations: Enabled, Disabled, PendingDeletion (on …), or the error KMS answered. */
async function keyState(ctx: CheckContext, region: string, key: string): Promise<{ key: string; state: string; problem?: string }> {
  const where = arnRegion(key) ?? region;
  if (where !== region) return { key, state: `in ${where}`, problem: `KMS key ${key} is in ${where}, not ${region}` };
  const out = await awsCall(() => ctx.clients.get(KMSClient, region).send(new DescribeKeyCommand({ KeyId: key })));
  if (!out.ok) {
    const problem = out.awsError === 'NotFoundException' ? `KMS key ${key} does not exist in ${region} (NotFoundException)` : refusedDetail('DescribeKey', key, out);
    return { key, state: out.awsError, problem };
  }
  const meta: KeyMetadata | undefined = out.value.KeyMetadata;
  const state = meta?.KeyState ?? 'unknown';
  if (state === 'Enabled') return { key, state };
  const deletion = state === 'PendingDeletion' && meta?.DeletionDate ? ` (deletion on ${meta.DeletionDate.toISOString()})` : '';
  return { key, state, problem: `KMS key ${key} is ${state}${deletion}` };
}

const securitySettings: CheckRunner<'security-settings'> = async (ctx, spec): Promise<CheckOutcome> => {
  const region = ctx.run.regions[spec.region];
  const cluster = spec.dbClusterIdentifier;
  const id = cluster ?? spec.dbInstanceIdentifier ?? '';
  const read = cluster ? await readCluster(ctx, region, cluster) : await readInstance(ctx, region, id);
  if (!read.ok) return 'outcome' in read ? read.outcome : failedCall(cluster ? 'DescribeDBClusters' : 'DescribeDBInstances', `${id} in ${region}`, read);
  const db = read.value;

  const problems: string[] = [];
  if (!db.storageEncrypted) problems.push('storage is not encrypted (StorageEncrypted false)');
  if (db.publiclyAccessible.length > 0) {
    problems.push(db.kind === 'instance' ? 'publicly accessible (PubliclyAccessible true)' : `publicly accessible (PubliclyAccessible true): ${db.publiclyAccessible.join(', ')}`);
  }

  let open: string[] = [];
  if (db.securityGroups.length > 0) {
    const groups = await awsCall(() => ctx.clients.get(EC2Client, region).send(new DescribeSecurityGroupsCommand({ GroupIds: db.securityGroups })));
    if (groups.ok) open = openToTheWorld(groups.value.SecurityGroups ?? [], db.port);
    else problems.push(refusedDetail('DescribeSecurityGroups', db.securityGroups.join(', '), groups));
  }
  problems.push(...open);

  const keys = [...new Set([...(db.kmsKeyId ? [db.kmsKeyId] : []), ...spec.kmsKeyArns])];
  const states = await Promise.all(keys.map((key) => keyState(ctx, region, key)));
  problems.push(...states.flatMap((s) => (s.problem ? [s.problem] : [])));

  const observations: JsonObject = {
    region, database: id, kind: db.kind, storageEncrypted: db.storageEncrypted, publiclyAccessible: db.publiclyAccessible, port: db.port ?? null,
    securityGroups: db.securityGroups, openToTheWorld: open, kmsKeys: Object.fromEntries(states.map((s) => [s.key, s.state])),
    ...(db.members ? { members: db.members } : {}),
  };
  if (problems.length > 0) return { status: 'failed', detail: `${id} in ${region}: ${problems.join('; ')}`, observations };
  const port = db.port === undefined ? 'any port' : `port ${db.port}`;
  const groups = db.securityGroups.length > 0 ? `no security group opens ${port} to ${WORLD.ipv4} or ${WORLD.ipv6} (${db.securityGroups.join(', ')})` : 'no VPC security group';
  const enabled = keys.length === 0 ? 'no KMS key to check' : keys.length === 1 ? `KMS key ${keys[0]} Enabled` : `${keys.length} KMS keys Enabled`;
  return { status: 'passed', detail: `${id} in ${region}: storage encrypted, not publicly accessible, ${groups}, ${enabled}`, observations };
};

export const SECURITY_SETTINGS_CHECKS: { 'security-settings': CheckRunner<'security-settings'> } = { 'security-settings': securitySettings };
