import { createHash } from 'node:crypto';
import {
  DescribeInstanceTypesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpnConnectionsCommand,
  EC2Client,
  type DescribeInstanceTypesCommandInput,
  type DescribeLaunchTemplateVersionsCommandInput,
  type DescribeSecurityGroupsCommandInput,
  type DescribeVpnConnectionsCommandInput,
  type Filter,
  type IpPermission,
  type SecurityGroup,
  type VgwTelemetry,
  type VpnConnection,
} from '@aws-sdk/client-ec2';
import { simulateClient } from './intercept.ts';
import type { CheckSpec } from '../../../checks/schema.ts';
import type { ComponentOf } from '../../../plan/schema.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, planAccount, type World } from './world.ts';

// EC2 throttles with RequestLimitExceeded (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html).
const SIM: ServiceSimulation = { service: 'ec2', throttleError: 'RequestLimitExceeded' };

/** The instance type every simulated group's launch template names (assumption: a general-purpose current-generation size). */
export const LAUNCH_TEMPLATE_INSTANCE_TYPE = 'm6i.large';

/**
 * vCPUs and memory of a few current instance types, from the EC2 instance types guide
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html, co.html, mo.html, bt: t3). Enough for
 * the simulated launch templates and what a test asks; any other type is unknown here.
 */
const INSTANCE_TYPES: Record<string, { vcpus: number; cores: number; memoryMiB: number }> = {
  'm6i.large': { vcpus: 2, cores: 1, memoryMiB: 8192 },
  'm6i.xlarge': { vcpus: 4, cores: 2, memoryMiB: 16_384 },
  'm6i.2xlarge': { vcpus: 8, cores: 4, memoryMiB: 32_768 },
  'm5.large': { vcpus: 2, cores: 1, memoryMiB: 8192 },
  'c6i.large': { vcpus: 2, cores: 1, memoryMiB: 4096 },
  'r6i.large': { vcpus: 2, cores: 1, memoryMiB: 16_384 },
  't3.medium': { vcpus: 2, cores: 1, memoryMiB: 4096 },
};

const hex = (seed: string, n: number) => createHash('sha256').update(seed).digest('hex').slice(0, n);

/** The launch template of an ec2-asg-scale group: named as the group, its id derived from the name (`lt-` and 17 hex digits, as EC2's). */
export function launchTemplateOf(groupName: string): { LaunchTemplateId: string; LaunchTemplateName: string; Version: string } {
  return { LaunchTemplateId: `lt-0${hex(`launch-template/${groupName}`, 16)}`, LaunchTemplateName: groupName, Version: '$Default' };
}

interface LaunchTemplate { id: string; name: string; region: string; imageId: string; createdAt: number }

/** The plan's checks of one type (components' `checks` and `verification.checks`), each with its component (none for the system's). */
export function planChecksOf<T extends CheckSpec['type']>(world: World, type: T): { check: Extract<CheckSpec, { type: T }>; component: string | undefined }[] {
  return [
    ...world.plan.components.flatMap((c) => c.checks.map((check) => ({ check, component: c.id as string | undefined }))),
    ...world.plan.verification.checks.map((check) => ({ check, component: undefined })),
  ].filter((x): x is { check: Extract<CheckSpec, { type: T }>; component: string | undefined } => x.check.type === type);
}

/** The region a check's region role names in the plan. */
export const roleRegion = (world: World, role: 'primary' | 'secondary') => (role === 'primary' ? world.primary : world.secondary);

/** The VPC of the simulated account in a region (assumption: one VPC per region holds the recovered system). */
export const vpcIdOf = (region: string) => `vpc-0${hex(`vpc/${region}`, 16)}`;

/** The virtual private gateway of a region's VPC: the VPN connections and the Direct Connect private virtual interfaces end on it. */
export const vpnGatewayIdOf = (region: string) => `vgw-0${hex(`vgw/${region}`, 16)}`;

/**
 * The security group of a `security-settings` check's database (its DB instance or cluster identifier) in a region:
 * `sg-0` and 16 hex digits of sha256("security-group/REGION/IDENTIFIER"), EC2's 17-digit id form.
 */
export function databaseSecurityGroupId(region: string, dbIdentifier: string): string {
  return `sg-0${hex(`security-group/${region}/${dbIdentifier}`, 16)}`;
}

/** The database port of the simulated security groups (the plans' engine is PostgreSQL). */
export const DATABASE_PORT = 5432;
/** assumption: the VPC's own range (10.0.0.0/16), from which the recovered services reach the database. */
export const VPC_CIDR = '10.0.0.0/16';
/** The description of the rule the `open-security-group` fault adds. */
export const OPEN_RULE_DESCRIPTION = "opened by the drill's --inject open-security-group";

/** How long before the incident the VPN tunnels have been UP (assumption: a week; only LastStatusChange shows it). */
const TUNNELS_UP_FOR_MS = 7 * 24 * 3600_000;

interface SimulatedVpn { id: string; region: string; index: number }
interface SimulatedGroup { id: string; name: string; region: string; dbIdentifier: string }

/** Keeps the filters a simulated Describe* understands and refuses others loudly (a gap in the simulation must not pass for an answer). */
function filtersOf(command: string, filters: Filter[] | undefined, known: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of filters ?? []) {
    if (!f.Name || !known.includes(f.Name)) {
      throw awsError('UnsupportedBySimulator', `the drill's simulated ${command} supports the filters ${known.join(', ')}, not ${JSON.stringify(f.Name)}`, 400);
    }
    out.set(f.Name, [...(out.get(f.Name) ?? []), ...(f.Values ?? [])]);
  }
  return out;
}
const matches = (filters: Map<string, string[]>, name: string, value: string) => !filters.has(name) || (filters.get(name) ?? []).includes(value);

/**
 * EC2 as readiness and the network checks read it.
 *
 * Launch templates and instance types (readiness, in the recovery region). Each ec2-asg-scale group (autoscaling.ts) launches
 * from its own launch template (launchTemplateOf), one version (1, default and latest) naming an AMI
 * (`ami-` and 17 hex digits, derived from the group and region) and LAUNCH_TEMPLATE_INSTANCE_TYPE.
 * DescribeLaunchTemplateVersions by id or name, versions `$Default`, `$Latest` or `1`; an unknown template is
 * InvalidLaunchTemplateId.NotFound (by id) or InvalidLaunchTemplateName.NotFoundException (by name), an unknown
 * version InvalidLaunchTemplateId.VersionNotFound (the codes of https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html;
 * the messages are as the AWS CLI shows them, unconfirmed). DescribeInstanceTypes answers from INSTANCE_TYPES;
 * an unknown type is InvalidInstanceType.
 *
 * Site-to-Site VPN connections (the `vpn-connection` checks): each check's vpnConnectionId is a connection in the
 * region of its region role, `available`, type ipsec.1, BGP-routed, on the region's virtual private gateway, with two
 * tunnels (VgwTelemetry; a connection always has two) whose outside addresses are taken in order from 203.0.113.0/24
 * (TEST-NET-3, RFC 5737): both UP since a week before the incident (assumption); under the `vpn-down` fault both
 * DOWN since the incident, StatusMessage "IPSEC IS DOWN" (assumption: the text as the console shows it, unconfirmed;
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VgwTelemetry.html documents only "a description of the
 * error"). DescribeVpnConnections by VpnConnectionIds (an unknown id: InvalidVpnConnectionID.NotFound, "The
 * vpnConnection ID 'vpn-…' does not exist", as EC2 answers it) and the filters vpn-connection-id and state.
 *
 * Security groups (the `security-settings` checks): each check's database (dbInstanceIdentifier or
 * dbClusterIdentifier) has its group databaseSecurityGroupId(region, identifier) in the region of the check's role,
 * named IDENTIFIER-db, in the region's VPC, allowing tcp 5432 from VPC_CIDR only (and all egress, EC2's default);
 * under the `open-security-group` fault the same permission also allows 0.0.0.0/0 (EC2 returns the ranges of one
 * protocol and port range as one IpPermission). DescribeSecurityGroups by GroupIds or GroupNames (an unknown one:
 * InvalidGroup.NotFound, "The security group '…' does not exist") and the filters group-id, group-name, vpc-id.
 */
export function simulateEc2(world: World): SimulatedService {
  const stub = simulateClient(EC2Client);
  const account = planAccount(world.plan);
  const templates = new Map<string, LaunchTemplate>();
  const region = world.secondary;
  for (const c of world.plan.components.filter((x): x is ComponentOf<'ec2-asg-scale'> => x.type === 'ec2-asg-scale')) {
    const lt = launchTemplateOf(c.params.autoScalingGroupName);
    templates.set(`${region}:${lt.LaunchTemplateId}`, {
      id: lt.LaunchTemplateId, name: lt.LaunchTemplateName, region, imageId: `ami-0${hex(`image/${region}/${lt.LaunchTemplateName}`, 16)}`, createdAt: world.now(),
    });
    world.own('ec2', region, lt.LaunchTemplateId, c.id);
  }

  const vpns = new Map<string, SimulatedVpn>();
  for (const { check, component } of planChecksOf(world, 'vpn-connection')) {
    const at = roleRegion(world, check.region);
    const key = `${at}:${check.vpnConnectionId}`;
    if (!vpns.has(key)) vpns.set(key, { id: check.vpnConnectionId, region: at, index: vpns.size });
    if (component) world.own('ec2', at, check.vpnConnectionId, component);
  }
  const groups = new Map<string, SimulatedGroup>();
  for (const { check, component } of planChecksOf(world, 'security-settings')) {
    const at = roleRegion(world, check.region);
    const dbIdentifier = check.dbInstanceIdentifier ?? check.dbClusterIdentifier ?? '';
    const id = databaseSecurityGroupId(at, dbIdentifier);
    groups.set(`${at}:${id}`, { id, name: `${dbIdentifier}-db`, region: at, dbIdentifier });
    if (component) world.own('ec2', at, id, component);
  }
  const vpnDown = () => world.faults.some((f) => f.kind === 'vpn-down');
  const groupOpen = () => world.faults.some((f) => f.kind === 'open-security-group');
  const incident = world.incidentAt ?? world.now();

  function vpnConnection(v: SimulatedVpn): VpnConnection {
    const down = vpnDown();
    const tunnels: VgwTelemetry[] = [0, 1].map((t) => ({
      OutsideIpAddress: `203.0.113.${(10 + 2 * v.index + t) % 250}`,
      Status: down ? 'DOWN' : 'UP',
      ...(down ? { StatusMessage: 'IPSEC IS DOWN' } : {}),
      LastStatusChange: new Date(down ? incident : incident - TUNNELS_UP_FOR_MS),
      AcceptedRouteCount: down ? 0 : 1,
    }));
    return {
      VpnConnectionId: v.id,
      State: 'available',
      Type: 'ipsec.1',
      Category: 'VPN',
      CustomerGatewayId: `cgw-0${hex(`customer-gateway/${v.region}/${v.id}`, 16)}`,
      VpnGatewayId: vpnGatewayIdOf(v.region),
      Options: { StaticRoutesOnly: false, TunnelInsideIpVersion: 'ipv4' },
      Routes: [],
      Tags: [],
      VgwTelemetry: tunnels,
    };
  }

  function securityGroup(g: SimulatedGroup): SecurityGroup {
    const ranges = [{ CidrIp: VPC_CIDR, Description: 'the VPC' }, ...(groupOpen() ? [{ CidrIp: '0.0.0.0/0', Description: OPEN_RULE_DESCRIPTION }] : [])];
    const ingress: IpPermission = { IpProtocol: 'tcp', FromPort: DATABASE_PORT, ToPort: DATABASE_PORT, IpRanges: ranges, Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };
    return {
      GroupId: g.id,
      GroupName: g.name,
      Description: `Access to ${g.dbIdentifier}`,
      OwnerId: account,
      VpcId: vpcIdOf(g.region),
      SecurityGroupArn: `arn:aws:ec2:${g.region}:${account}:security-group/${g.id}`,
      IpPermissions: [ingress],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
      Tags: [],
    };
  }

  refuseOthers(SIM, stub);
  answer<DescribeLaunchTemplateVersionsCommandInput, unknown>(world, SIM, stub, DescribeLaunchTemplateVersionsCommand, (input, region) => {
    const inRegion = [...templates.values()].filter((t) => t.region === region);
    let lt: LaunchTemplate | undefined;
    if (input.LaunchTemplateId !== undefined) {
      lt = inRegion.find((t) => t.id === input.LaunchTemplateId);
      if (!lt) throw awsError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${input.LaunchTemplateId}, does not exist.`, 400);
    } else if (input.LaunchTemplateName !== undefined) {
      lt = inRegion.find((t) => t.name === input.LaunchTemplateName);
      if (!lt) throw awsError('InvalidLaunchTemplateName.NotFoundException', 'At least one of the launch templates specified in the request does not exist.', 400);
    } else {
      throw awsError('MissingParameter', 'The request must contain the parameter LaunchTemplateId or LaunchTemplateName', 400);
    }
    const versions = input.Versions && input.Versions.length > 0 ? input.Versions : ['$Latest', '$Default', '1'];
    const unknown = versions.find((v) => !['$Latest', '$Default', '1'].includes(v));
    if (unknown) throw awsError('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${unknown} for template ${lt.id}.`, 400);
    const found = lt;
    return {
      LaunchTemplateVersions: [{
        LaunchTemplateId: found.id,
        LaunchTemplateName: found.name,
        VersionNumber: 1,
        VersionDescription: 'pilot light',
        CreateTime: new Date(found.createdAt),
        CreatedBy: `arn:aws:iam::${account}:root`,
        DefaultVersion: true,
        LaunchTemplateData: { ImageId: found.imageId, InstanceType: LAUNCH_TEMPLATE_INSTANCE_TYPE },
      }],
    };
  });
  answer<DescribeInstanceTypesCommandInput, unknown>(world, SIM, stub, DescribeInstanceTypesCommand, (input) => {
    const asked = input.InstanceTypes ?? [];
    const unknown = asked.filter((t) => !INSTANCE_TYPES[t]);
    if (unknown.length > 0) throw awsError('InvalidInstanceType', `The following supplied instance types do not exist: [${unknown.join(', ')}]`, 400);
    const chosen = asked.length > 0 ? asked : Object.keys(INSTANCE_TYPES);
    return {
      InstanceTypes: chosen.map((t) => {
        const info = INSTANCE_TYPES[t] as { vcpus: number; cores: number; memoryMiB: number };
        return {
          InstanceType: t,
          CurrentGeneration: true,
          SupportedUsageClasses: ['on-demand', 'spot'],
          VCpuInfo: { DefaultVCpus: info.vcpus, DefaultCores: info.cores, DefaultThreadsPerCore: info.vcpus / info.cores },
          MemoryInfo: { SizeInMiB: info.memoryMiB },
        };
      }),
    };
  });

  answer<DescribeVpnConnectionsCommandInput, unknown>(world, SIM, stub, DescribeVpnConnectionsCommand, (input, region) => {
    const filters = filtersOf('DescribeVpnConnections', input.Filters, ['vpn-connection-id', 'state']);
    const inRegion = [...vpns.values()].filter((v) => v.region === region);
    const ids = input.VpnConnectionIds ?? [];
    const unknown = ids.filter((id) => !inRegion.some((v) => v.id === id));
    if (unknown.length > 0) throw awsError('InvalidVpnConnectionID.NotFound', `The vpnConnection ID '${unknown.join("', '")}' does not exist`, 400);
    const chosen = inRegion.filter((v) => (ids.length === 0 || ids.includes(v.id)) && matches(filters, 'vpn-connection-id', v.id));
    return { VpnConnections: chosen.map(vpnConnection).filter((v) => matches(filters, 'state', v.State ?? '')) };
  });
  answer<DescribeSecurityGroupsCommandInput, unknown>(world, SIM, stub, DescribeSecurityGroupsCommand, (input, region) => {
    const filters = filtersOf('DescribeSecurityGroups', input.Filters, ['group-id', 'group-name', 'vpc-id']);
    const inRegion = [...groups.values()].filter((g) => g.region === region);
    const ids = input.GroupIds ?? [];
    const names = input.GroupNames ?? [];
    const unknown = [...ids.filter((id) => !inRegion.some((g) => g.id === id)), ...names.filter((n) => !inRegion.some((g) => g.name === n))];
    if (unknown.length > 0) throw awsError('InvalidGroup.NotFound', `The security group '${unknown[0]}' does not exist`, 400);
    const chosen = inRegion.filter((g) => (ids.length === 0 || ids.includes(g.id)) && (names.length === 0 || names.includes(g.name))
      && matches(filters, 'group-id', g.id) && matches(filters, 'group-name', g.name) && matches(filters, 'vpc-id', vpcIdOf(g.region)));
    return { SecurityGroups: chosen.map(securityGroup) };
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => {
      const out: Record<string, Record<string, unknown>> = {};
      for (const t of templates.values()) (out[t.region] ??= {})[t.name] = { launchTemplateId: t.id, imageId: t.imageId, instanceType: LAUNCH_TEMPLATE_INSTANCE_TYPE };
      for (const v of vpns.values()) (out[v.region] ??= {})[v.id] = { tunnels: (vpnConnection(v).VgwTelemetry ?? []).map((t) => `${t.OutsideIpAddress} ${t.Status}`) };
      for (const g of groups.values()) {
        (out[g.region] ??= {})[g.id] = { groupName: g.name, ingress: (securityGroup(g).IpPermissions ?? []).flatMap((p) => (p.IpRanges ?? []).map((r) => `${p.IpProtocol} ${p.FromPort} from ${r.CidrIp}`)) };
      }
      return out;
    },
  };
}
