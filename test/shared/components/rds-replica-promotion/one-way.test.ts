import { describe, expect, it } from 'vitest';
import { oneWay } from '../../../../shared/components/rds-replica-promotion/one-way.ts';
import type { Params } from '../../../../shared/components/rds-replica-promotion/params.ts';
import type { OneWayRun } from '../../../../shared/components/definition.ts';

/**
 * The promotion's approval wording (shared/components/rds-replica-promotion/one-way.ts): an unplanned run says
 * plainly that an old primary that cannot be reached is not proven fenced, and what happens to it afterwards.
 */

const run = (mode: OneWayRun['mode']): OneWayRun => ({
  regions: { primary: 'ap-northeast-1', secondary: 'ap-northeast-3' },
  mode,
  incidentStartedAt: '2026-11-29T01:00:00.000Z',
});
const params = (over: Partial<Params> = {}): Params => ({
  primaryDbInstanceIdentifier: 'dataset-db',
  replicaDbInstanceIdentifier: 'dataset-db-osaka',
  backupRetentionPeriod: 7,
  fencing: { method: 'stop' },
  ...over,
});
const component = (over: Partial<Params> = {}) => ({ id: 'core-database', params: params(over) });
const STEP =
  'promotes read replica dataset-db-osaka (ap-northeast-3) to a standalone writer; replication from dataset-db (ap-northeast-1) ends for good; ' +
  'then the old primary is fenced (stop) where its region answers';
const UNPROVEN =
  'FENCING NOT PROVEN if dataset-db (ap-northeast-1) cannot be reached at the step, as in a region outage: the promotion goes on, ' +
  'and dataset-db may still accept writes when its region comes back; ';

describe('rds-replica-promotion one-way step', () => {
  it('unplanned, with a re-protect replica: says the fence is unproven when the old primary cannot be reached, and that a re-protect run fences it once its region answers', () => {
    // Act
    const line = oneWay!.describe(run('unplanned'), component({ reprotect: { replicaDbInstanceIdentifier: 'dataset-db-tokyo' } }));
    // Assess
    expect(line).toBe(
      `${STEP}. ${UNPROVEN}this run does not wait for its region, and a re-protect run fences it (stop) once its region answers: until then, fence it yourself if writes can reach it`,
    );
  });

  it('unplanned, without params.reprotect: says nothing in dr-autopilot fences it later, and how to fence it', () => {
    expect(oneWay!.describe(run('unplanned'), component())).toBe(
      `${STEP}. ${UNPROVEN}this run does not wait for its region, and nothing in dr-autopilot fences it later (no params.reprotect): stop it yourself as soon as its region answers`,
    );
    expect(oneWay!.describe(run('unplanned'), component({ fencing: { method: 'isolate', isolationSecurityGroupIds: ['sg-0123456789abcdef0'] } })))
      .toContain('nothing in dr-autopilot fences it later (no params.reprotect): isolate it yourself as soon as its region answers');
  });

  it('unplanned, fencing.method none: dr-autopilot never fences it', () => {
    expect(oneWay!.describe(run('unplanned'), component({ fencing: { method: 'none' } }))).toBe(
      'promotes read replica dataset-db-osaka (ap-northeast-3) to a standalone writer; replication from dataset-db (ap-northeast-1) ends for good. ' +
        `${UNPROVEN}dr-autopilot never fences it (fencing.method none): fence it yourself as soon as its region answers`,
    );
  });

  it('planned: no such warning (a planned promotion fences first and refuses an old primary that does not answer)', () => {
    expect(oneWay!.describe(run('planned'), component())).toBe(STEP);
  });

  it('flags the step for the approval gate: an unplanned run of this type needs approval whatever its scenario says', () => {
    expect(oneWay!.fencingUnprovenWhenUnreachable).toBe(true);
  });
});
