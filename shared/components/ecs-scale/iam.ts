import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

export const iam: IamFacet<Params> = {
  statements: (p, { regions, arn }) => [
    { Effect: 'Allow', Action: ['ecs:DescribeServices', 'ecs:UpdateService'], Resource: [arn('ecs', regions.secondary, `service/${p.cluster}/${p.service}`)] },
  ],
  startOnly: ['ecs:UpdateService'],
  readiness: (p, { regions, arn }) => [
    { Effect: 'Allow', Action: ['ecs:DescribeServices'], Resource: [arn('ecs', regions.secondary, `service/${p.cluster}/${p.service}`)] },
    // DescribeTaskDefinition and GetServiceQuota have no resource-level permissions (read-only).
    { Effect: 'Allow', Action: ['ecs:DescribeTaskDefinition', 'servicequotas:GetServiceQuota'], Resource: '*' },
  ],
};
