import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

/**
 * Invoke the function (start only). An asynchronous step also reads its result parameter: start reads
 * it before invoking (a re-run finds the step already running or done), the checks poll it. Nothing
 * here writes it: the customer's function is its only writer (it needs ssm:PutParameter on it).
 */
export const iam: IamFacet<Params> = {
  statements: (p, { regions, arn }) => [
    {
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [p.functionName.startsWith('arn:') ? p.functionName : arn('lambda', regions[p.region], `function:${p.functionName}`)],
    },
    ...(p.invocation === 'async' && p.resultParameterName !== undefined
      ? [
          {
            Effect: 'Allow' as const,
            Action: ['ssm:GetParameter'],
            Resource: [arn('ssm', regions[p.region], `parameter/${p.resultParameterName.replace(/^\//, '')}`)],
          },
        ]
      : []),
  ],
  startOnly: ['lambda:InvokeFunction'],
  readiness: (p, { regions, arn }) => [
    { Effect: 'Allow', Action: ['lambda:GetFunction'], Resource: [p.functionName.startsWith('arn:') ? p.functionName : arn('lambda', regions[p.region], `function:${p.functionName}`)] },
  ],
};
