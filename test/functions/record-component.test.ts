import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/record-component.ts';
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
    expect(stored.Item).toMatchObject({ executionId: state.run.executionId, result });
  });

  it("records a recovered component from the branch's state (run, component, action)", async () => {
    const result = await handler({ run: state.run, component: auth, action } as never, context);
    expect(result).toMatchObject({ id: 'authentication', tier: 'tier-1', status: 'recovered', startedAt: action.startedAt, finishedAt: action.finishedAt, polls: 5, error: null });
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
