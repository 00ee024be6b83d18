import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { JsonObject } from '../components/types.ts';
import { awsCall, failedCall } from './aws-call.ts';
import type { CheckRunner } from './types.ts';

/**
 * The recovered load balancer's target group (ELBv2): at least `minHealthyTargets` targets `healthy`
 * (DescribeTargetHealth), and, when the plan gives `healthCheckIntervalSeconds`, the target group's health
 * check interval (DescribeTargetGroups, only called then).
 *
 * Target states and reason codes: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
 * (healthy, initial, unhealthy, unhealthy.draining, unused, draining, unavailable; Target.FailedHealthChecks…).
 * Errors (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetHealth.html):
 * TargetGroupNotFound (the SDK names it TargetGroupNotFoundException), InvalidTarget, HealthUnavailable (500).
 * Throttling ("ThrottlingException … Rate exceeded",
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html; `Throttling` is also
 * seen) and 5xx are rethrown as retryable (classifyError); any other AWS error is a failed outcome naming the API
 * and the error.
 */

/** How many targets of one state the detail names (a target group holds up to 1000); the observations hold all. */
const LISTED = 10;

/** The target group's name, from its ARN (`…:targetgroup/NAME/ID`, as the plan's schema requires). */
export function targetGroupName(arn: string): string {
  return /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}

/** A target as an operator finds it: instance or IP and its port (a Lambda target has no port). */
const targetLabel = (d: TargetHealthDescription) => `${d.Target?.Id ?? '?'}${d.Target?.Port === undefined ? '' : `:${d.Target.Port}`}`;

/** "unhealthy: i-0abc:8080 Target.FailedHealthChecks (Health checks failed), …" for each state other than healthy. */
function notHealthy(descriptions: TargetHealthDescription[]): string[] {
  const byState = new Map<string, string[]>();
  for (const d of descriptions) {
    const state = d.TargetHealth?.State ?? 'unknown';
    if (state === 'healthy') continue;
    const reason = d.TargetHealth?.Reason;
    const why = d.TargetHealth?.Description;
    const text = `${targetLabel(d)}${reason ? ` ${reason}` : ''}${why ? ` (${why})` : ''}`;
    byState.set(state, [...(byState.get(state) ?? []), text]);
  }
  return [...byState].map(([state, targets]) =>
    `${state}: ${targets.slice(0, LISTED).join(', ')}${targets.length > LISTED ? ` and ${targets.length - LISTED} more` : ''}`);
}

const loadBalancer: CheckRunner<'load-balancer'> = async (ctx, spec) => {
  const region = ctx.run.regions[spec.region];
  const client = ctx.clients.get(ElasticLoadBalancingV2Client, region);
  const name = targetGroupName(spec.targetGroupArn);
  const what = `target group ${name} in ${region}`;

  const health = await awsCall(() => client.send(new DescribeTargetHealthCommand({ TargetGroupArn: spec.targetGroupArn })));
  if (!health.ok) return failedCall('DescribeTargetHealth', what, health);
  const descriptions = health.value.TargetHealthDescriptions ?? [];
  const healthy = descriptions.filter((d) => d.TargetHealth?.State === 'healthy').length;

  let interval: number | null = null;
  if (spec.healthCheckIntervalSeconds !== undefined) {
    const groups = await awsCall(() => client.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [spec.targetGroupArn] })));
    if (!groups.ok) return failedCall('DescribeTargetGroups', what, groups);
    interval = groups.value.TargetGroups?.find((g) => g.TargetGroupArn === spec.targetGroupArn)?.HealthCheckIntervalSeconds ?? null;
  }

  const enough = healthy >= spec.minHealthyTargets;
  const parts = [`${healthy} of ${descriptions.length} targets healthy (need ${spec.minHealthyTargets})`];
  if (descriptions.length === 0) parts.push('no target is registered');
  parts.push(...notHealthy(descriptions));
  let intervalOk = true;
  if (spec.healthCheckIntervalSeconds !== undefined) {
    intervalOk = interval === spec.healthCheckIntervalSeconds;
    if (interval === null) parts.push(`health check interval unknown (DescribeTargetGroups did not return the target group), the plan expects ${spec.healthCheckIntervalSeconds} s`);
    else parts.push(intervalOk ? `health check interval ${interval} s` : `health check interval ${interval} s, the plan expects ${spec.healthCheckIntervalSeconds} s`);
  }

  const observations: JsonObject = {
    region,
    targetGroup: name,
    healthyTargets: healthy,
    targets: descriptions.length,
    minHealthyTargets: spec.minHealthyTargets,
    states: Object.fromEntries(descriptions.map((d) => [targetLabel(d), d.TargetHealth?.State ?? 'unknown'])),
    healthCheckIntervalSeconds: interval,
  };
  return { status: enough && intervalOk ? 'passed' : 'failed', detail: `${what}: ${parts.join('; ')}`, observations };
};

export const LOAD_BALANCER_CHECKS: { 'load-balancer': CheckRunner<'load-balancer'> } = { 'load-balancer': loadBalancer };
