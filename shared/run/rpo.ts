import type { ComponentResult, RpoResult, RunState } from './types.ts';

const minutes = (seconds: number) => Math.round((seconds / 60) * 100) / 100;
const minutesBetween = (from: string, to: string) => Math.round(((Date.parse(to) - Date.parse(from)) / 60_000) * 100) / 100;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

interface Measured {
  minutes: number;
  source: string;
  uncertaintyMinutes: number | null;
  replicaLagMinutes: number | null;
}

/**
 * The data lost by one recovered component, from what the recovered data shows, best evidence first:
 * the newest heartbeat on the recovered database (rpo-heartbeat check), S3 replication latency
 * (s3-replication-rpo check), the replication lag lost at a promotion or failover (as of the incident when unplanned:
 * RDS ReplicaLag, Aurora AuroraGlobalDBRPOLag or AuroraGlobalDBReplicationLag, worded by the type in `replicaLagSource`;
 * a switchover's 0), the age of the recovery point or the point in time restored.
 */
function measure(result: ComponentResult, incidentStartedAt: string): Measured | null {
  const obs = result.observations ?? {};
  const lag = num(obs.replicaLagSeconds);
  const replicaLagMinutes = lag === null ? null : minutes(lag);
  for (const check of result.verification ?? []) {
    const rpoSeconds = num(check.observations?.rpoSeconds);
    if (check.status !== 'passed' || rpoSeconds === null) continue;
    if (check.type === 'rpo-heartbeat') {
      const interval = num(check.observations.heartbeatIntervalSeconds);
      return {
        minutes: minutes(rpoSeconds),
        source: `${result.id}: newest heartbeat on the recovered database (${String(check.observations.lastHeartbeatAt)})`,
        uncertaintyMinutes: interval === null ? null : minutes(interval),
        replicaLagMinutes,
      };
    }
    if (check.type === 's3-replication-rpo') {
      return { minutes: minutes(rpoSeconds), source: `${result.id}: S3 ReplicationLatency before the incident`, uncertaintyMinutes: null, replicaLagMinutes };
    }
  }
  if (lag !== null) {
    // The type words what its lag stands for (an Aurora failover's RPO lag, a switchover's nothing lost); RDS's replica lag by default.
    const what = typeof obs.replicaLagSource === 'string' ? obs.replicaLagSource : 'replica lag lost at promotion (CloudWatch ReplicaLag; as of the incident when unplanned)';
    return { minutes: minutes(lag), source: `${result.id}: ${what}`, uncertaintyMinutes: null, replicaLagMinutes };
  }
  if (typeof obs.recoveryPointCreatedAt === 'string') {
    return { minutes: minutesBetween(obs.recoveryPointCreatedAt, incidentStartedAt), source: `${result.id}: age of the recovery point restored`, uncertaintyMinutes: null, replicaLagMinutes };
  }
  if (typeof obs.restoredTo === 'string' && obs.restoredTo !== 'latest') {
    return { minutes: minutesBetween(obs.restoredTo, incidentStartedAt), source: `${result.id}: point in time restored`, uncertaintyMinutes: null, replicaLagMinutes };
  }
  return null;
}

/**
 * RPO per data class of the run's components, against the plan's targets. Several components of one
 * class: the worst one counts. A class whose components did not recover, or left no evidence, is
 * reported as not measured (met: null).
 */
export function measureRpo(state: Pick<RunState, 'run' | 'rpo'>, components: readonly ComponentResult[]): RpoResult[] {
  const byClass = new Map<string, Measured>();
  const seen = new Set<string>();
  for (const result of components) {
    const dataClass = state.rpo?.classOf[result.id];
    if (!dataClass) continue;
    seen.add(dataClass);
    if (result.status !== 'recovered') continue;
    const m = measure(result, state.run.incidentStartedAt);
    if (!m) continue;
    const previous = byClass.get(dataClass);
    if (!previous || m.minutes > previous.minutes) byClass.set(dataClass, m);
  }
  return Object.entries(state.rpo?.targets ?? {})
    .filter(([id]) => seen.has(id))
    .map(([dataClass, targetMinutes]) => {
      const m = byClass.get(dataClass);
      return {
        dataClass,
        targetMinutes,
        measuredMinutes: m ? m.minutes : null,
        met: m ? m.minutes <= targetMinutes : null,
        source: m?.source ?? 'not measured in this run',
        uncertaintyMinutes: m?.uncertaintyMinutes ?? null,
        replicaLagMinutes: m?.replicaLagMinutes ?? null,
      };
    });
}
