import { defineComponentType } from '../definition.ts';
import { iam } from './iam.ts';
import { oneWay } from './one-way.ts';
import { params } from './params.ts';
import { reverse } from './reverse.ts';

export const ecsScale = defineComponentType({
  type: 'ecs-scale',
  params,
  oneWay,
  iam,
  services: ['ecs'],
  reverse,
  reprotects: false,
});
