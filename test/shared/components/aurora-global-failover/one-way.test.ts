import { describe, expect, it } from 'vitest';
import { oneWay } from '../../../../shared/components/aurora-global-failover/one-way.ts';
import type { Params } from '../../../../shared/components/aurora-global-failover/params.ts';
import type { OneWayRun } from '../../../../shared/components/definition.ts';

/**
 * The Aurora failover's approval wording (shared/components/aurora-global-failover/one-way.ts): an unplanned run
 * says plainly that an old writer that cannot be reached is not proven fenced, and what Aurora and dr-autopilot
 * do about it.
 */

const run = (mode: OneWayRun['mode']): OneWayRun => ({
  regions: { primary: 'eu-west-1', secondary: 'eu-central-1' },
  mode,
  incidentStartedAt: '2026-11-29T09:00:00.000Z',
});
const params = (over: Partial<Params> = {}): Params => ({
  globalClusterIdentifier: 'shop-orders-global',
  targetDbClusterArn: 'arn:aws:rds:eu-central-1:210987654321:cluster:shop-orders-fra',
  ...over,
});
const component = (over: Partial<Params> = {}) => ({ id: 'orders-db', params: params(over) });
const AFTER =
  ' (eu-west-1) cannot be reached at the step, as in a region outage: the failover goes on, and Aurora\'s write fencing is best effort, ' +
  'so it may still accept writes until its region is back; then Aurora rebuilds it as a secondary (after a snapshot rds:unplanned-global-failover-… ' +
  'holding the writes not replicated). dr-autopilot sends it nothing: keep applications from writing to it until then';

describe('aurora-global-failover one-way step', () => {
  it('unplanned: the failover with data loss, and that an old writer that cannot be reached is not proven fenced', () => {
    // Act
    const line = oneWay!.describe(run('unplanned'), component());
    // Assess
    expect(line).toBe(
      'fails Aurora global cluster shop-orders-global over to shop-orders-fra (eu-central-1) with data loss allowed; writes not yet replicated are lost. ' +
        `FENCING NOT PROVEN if the old writer${AFTER}`,
    );
  });

  it('names the old writer when the plan gives primaryDbClusterArn', () => {
    const line = oneWay!.describe(run('unplanned'), component({ primaryDbClusterArn: 'arn:aws:rds:eu-west-1:210987654321:cluster:shop-orders-dub' }));
    expect(line).toContain(`FENCING NOT PROVEN if the old writer shop-orders-dub${AFTER}`);
  });

  it('planned: the switchover, without the warning (Aurora does not move the writer role without the old writer to sync from)', () => {
    expect(oneWay!.describe(run('planned'), component())).toBe(
      'switches Aurora global cluster shop-orders-global over to shop-orders-fra (eu-central-1) as the writer (switchover: waits for the secondary to catch up)',
    );
  });

  it('flags the step for the approval gate: an unplanned run of this type needs approval whatever its scenario says', () => {
    expect(oneWay!.fencingUnprovenWhenUnreachable).toBe(true);
  });
});
