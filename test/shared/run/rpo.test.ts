import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../shared/checks/types.ts';
import { measureRpo } from '../../../shared/run/rpo.ts';
import type { ComponentResult, RunState } from '../../../shared/run/types.ts';

const INCIDENT = '2026-11-29T01:00:00.000Z';
const state: Pick<RunState, 'run' | 'rpo'> = {
  run: { incidentStartedAt: INCIDENT } as RunState['run'],
  rpo: { targets: { transaction: 15, user: 60, system: 1440 }, classOf: { db: 'transaction', db2: 'transaction', bucket: 'user', backup: 'system' } },
};

const check = (type: CheckResult['type'], status: CheckResult['status'], observations: CheckResult['observations']): CheckResult => ({
  component: 'db', name: type, type, status, advisory: false, detail: '', observations, checkedAt: INCIDENT,
});
const result = (id: string, over: Partial<ComponentResult> = {}): ComponentResult => ({
  id, tier: 'tier-1', type: 'x', status: 'recovered', startedAt: INCIDENT, finishedAt: INCIDENT, attempts: 1, polls: 1, lastStatus: null, observations: {}, error: null, verification: [], ...over,
});

describe('run/rpo: measured RPO per data class', () => {
  it('prefers the newest heartbeat on the recovered database, with its interval as the uncertainty, beside the replica lag', () => {
    // Prepare: the replica lag said 2 s; the newest heartbeat that reached the replica is 95 s before the incident.
    const db = result('db', {
      observations: { replicaLagSeconds: 2 },
      verification: [check('rpo-heartbeat', 'passed', { rpoSeconds: 95, lastHeartbeatAt: '2026-11-29T00:58:25.000Z', heartbeatIntervalSeconds: 60 })],
    });
    // Act
    const rpo = measureRpo(state, [db]);
    // Assess
    expect(rpo).toEqual([
      {
        dataClass: 'transaction', targetMinutes: 15, measuredMinutes: 1.58, met: true,
        source: 'db: newest heartbeat on the recovered database (2026-11-29T00:58:25.000Z)', uncertaintyMinutes: 1, replicaLagMinutes: 0.03,
      },
    ]);
  });

  it('falls back to the replica lag when the heartbeat check was skipped, and takes the worst component of a class', () => {
    const db = result('db', { observations: { replicaLagSeconds: 30 }, verification: [check('rpo-heartbeat', 'skipped', {})] });
    const db2 = result('db2', { observations: { replicaLagSeconds: 1200 } });
    expect(measureRpo(state, [db, db2])).toEqual([
      { dataClass: 'transaction', targetMinutes: 15, measuredMinutes: 20, met: false, source: 'db2: replica lag lost at promotion (CloudWatch ReplicaLag; as of the incident when unplanned)', uncertaintyMinutes: null, replicaLagMinutes: 20 },
    ]);
  });

  it('measures S3 from replication latency and backups from the recovery point; classes without evidence are not measured', () => {
    const bucket = result('bucket', { verification: [check('s3-replication-rpo', 'passed', { rpoSeconds: 30 })] });
    const backup = result('backup', { observations: { recoveryPointCreatedAt: '2026-11-28T22:20:00.000Z' } });
    const failedDb = result('db', { status: 'failed', observations: { replicaLagSeconds: 2 } });
    expect(measureRpo(state, [failedDb, bucket, backup]).map((r) => [r.dataClass, r.measuredMinutes, r.met, r.source])).toEqual([
      ['transaction', null, null, 'not measured in this run'],
      ['user', 0.5, true, 'bucket: S3 ReplicationLatency before the incident'],
      ['system', 160, true, 'backup: age of the recovery point restored'],
    ]);
  });
});
