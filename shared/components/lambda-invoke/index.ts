import { defineComponentType } from '../definition.ts';
import { iam } from './iam.ts';
import { oneWay } from './one-way.ts';
import { params } from './params.ts';

export const lambdaInvoke = defineComponentType({
  type: 'lambda-invoke',
  params,
  oneWay,
  iam,
  services: ['lambda', 'ssm'],
});
