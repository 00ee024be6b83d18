import { defineComponentType } from '../definition.ts';
import { iam } from './iam.ts';
import { oneWay } from './one-way.ts';
import { params } from './params.ts';
import { reverse } from './reverse.ts';

export const backupRestore = defineComponentType({
  type: 'backup-restore',
  params,
  oneWay,
  iam,
  services: ['backup'],
  reverse,
  reprotects: false,
});
