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
  // reprotect.ts: the destination's versioning, the source's replication rules (kept, one added), and passing the role to S3.
  reprotect: (p, { arn }) => [
    { Effect: 'Allow', Action: ['s3:GetBucketVersioning'], Resource: [arn('s3', '', p.replicaBucket, false)] },
    { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:PutReplicationConfiguration'], Resource: [arn('s3', '', p.primaryBucket, false)] },
    ...(p.reprotect
      ? [{ Effect: 'Allow' as const, Action: ['iam:PassRole'], Resource: [p.reprotect.replicationRoleArn], Condition: { StringEquals: { 'iam:PassedToService': 's3.amazonaws.com' } } }]
      : []),
  ],
  readiness: (p, { arn }) => [
    { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration'], Resource: [arn('s3', '', p.primaryBucket, false)] },
    { Effect: 'Allow', Action: ['s3:GetBucketVersioning'], Resource: [arn('s3', '', p.replicaBucket, false)] },
    // GetMetricData (ReplicationLatency) has no resource-level permissions.
    { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
  ],
};
