import { defineComponentType } from '../definition.ts';
import { iam } from './iam.ts';
import { oneWay } from './one-way.ts';
import { params } from './params.ts';
import { reverse } from './reverse.ts';

export const rdsReplicaPromotion = defineComponentType({
  type: 'rds-replica-promotion',
  params,
  oneWay,
  iam,
  // RDS for the promotion and the fencing (fencing.ts); CloudWatch for the replica lag at promotion (shared/aws/replica-lag.ts).
  services: ['rds', 'cloudwatch'],
  reverse,
  reprotects: true,
});
