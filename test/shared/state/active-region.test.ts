import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeRegionAfter, readActiveRegion, writeActiveRegion } from '../../../shared/state/active-region.ts';
import { activeRegionKey } from '../../../shared/state/keys.ts';
import { startDynalite, type LocalDynamo } from '../../support/dynalite.ts';

const forward = { primary: 'ap-northeast-1', secondary: 'ap-northeast-3' };
const reverse = { primary: 'ap-northeast-3', secondary: 'ap-northeast-1' };

describe('the active region in the state table', () => {
  let local: LocalDynamo;
  beforeAll(async () => {
    local = await startDynalite();
  });
  afterAll(() => local.stop());

  it.each([
    ['a recovered failover (a scenario that moves the system)', 'recovered', true, forward, 'ap-northeast-3'],
    ['a recovered failback (run in reverse: its secondary is the plan\'s primary)', 'recovered', true, reverse, 'ap-northeast-1'],
    ['a recovered run of a scenario that recovers in place (database failure)', 'recovered', false, forward, null],
    ['a recovered re-protect', 'recovered', false, reverse, null],
    ['a failed failover', 'failed', true, forward, null],
    ['an aborted failback', 'aborted', true, reverse, null],
  ] as const)('%s leaves it at %s', (_what, outcome, movesActiveRegion, regions, expected) => {
    // Act
    const active = activeRegionAfter({ outcome }, { movesActiveRegion, regions });
    // Assess
    expect(active).toBe(expected);
  });

  it('is null until a run records it; then what was recorded, under active#<plan>', async () => {
    // Prepare
    const table = { ddb: local.ddb, tableName: local.tableName };
    const active = { region: 'ap-northeast-3', since: '2026-11-29T02:00:00.000Z', executionId: 'arn:aws:states:ap-northeast-3:123456789012:execution:f:run-1', scenario: 'region-outage' };
    // Act
    const before = await readActiveRegion(table, 'dataset-platform');
    await writeActiveRegion(table, 'dataset-platform', active);
    // Assess
    expect(before).toBeNull();
    expect(await readActiveRegion(table, 'dataset-platform')).toEqual(active);
    expect(await readActiveRegion(table, 'other-plan')).toBeNull();
    expect(activeRegionKey('dataset-platform')).toEqual({ id: 'active#dataset-platform', sk: 'region' });
  });
});
