import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecoveryCooldownError, RecoveryInProgressError } from '../../../shared/errors.ts';
import { acquireRecoveryLock, readLock, releaseRecoveryLock, type AcquireLockRequest } from '../../../shared/state/lock.ts';
import type { StateDeps } from '../../../shared/state/table.ts';
import { startDynalite, type LocalDynamo } from '../../support/dynalite.ts';
import { silentLogger } from '../run/fixtures.ts';

const exec = (name: string) => `arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:${name}`;
const T0 = new Date('2026-11-29T01:05:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const EXPIRES = '2026-12-01T01:05:00.000Z'; // T0 + 48 h

let local: LocalDynamo;
let plans = 0;

/** Deps whose clock the test sets; each test recovers its own plan in the shared table. */
function setup() {
  const clock = { now: T0 };
  const deps: StateDeps = { ddb: local.ddb, tableName: local.tableName, now: () => clock.now, logger: silentLogger() };
  const plan = `plan-${++plans}`;
  const request = (name: string, over: Partial<AcquireLockRequest> = {}): AcquireLockRequest => ({
    plan,
    executionId: exec(name),
    scenario: 'region-outage',
    cooldownMinutes: 60,
    expiresAt: EXPIRES,
    ...over,
  });
  return { clock, deps, plan, request };
}

describe('recovery lock (against dynalite)', () => {
  beforeAll(async () => {
    local = await startDynalite();
  });
  afterAll(async () => {
    await local.stop();
  });

  it('acquires a free lock and stores who holds it, until when, without a TTL', async () => {
    // Prepare
    const { deps, plan, request } = setup();
    // Act
    const out = await acquireRecoveryLock(deps, request('run-a'));
    // Assess
    expect(out).toEqual({ reentered: false });
    const { Item } = await local.ddb.send(new GetCommand({ TableName: local.tableName, Key: { id: `lock#${plan}`, sk: 'lock' } }));
    expect(Item).toEqual({
      id: `lock#${plan}`,
      sk: 'lock',
      owner: exec('run-a'),
      ownerScenario: 'region-outage',
      acquiredAt: T0.toISOString(),
      expiresAt: EXPIRES,
    });
  });

  it('refuses a second execution with RecoveryInProgressError naming the owner, its scenario and since when', async () => {
    // Prepare
    const { clock, deps, request } = setup();
    await acquireRecoveryLock(deps, request('run-a', { scenario: 'database-failure' }));
    clock.now = minutes(3);
    // Act
    const second = acquireRecoveryLock(deps, request('run-b'));
    // Assess
    await expect(second).rejects.toBeInstanceOf(RecoveryInProgressError);
    await expect(second).rejects.toMatchObject({
      message: expect.stringMatching(new RegExp(`${exec('run-a')} \\(scenario database-failure\\) has been recovering it since ${T0.toISOString()}`)),
      details: { owner: exec('run-a'), since: T0.toISOString(), scenario: 'database-failure', expiresAt: EXPIRES },
    });
  });

  it('is re-entrant for its owner (a retried task, a redrive)', async () => {
    // Prepare
    const { clock, deps, plan, request } = setup();
    await acquireRecoveryLock(deps, request('run-a'));
    clock.now = minutes(1);
    // Act
    const again = await acquireRecoveryLock(deps, request('run-a'));
    // Assess
    expect(again).toEqual({ reentered: true });
    expect((await readLock(deps, plan))?.owner).toBe(exec('run-a'));
  });

  it('does not let another execution release the lock: released false, still held', async () => {
    // Prepare
    const { deps, plan, request } = setup();
    await acquireRecoveryLock(deps, request('run-a'));
    // Act
    const out = await releaseRecoveryLock(deps, { plan, executionId: exec('run-b'), outcome: 'failed' });
    // Assess
    expect(out).toEqual({ released: false, reason: `not held by ${exec('run-b')}` });
    expect(await readLock(deps, plan)).toMatchObject({ owner: exec('run-a') });
  });

  it('releases for its owner, then refuses a new recovery within the cooldown with the next allowed time', async () => {
    // Prepare
    const { clock, deps, plan, request } = setup();
    await acquireRecoveryLock(deps, request('run-a'));
    clock.now = minutes(90);
    // Act
    const released = await releaseRecoveryLock(deps, { plan, executionId: exec('run-a'), outcome: 'recovered' });
    clock.now = minutes(100);
    const next = acquireRecoveryLock(deps, request('run-b'));
    // Assess
    expect(released).toEqual({ released: true, reason: `released by ${exec('run-a')} (recovered)` });
    expect(await readLock(deps, plan)).toEqual({
      id: `lock#${plan}`,
      sk: 'lock',
      lastOwner: exec('run-a'),
      lastReleasedAt: minutes(90).toISOString(),
      lastOutcome: 'recovered',
    });
    await expect(next).rejects.toBeInstanceOf(RecoveryCooldownError);
    await expect(next).rejects.toMatchObject({
      message:
        `Recovery of plan "${plan}" not started: the last recovery ${exec('run-a')} ended at 2026-11-29T02:35:00.000Z (recovered); ` +
        'cooldown 60 min: next start allowed at 2026-11-29T03:35:00.000Z. ' +
        'To start anyway, start the state machine from the console with "ignoreCooldown": true in the input.',
      details: {
        lastOwner: exec('run-a'),
        lastReleasedAt: '2026-11-29T02:35:00.000Z',
        lastOutcome: 'recovered',
        cooldownMinutes: 60,
        nextAllowedAt: '2026-11-29T03:35:00.000Z',
      },
    });
  });

  it('releasing twice is a no-op the second time', async () => {
    // Prepare
    const { deps, plan, request } = setup();
    await acquireRecoveryLock(deps, request('run-a'));
    await releaseRecoveryLock(deps, { plan, executionId: exec('run-a'), outcome: 'failed' });
    // Act
    const again = await releaseRecoveryLock(deps, { plan, executionId: exec('run-a'), outcome: 'aborted' });
    // Assess
    expect(again).toEqual({ released: false, reason: `not held by ${exec('run-a')}` });
    expect(await readLock(deps, plan)).toMatchObject({ lastOutcome: 'failed' });
  });

  it('starts within the cooldown when asked to ignore it', async () => {
    // Prepare
    const { clock, deps, plan, request } = setup();
    await acquireRecoveryLock(deps, request('run-a'));
    await releaseRecoveryLock(deps, { plan, executionId: exec('run-a'), outcome: 'failed' });
    clock.now = minutes(5);
    // Act
    const out = await acquireRecoveryLock(deps, request('run-b', { ignoreCooldown: true }));
    // Assess
    expect(out).toEqual({ reentered: false });
    expect(await readLock(deps, plan)).toMatchObject({ owner: exec('run-b'), lastOwner: exec('run-a') });
  });

  it('has no cooldown with cooldownMinutes 0, and allows a start exactly when the cooldown ends', async () => {
    // Prepare
    const { clock, deps, plan, request } = setup();
    await acquireRecoveryLock(deps, request('run-a'));
    await releaseRecoveryLock(deps, { plan, executionId: exec('run-a'), outcome: 'recovered' });
    // Act
    const noCooldown = await acquireRecoveryLock(deps, request('run-b', { cooldownMinutes: 0 }));
    clock.now = minutes(1);
    await releaseRecoveryLock(deps, { plan, executionId: exec('run-b'), outcome: 'recovered' });
    clock.now = minutes(61);
    const atTheEnd = await acquireRecoveryLock(deps, request('run-c'));
    // Assess
    expect(noCooldown).toEqual({ reentered: false });
    expect(atTheEnd).toEqual({ reentered: false });
    expect((await readLock(deps, plan))?.owner).toBe(exec('run-c'));
  });

  it('takes over a lock whose holder expired (execution surely over), not one that has not', async () => {
    // Prepare
    const { clock, deps, plan, request } = setup();
    await acquireRecoveryLock(deps, request('run-a', { expiresAt: minutes(30).toISOString() }));
    clock.now = minutes(30);
    const atExpiry = acquireRecoveryLock(deps, request('run-b'));
    await expect(atExpiry).rejects.toBeInstanceOf(RecoveryInProgressError);
    clock.now = minutes(31);
    // Act
    const out = await acquireRecoveryLock(deps, request('run-b'));
    // Assess
    expect(out).toEqual({ reentered: false });
    expect(await readLock(deps, plan)).toMatchObject({ owner: exec('run-b'), acquiredAt: minutes(31).toISOString(), expiresAt: EXPIRES });
    expect(await releaseRecoveryLock(deps, { plan, executionId: exec('run-a'), outcome: 'failed' })).toMatchObject({ released: false });
  });

  it('lets exactly one of 5 concurrent executions win', async () => {
    // Prepare
    const { deps, plan, request } = setup();
    const names = ['run-1', 'run-2', 'run-3', 'run-4', 'run-5'];
    // Act
    const results = await Promise.allSettled(names.map((n) => acquireRecoveryLock(deps, request(n))));
    // Assess
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [exec(names[i]!)] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(4);
    for (const error of refused) expect(error).toMatchObject({ name: 'RecoveryInProgressError', details: { owner: won[0] } });
    expect((await readLock(deps, plan))?.owner).toBe(won[0]);
  });

  it('locks each plan on its own', async () => {
    // Prepare
    const one = setup();
    const other = setup();
    await acquireRecoveryLock(one.deps, one.request('run-a'));
    // Act
    const out = await acquireRecoveryLock(other.deps, other.request('run-b'));
    // Assess
    expect(out).toEqual({ reentered: false });
  });

  it('rejects an expiresAt that is not a time as InvalidInputError', async () => {
    const { deps, request } = setup();
    await expect(acquireRecoveryLock(deps, request('run-a', { expiresAt: 'tomorrow' }))).rejects.toMatchObject({
      name: 'InvalidInputError',
      details: { field: 'lock.expiresAt' },
    });
  });
});
