import { DescribeVirtualInterfacesCommand, DirectConnectClient } from '@aws-sdk/client-direct-connect';
import { DescribeLaunchTemplateVersionsCommand, DescribeSecurityGroupsCommand, DescribeVpnConnectionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { createHash } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOAD_BALANCER_CHECKS } from '../../../../../shared/checks/load-balancer.ts';
import { checkSpec, type CheckSpec } from '../../../../../shared/checks/schema.ts';
import { VPN_CONNECTION_CHECKS } from '../../../../../shared/checks/vpn-connection.ts';
import { loadPlanFile } from '../../../../../shared/plan/load.ts';
import type { Component, Plan } from '../../../../../shared/plan/schema.ts';
import { simulateDirectConnect } from '../../../../../shared/tools/drill/simulator/directconnect.ts';
import { databaseSecurityGroupId, launchTemplateOf, OPEN_RULE_DESCRIPTION, simulateEc2, vpcIdOf } from '../../../../../shared/tools/drill/simulator/ec2.ts';
import { HEALTH_CHECK_INTERVAL_SECONDS, simulateElbv2 } from '../../../../../shared/tools/drill/simulator/elbv2.ts';
import { offlineCredentials } from '../../../../../shared/tools/drill/simulator/intercept.ts';
import { World, type Fault } from '../../../../../shared/tools/drill/simulator/world.ts';
import { withVirtualClock } from '../../../../../shared/tools/local/virtual-clock.ts';
import { checkContext, drillCheckOptions } from '../../../../support/check-context.ts';

/**
 * The load-balancer and vpn-connection checks' real runners, and the security-settings check's DescribeSecurityGroups,
 * against the simulated account (elbv2.ts, directconnect.ts, ec2.ts): passing by default, failing with what an operator
 * acts on under each fault.
 */

const INCIDENT = new Date('2026-11-29T01:00:00.000Z');
const START = new Date(INCIDENT.getTime() + 20 * 60_000);
const PRIMARY = 'ap-northeast-1';
const SECONDARY = 'ap-northeast-3';
const WEB_TG = `arn:aws:elasticloadbalancing:${SECONDARY}:123456789012:targetgroup/web-osaka/0123456789abcdef`;
const TOKYO_TG = `arn:aws:elasticloadbalancing:${PRIMARY}:123456789012:targetgroup/web-tokyo/fedcba9876543210`;
const VPN = 'vpn-0a1b2c3d4e5f60718';
const VIF = 'dxvif-fgq7x2ab';
const DB = 'dataset-db-osaka';
const WEEK = 7 * 24 * 3600_000;

const CHECKS: Record<string, unknown[]> = {
  'web-application': [{ type: 'load-balancer', targetGroupArn: WEB_TG, minHealthyTargets: 3, healthCheckIntervalSeconds: 30 }],
  'core-database': [{ type: 'security-settings', dbInstanceIdentifier: DB }],
};
const SYSTEM_CHECKS = [
  { type: 'vpn-connection', vpnConnectionId: VPN, minTunnelsUp: 2, directConnectVirtualInterfaceId: VIF },
  { type: 'load-balancer', name: 'tokyo-lb', region: 'primary', targetGroupArn: TOKYO_TG },
];
const parse = (specs: unknown[]) => specs.map((s) => checkSpec.parse(s));
const spec = <T extends CheckSpec['type']>(type: T, index = 0) =>
  [...plan.components.flatMap((c) => c.checks), ...plan.verification.checks].filter((c): c is Extract<CheckSpec, { type: T }> => c.type === type)[index]!;

let plan: Plan;
let installed: { world: World; restore: () => void } | undefined;
const context = () => checkContext(drillCheckOptions(plan));

/** The three simulators of this test on a World of the plan (the incident a region outage unless `regionOutage` is false). */
function install(faults: Fault[], regionOutage: boolean): { world: World; restore: () => void } {
  const world = new World(plan, { durations: {}, faults, incidentAt: INCIDENT.getTime(), primaryDown: true, regionOutage });
  const undoCredentials = offlineCredentials();
  const services = [simulateElbv2(world), simulateDirectConnect(world), simulateEc2(world)];
  return {
    world,
    restore: () => {
      services.forEach((s) => s.restore());
      undoCredentials();
    },
  };
}
const onClock = <T>(work: () => Promise<T>, faults: Fault[] = [], regionOutage = true) => withVirtualClock(START, async () => {
  installed = install(faults, regionOutage);
  return work();
});
const errorOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: Error) => e.name);
const ec2 = (region = SECONDARY) => new EC2Client({ region });
const groupOf = async (id: string, region = SECONDARY) => (await ec2(region).send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.[0];
/** Every CIDR the group's ingress rules let reach `port` over tcp. */
const ingressTo = (group: Awaited<ReturnType<typeof groupOf>>, port: number) =>
  (group?.IpPermissions ?? []).filter((p) => p.IpProtocol === 'tcp' && (p.FromPort ?? 0) <= port && port <= (p.ToPort ?? 0)).flatMap((p) => (p.IpRanges ?? []).map((r) => r.CidrIp));

describe('simulated account for the load-balancer, vpn-connection and security-settings checks', () => {
  beforeAll(async () => {
    const example = await loadPlanFile(new URL('../../../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
    plan = {
      ...example,
      components: example.components.map((c) => ({ ...c, checks: parse(CHECKS[c.id] ?? []) }) as Component),
      verification: { checks: parse(SYSTEM_CHECKS) },
    };
  });
  afterEach(() => {
    installed?.restore();
    installed = undefined;
  });

  describe('ELBv2 (elbv2.ts)', () => {
    it('the recovered target group has max(2, minHealthyTargets) healthy targets and a 30 s interval: load-balancer passes', async () => {
      await onClock(async () => {
        const outcome = await LOAD_BALANCER_CHECKS['load-balancer'](context(), spec('load-balancer', 0));
        expect(outcome).toMatchObject({
          status: 'passed',
          detail: `target group web-osaka in ${SECONDARY}: 3 of 3 targets healthy (need 3); health check interval 30 s`,
          observations: { healthyTargets: 3, targets: 3, healthCheckIntervalSeconds: HEALTH_CHECK_INTERVAL_SECONDS },
        });
        expect(Object.keys(outcome.observations?.states as object)).toEqual(expect.arrayContaining([expect.stringMatching(/^i-0[0-9a-f]{16}:8080$/)]));
        expect(installed!.world.calls.map((c) => [c.service, c.command, c.region, c.error])).toEqual([
          ['elasticloadbalancing', 'DescribeTargetHealth', SECONDARY, undefined],
          ['elasticloadbalancing', 'DescribeTargetGroups', SECONDARY, undefined],
        ]);
        // The target group as DescribeTargetGroups gives it: HTTP, in the region's VPC, behind one ALB.
        const group = (await new ElasticLoadBalancingV2Client({ region: SECONDARY }).send(new DescribeTargetGroupsCommand({ Names: ['web-osaka'] }))).TargetGroups?.[0];
        expect(group).toMatchObject({ TargetGroupArn: WEB_TG, Protocol: 'HTTP', VpcId: vpcIdOf(SECONDARY), HealthCheckIntervalSeconds: 30, LoadBalancerArns: [expect.stringContaining(':loadbalancer/app/web-osaka/')] });
      }, [], false);
    });

    it('under unhealthy-targets every target fails its health checks: load-balancer fails naming each target and its reason', async () => {
      await onClock(async () => {
        const outcome = await LOAD_BALANCER_CHECKS['load-balancer'](context(), spec('load-balancer', 0));
        expect(outcome.status).toBe('failed');
        const target = 'i-0[0-9a-f]{16}:8080 Target\\.FailedHealthChecks \\(Health checks failed\\)';
        expect(outcome.detail).toMatch(new RegExp(`^target group web-osaka in ${SECONDARY}: 0 of 3 targets healthy \\(need 3\\); unhealthy: ${target}, ${target}, ${target}; health check interval 30 s$`));
        expect(Object.values(outcome.observations?.states as object)).toEqual(['unhealthy', 'unhealthy', 'unhealthy']);
      }, [{ kind: 'unhealthy-targets' }], false);
    });

    it('an unknown target group, or one asked in another region, is TargetGroupNotFoundException; other commands are refused', async () => {
      await onClock(async () => {
        const other = { ...spec('load-balancer', 0), targetGroupArn: WEB_TG.replace('0123456789abcdef', '00000000000000aa') };
        expect(await LOAD_BALANCER_CHECKS['load-balancer'](context(), other)).toMatchObject({
          status: 'failed', detail: `DescribeTargetHealth target group web-osaka in ${SECONDARY}: TargetGroupNotFoundException (One or more target groups not found)`,
        });
        expect(await errorOf(new ElasticLoadBalancingV2Client({ region: PRIMARY }).send(new DescribeTargetHealthCommand({ TargetGroupArn: WEB_TG })))).toBe('TargetGroupNotFoundException');
        expect(await errorOf(new ElasticLoadBalancingV2Client({ region: SECONDARY }).send(new DescribeTargetGroupsCommand({ LoadBalancerArn: 'arn:aws:elasticloadbalancing:ap-northeast-3:123456789012:loadbalancer/app/x/1' })))).toBe('UnsupportedBySimulator');
      }, [], false);
    });

    it('in the region outage the primary\'s target group does not answer: the check ends with a retryable timeout', async () => {
      await onClock(async () => {
        await expect(LOAD_BALANCER_CHECKS['load-balancer'](context(), spec('load-balancer', 1))).rejects.toMatchObject({ name: 'AwsTransientError', retryable: true });
        expect(installed!.world.calls.filter((c) => c.region === PRIMARY).map((c) => c.error)).toEqual(['TimeoutError', 'TimeoutError', 'TimeoutError']);
      });
      // Without the outage, it answers.
      installed?.restore();
      await onClock(async () => {
        expect(await LOAD_BALANCER_CHECKS['load-balancer'](context(), spec('load-balancer', 1))).toMatchObject({
          status: 'passed', detail: `target group web-tokyo in ${PRIMARY}: 2 of 2 targets healthy (need 1)`,
        });
      }, [], false);
    });

    it('throttle:elasticloadbalancing beyond the SDK\'s 3 attempts is AwsThrottlingError; within them the check passes', async () => {
      await onClock(async () => {
        await expect(LOAD_BALANCER_CHECKS['load-balancer'](context(), spec('load-balancer', 0))).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });
        expect(installed!.world.calls.map((c) => c.error)).toEqual(['ThrottlingException', 'ThrottlingException', 'ThrottlingException']);
      }, [{ kind: 'throttle', service: 'elasticloadbalancing', calls: 3 }], false);
      installed?.restore();
      await onClock(async () => {
        expect((await LOAD_BALANCER_CHECKS['load-balancer'](context(), spec('load-balancer', 0))).status).toBe('passed');
      }, [{ kind: 'throttle', service: 'elasticloadbalancing', calls: 2 }], false);
    });
  });

  describe('VPN and Direct Connect (ec2.ts, directconnect.ts)', () => {
    const since = (ms: number) => new Date(ms).toISOString();

    it('the VPN connection is available with both tunnels UP and its virtual interface available, BGP up: vpn-connection passes', async () => {
      await onClock(async () => {
        const outcome = await VPN_CONNECTION_CHECKS['vpn-connection'](context(), spec('vpn-connection'));
        const upSince = since(INCIDENT.getTime() - WEEK);
        expect(outcome).toEqual({
          status: 'passed',
          detail: `VPN connection ${VPN} in ${SECONDARY} is available; 2 of 2 tunnels UP (need 2): 203.0.113.10 UP since ${upSince}, 203.0.113.11 UP since ${upSince}; ` +
            `Direct Connect virtual interface ${VIF} is available; BGP peers: 169.254.255.2/30 up`,
          observations: {
            region: SECONDARY, vpnConnectionId: VPN, minTunnelsUp: 2, state: 'available', tunnelsUp: 2,
            tunnels: [
              { outsideIpAddress: '203.0.113.10', status: 'UP', statusMessage: null, lastStatusChange: upSince },
              { outsideIpAddress: '203.0.113.11', status: 'UP', statusMessage: null, lastStatusChange: upSince },
            ],
            virtualInterface: { id: VIF, state: 'available', bgpPeers: [{ address: '169.254.255.2/30', bgpStatus: 'up', bgpPeerState: 'available' }] },
          },
        });
        expect(installed!.world.calls.map((c) => [c.service, c.command, c.region]).sort()).toEqual([
          ['directconnect', 'DescribeVirtualInterfaces', SECONDARY],
          ['ec2', 'DescribeVpnConnections', SECONDARY],
        ]);
        // The interface ends on the VPN connection's virtual private gateway.
        const vpn = (await ec2().send(new DescribeVpnConnectionsCommand({ VpnConnectionIds: [VPN] }))).VpnConnections?.[0];
        const vif = (await new DirectConnectClient({ region: SECONDARY }).send(new DescribeVirtualInterfacesCommand({ virtualInterfaceId: VIF }))).virtualInterfaces?.[0];
        expect(vpn).toMatchObject({ State: 'available', Type: 'ipsec.1', VpnGatewayId: expect.stringMatching(/^vgw-0[0-9a-f]{16}$/) });
        expect(vif).toMatchObject({ virtualInterfaceType: 'private', virtualGatewayId: vpn?.VpnGatewayId, region: SECONDARY });
      }, [], false);
    });

    it('under vpn-down both tunnels are DOWN since the incident and the interface down, BGP down: vpn-connection fails naming all of it', async () => {
      await onClock(async () => {
        const outcome = await VPN_CONNECTION_CHECKS['vpn-connection'](context(), spec('vpn-connection'));
        const downSince = since(INCIDENT.getTime());
        expect(outcome).toMatchObject({
          status: 'failed',
          detail: `VPN connection ${VPN} in ${SECONDARY} is available; 0 of 2 tunnels UP, need 2: ` +
            `203.0.113.10 DOWN (IPSEC IS DOWN) since ${downSince}, 203.0.113.11 DOWN (IPSEC IS DOWN) since ${downSince}; ` +
            `Direct Connect virtual interface ${VIF} is down, must be available; BGP peers: 169.254.255.2/30 down`,
          observations: { tunnelsUp: 0, virtualInterface: { state: 'down', bgpPeers: [{ bgpStatus: 'down' }] } },
        });
      }, [{ kind: 'vpn-down' }], false);
    });

    it('an unknown VPN connection is InvalidVpnConnectionID.NotFound, an unknown interface DirectConnectClientException: the check names both', async () => {
      await onClock(async () => {
        const unknown = { ...spec('vpn-connection'), vpnConnectionId: 'vpn-0000aaaa', directConnectVirtualInterfaceId: 'dxvif-zzzz0000' };
        expect(await VPN_CONNECTION_CHECKS['vpn-connection'](context(), unknown)).toMatchObject({
          status: 'failed',
          detail: `DescribeVpnConnections VPN connection vpn-0000aaaa in ${SECONDARY}: InvalidVpnConnectionID.NotFound (The vpnConnection ID 'vpn-0000aaaa' does not exist); ` +
            `DescribeVirtualInterfaces Direct Connect virtual interface dxvif-zzzz0000 in ${SECONDARY}: DirectConnectClientException (Virtual interface dxvif-zzzz0000 does not exist.)`,
          observations: { awsErrors: { DescribeVpnConnections: 'InvalidVpnConnectionID.NotFound', DescribeVirtualInterfaces: 'DirectConnectClientException' } },
        });
        // The connection lives in the check's region only.
        expect(await errorOf(ec2(PRIMARY).send(new DescribeVpnConnectionsCommand({ VpnConnectionIds: [VPN] })))).toBe('InvalidVpnConnectionID.NotFound');
        expect((await ec2().send(new DescribeVpnConnectionsCommand({ Filters: [{ Name: 'state', Values: ['available'] }] }))).VpnConnections?.map((v) => v.VpnConnectionId)).toEqual([VPN]);
        expect(await errorOf(ec2().send(new DescribeVpnConnectionsCommand({ Filters: [{ Name: 'bgp-asn', Values: ['65000'] }] })))).toBe('UnsupportedBySimulator');
      }, [], false);
    });

    it('throttle:directconnect and throttle:ec2 beyond the SDK\'s attempts are AwsThrottlingError', async () => {
      await onClock(async () => {
        await expect(VPN_CONNECTION_CHECKS['vpn-connection'](context(), spec('vpn-connection'))).rejects.toMatchObject({ name: 'AwsThrottlingError' });
        expect(installed!.world.calls.filter((c) => c.service === 'directconnect').map((c) => c.error)).toEqual(['ThrottlingException', 'ThrottlingException', 'ThrottlingException']);
      }, [{ kind: 'throttle', service: 'directconnect', calls: 3 }], false);
      installed?.restore();
      await onClock(async () => {
        await expect(VPN_CONNECTION_CHECKS['vpn-connection'](context(), spec('vpn-connection'))).rejects.toMatchObject({ name: 'AwsThrottlingError' });
        expect(installed!.world.calls.filter((c) => c.service === 'ec2').map((c) => c.error)).toEqual(['RequestLimitExceeded', 'RequestLimitExceeded', 'RequestLimitExceeded']);
      }, [{ kind: 'throttle', service: 'ec2', calls: 3 }], false);
    });
  });

  describe('security groups (ec2.ts)', () => {
    const GROUP = () => databaseSecurityGroupId(SECONDARY, DB);

    it('databaseSecurityGroupId is sg-0 and 16 hex digits of sha256("security-group/REGION/IDENTIFIER")', () => {
      const expected = `sg-0${createHash('sha256').update(`security-group/${SECONDARY}/${DB}`).digest('hex').slice(0, 16)}`;
      expect(databaseSecurityGroupId(SECONDARY, DB)).toBe(expected);
      expect(databaseSecurityGroupId(PRIMARY, DB)).not.toBe(expected);
    });

    it('the database\'s group allows tcp 5432 from the VPC only: no 0.0.0.0/0 ingress', async () => {
      await onClock(async () => {
        const group = await groupOf(GROUP());
        expect(group).toMatchObject({ GroupId: GROUP(), GroupName: `${DB}-db`, VpcId: vpcIdOf(SECONDARY) });
        expect(ingressTo(group, 5432)).toEqual(['10.0.0.0/16']);
        expect(group?.IpPermissions?.flatMap((p) => p.IpRanges ?? []).some((r) => r.CidrIp === '0.0.0.0/0')).toBe(false);
        // Egress is EC2's default (all traffic anywhere), which is not ingress.
        expect(group?.IpPermissionsEgress).toEqual([expect.objectContaining({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] })]);
        expect(installed!.world.calls.at(-1)).toMatchObject({ service: 'ec2', command: 'DescribeSecurityGroups', region: SECONDARY });
      }, [], false);
    });

    it('under open-security-group the same group also lets 0.0.0.0/0 reach 5432, described as the drill\'s', async () => {
      await onClock(async () => {
        const group = await groupOf(GROUP());
        expect(ingressTo(group, 5432)).toEqual(['10.0.0.0/16', '0.0.0.0/0']);
        expect(group?.IpPermissions?.flatMap((p) => p.IpRanges ?? [])).toContainEqual({ CidrIp: '0.0.0.0/0', Description: OPEN_RULE_DESCRIPTION });
        expect(OPEN_RULE_DESCRIPTION).toBe("opened by the drill's --inject open-security-group");
      }, [{ kind: 'open-security-group' }], false);
    });

    it('an unknown group is InvalidGroup.NotFound; the group is only in the check\'s region; filters by vpc-id and group-name', async () => {
      await onClock(async () => {
        expect(await errorOf(groupOf('sg-0123456789abcdef0'))).toBe('InvalidGroup.NotFound');
        expect(await errorOf(groupOf(GROUP(), PRIMARY))).toBe('InvalidGroup.NotFound');
        const byVpc = await ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcIdOf(SECONDARY)] }, { Name: 'group-name', Values: [`${DB}-db`] }] }));
        expect(byVpc.SecurityGroups?.map((g) => g.GroupId)).toEqual([GROUP()]);
      }, [], false);
    });

    it('the launch templates are still answered (readiness)', async () => {
      await onClock(async () => {
        const lt = launchTemplateOf('dataset-batch-osaka');
        const versions = (await ec2().send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId, Versions: ['$Default'] }))).LaunchTemplateVersions;
        expect(versions?.[0]).toMatchObject({ LaunchTemplateName: 'dataset-batch-osaka', LaunchTemplateData: { InstanceType: 'm6i.large' } });
      }, [], false);
    });
  });

  describe('installSimulatedAccount', () => {
    it('wires ELBv2, Direct Connect and EC2 into the account: the checks pass by default and fail under their faults', async () => {
      // Imported here: the account also loads simulators other work adds (kms.ts).
      const { installSimulatedAccount } = await import('../../../../../shared/tools/drill/simulator/index.ts');
      const faults: Fault[][] = [[], [{ kind: 'unhealthy-targets' }, { kind: 'vpn-down' }, { kind: 'open-security-group' }]];
      const results: string[][] = [];
      for (const f of faults) {
        await withVirtualClock(START, async () => {
          const account = installSimulatedAccount(plan, { faults: f, incidentAt: INCIDENT.getTime(), primaryDown: true, regionOutage: false });
          try {
            const lb = await LOAD_BALANCER_CHECKS['load-balancer'](context(), spec('load-balancer', 0));
            const vpn = await VPN_CONNECTION_CHECKS['vpn-connection'](context(), spec('vpn-connection'));
            const open = ingressTo(await groupOf(databaseSecurityGroupId(SECONDARY, DB)), 5432).includes('0.0.0.0/0');
            results.push([lb.status, vpn.status, String(open)]);
            expect(account.snapshot()).toMatchObject({ elasticloadbalancing: { [WEB_TG]: { region: SECONDARY } }, directconnect: { [`${SECONDARY}/${VIF}`]: { state: f.length > 0 ? 'down' : 'available' } } });
          } finally {
            account.restore();
          }
        });
      }
      expect(results).toEqual([['passed', 'passed', 'false'], ['failed', 'failed', 'true']]);
    });
  });
});
