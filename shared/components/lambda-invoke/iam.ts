import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

export const iam: IamFacet<Params> = {
  statements: (p, { regions, arn }) => [
    {
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [p.functionName.startsWith('arn:') ? p.functionName : arn('lambda', regions[p.region], `function:${p.functionName}`)],
    },
  ],
  startOnly: ['lambda:InvokeFunction'],
};
