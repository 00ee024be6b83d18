import { defineComponentType } from '../definition.ts';
import { iam } from './iam.ts';
import { oneWay } from './one-way.ts';
import { params } from './params.ts';
import { reverse } from './reverse.ts';

export const route53Failover = defineComponentType({
  type: 'route53-failover',
  params,
  oneWay,
  iam,
  services: ['route-53', 'route53-recovery-cluster'],
  reverse,
  reprotects: false,
});
