import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/record-component.ts';
import { OUTCOME_MESSAGE_CHARS } from '../../shared/run/component-outcome.ts';
import type { ActionRecord, ComponentTask, RunState } from '../../shared/run/types.ts';
import { componentOf, exampleRun } from '../shared/run/fixtures.ts';
import { startDynalite, useStateTable, type LocalDynamo } from '../support/dynalite.ts';
import { lambdaContext } from './lambda.ts';

const context = lambdaContext('record-component');
const action: ActionRecord = {
  startedAt: '2026-11-29T01:06:00.000Z',
  deadline: '2026-11-29T01:36:00.000Z',
  done: true,
  nextCheckSeconds: 1,
  status: 'running 3/3, 1 deployment(s)',
  state: {},
  observations: { runningCount: 3, desiredCount: 3 },
  attempts: 1,
  polls: 5,
  awaitingConfirmation: false,
  finishedAt: '2026-11-29T01:10:30.000Z',
};

let state: RunState;
let auth: ComponentTask;
let local: LocalDynamo;

describe('functions/record-component', () => {
  beforeAll(async () => {
    state = await exampleRun();
    auth = componentOf(state, 'authentication');
    local = await startDynalite();
  });
  afterAll(() => local.stop());
  beforeEach(() => {
    useStateTable(local);
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-29T01:40:00.000Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it('keeps the result in the state table under the incident, for a resumed run', async () => {
    // Act
    const result = await handler({ run: state.run, component: auth, action } as never, context);
    // Assess
    const stored = await local.ddb.send(new GetCommand({ TableName: local.tableName, Key: { id: `incident#${state.run.incidentId}`, sk: 'component#authentication' } }));
    // The table keeps the full result; the run's state gets the outcome only.
    expect(stored.Item).toMatchObject({ executionId: state.run.executionId, result: { ...result, polls: 5, lastStatus: action.status, observations: action.observations, verification: [] } });
  });

  it("records a recovered component from the branch's state (run, component, action), returning its outcome", async () => {
    const result = await handler({ run: state.run, component: auth, action } as never, context);
    expect(result).toEqual({ id: 'authentication', tier: 'tier-1', type: 'ecs-scale', status: 'recovered', startedAt: action.startedAt, finishedAt: action.finishedAt, attempts: 1, error: null });
  });

  it('cuts a long error message in the outcome; the table keeps it whole', async () => {
    const message = 'm'.repeat(2_000);
    const error = { Error: 'ActionFailedError', Cause: JSON.stringify({ errorType: 'ActionFailedError', errorMessage: message, trace: [] }) };
    const result = await handler({ run: state.run, component: auth, action: { ...action, done: false }, error } as never, context);
    expect(result.error?.message).toHaveLength(OUTCOME_MESSAGE_CHARS);
    expect(result.error?.message.endsWith('…')).toBe(true);
    const stored = await local.ddb.send(new GetCommand({ TableName: local.tableName, Key: { id: `incident#${state.run.incidentId}`, sk: 'component#authentication' } }));
    expect((stored.Item?.result as { error: { message: string } }).error.message).toBe(message);
  });

  it('records the error the state machine caught', async () => {
    const error = { Error: 'ActionTimedOutError', Cause: JSON.stringify({ errorType: 'ActionTimedOutError', errorMessage: 'authentication did not recover within 30 min', trace: [] }) };
    const result = await handler({ run: state.run, component: auth, action: { ...action, done: false }, error } as never, context);
    expect(result).toMatchObject({
      status: 'failed',
      finishedAt: '2026-11-29T01:40:00.000Z',
      error: { name: 'ActionTimedOutError', message: 'authentication did not recover within 30 min' },
    });
  });
});
