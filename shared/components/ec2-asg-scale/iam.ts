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
};
