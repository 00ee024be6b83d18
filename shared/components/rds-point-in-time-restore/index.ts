import { defineComponentType } from '../definition.ts';
import { iam } from './iam.ts';
import { oneWay } from './one-way.ts';
import { params } from './params.ts';
import { reverse } from './reverse.ts';

export const rdsPointInTimeRestore = defineComponentType({
  type: 'rds-point-in-time-restore',
  params,
  oneWay,
  iam,
  services: ['rds'],
  reverse,
  reprotects: false,
});
