import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

export const iam: IamFacet<Params> = {
  statements: (p, { regions, arn }) => [
    // DescribeAutoScalingGroups has no resource-level permissions (read-only).
    { Effect: 'Allow', Action: ['autoscaling:DescribeAutoScalingGroups'], Resource: '*' },
    {
      Effect: 'Allow',
      Action: ['autoscaling:UpdateAutoScalingGroup'],
      Resource: [arn('autoscaling', regions.secondary, `autoScalingGroup:*:autoScalingGroupName/${p.autoScalingGroupName}`)],
    },
  ],
  startOnly: ['autoscaling:UpdateAutoScalingGroup'],
  // Readiness: the group, its launch template, the instance type's vCPUs and the quota; none has resource-level permissions.
  readiness: () => [
    {
      Effect: 'Allow',
      Action: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeLaunchTemplateVersions', 'ec2:DescribeInstanceTypes', 'servicequotas:GetServiceQuota'],
      Resource: '*',
    },
  ],
};
