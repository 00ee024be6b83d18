import { createHash } from 'node:crypto';
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type DescribeTargetGroupsCommandInput,
  type DescribeTargetHealthCommandInput,
  type TargetGroup,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { planChecksOf, vpcIdOf } from './ec2.ts';
import { simulateClient } from './intercept.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, planAccount, type World } from './world.ts';

/**
 * ELBv2 throttles with ThrottlingException, "Rate exceeded"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html).
 */
const SIM: ServiceSimulation = { service: 'elasticloadbalancing', throttleError: 'ThrottlingException' };

/** The port the simulated targets serve and are health-checked on (assumption: an application port behind an ALB). */
export const TARGET_PORT = 8080;
/** assumption: the seed's ALB target groups keep the ELBv2 default health check interval, 30 s. */
export const HEALTH_CHECK_INTERVAL_SECONDS = 30;

const hex = (seed: string, n: number) => createHash('sha256').update(seed).digest('hex').slice(0, n);

interface SimulatedTargetGroup {
  arn: string;
  name: string;
  region: string;
  /** Instance ids of the registered targets (deterministic from the ARN). */
  targets: string[];
}

/** The region and name an ELBv2 target group ARN names (`arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID`). */
function parseArn(arn: string): { region: string; name: string } | undefined {
  const m = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):\d{12}:targetgroup\/([^/]+)\/[0-9a-f]+$/.exec(arn);
  return m ? { region: m[1] ?? '', name: m[2] ?? '' } : undefined;
}

/**
 * ELBv2 target groups for the plan's `load-balancer` checks (components' checks and verification.checks). Each
 * check's targetGroupArn is an HTTP target group in the region its ARN names, behind one Application Load Balancer,
 * HealthCheckIntervalSeconds HEALTH_CHECK_INTERVAL_SECONDS and the other ALB defaults (timeout 5 s, healthy threshold
 * 5, unhealthy threshold 2: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html),
 * with max(2, minHealthyTargets) instance targets on TARGET_PORT (the largest any check of the group asks), one per
 * Availability Zone a and b in turn, all `healthy`. Under the `unhealthy-targets` fault every target is `unhealthy`,
 * Reason Target.FailedHealthChecks, Description "Health checks failed" (the reason codes of
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html; the description is an
 * assumption). In a region the drill's outage takes down, the endpoint does not answer (service.ts `answer`).
 *
 * DescribeTargetHealth (TargetGroupArn; Targets named that are not registered are `unused`, Target.NotRegistered, as
 * the API documents) and DescribeTargetGroups (TargetGroupArns or Names; LoadBalancerArn is refused as unsupported).
 * A target group not in the client's region is TargetGroupNotFound, "One or more target groups not found" (wire code;
 * the SDK names the error TargetGroupNotFoundException:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetHealth.html).
 */
export function simulateElbv2(world: World): SimulatedService {
  const stub = simulateClient(ElasticLoadBalancingV2Client);
  const account = planAccount(world.plan);
  const groups = new Map<string, SimulatedTargetGroup>();
  for (const { check, component } of planChecksOf(world, 'load-balancer')) {
    const parsed = parseArn(check.targetGroupArn);
    if (!parsed) continue;
    const count = Math.max(2, check.minHealthyTargets, groups.get(check.targetGroupArn)?.targets.length ?? 0);
    const targets = Array.from({ length: count }, (_, i) => `i-0${hex(`target/${check.targetGroupArn}/${i}`, 16)}`);
    groups.set(check.targetGroupArn, { arn: check.targetGroupArn, name: parsed.name, region: parsed.region, targets });
    if (component) world.own(SIM.service, parsed.region, check.targetGroupArn, component);
  }
  const unhealthy = () => world.faults.some((f) => f.kind === 'unhealthy-targets');
  const notFound = () => awsError('TargetGroupNotFoundException', 'One or more target groups not found', 400);
  const zone = (g: SimulatedTargetGroup, id: string) => `${g.region}${g.targets.indexOf(id) % 2 === 0 ? 'a' : 'b'}`;

  function health(g: SimulatedTargetGroup, id: string, port: number): TargetHealthDescription {
    const base = { Target: { Id: id, Port: port, ...(g.targets.includes(id) ? { AvailabilityZone: zone(g, id) } : {}) }, HealthCheckPort: String(port) };
    if (!g.targets.includes(id)) return { ...base, TargetHealth: { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' } };
    if (unhealthy()) return { ...base, TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' } };
    return { ...base, TargetHealth: { State: 'healthy' } };
  }

  function targetGroup(g: SimulatedTargetGroup): TargetGroup {
    return {
      TargetGroupArn: g.arn,
      TargetGroupName: g.name,
      Protocol: 'HTTP',
      ProtocolVersion: 'HTTP1',
      Port: TARGET_PORT,
      VpcId: vpcIdOf(g.region),
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 'traffic-port',
      HealthCheckEnabled: true,
      HealthCheckIntervalSeconds: HEALTH_CHECK_INTERVAL_SECONDS,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      HealthCheckPath: '/',
      Matcher: { HttpCode: '200' },
      LoadBalancerArns: [`arn:aws:elasticloadbalancing:${g.region}:${account}:loadbalancer/app/${g.name}/${hex(`load-balancer/${g.arn}`, 16)}`],
      TargetType: 'instance',
      IpAddressType: 'ipv4',
    };
  }

  refuseOthers(SIM, stub);
  answer<DescribeTargetHealthCommandInput, unknown>(world, SIM, stub, DescribeTargetHealthCommand, (input, region) => {
    const g = groups.get(input.TargetGroupArn ?? '');
    if (!g || g.region !== region) throw notFound();
    const asked = input.Targets ?? [];
    return {
      TargetHealthDescriptions: asked.length > 0
        ? asked.map((t) => health(g, t.Id ?? '', t.Port ?? TARGET_PORT))
        : g.targets.map((id) => health(g, id, TARGET_PORT)),
    };
  });
  answer<DescribeTargetGroupsCommandInput, unknown>(world, SIM, stub, DescribeTargetGroupsCommand, (input, region) => {
    if (input.LoadBalancerArn !== undefined) throw awsError('UnsupportedBySimulator', "the drill's simulated DescribeTargetGroups does not look target groups up by LoadBalancerArn", 400);
    const inRegion = [...groups.values()].filter((g) => g.region === region);
    const arns = input.TargetGroupArns ?? [];
    const names = input.Names ?? [];
    if (arns.some((a) => !inRegion.some((g) => g.arn === a)) || names.some((n) => !inRegion.some((g) => g.name === n))) throw notFound();
    const chosen = inRegion.filter((g) => (arns.length === 0 || arns.includes(g.arn)) && (names.length === 0 || names.includes(g.name)));
    return { TargetGroups: chosen.map(targetGroup) };
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => Object.fromEntries([...groups.values()].map((g) => [g.arn, {
      region: g.region,
      targets: Object.fromEntries(g.targets.map((id) => [`${id}:${TARGET_PORT}`, health(g, id, TARGET_PORT).TargetHealth?.State ?? 'unknown'])),
    }])),
  };
}
