import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

export const iam: IamFacet<Params> = {
  statements: (p, { regions, arn }) => [
    { Effect: 'Allow', Action: ['ecs:DescribeServices', 'ecs:UpdateService'], Resource: [arn('ecs', regions.secondary, `service/${p.cluster}/${p.service}`)] },
  ],
  startOnly: ['ecs:UpdateService'],
};
