import { defineComponentType } from '../definition.ts';
import { iam } from './iam.ts';
import { oneWay } from './one-way.ts';
import { params } from './params.ts';
import { reverse } from './reverse.ts';

export const ec2AsgScale = defineComponentType({
  type: 'ec2-asg-scale',
  params,
  oneWay,
  iam,
  services: ['auto-scaling'],
  reverse,
  reprotects: false,
});
