import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

export const iam: IamFacet<Params> = {
  statements: (p, { regions, arn }) => [
    {
      Effect: 'Allow',
      Action: ['rds:DescribeGlobalClusters', 'rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'],
      Resource: [arn('rds', '', `global-cluster:${p.globalClusterIdentifier}`), p.targetDbClusterArn],
    },
    // Split-brain guard: is the current writer (in the primary region) still available? Read-only.
    { Effect: 'Allow', Action: ['rds:DescribeDBClusters'], Resource: [arn('rds', regions.primary, 'cluster:*')] },
    // The writes a failover gives up (AuroraGlobalDBRPOLag / AuroraGlobalDBReplicationLag): GetMetricData has no resource-level permissions (read-only).
    { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
  ],
  startOnly: ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'],
  // reprotect.ts: reads the global cluster's members (sends nothing).
  reprotect: (p, { arn }) => [{ Effect: 'Allow', Action: ['rds:DescribeGlobalClusters'], Resource: [arn('rds', '', `global-cluster:${p.globalClusterIdentifier}`)] }],
  // Readiness: the global cluster's members (readiness.ts) and the replication lag.
  readiness: (p, { arn }) => [
    { Effect: 'Allow', Action: ['rds:DescribeGlobalClusters'], Resource: [arn('rds', '', `global-cluster:${p.globalClusterIdentifier}`)] },
    { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
  ],
};
