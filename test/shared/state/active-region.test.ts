import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeRegionAfter, readActiveRegion, writeActiveRegion } from '../../../shared/state/active-region.ts';
import { activeRegionKey } from '../../../shared/state/keys.ts';
import { startDynalite, type LocalDynamo } from '../../support/dynalite.ts';

const regions = { secondary: 'ap-northeast-3' };
const dns = { type: 'route53-failover', status: 'recovered' } as const;
const db = { type: 'rds-replica-promotion', status: 'recovered' } as const;

describe('the active region in the state table', () => {
  let local: LocalDynamo;
  beforeAll(async () => {
    local = await startDynalite();
  });
  afterAll(() => local.stop());

  it.each([
    ['a recovered run that failed DNS over', 'recovered', [db, dns], 'ap-northeast-3'],
    ['a recovered run that recovered a database in place', 'recovered', [db], null],
    ['a failed run, even with DNS failed over', 'failed', [db, dns], null],
    ['an aborted run', 'aborted', [], null],
    ['a recovered run whose DNS component did not run', 'recovered', [db, { ...dns, status: 'not-started' }], null],
  ] as const)('%s moves it to %s', (_what, outcome, components, expected) => {
    // Act
    const active = activeRegionAfter({ outcome, components: components as never }, regions);
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
