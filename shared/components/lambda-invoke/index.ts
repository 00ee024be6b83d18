import { defineComponentType } from '../definition.ts';
import { iam } from './iam.ts';
import { oneWay } from './one-way.ts';
import { params } from './params.ts';
import { reverse } from './reverse.ts';

export const lambdaInvoke = defineComponentType({
  type: 'lambda-invoke',
  params,
  oneWay,
  iam,
  services: ['lambda', 'ssm'],
  reverse,
  reprotects: false,
});
