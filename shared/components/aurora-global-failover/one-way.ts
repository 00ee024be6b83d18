import { auroraGlobalLagMetric, clusterIdentifierFromArn } from '../../aws/lag-metrics.ts';
import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

/**
 * An unplanned failover allows data loss (the global replication lag); a planned switchover waits for the secondary.
 *
 * Unreachable old writer: the split-brain guard (recover.ts) reads the old writer in its region right before the
 * failover; when that region does not answer it fails over anyway, and nothing proves the old writer fenced. The
 * approval request says so, and what follows: Aurora's write fencing is best effort; once the region is back,
 * Aurora rebuilds the old writer as a secondary (after a snapshot of its volume, `rds:unplanned-global-failover-…`,
 * which holds the writes not replicated); dr-autopilot sends it nothing (the re-protect stage only waits for that
 * rebuild). Source: Aurora User Guide, "Using switchover or failover in Amazon Aurora Global Database"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html).
 * `fencingUnprovenWhenUnreachable`: an unplanned run of this type needs a person's approval even where its
 * scenario does not ask for one (shared/run/prepare.ts). A planned switchover needs none: Aurora does not move
 * the writer role without an old writer to sync from (recover.ts).
 */
export const oneWay: (OneWayStep<Params> & { fencingUnprovenWhenUnreachable: true }) | null = {
  describe(run, { params: p }) {
    const target = `${clusterIdentifierFromArn(p.targetDbClusterArn)} (${run.regions.secondary})`;
    if (run.mode === 'planned') {
      return `switches Aurora global cluster ${p.globalClusterIdentifier} over to ${target} as the writer (switchover: waits for the secondary to catch up)`;
    }
    const old = p.primaryDbClusterArn ? `old writer ${clusterIdentifierFromArn(p.primaryDbClusterArn)}` : 'old writer';
    return (
      `fails Aurora global cluster ${p.globalClusterIdentifier} over to ${target} with data loss allowed; writes not yet replicated are lost. ` +
      `FENCING NOT PROVEN if the ${old} (${run.regions.primary}) cannot be reached at the step, as in a region outage: the failover goes on, ` +
      'and Aurora\'s write fencing is best effort, so it may still accept writes until its region is back; then Aurora rebuilds it as a secondary ' +
      '(after a snapshot rds:unplanned-global-failover-… holding the writes not replicated). dr-autopilot sends it nothing: keep applications from writing to it until then'
    );
  },
  dataAtRisk(run, { params: p }) {
    return {
      lagMetric: auroraGlobalLagMetric(p.targetDbClusterArn),
      note: run.mode === 'planned' ? 'switchover: the secondary catches up first, no data loss expected' : null,
      database: true,
    };
  },
  fencingUnprovenWhenUnreachable: true,
};
