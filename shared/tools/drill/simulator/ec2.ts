import { createHash } from 'node:crypto';
import {
  DescribeInstanceTypesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  type DescribeInstanceTypesCommandInput,
  type DescribeLaunchTemplateVersionsCommandInput,
} from '@aws-sdk/client-ec2';
import { simulateClient } from './intercept.ts';
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

/**
 * EC2 in the recovery region, as far as readiness reads it. Each ec2-asg-scale group (autoscaling.ts) launches
 * from its own launch template (launchTemplateOf), one version (1, default and latest) naming an AMI
 * (`ami-` and 17 hex digits, derived from the group and region) and LAUNCH_TEMPLATE_INSTANCE_TYPE.
 * DescribeLaunchTemplateVersions by id or name, versions `$Default`, `$Latest` or `1`; an unknown template is
 * InvalidLaunchTemplateId.NotFound (by id) or InvalidLaunchTemplateName.NotFoundException (by name), an unknown
 * version InvalidLaunchTemplateId.VersionNotFound (the codes of https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html;
 * the messages are as the AWS CLI shows them, unconfirmed). DescribeInstanceTypes answers from INSTANCE_TYPES;
 * an unknown type is InvalidInstanceType.
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

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    snapshot: () => {
      const out: Record<string, Record<string, unknown>> = {};
      for (const t of templates.values()) (out[t.region] ??= {})[t.name] = { launchTemplateId: t.id, imageId: t.imageId, instanceType: LAUNCH_TEMPLATE_INSTANCE_TYPE };
      return out;
    },
  };
}
