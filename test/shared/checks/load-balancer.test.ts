import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  TargetGroupNotFoundException,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOAD_BALANCER_CHECKS, targetGroupName } from '../../../shared/checks/load-balancer.ts';
import { loadBalancer } from '../../../shared/checks/schema.ts';
import { checkContext } from '../../support/check-context.ts';

const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const PRIMARY = 'ap-northeast-1';
const SECONDARY = 'ap-northeast-3';
const ARN = `arn:aws:elasticloadbalancing:${SECONDARY}:123456789012:targetgroup/api-osaka/0123456789abcdef`;

const spec = (over: Record<string, unknown> = {}) => loadBalancer.parse({ type: 'load-balancer', targetGroupArn: ARN, ...over });
const run = (s = spec()) => LOAD_BALANCER_CHECKS['load-balancer'](checkContext(), s);

const healthy = (id: string, port = 8080): TargetHealthDescription => ({ Target: { Id: id, Port: port }, HealthCheckPort: String(port), TargetHealth: { State: 'healthy' } });
const failing = (id: string, port = 8080): TargetHealthDescription => ({
  Target: { Id: id, Port: port }, HealthCheckPort: String(port), TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' },
});
const throttled = (name: string) => Object.assign(new Error('Rate exceeded'), { name, $metadata: { httpStatusCode: 400 } });

describe('load-balancer check', () => {
  beforeEach(() => elbv2.reset());
  afterEach(() => elbv2.reset());

  it('names the target group from its ARN', () => {
    expect(targetGroupName(ARN)).toBe('api-osaka');
  });

  it('asks DescribeTargetHealth in the check\'s region and passes with enough healthy targets; no DescribeTargetGroups without an interval in the plan', async () => {
    // Prepare
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [healthy('i-0aaa'), healthy('i-0bbb'), failing('i-0ccc')] });

    // Act
    const outcome = await run(spec({ minHealthyTargets: 2 }));

    // Assess
    expect(elbv2).toHaveReceivedCommandExactlyOnceWith(DescribeTargetHealthCommand, { TargetGroupArn: ARN });
    expect(elbv2).not.toHaveReceivedCommand(DescribeTargetGroupsCommand);
    expect(await elbv2.call(0).thisValue.config.region()).toBe(SECONDARY);
    expect(outcome).toEqual({
      status: 'passed',
      detail: `target group api-osaka in ${SECONDARY}: 2 of 3 targets healthy (need 2); unhealthy: i-0ccc:8080 Target.FailedHealthChecks (Health checks failed)`,
      observations: {
        region: SECONDARY, targetGroup: 'api-osaka', healthyTargets: 2, targets: 3, minHealthyTargets: 2,
        states: { 'i-0aaa:8080': 'healthy', 'i-0bbb:8080': 'healthy', 'i-0ccc:8080': 'unhealthy' }, healthCheckIntervalSeconds: null,
      },
    });
  });

  it('fails with too few healthy targets, naming each target that is not healthy with its reason, grouped by state', async () => {
    // Prepare
    elbv2.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        failing('i-0abc'),
        { Target: { Id: '10.0.1.7', Port: 80 }, TargetHealth: { State: 'initial', Reason: 'Elb.InitialHealthChecking', Description: 'Initial health checks in progress' } },
        failing('i-0def'),
        { Target: { Id: 'arn:aws:lambda:ap-northeast-3:123456789012:function:api' }, TargetHealth: { State: 'unavailable', Reason: 'Target.HealthCheckDisabled' } },
      ],
    });

    // Act
    const outcome = await run(spec({ minHealthyTargets: 2 }));

    // Assess
    expect(outcome.status).toBe('failed');
    expect(outcome.detail).toBe(`target group api-osaka in ${SECONDARY}: 0 of 4 targets healthy (need 2); ` +
      'unhealthy: i-0abc:8080 Target.FailedHealthChecks (Health checks failed), i-0def:8080 Target.FailedHealthChecks (Health checks failed); ' +
      'initial: 10.0.1.7:80 Elb.InitialHealthChecking (Initial health checks in progress); ' +
      'unavailable: arn:aws:lambda:ap-northeast-3:123456789012:function:api Target.HealthCheckDisabled');
    expect(outcome.observations).toMatchObject({ healthyTargets: 0, targets: 4, states: { 'i-0abc:8080': 'unhealthy', '10.0.1.7:80': 'initial' } });
  });

  it('names at most 10 targets of a state and counts the rest; a target group without targets fails saying so', async () => {
    // Prepare
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: Array.from({ length: 12 }, (_, i) => failing(`i-0${i}`)) });

    // Act
    const many = await run();

    // Assess
    expect(many.detail).toMatch(/unhealthy: i-00:8080 .*i-09:8080 Target\.FailedHealthChecks \(Health checks failed\) and 2 more$/);
    expect(many.detail).not.toContain('i-010:8080');
    expect(Object.keys(many.observations?.states as object)).toHaveLength(12);

    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
    expect(await run()).toMatchObject({ status: 'failed', detail: `target group api-osaka in ${SECONDARY}: 0 of 0 targets healthy (need 1); no target is registered` });
  });

  it('with healthCheckIntervalSeconds, compares the target group\'s interval (DescribeTargetGroups) and names a mismatch', async () => {
    // Prepare
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [healthy('i-0aaa'), healthy('i-0bbb')] });
    elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: ARN, TargetGroupName: 'api-osaka', HealthCheckIntervalSeconds: 30 }] });

    // Act
    const same = await run(spec({ minHealthyTargets: 2, healthCheckIntervalSeconds: 30 }));

    // Assess
    expect(elbv2).toHaveReceivedCommandExactlyOnceWith(DescribeTargetGroupsCommand, { TargetGroupArns: [ARN] });
    expect(same).toMatchObject({
      status: 'passed', detail: `target group api-osaka in ${SECONDARY}: 2 of 2 targets healthy (need 2); health check interval 30 s`,
      observations: { healthCheckIntervalSeconds: 30 },
    });

    elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: ARN, HealthCheckIntervalSeconds: 10 }] });
    expect(await run(spec({ minHealthyTargets: 2, healthCheckIntervalSeconds: 30 }))).toMatchObject({
      status: 'failed', detail: `target group api-osaka in ${SECONDARY}: 2 of 2 targets healthy (need 2); health check interval 10 s, the plan expects 30 s`,
      observations: { healthCheckIntervalSeconds: 10 },
    });
  });

  it('reports both unmet requirements together: too few healthy targets and the interval', async () => {
    // Prepare
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [failing('i-0abc'), failing('i-0def')] });
    elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: ARN, HealthCheckIntervalSeconds: 10 }] });

    // Act
    const outcome = await run(spec({ minHealthyTargets: 2, healthCheckIntervalSeconds: 30 }));

    // Assess
    expect(outcome).toMatchObject({
      status: 'failed',
      detail: `target group api-osaka in ${SECONDARY}: 0 of 2 targets healthy (need 2); ` +
        'unhealthy: i-0abc:8080 Target.FailedHealthChecks (Health checks failed), i-0def:8080 Target.FailedHealthChecks (Health checks failed); ' +
        'health check interval 10 s, the plan expects 30 s',
    });
  });

  it('fails when DescribeTargetGroups does not return the target group', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [healthy('i-0aaa')] });
    elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [] });
    expect(await run(spec({ healthCheckIntervalSeconds: 30 }))).toMatchObject({
      status: 'failed',
      detail: `target group api-osaka in ${SECONDARY}: 1 of 1 targets healthy (need 1); health check interval unknown (DescribeTargetGroups did not return the target group), the plan expects 30 s`,
    });
  });

  it('an unknown target group is a failed outcome naming the API and the error; the interval is then not read', async () => {
    // Prepare
    elbv2.on(DescribeTargetHealthCommand).rejects(new TargetGroupNotFoundException({ message: 'One or more target groups not found', $metadata: { httpStatusCode: 400 } }));

    // Act
    const outcome = await run(spec({ healthCheckIntervalSeconds: 30 }));

    // Assess
    expect(outcome).toEqual({
      status: 'failed',
      detail: `DescribeTargetHealth target group api-osaka in ${SECONDARY}: TargetGroupNotFoundException (One or more target groups not found)`,
      observations: { api: 'DescribeTargetHealth', awsError: 'TargetGroupNotFoundException' },
    });
    expect(elbv2).not.toHaveReceivedCommand(DescribeTargetGroupsCommand);
  });

  it('reads the primary region when the plan says so', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [healthy('i-0aaa')] });
    const outcome = await run(spec({ region: 'primary' }));
    expect(await elbv2.call(0).thisValue.config.region()).toBe(PRIMARY);
    expect(outcome.detail).toBe(`target group api-osaka in ${PRIMARY}: 1 of 1 targets healthy (need 1)`);
  });

  it.each(['Throttling', 'ThrottlingException'])('%s is rethrown as AwsThrottlingError (retryable), from either call', async (name) => {
    elbv2.on(DescribeTargetHealthCommand).rejects(throttled(name));
    await expect(run()).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });

    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [healthy('i-0aaa')] });
    elbv2.on(DescribeTargetGroupsCommand).rejects(throttled(name));
    await expect(run(spec({ healthCheckIntervalSeconds: 30 }))).rejects.toMatchObject({ name: 'AwsThrottlingError', retryable: true });
  });

  it('a 5xx (HealthUnavailable) is rethrown as AwsTransientError', async () => {
    elbv2.on(DescribeTargetHealthCommand).rejects(Object.assign(new Error('internal error'), { name: 'HealthUnavailable', $fault: 'server', $metadata: { httpStatusCode: 500 } }));
    await expect(run()).rejects.toMatchObject({ name: 'AwsTransientError', retryable: true });
  });
});
