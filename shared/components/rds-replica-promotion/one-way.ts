import { rdsReplicaLagMetric } from '../../aws/lag-metrics.ts';
import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

type Fencing = Params['fencing']['method'];

/**
 * What follows an unplanned promotion whose old primary could not be reached: the recovery run reads it once
 * more after the promotion and, its region still silent, ends without fencing it (recover.ts); only a re-protect
 * run (params.reprotect: it fences the plan's old primary before it builds the new replica, reprotect.ts) or a
 * person fences it later.
 */
function afterUnreachable(p: Params, fencing: Fencing): string {
  if (fencing === 'none') return 'dr-autopilot never fences it (fencing.method none): fence it yourself as soon as its region answers';
  if (p.reprotect) return `this run does not wait for its region, and a re-protect run fences it (${fencing}) once its region answers: until then, fence it yourself if writes can reach it`;
  return `this run does not wait for its region, and nothing in dr-autopilot fences it later (no params.reprotect): ${fencing} it yourself as soon as its region answers`;
}

/**
 * The promotion ends replication for good: writes not yet replicated (the replica lag) are lost.
 *
 * Unreachable old primary: the split-brain guard (recover.ts) takes an old primary whose region does not answer
 * for the outage and promotes; nothing proves it fenced, and it may still accept writes when its region comes
 * back. The approval request says so, with what follows (afterUnreachable). `fencingUnprovenWhenUnreachable`: an
 * unplanned run of this type needs a person's approval even where its scenario does not ask for one
 * (shared/run/prepare.ts). A planned promotion fences first and refuses an old primary that does not answer
 * (AwsTransientError), so it needs none.
 */
export const oneWay: (OneWayStep<Params> & { fencingUnprovenWhenUnreachable: true }) | null = {
  describe(run, { params: p }) {
    // The task input is not parsed again: a default of the schema may be missing from it.
    const fencing = p.fencing?.method ?? 'stop';
    const step =
      `promotes read replica ${p.replicaDbInstanceIdentifier} (${run.regions.secondary}) to a standalone writer; ` +
      `replication from ${p.primaryDbInstanceIdentifier} (${run.regions.primary}) ends for good` +
      (fencing === 'none' ? '' : `; then the old primary is fenced (${fencing}) where its region answers`);
    if (run.mode === 'planned') return step;
    return (
      `${step}. FENCING NOT PROVEN if ${p.primaryDbInstanceIdentifier} (${run.regions.primary}) cannot be reached at the step, as in a region outage: ` +
      `the promotion goes on, and ${p.primaryDbInstanceIdentifier} may still accept writes when its region comes back; ${afterUnreachable(p, fencing)}`
    );
  },
  dataAtRisk(_run, { params: p }) {
    return { lagMetric: rdsReplicaLagMetric(p.replicaDbInstanceIdentifier), note: null, database: true };
  },
  // Only an isolation fence can go up before a promotion: RDS can't stop a primary that has replicas.
  forceCannotFenceFirst: ({ params: p }) => (p.fencing?.method ?? 'stop') !== 'isolate',
  fencingUnprovenWhenUnreachable: true,
};
