import { defineComponentType } from '../definition.ts';
import { iam } from './iam.ts';
import { oneWay } from './one-way.ts';
import { params } from './params.ts';
import { reverse } from './reverse.ts';

export const auroraGlobalFailover = defineComponentType({
  type: 'aurora-global-failover',
  params,
  oneWay,
  iam,
  services: ['rds', 'cloudwatch'],
  reverse,
  reprotects: true,
});
