import type { LagMetricSpec } from '../components/definition.ts';

/**
 * The CloudWatch replication-lag metrics of the database component types, as plain data: no SDK
 * client, so a type's one-way facet (shared/components/<type>/one-way.ts) can name its metric and
 * every function may load it. shared/aws/replica-lag.ts reads them.
 */

/** RDS cross-region read replica: `AWS/RDS` `ReplicaLag` (seconds) of the replica instance, read in the replica's region. */
export function rdsReplicaLagMetric(replicaDbInstanceIdentifier: string): LagMetricSpec {
  return {
    namespace: 'AWS/RDS',
    metricName: 'ReplicaLag',
    unit: 'Seconds',
    dimensions: [{ Name: 'DBInstanceIdentifier', Value: replicaDbInstanceIdentifier }],
  };
}

/** `arn:aws:rds:REGION:ACCOUNT:cluster:NAME` → `NAME` (a plain identifier is returned as it is). */
export function clusterIdentifierFromArn(dbClusterArn: string): string {
  return dbClusterArn.slice(dbClusterArn.lastIndexOf(':') + 1);
}

/**
 * Aurora global database: `AWS/RDS` `AuroraGlobalDBReplicationLag` (milliseconds) of a secondary
 * cluster, published in the secondary's region with its DBClusterIdentifier.
 */
export function auroraGlobalLagMetric(secondaryDbClusterArnOrId: string): LagMetricSpec {
  return {
    namespace: 'AWS/RDS',
    metricName: 'AuroraGlobalDBReplicationLag',
    unit: 'Milliseconds',
    dimensions: [{ Name: 'DBClusterIdentifier', Value: clusterIdentifierFromArn(secondaryDbClusterArnOrId) }],
  };
}
