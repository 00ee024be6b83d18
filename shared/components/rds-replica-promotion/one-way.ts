import { rdsReplicaLagMetric } from '../../aws/lag-metrics.ts';
import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

/** The promotion ends replication for good: writes not yet replicated (the replica lag) are lost. */
export const oneWay: OneWayStep<Params> | null = {
  describe(run, { params: p }) {
    // The task input is not parsed again: a default of the schema may be missing from it.
    const fencing = p.fencing?.method ?? 'stop';
    return (
      `promotes read replica ${p.replicaDbInstanceIdentifier} (${run.regions.secondary}) to a standalone writer; ` +
      `replication from ${p.primaryDbInstanceIdentifier} (${run.regions.primary}) ends for good` +
      (fencing === 'none' ? '' : `; then the old primary is fenced (${fencing}) where its region answers`)
    );
  },
  dataAtRisk(_run, { params: p }) {
    return { lagMetric: rdsReplicaLagMetric(p.replicaDbInstanceIdentifier), note: null, database: true };
  },
  // Only an isolation fence can go up before a promotion: RDS can't stop a primary that has replicas.
  forceCannotFenceFirst: ({ params: p }) => (p.fencing?.method ?? 'stop') !== 'isolate',
};
