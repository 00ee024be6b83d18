import { defineComponentType } from '../definition.ts';
import { iam } from './iam.ts';
import { oneWay } from './one-way.ts';
import { params } from './params.ts';
import { reverse } from './reverse.ts';

export const s3VersionRestore = defineComponentType({
  type: 's3-version-restore',
  params,
  oneWay,
  iam,
  services: ['s3'],
  reverse,
  reprotects: false,
});
