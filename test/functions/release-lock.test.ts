import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunContext } from '../../shared/run/types.ts';
import { acquireRecoveryLock, readLock, type ExecutionStatusChangeEvent, type ReleaseLockEvent } from '../../shared/state/lock.ts';
import type { StateDeps } from '../../shared/state/table.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { compiledExamplePlan, exampleRun, silentLogger } from '../shared/run/fixtures.ts';
import { lambdaContext } from './lambda.ts';

const context = lambdaContext('release-lock');
const PLAN = 'dataset-platform'; // the packaged plan (examples/dataset-platform.plan.yml, compiled)
const exec = (name: string) => `arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:${name}`;

/** AWS's failed-execution sample (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html), verbatim but for the execution ARN and status. */
function statusEvent(executionArn: string, status = 'FAILED'): Record<string, unknown> & { detail: Record<string, unknown> } {
  return {
    version: '0',
    id: '315c1398-40ff-a850-213b-158f73e60175',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '012345678912',
    time: '2019-02-26T19:42:21Z',
    region: 'us-east-1',
    resources: [executionArn],
    detail: {
      executionArn,
      stateMachineArn: 'arn:aws:states:us-east-1:012345678912:stateMachine:state-machine',
      name: executionArn.split(':').at(-1),
      status,
      startDate: 1551225146847,
      stopDate: status === 'RUNNING' ? null : 1551225151881,
      input: '{}',
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
    },
  };
}

type Release = (event: ReleaseLockEvent | ExecutionStatusChangeEvent | Record<string, unknown>, ctx: typeof context) => Promise<{ released: boolean; reason: string }>;

let local: LocalDynamo;
let deps: StateDeps;
let handler: Release;
let run: RunContext;
/** The example plan, compiled: the packaged plan PLAN_FILE points at. */
let packaged: { file: string; remove(): void };

/** The example plan's lock, taken by `name` (each test releases what it took). */
async function lockedBy(name: string) {
  await acquireRecoveryLock(deps, { plan: PLAN, executionId: exec(name), scenario: 'region-outage', cooldownMinutes: 0, expiresAt: '2099-01-01T00:00:00.000Z' });
}

describe('functions/release-lock', () => {
  beforeAll(async () => {
    local = await startDynalite();
    packaged = await compiledExamplePlan();
    deps = { ddb: local.ddb, tableName: local.tableName, now: () => new Date(), logger: silentLogger() };
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', local.endpoint);
    vi.stubEnv('STATE_TABLE_NAME', local.tableName);
    vi.stubEnv('PLAN_FILE', packaged.file);
    vi.resetModules();
    handler = (await import('../../functions/release-lock.ts')).handler as unknown as Release;
    run = (await exampleRun()).run;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    packaged?.remove();
    await local.stop();
  });

  it('releases the lock when the state machine says the run ended', async () => {
    // Prepare
    await lockedBy('sm-1');
    // Act
    const out = await handler({ run: { ...run, executionId: exec('sm-1') }, outcome: 'recovered' }, context);
    // Assess
    expect(out).toEqual({ released: true, reason: `released by ${exec('sm-1')} (recovered)` });
    expect(await readLock(deps, PLAN)).toMatchObject({ lastOwner: exec('sm-1'), lastOutcome: 'recovered' });
    expect((await readLock(deps, PLAN))?.owner).toBeUndefined();
  });

  it('releases the lock of an execution EventBridge reports FAILED (plan from the packaged plan)', async () => {
    // Prepare
    await lockedBy('eb-1');
    // Act
    const out = await handler(statusEvent(exec('eb-1'), 'FAILED'), context);
    // Assess
    expect(out).toEqual({ released: true, reason: `released by ${exec('eb-1')} (failed)` });
    expect(await readLock(deps, PLAN)).toEqual({
      id: `lock#${PLAN}`,
      sk: 'lock',
      lastOwner: exec('eb-1'),
      lastReleasedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      lastOutcome: 'failed',
    });
  });

  it('releases for TIMED_OUT and ABORTED too, and needs no execution input (too large to include)', async () => {
    for (const [status, outcome] of [['TIMED_OUT', 'timed-out'], ['ABORTED', 'aborted']] as const) {
      // Prepare
      await lockedBy(`eb-${status}`);
      const event = statusEvent(exec(`eb-${status}`), status);
      delete event.detail.input;
      event.detail.inputDetails = { included: false };
      // Act
      const out = await handler(event, context);
      // Assess
      expect(out.released).toBe(true);
      expect(await readLock(deps, PLAN)).toMatchObject({ lastOwner: exec(`eb-${status}`), lastOutcome: outcome });
    }
  });

  it('ignores RUNNING: the lock stays held', async () => {
    // Prepare
    await lockedBy('eb-running');
    // Act
    const out = await handler(statusEvent(exec('eb-running'), 'RUNNING'), context);
    // Assess
    expect(out).toEqual({ released: false, reason: `ignored: ${exec('eb-running')} is RUNNING` });
    expect((await readLock(deps, PLAN))?.owner).toBe(exec('eb-running'));
    await handler(statusEvent(exec('eb-running'), 'SUCCEEDED'), context);
  });

  it('leaves a lock another execution holds alone (the run released it already; a new run took it)', async () => {
    // Prepare
    await lockedBy('current');
    // Act
    const out = await handler(statusEvent(exec('earlier'), 'FAILED'), context);
    // Assess
    expect(out).toEqual({ released: false, reason: `not held by ${exec('earlier')}` });
    expect((await readLock(deps, PLAN))?.owner).toBe(exec('current'));
    await handler({ run: { ...run, executionId: exec('current') }, outcome: 'failed' }, context);
  });

  it('rejects an event without detail.executionArn as InvalidInputError naming the field', async () => {
    // Prepare
    const event = statusEvent(exec('eb-x'));
    delete event.detail.executionArn;
    // Act + Assess
    await expect(handler(event, context)).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringContaining('detail.executionArn'),
      details: { field: 'detail.executionArn' },
    });
  });

  it('rejects a state machine input without outcome as InvalidInputError naming the field', async () => {
    await expect(handler({ run }, context)).rejects.toMatchObject({ name: 'InvalidInputError', details: { field: 'outcome' } });
  });
});
