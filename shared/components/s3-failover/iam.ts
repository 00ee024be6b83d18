import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

export const iam: IamFacet<Params> = {
  statements: (p, { regions, arn }) => [
    {
      Effect: 'Allow',
      Action: ['s3:GetBucketVersioning', 's3:GetEncryptionConfiguration', 's3:GetReplicationConfiguration'],
      Resource: [arn('s3', '', p.replicaBucket, false)],
    },
    {
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:PutParameter'],
      Resource: [arn('ssm', regions.secondary, `parameter/${p.parameterName.replace(/^\//, '')}`)],
    },
  ],
  startOnly: ['ssm:PutParameter'],
  readiness: (p, { arn }) => [
    { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration'], Resource: [arn('s3', '', p.primaryBucket, false)] },
    { Effect: 'Allow', Action: ['s3:GetBucketVersioning'], Resource: [arn('s3', '', p.replicaBucket, false)] },
    // GetMetricData (ReplicationLatency) has no resource-level permissions.
    { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
  ],
};
