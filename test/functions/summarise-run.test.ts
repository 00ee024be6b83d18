import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/summarise-run.ts';
import { recordComponentResult, recordRunStart } from '../../shared/state/run-records.ts';
import { recordTier } from '../../shared/run/tiers.ts';
import type { RunState } from '../../shared/run/types.ts';
import { outcomeOf } from '../../shared/run/component-outcome.ts';
import { consoleStart, EXECUTION_ID, exampleRun, failedResult, recoveredResult, silentLogger, tierComponents } from '../shared/run/fixtures.ts';
import { readActiveRegion } from '../../shared/state/active-region.ts';
import { startDynalite, useStateTable, type LocalDynamo } from '../support/dynalite.ts';
import { awsError, lambdaContext } from './lambda.ts';

const context = lambdaContext('summarise-run');
const s3 = mockClient(S3Client);
const REPORT_BUCKET = 'dr-autopilot-reports-123456789012';
/** reports/<plan>/<incident start>-<execution name>/ of the example run. */
const REPORT_PREFIX = 'reports/dataset-platform/2026-11-29T01-05-00-000Z-run-1/';
let state: RunState;
let local: LocalDynamo;

describe('functions/summarise-run', () => {
  beforeAll(async () => {
    state = await exampleRun(consoleStart({ scenario: 'database-failure' }));
    local = await startDynalite();
    useStateTable(local);
    const deps = { ddb: local.ddb, tableName: local.tableName, now: () => new Date(), logger: silentLogger() };
    await recordRunStart(deps, { incidentId: state.run.incidentId, executionId: state.run.executionId, plan: state.run.plan, scenario: state.run.scenario, incidentStartedAt: state.run.incidentStartedAt, executionStartedAt: state.run.incidentStartedAt });
  });
  afterAll(() => local.stop());
  beforeEach(() => {
    useStateTable(local);
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-29T02:00:00.000Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    s3.reset();
  });

  it('takes each component\'s checks and observations from the state table; the output names them without their details', async () => {
    // Prepare: the full result in the table, the outcome in the state.
    const db = state.tiers[0]!.components[0]!;
    const check = { component: db.id, name: 'writable', type: 'postgres-writable' as const, advisory: false, status: 'passed' as const, detail: 'INSERT … committed', observations: { ms: 12 }, checkedAt: '2026-11-29T01:17:00.000Z' };
    const full = { ...recoveredResult(db, '2026-11-29T01:05:00.000Z', '2026-11-29T01:17:00.000Z'), observations: { replicaLagSeconds: 31 }, verification: [check] };
    const deps = { ddb: local.ddb, tableName: local.tableName, now: () => new Date(), logger: silentLogger() };
    await recordComponentResult(deps, { incidentId: state.run.incidentId, executionId: state.run.executionId, result: full });
    const done = recordTier(state, [outcomeOf(full)]);
    // Act
    const summary = await handler(done, context);
    // Assess
    expect(summary.checks).toEqual([{ component: db.id, name: 'writable', type: 'postgres-writable', advisory: false, status: 'passed' }]);
    expect(summary.components).toEqual([outcomeOf(full)]);
    // The measured RPO reads the recorded observations (the replica lag lost at promotion).
    expect(summary.rpo).toEqual([expect.objectContaining({ dataClass: 'transaction', replicaLagMinutes: 0.52 })]);
  });

  it('fails with UnexpectedStateError naming the execution when the state table has no record of the run', async () => {
    const other = { ...state, run: { ...state.run, executionId: 'arn:aws:states:ap-northeast-3:123456789012:execution:f:not-recorded' } };
    await expect(handler(other, context)).rejects.toMatchObject({
      name: 'UnexpectedStateError', message: 'state table: no run record of arn:aws:states:ap-northeast-3:123456789012:execution:f:not-recorded, so its components\' results cannot be read',
    });
  });

  it('summarises a recovered run, finished now', async () => {
    const done = recordTier(state, [recoveredResult(state.tiers[0]!.components[0]!, '2026-11-29T01:05:00.000Z', '2026-11-29T01:17:00.000Z')]);
    const summary = await handler(done, context);
    expect(summary).toMatchObject({ scenario: 'database-failure', outcome: 'recovered', reason: null, finishedAt: '2026-11-29T02:00:00.000Z' });
    expect(summary.tiers).toEqual([expect.objectContaining({ id: 'tier-1', achievedMinutes: 12, met: true })]);
  });

  it('records the secondary region as active after a recovery that failed DNS over, not after one that recovered a database in place', async () => {
    // Prepare: the database-failure run (no route53-failover), then a region outage with every tier recovered.
    const table = { ddb: local.ddb, tableName: local.tableName };
    const inPlace = recordTier(state, [recoveredResult(state.tiers[0]!.components[0]!, '2026-11-29T01:05:00.000Z', '2026-11-29T01:17:00.000Z')]);
    let outage = await exampleRun(consoleStart({ scenario: 'region-outage' }));
    for (let i = 0; i < outage.tierCount; i++) outage = recordTier(outage, tierComponents(outage, i).map((c) => recoveredResult(c, '2026-11-29T01:05:00.000Z', '2026-11-29T01:40:00.000Z')));
    // Act
    await handler(inPlace, context);
    const afterInPlace = await readActiveRegion(table, 'dataset-platform');
    const summary = await handler(outage, context);
    // Assess
    expect(afterInPlace).toBeNull();
    expect(summary.outcome).toBe('recovered');
    expect(await readActiveRegion(table, 'dataset-platform')).toEqual({ region: 'ap-northeast-3', since: '2026-11-29T02:00:00.000Z', executionId: EXECUTION_ID, scenario: 'region-outage' });
  });

  it('summarises a failed run with the reason', async () => {
    const failed = recordTier(state, [
      failedResult(state.tiers[0]!.components[0]!, '2026-11-29T01:05:00.000Z', '2026-11-29T01:06:00.000Z', { name: 'ActionFailedError', message: 'promotion failed' }),
    ]);
    const summary = await handler(failed, context);
    expect(summary).toMatchObject({ outcome: 'failed', reason: 'tier tier-1 failed: core-database (ActionFailedError: promotion failed)' });
  });
  describe('the run\'s report (REPORT_BUCKET)', () => {
    beforeEach(() => {
      s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
      s3.on(PutObjectCommand).resolves({});
    });
    const recovered = () => recordTier(state, [recoveredResult(state.tiers[0]!.components[0]!, '2026-11-29T01:05:00.000Z', '2026-11-29T01:17:00.000Z')]);

    it('with REPORT_BUCKET: writes report.json, .md, .html and trend.json, and the output adds where the report is', async () => {
      // Prepare: the output without a bucket, to compare with.
      vi.stubEnv('REPORT_BUCKET', undefined);
      const without = await handler(recovered(), context);
      vi.stubEnv('REPORT_BUCKET', REPORT_BUCKET);
      // Act
      const output = await handler(recovered(), context);
      // Assess
      expect(output).toEqual({
        ...without,
        report: {
          uri: `s3://${REPORT_BUCKET}/${REPORT_PREFIX}`,
          url: `https://ap-northeast-3.console.aws.amazon.com/s3/object/${REPORT_BUCKET}?region=ap-northeast-3&prefix=${encodeURIComponent(`${REPORT_PREFIX}report.html`)}`,
        },
      });
      expect(s3).toHaveReceivedCommandExactlyOnceWith(GetObjectCommand, { Bucket: REPORT_BUCKET, Key: 'reports/dataset-platform/trend.json' });
      const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
      expect(puts.map(({ Bucket, Key, ContentType, ChecksumAlgorithm }) => ({ Bucket, Key, ContentType, ChecksumAlgorithm }))).toEqual([
        { Bucket: REPORT_BUCKET, Key: `${REPORT_PREFIX}report.json`, ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' },
        { Bucket: REPORT_BUCKET, Key: `${REPORT_PREFIX}report.md`, ContentType: 'text/markdown; charset=utf-8', ChecksumAlgorithm: 'SHA256' },
        { Bucket: REPORT_BUCKET, Key: `${REPORT_PREFIX}report.html`, ContentType: 'text/html; charset=utf-8', ChecksumAlgorithm: 'SHA256' },
        { Bucket: REPORT_BUCKET, Key: 'reports/dataset-platform/trend.json', ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' },
      ]);
      // report.json: the run's report (mode run, its execution) with the trend of this one run.
      expect(JSON.parse(String(puts[0]!.Body))).toMatchObject({
        plan: 'dataset-platform', scenario: 'database-failure', mode: 'run', outcome: 'recovered', reason: null, executionId: EXECUTION_ID,
        startedAt: '2026-11-29T01:05:00.000Z', finishedAt: '2026-11-29T02:00:00.000Z',
        tiers: [expect.objectContaining({ id: 'tier-1', achievedMinutes: 12, met: true })],
        trend: [{ startedAt: '2026-11-29T01:05:00.000Z', scenario: 'database-failure', mode: 'run', outcome: 'recovered', tiers: [{ id: 'tier-1', rtoTargetMinutes: expect.any(Number), achievedMinutes: 12, met: true }], rpo: expect.any(Array) }],
      });
      expect(String(puts[1]!.Body)).toMatch(/^# Run report: dataset-platform \/ database-failure\n/);
    });

    it('with S3 failing: the output has report { error } and is otherwise unchanged (the run does not fail)', async () => {
      // Prepare
      vi.stubEnv('REPORT_BUCKET', undefined);
      const without = await handler(recovered(), context);
      vi.stubEnv('REPORT_BUCKET', REPORT_BUCKET);
      s3.on(PutObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
      // Act
      const output = await handler(recovered(), context);
      // Assess
      expect(output).toEqual({ ...without, report: { error: 'AccessDenied: Access Denied' } });
      expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    });

    it('without REPORT_BUCKET: no S3 call and no report key', async () => {
      // Prepare
      vi.stubEnv('REPORT_BUCKET', undefined);
      // Act
      const output = await handler(recovered(), context);
      // Assess
      expect(s3.calls()).toHaveLength(0);
      expect(output).not.toHaveProperty('report');
      expect(output).toMatchObject({ scenario: 'database-failure', outcome: 'recovered' });
    });
  });
});
