import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ComponentResult } from '../../../shared/run/types.ts';
import { loadIncident, recordComponentResult, recordRunStart, RUN_RECORD_TTL_DAYS } from '../../../shared/state/run-records.ts';
import type { StateDeps } from '../../../shared/state/table.ts';
import { startDynalite, type LocalDynamo } from '../../support/dynalite.ts';
import { silentLogger } from '../run/fixtures.ts';

const exec = (name: string) => `arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:${name}`;
const T0 = new Date('2026-11-29T01:05:00.000Z');
const INCIDENT_START = '2026-11-29T00:40:00.000Z';
const EXPIRATION = Math.floor(T0.getTime() / 1000) + RUN_RECORD_TTL_DAYS * 86_400;

let local: LocalDynamo;
let deps: StateDeps;
const clock = { now: T0 };

const result = (id: string, status: ComponentResult['status'], over: Partial<ComponentResult> = {}): ComponentResult => ({
  id,
  tier: 'tier-1',
  type: 'rds-replica-promotion',
  status,
  startedAt: '2026-11-29T01:06:00.000Z',
  finishedAt: '2026-11-29T01:16:00.000Z',
  attempts: 1,
  polls: 3,
  lastStatus: status === 'recovered' ? 'available' : 'modifying',
  observations: { replicaLagSeconds: 2.5, endpoints: ['db.osaka.example.com'], nested: { ok: true, note: null } },
  error: status === 'failed' ? { name: 'ActionTimedOutError', message: 'core-database: not available after 30 min' } : null,
  verification: [],
  ...over,
});

describe('run records (against dynalite)', () => {
  beforeAll(async () => {
    local = await startDynalite();
    deps = { ddb: local.ddb, tableName: local.tableName, now: () => clock.now, logger: silentLogger() };
  });
  afterAll(async () => {
    await local.stop();
  });

  it('stores a run under its incident and a pointer from its execution, both expiring after 90 days', async () => {
    // Prepare
    const incidentId = exec('layout-1');
    // Act
    await recordRunStart(deps, { incidentId, executionId: incidentId, plan: 'dataset-platform', scenario: 'region-outage', incidentStartedAt: INCIDENT_START });
    // Assess
    const run = await local.ddb.send(new GetCommand({ TableName: local.tableName, Key: { id: `incident#${incidentId}`, sk: `run#${incidentId}` } }));
    expect(run.Item).toEqual({
      id: `incident#${incidentId}`,
      sk: `run#${incidentId}`,
      incidentId,
      executionId: incidentId,
      plan: 'dataset-platform',
      scenario: 'region-outage',
      incidentStartedAt: INCIDENT_START,
      executionStartedAt: T0.toISOString(),
      expiration: EXPIRATION,
    });
    const pointer = await local.ddb.send(new GetCommand({ TableName: local.tableName, Key: { id: `execution#${incidentId}`, sk: 'run' } }));
    expect(pointer.Item).toEqual({
      id: `execution#${incidentId}`,
      sk: 'run',
      incidentId,
      executionId: incidentId,
      plan: 'dataset-platform',
      scenario: 'region-outage',
      incidentStartedAt: INCIDENT_START,
      expiration: EXPIRATION,
    });
  });

  it('round-trips an incident resumed once: both runs in order, the latest result of each component', async () => {
    // Prepare
    const first = exec('incident-2-run-1');
    const resume = exec('incident-2-run-2');
    const base = { incidentId: first, plan: 'dataset-platform', scenario: 'region-outage', incidentStartedAt: INCIDENT_START };
    // Recorded out of order on purpose: runs are ordered by their execution's start.
    await recordRunStart(deps, { ...base, executionId: resume, executionStartedAt: '2026-11-29T03:00:00.000Z', resumeOf: first });
    await recordRunStart(deps, { ...base, executionId: first, executionStartedAt: '2026-11-29T01:05:00.000Z' });
    await recordComponentResult(deps, { incidentId: first, executionId: first, result: result('core-database', 'recovered') });
    await recordComponentResult(deps, { incidentId: first, executionId: first, result: result('authentication', 'failed', { type: 'ecs-scale' }) });
    await recordComponentResult(deps, { incidentId: first, executionId: resume, result: result('authentication', 'recovered', { type: 'ecs-scale', attempts: 2 }) });
    // Act
    const fromResume = await loadIncident(deps, resume);
    const fromFirst = await loadIncident(deps, first);
    // Assess
    expect(fromResume).toEqual({
      incidentId: first,
      plan: 'dataset-platform',
      scenario: 'region-outage',
      incidentStartedAt: INCIDENT_START,
      executions: [first, resume],
      components: [
        { ...result('authentication', 'recovered', { type: 'ecs-scale', attempts: 2 }), executionId: resume },
        { ...result('core-database', 'recovered'), executionId: first },
      ],
    });
    expect(fromFirst).toEqual(fromResume);
  });

  it('keeps the first record when a run start is recorded again (retry, redrive)', async () => {
    // Prepare
    const id = exec('incident-3');
    const run = { incidentId: id, executionId: id, plan: 'dataset-platform', scenario: 'region-outage', incidentStartedAt: INCIDENT_START };
    await recordRunStart(deps, run);
    clock.now = new Date(T0.getTime() + 60_000);
    // Act
    await recordRunStart(deps, run);
    // Assess
    const incident = await loadIncident(deps, id);
    expect(incident.executions).toEqual([id]);
    const stored = await local.ddb.send(new GetCommand({ TableName: local.tableName, Key: { id: `incident#${id}`, sk: `run#${id}` } }));
    expect(stored.Item).toMatchObject({ executionStartedAt: T0.toISOString(), expiration: EXPIRATION });
    clock.now = T0;
  });

  it('reads every page of a large incident', async () => {
    // Prepare
    const id = exec('incident-4');
    await recordRunStart(deps, { incidentId: id, executionId: id, plan: 'dataset-platform', scenario: 'region-outage', incidentStartedAt: INCIDENT_START });
    const ids = Array.from({ length: 25 }, (_, i) => `component-${String(i).padStart(2, '0')}`);
    for (const c of ids) await recordComponentResult(deps, { incidentId: id, executionId: id, result: result(c, 'recovered') });
    const send = vi.spyOn(local.ddb, 'send');
    // Act
    const incident = await loadIncident(deps, id, { pageSize: 4 });
    // Assess
    expect(incident.components.map((c) => c.id)).toEqual(ids);
    expect(incident.executions).toEqual([id]);
    const queries = send.mock.calls.filter(([command]) => command instanceof QueryCommand);
    expect(queries.length).toBeGreaterThanOrEqual(7); // 26 items, 4 a page
    send.mockRestore();
  });

  it('rejects an execution it has no record of as InvalidInputError on resumeOf', async () => {
    // Prepare
    const unknown = exec('never-ran');
    // Act
    const loading = loadIncident(deps, unknown);
    // Assess
    await expect(loading).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(new RegExp(`^resumeOf: no run ${unknown} is recorded .*resumeOf takes the execution ARN .* of an earlier run of this plan$`)),
      details: { field: 'resumeOf' },
    });
    await expect(loadIncident(deps, 'never-ran')).rejects.toMatchObject({ message: expect.stringContaining('"never-ran" is not an ARN') });
  });
});
