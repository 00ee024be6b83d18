import { defineComponentType } from '../definition.ts';
import { iam } from './iam.ts';
import { oneWay } from './one-way.ts';
import { params } from './params.ts';
import { reverse } from './reverse.ts';

export const elasticacheGlobalFailover = defineComponentType({
  type: 'elasticache-global-failover',
  params,
  oneWay,
  iam,
  services: ['elasticache'],
  reverse,
  reprotects: true,
});
