import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstanceTypesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client, type _InstanceType } from '@aws-sdk/client-ec2';
import { finding, reading } from '../../readiness/findings.ts';
import { quotaFinding } from '../../readiness/quota.ts';
import type { ReadinessFinding, ReadinessProbe } from '../../readiness/types.ts';

/** Service Quotas: "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", in vCPUs per region. */
export const EC2_STANDARD_VCPU_QUOTA = { serviceCode: 'ec2', quotaCode: 'L-1216C47A', name: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances' } as const;
/**
 * The instance families that quota counts: A, C, D, H, I, M, R, T, Z — not the accelerated and
 * special families that begin with those letters and have quotas of their own (DL, Inf, Trn, HPC, Mac).
 */
const STANDARD_FAMILY = /^(?!dl|inf|trn|hpc|mac)[acdhimrtz]/;

/**
 * Ready when the recovery region's group exists, can reach the desired capacity (its MaxSize, or the
 * plan's maxSize), its launch template version resolves (image and instance type), and the standard
 * On-Demand vCPU quota holds the scale-up.
 */
export const readiness: ReadinessProbe<'ec2-asg-scale'> = {
  type: 'ec2-asg-scale',
  measuresDataAtRisk: false,
  async assess(ctx) {
    const p = ctx.component.params;
    const region = ctx.regions.secondary;
    const what = `Auto Scaling group ${p.autoScalingGroupName} in ${region}`;
    const read = await reading('group', what, async () =>
      (await ctx.clients.get(AutoScalingClient, region).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [p.autoScalingGroupName] }))).AutoScalingGroups?.[0]);
    if ('failed' in read) return { findings: [read.failed], dataAtRiskSeconds: null };
    const group = read.value;
    if (!group) return { findings: [finding('group', 'not-ready', `${what} not found: create it (capacity 0) ahead of time`)], dataAtRiskSeconds: null };
    const findings: ReadinessFinding[] = [];
    const max = p.maxSize ?? Math.max(group.MaxSize ?? 0, p.desiredCapacity);
    findings.push(finding('group', 'ready', `${what} exists (max ${max} after the scale-up, desired ${p.desiredCapacity})`));
    const template = group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    if (!template) {
      findings.push(finding('launch-template', group.LaunchConfigurationName ? 'at-risk' : 'not-ready', group.LaunchConfigurationName
        ? `${what} uses launch configuration ${group.LaunchConfigurationName} (deprecated by AWS): move it to a launch template`
        : `${what} has no launch template`));
      return { findings, dataAtRiskSeconds: null };
    }
    const ec2 = ctx.clients.get(EC2Client, region);
    const name = template.LaunchTemplateName ?? template.LaunchTemplateId ?? '';
    const version = template.Version ?? '$Default';
    const lt = await reading('launch-template', `launch template ${name} version ${version}`, async () =>
      (await ec2.send(new DescribeLaunchTemplateVersionsCommand({
        ...(template.LaunchTemplateId ? { LaunchTemplateId: template.LaunchTemplateId } : { LaunchTemplateName: template.LaunchTemplateName }),
        Versions: [version],
      }))).LaunchTemplateVersions?.[0]);
    if ('failed' in lt) return { findings: [...findings, lt.failed], dataAtRiskSeconds: null };
    const data = lt.value?.LaunchTemplateData;
    if (!data?.ImageId || !data.InstanceType) {
      findings.push(finding('launch-template', 'not-ready', `launch template ${name} version ${version} ${lt.value ? 'names no image or instance type' : 'not found'}`));
      return { findings, dataAtRiskSeconds: null };
    }
    findings.push(finding('launch-template', 'ready', `launch template ${name} version ${version}: ${data.ImageId}, ${data.InstanceType}`));
    const type: _InstanceType = data.InstanceType;
    if (!STANDARD_FAMILY.test(type)) return { findings, dataAtRiskSeconds: null };
    const info = await reading('service-quota', `instance type ${type}`, async () =>
      (await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [type] }))).InstanceTypes?.[0]?.VCpuInfo?.DefaultVCpus);
    if ('failed' in info) return { findings: [...findings, info.failed], dataAtRiskSeconds: null };
    const vcpus = info.value ?? 0;
    const need = { ...EC2_STANDARD_VCPU_QUOTA, need: p.desiredCapacity * vcpus, because: `${p.desiredCapacity} × ${type} (${vcpus} vCPU)` };
    const checked = await quotaFinding(ctx.clients, region, need);
    findings.push(checked.finding);
    return { findings, dataAtRiskSeconds: null, ...(checked.value === undefined ? {} : { quota: { ...need, value: checked.value } }) };
  },
};
