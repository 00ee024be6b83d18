import { defineComponentType } from '../definition.ts';
import { iam } from './iam.ts';
import { oneWay } from './one-way.ts';
import { params } from './params.ts';
import { reverse } from './reverse.ts';

export const s3Failover = defineComponentType({
  type: 's3-failover',
  params,
  oneWay,
  iam,
  // S3 to check the replica bucket; SSM for the parameter the application reads.
  services: ['s3', 'ssm'],
  reverse,
  reprotects: true,
});
