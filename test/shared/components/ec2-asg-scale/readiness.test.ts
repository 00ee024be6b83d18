import { AutoScalingClient, DescribeAutoScalingGroupsCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { DescribeInstanceTypesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client, type ResponseLaunchTemplateData } from '@aws-sdk/client-ec2';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readiness } from '../../../../shared/components/ec2-asg-scale/readiness.ts';
import type { ReadinessContext } from '../../../../shared/readiness/types.ts';
import { exampleComponent } from '../../../support/action-context.ts';
import { awsError, readinessDeps } from '../../../support/readiness.ts';

const asg = mockClient(AutoScalingClient);
const ec2 = mockClient(EC2Client);
const quotas = mockClient(ServiceQuotasClient);

const NAME = 'dataset-batch-osaka';
const WHAT = `Auto Scaling group ${NAME} in ap-northeast-3`;
const QUOTA = 'quota Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances in ap-northeast-3';
const GROUP_READY = { check: 'group', status: 'ready', detail: `${WHAT} exists (max 6 after the scale-up, desired 2)` };

const group = (over: Partial<AutoScalingGroup> = {}): AutoScalingGroup => ({
  AutoScalingGroupName: NAME,
  MinSize: 0,
  MaxSize: 0,
  DesiredCapacity: 0,
  DefaultCooldown: 300,
  AvailabilityZones: ['ap-northeast-3a', 'ap-northeast-3b'],
  HealthCheckType: 'EC2',
  CreatedTime: new Date('2026-01-01T00:00:00Z'),
  LaunchTemplate: { LaunchTemplateId: 'lt-0123456789abcdef0', LaunchTemplateName: 'dataset-batch', Version: '$Latest' },
  ...over,
});
const version = (data: ResponseLaunchTemplateData = { ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.xlarge' }) => ({
  LaunchTemplateVersions: [{ LaunchTemplateId: 'lt-0123456789abcdef0', LaunchTemplateName: 'dataset-batch', VersionNumber: 3, LaunchTemplateData: data }],
});
/** The example plan's batch processing (desired 2, max 6). */
const context = async (): Promise<ReadinessContext<'ec2-asg-scale'>> => ({
  component: await exampleComponent('ec2-asg-scale', 'batch-processing'),
  ...readinessDeps(),
  now: new Date('2026-11-29T01:00:00.000Z'),
  rpoSeconds: null,
});
/** A group on a launch template of m5.xlarge (4 vCPUs), and a standard vCPU quota of `quota`. */
const healthy = (quota = 64) => {
  asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group()] });
  ec2.on(DescribeLaunchTemplateVersionsCommand).resolves(version());
  ec2.on(DescribeInstanceTypesCommand).resolves({ InstanceTypes: [{ InstanceType: 'm5.xlarge', VCpuInfo: { DefaultVCpus: 4 } }] });
  quotas.on(GetServiceQuotaCommand).resolves({ Quota: { ServiceCode: 'ec2', QuotaCode: 'L-1216C47A', Value: quota } });
};

describe('ec2-asg-scale readiness', () => {
  beforeEach(() => {
    asg.reset();
    ec2.reset();
    quotas.reset();
  });
  afterEach(() => {
    asg.reset();
    ec2.reset();
    quotas.reset();
  });

  it('is ready when the group exists, its launch template resolves and the standard vCPU quota holds the scale-up', async () => {
    // Prepare
    healthy();
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result).toEqual({
      findings: [
        GROUP_READY,
        { check: 'launch-template', status: 'ready', detail: 'launch template dataset-batch version $Latest: ami-0123456789abcdef0, m5.xlarge' },
        { check: 'service-quota', status: 'ready', detail: `${QUOTA} is 64; the scale-up needs 8 (2 × m5.xlarge (4 vCPU))` },
      ],
      dataAtRiskSeconds: null,
      quota: {
        serviceCode: 'ec2',
        quotaCode: 'L-1216C47A',
        name: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
        need: 8,
        because: '2 × m5.xlarge (4 vCPU)',
        value: 64,
      },
    });
    expect(asg.commandCalls(DescribeAutoScalingGroupsCommand).map((c) => c.args[0].input)).toEqual([{ AutoScalingGroupNames: [NAME] }]);
    expect(ec2.commandCalls(DescribeLaunchTemplateVersionsCommand).map((c) => c.args[0].input)).toEqual([{ LaunchTemplateId: 'lt-0123456789abcdef0', Versions: ['$Latest'] }]);
    expect(ec2.commandCalls(DescribeInstanceTypesCommand).map((c) => c.args[0].input)).toEqual([{ InstanceTypes: ['m5.xlarge'] }]);
    expect(quotas.commandCalls(GetServiceQuotaCommand).map((c) => c.args[0].input)).toEqual([{ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }]);
    expect(await asg.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(await ec2.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(await quotas.call(0).thisValue.config.region()).toBe('ap-northeast-3');
  });

  it('reads a mixed instances policy\'s template by name, at its default version', async () => {
    healthy();
    asg.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [group({ LaunchTemplate: undefined, MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateName: 'dataset-batch' } } } })],
    });
    const result = await readiness.assess(await context());
    expect(ec2.commandCalls(DescribeLaunchTemplateVersionsCommand).map((c) => c.args[0].input)).toEqual([{ LaunchTemplateName: 'dataset-batch', Versions: ['$Default'] }]);
    expect(result.findings[1]).toEqual({ check: 'launch-template', status: 'ready', detail: 'launch template dataset-batch version $Default: ami-0123456789abcdef0, m5.xlarge' });
  });

  it('is not ready when the group is not there', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    const result = await readiness.assess(await context());
    expect(result).toEqual({ findings: [{ check: 'group', status: 'not-ready', detail: `${WHAT} not found: create it (capacity 0) ahead of time` }], dataAtRiskSeconds: null });
    expect(ec2).not.toHaveReceivedCommand(DescribeLaunchTemplateVersionsCommand);
  });

  it('is not ready when the read is denied; at risk when throttled', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).rejectsOnce(awsError('AccessDenied', 'not authorized')).rejectsOnce(awsError('Throttling', 'Rate exceeded'));
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'group', status: 'not-ready', detail: `${WHAT}: access denied (AccessDenied): the automation's role lacks a read it needs; redeploy from this plan` },
    ]);
    expect((await readiness.assess(await context())).findings).toEqual([
      { check: 'group', status: 'at-risk', detail: `${WHAT}: could not be read (Throttling: Rate exceeded); readiness unknown until it answers` },
    ]);
  });

  it('is not ready without a launch template; at risk on a launch configuration', async () => {
    asg.on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [group({ LaunchTemplate: undefined })] })
      .resolvesOnce({ AutoScalingGroups: [group({ LaunchTemplate: undefined, LaunchConfigurationName: 'dataset-batch-lc' })] });
    expect((await readiness.assess(await context())).findings).toEqual([GROUP_READY, { check: 'launch-template', status: 'not-ready', detail: `${WHAT} has no launch template` }]);
    expect((await readiness.assess(await context())).findings).toEqual([
      GROUP_READY,
      { check: 'launch-template', status: 'at-risk', detail: `${WHAT} uses launch configuration dataset-batch-lc (deprecated by AWS): move it to a launch template` },
    ]);
    expect(ec2).not.toHaveReceivedCommand(DescribeLaunchTemplateVersionsCommand);
  });

  it('is not ready when the launch template is missing (EC2 NotFound error, or no version in the answer)', async () => {
    healthy();
    ec2.on(DescribeLaunchTemplateVersionsCommand)
      .rejectsOnce(awsError('InvalidLaunchTemplateId.NotFound', 'The specified launch template, with template ID lt-0123456789abcdef0, does not exist.'))
      .resolvesOnce({ LaunchTemplateVersions: [] });
    expect(await readiness.assess(await context())).toEqual({
      findings: [
        GROUP_READY,
        {
          check: 'launch-template',
          status: 'not-ready',
          detail: 'launch template dataset-batch version $Latest not found (InvalidLaunchTemplateId.NotFound): create it in the recovery region, or correct the plan',
        },
      ],
      dataAtRiskSeconds: null,
    });
    expect((await readiness.assess(await context())).findings[1]).toEqual({ check: 'launch-template', status: 'not-ready', detail: 'launch template dataset-batch version $Latest not found' });
    expect(quotas).not.toHaveReceivedCommand(GetServiceQuotaCommand);
  });

  it('is not ready when the template version names no image', async () => {
    healthy();
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves(version({ InstanceType: 'm5.xlarge' }));
    const result = await readiness.assess(await context());
    expect(result.findings[1]).toEqual({ check: 'launch-template', status: 'not-ready', detail: 'launch template dataset-batch version $Latest names no image or instance type' });
  });

  it('is not ready when EC2 denies the read (UnauthorizedOperation)', async () => {
    healthy();
    ec2.on(DescribeLaunchTemplateVersionsCommand).rejects(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
    const result = await readiness.assess(await context());
    expect(result.findings[1]).toEqual({
      check: 'launch-template',
      status: 'not-ready',
      detail: 'launch template dataset-batch version $Latest: access denied (UnauthorizedOperation): the automation\'s role lacks a read it needs; redeploy from this plan',
    });
  });

  it('is not ready when the quota is below the scale-up; at risk within 25 % of it', async () => {
    healthy(6);
    expect((await readiness.assess(await context())).findings[2]).toEqual({
      check: 'service-quota',
      status: 'not-ready',
      detail: `${QUOTA} is 6; the scale-up needs 8 (2 × m5.xlarge (4 vCPU)): request an increase (Service Quotas ec2 L-1216C47A)`,
    });
    healthy(9);
    expect((await readiness.assess(await context())).findings[2]).toEqual({
      check: 'service-quota',
      status: 'at-risk',
      detail: `${QUOTA} is 9, the scale-up needs 8 (2 × m5.xlarge (4 vCPU)): less than 25 % to spare for what else runs there`,
    });
  });

  it('is at risk when the instance type cannot be read', async () => {
    healthy();
    ec2.on(DescribeInstanceTypesCommand).rejects(awsError('RequestLimitExceeded', 'Request limit exceeded.'));
    const result = await readiness.assess(await context());
    expect(result.findings[2]).toEqual({
      check: 'service-quota',
      status: 'at-risk',
      detail: 'instance type m5.xlarge: could not be read (RequestLimitExceeded: Request limit exceeded.); readiness unknown until it answers',
    });
    expect(quotas).not.toHaveReceivedCommand(GetServiceQuotaCommand);
  });

  it('reads no standard quota for an instance type outside the standard families (GPU)', async () => {
    healthy();
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves(version({ ImageId: 'ami-0123456789abcdef0', InstanceType: 'g5.xlarge' }));
    const result = await readiness.assess(await context());
    expect(result.findings.map((f) => f.check)).toEqual(['group', 'launch-template']);
    expect(ec2).not.toHaveReceivedCommand(DescribeInstanceTypesCommand);
    expect(quotas).not.toHaveReceivedCommand(GetServiceQuotaCommand);
  });

  it('reads no standard quota for Trainium (trn1.32xlarge): a family beginning with a standard letter but with a quota of its own', async () => {
    // Prepare
    healthy();
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves(version({ ImageId: 'ami-0123456789abcdef0', InstanceType: 'trn1.32xlarge' }));
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result).toEqual({
      findings: [GROUP_READY, { check: 'launch-template', status: 'ready', detail: 'launch template dataset-batch version $Latest: ami-0123456789abcdef0, trn1.32xlarge' }],
      dataAtRiskSeconds: null,
    });
    expect(ec2).not.toHaveReceivedCommand(DescribeInstanceTypesCommand);
    expect(quotas).not.toHaveReceivedCommand(GetServiceQuotaCommand);
  });

  it.each(['dl1.24xlarge', 'inf2.xlarge', 'hpc7g.4xlarge', 'mac2.metal'] as const)('reads no standard quota for %s (DL, Inf, HPC, Mac have quotas of their own)', async (type) => {
    // Prepare
    healthy();
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves(version({ ImageId: 'ami-0123456789abcdef0', InstanceType: type }));
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result.findings.map((f) => f.check)).toEqual(['group', 'launch-template']);
    expect(result).not.toHaveProperty('quota');
    expect(ec2).not.toHaveReceivedCommand(DescribeInstanceTypesCommand);
    expect(quotas).not.toHaveReceivedCommand(GetServiceQuotaCommand);
  });

  it.each(['i4i.xlarge', 'd3.xlarge', 'h1.2xlarge', 't3.micro'] as const)('still reads the standard quota for %s', async (type) => {
    // Prepare
    healthy();
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves(version({ ImageId: 'ami-0123456789abcdef0', InstanceType: type }));
    // Act
    await readiness.assess(await context());
    // Assess
    expect(ec2.commandCalls(DescribeInstanceTypesCommand).map((c) => c.args[0].input)).toEqual([{ InstanceTypes: [type] }]);
    expect(quotas.commandCalls(GetServiceQuotaCommand).map((c) => c.args[0].input)).toEqual([{ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' }]);
  });
});
