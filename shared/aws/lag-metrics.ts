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

/** An Aurora global database metric of a secondary cluster: `AWS/RDS`, milliseconds, its DBClusterIdentifier. */
function auroraSecondaryMetric(metricName: string, secondaryDbClusterArnOrId: string): LagMetricSpec {
  return {
    namespace: 'AWS/RDS',
    metricName,
    unit: 'Milliseconds',
    dimensions: [{ Name: 'DBClusterIdentifier', Value: clusterIdentifierFromArn(secondaryDbClusterArnOrId) }],
  };
}

/**
 * Aurora global database: `AWS/RDS` `AuroraGlobalDBReplicationLag` (milliseconds) of a secondary
 * cluster, published in the secondary's region with its DBClusterIdentifier.
 */
export function auroraGlobalLagMetric(secondaryDbClusterArnOrId: string): LagMetricSpec {
  return auroraSecondaryMetric('AuroraGlobalDBReplicationLag', secondaryDbClusterArnOrId);
}

/**
 * Aurora global database: `AWS/RDS` `AuroraGlobalDBRPOLag` (milliseconds) of a secondary cluster, how far
 * it is behind the primary for user transactions: the writes a failover with data loss gives up. Published
 * in the secondary's region by Aurora PostgreSQL, and by Aurora MySQL from 3.04.0 and 2.12.0; older Aurora
 * MySQL publishes AuroraGlobalDBReplicationLag only (Aurora User Guide, "Using switchover or failover in
 * Amazon Aurora Global Database": https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html).
 * Queried with the DBClusterIdentifier dimension alone, as AuroraGlobalDBReplicationLag is.
 */
export function auroraGlobalRpoLagMetric(secondaryDbClusterArnOrId: string): LagMetricSpec {
  return auroraSecondaryMetric('AuroraGlobalDBRPOLag', secondaryDbClusterArnOrId);
}

/**
 * The writes an Aurora global failover gives up, best evidence first: AuroraGlobalDBRPOLag, else (older
 * Aurora MySQL) AuroraGlobalDBReplicationLag (shared/aws/replica-lag.ts readPreferredReplicationLag).
 */
export function auroraGlobalDataLossMetrics(secondaryDbClusterArnOrId: string): LagMetricSpec[] {
  return [auroraGlobalRpoLagMetric(secondaryDbClusterArnOrId), auroraGlobalLagMetric(secondaryDbClusterArnOrId)];
}
