import { auroraGlobalLagMetric, clusterIdentifierFromArn } from '../../aws/lag-metrics.ts';
import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

/** An unplanned failover allows data loss (the global replication lag); a planned switchover waits for the secondary. */
export const oneWay: OneWayStep<Params> | null = {
  describe(run, { params: p }) {
    const target = `${clusterIdentifierFromArn(p.targetDbClusterArn)} (${run.regions.secondary})`;
    return run.mode === 'planned'
      ? `switches Aurora global cluster ${p.globalClusterIdentifier} over to ${target} as the writer (switchover: waits for the secondary to catch up)`
      : `fails Aurora global cluster ${p.globalClusterIdentifier} over to ${target} with data loss allowed; writes not yet replicated are lost`;
  },
  dataAtRisk(run, { params: p }) {
    return {
      lagMetric: auroraGlobalLagMetric(p.targetDbClusterArn),
      note: run.mode === 'planned' ? 'switchover: the secondary catches up first, no data loss expected' : null,
      database: true,
    };
  },
};
