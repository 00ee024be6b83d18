import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

export const iam: IamFacet<Params> = {
  statements: (p, { regions, arn }) => [
    {
      Effect: 'Allow',
      Action: ['elasticache:DescribeGlobalReplicationGroups', 'elasticache:FailoverGlobalReplicationGroup'],
      Resource: [arn('elasticache', '', `globalreplicationgroup:${p.globalReplicationGroupId}`), arn('elasticache', regions.secondary, `replicationgroup:${p.secondaryReplicationGroupId}`)],
    },
  ],
  startOnly: ['elasticache:FailoverGlobalReplicationGroup'],
  // reprotect.ts: reads the global datastore's members (sends nothing).
  reprotect: (p, { arn }) => [
    { Effect: 'Allow', Action: ['elasticache:DescribeGlobalReplicationGroups'], Resource: [arn('elasticache', '', `globalreplicationgroup:${p.globalReplicationGroupId}`)] },
  ],
  readiness: (p, { arn }) => [
    { Effect: 'Allow', Action: ['elasticache:DescribeGlobalReplicationGroups'], Resource: [arn('elasticache', '', `globalreplicationgroup:${p.globalReplicationGroupId}`)] },
  ],
};
