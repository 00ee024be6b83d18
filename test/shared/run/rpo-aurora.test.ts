import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../shared/checks/types.ts';
import { measureRpo } from '../../../shared/run/rpo.ts';
import type { ComponentResult, RunState } from '../../../shared/run/types.ts';

/**
 * The measured RPO of an Aurora global database (issue 15 part 4): the RPO lag the failover recorded (its
 * source worded by the type in `replicaLagSource`), a switchover's 0, and the heartbeat first when the
 * component has a database block and its rpo-heartbeat check passed.
 */

const INCIDENT = '2026-11-29T09:00:00.000Z';
const state: Pick<RunState, 'run' | 'rpo'> = {
  run: { incidentStartedAt: INCIDENT } as RunState['run'],
  rpo: { targets: { orders: 5 }, classOf: { 'orders-db': 'orders' } },
};
const aurora = (observations: ComponentResult['observations'], verification: CheckResult[] = []): ComponentResult => ({
  id: 'orders-db', tier: 'data', type: 'aurora-global-failover', status: 'recovered', startedAt: INCIDENT, finishedAt: INCIDENT,
  attempts: 1, polls: 3, lastStatus: 'the target is the writer', observations, error: null, verification,
});
const FAILOVER = {
  operation: 'failover', dataLossAllowed: true, oldWriter: 'unreachable', writers: 1,
  replicaLagSeconds: 42, replicaLagMetric: 'AuroraGlobalDBRPOLag', replicaLagNote: null,
  replicaLagSource: 'replication lag lost at the failover (CloudWatch AuroraGlobalDBRPOLag of the target as of the incident)',
};

describe('run/rpo: an Aurora global database', () => {
  it('measures a failover from the RPO lag it recorded, in the words of its type', () => {
    // Act
    const rpo = measureRpo(state, [aurora(FAILOVER)]);
    // Assess
    expect(rpo).toEqual([{
      dataClass: 'orders', targetMinutes: 5, measuredMinutes: 0.7, met: true,
      source: 'orders-db: replication lag lost at the failover (CloudWatch AuroraGlobalDBRPOLag of the target as of the incident)',
      uncertaintyMinutes: null, replicaLagMinutes: 0.7,
    }]);
  });

  it('measures a switchover as nothing lost', () => {
    const switchover = {
      operation: 'switchover', dataLossAllowed: false, oldWriter: null, writers: 1, replicaLagSeconds: 0, replicaLagMetric: null,
      replicaLagNote: 'switchover: Aurora brings the secondary in sync before it switches',
      replicaLagSource: 'switchover (Aurora brings the secondary in sync before it switches: no write lost)',
    };
    expect(measureRpo(state, [aurora(switchover)])).toEqual([{
      dataClass: 'orders', targetMinutes: 5, measuredMinutes: 0, met: true,
      source: 'orders-db: switchover (Aurora brings the secondary in sync before it switches: no write lost)', uncertaintyMinutes: null, replicaLagMinutes: 0,
    }]);
  });

  it('prefers the heartbeat on the recovered database (a database block and its rpo-heartbeat check), the RPO lag beside it', () => {
    const heartbeat: CheckResult = {
      component: 'orders-db', name: 'rpo-heartbeat', type: 'rpo-heartbeat', status: 'passed', advisory: false, detail: '', checkedAt: INCIDENT,
      observations: { rpoSeconds: 75, lastHeartbeatAt: '2026-11-29T08:58:45.000Z', heartbeatIntervalSeconds: 60 },
    };
    expect(measureRpo(state, [aurora(FAILOVER, [heartbeat])])).toEqual([{
      dataClass: 'orders', targetMinutes: 5, measuredMinutes: 1.25, met: true,
      source: 'orders-db: newest heartbeat on the recovered database (2026-11-29T08:58:45.000Z)', uncertaintyMinutes: 1, replicaLagMinutes: 0.7,
    }]);
  });

  it('is not measured when the lag could not be read', () => {
    const unknown = { ...FAILOVER, replicaLagSeconds: null, replicaLagMetric: null, replicaLagNote: 'GetMetricData failed: AwsThrottlingError', replicaLagSource: null };
    expect(measureRpo(state, [aurora(unknown)])).toEqual([
      { dataClass: 'orders', targetMinutes: 5, measuredMinutes: null, met: null, source: 'not measured in this run', uncertaintyMinutes: null, replicaLagMinutes: null },
    ]);
  });
});
