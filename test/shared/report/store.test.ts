import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderReportHtml, renderReportMarkdown } from '../../../shared/report/render.ts';
import { consoleUrl, reportPrefix, trendKey, writeRunReport } from '../../../shared/report/store.ts';
import { trendEntry } from '../../../shared/report/trend.ts';
import type { RunReport, TrendEntry } from '../../../shared/report/types.ts';
import { awsError } from '../../functions/lambda.ts';

const s3 = mockClient(S3Client);
const BUCKET = 'dr-autopilot-reports-123456789012';
const REGION = 'ap-northeast-3';
const EXECUTION_ID = 'arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:run-1';
/** reports/<plan>/<incident start, ':' and '.' as '-'>-<execution name>/ */
const PREFIX = 'reports/dataset-platform/2026-11-29T01-05-00-000Z-run-1/';

/** A deployed run of the example plan's database-failure scenario, started at `startedAt`. */
const report = (startedAt = '2026-11-29T01:05:00.000Z', over: Partial<RunReport> = {}): RunReport => ({
  plan: 'dataset-platform',
  scenario: 'database-failure',
  mode: 'run',
  outcome: 'recovered',
  reason: null,
  startedAt,
  finishedAt: '2026-11-29T02:00:00.000Z',
  executionId: EXECUTION_ID,
  tiers: [{ id: 'tier-1', order: 1, rtoTargetMinutes: 15, achievedMinutes: 12, met: true, status: 'recovered', startedAt, finishedAt: '2026-11-29T01:17:00.000Z' }],
  components: [{
    id: 'core-database', tier: 'tier-1', type: 'rds-promote-replica', status: 'recovered', startedAt, finishedAt: '2026-11-29T01:17:00.000Z',
    attempts: 1, error: null, lastStatus: 'done', retries: [],
  }],
  checks: [],
  rpo: [{ dataClass: 'transaction', targetMinutes: 5, measuredMinutes: 3, met: true, source: 'heartbeat', uncertaintyMinutes: 1, replicaLagMinutes: 0.52 }],
  ...over,
});

const logger = { warn: vi.fn(), info: vi.fn() };
const deps = () => ({ s3: new S3Client({ region: REGION }), bucket: BUCKET, region: REGION, logger });
/** A GetObject body as the SDK returns it (only what readTrend uses). */
const body = (text: string) => ({ transformToString: async () => text }) as never;
const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
const putBody = (key: string) => String(puts().find((p) => p.Key === key)?.Body);

describe('shared/report/store', () => {
  beforeEach(() => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
    s3.on(PutObjectCommand).resolves({});
  });
  afterEach(() => {
    s3.reset();
    vi.clearAllMocks();
  });

  it('names the prefix after the plan, the incident start and the execution\'s name; the link is the console page of report.html', () => {
    // Act / Assess
    expect(reportPrefix('dataset-platform', '2026-11-29T01:05:00.000Z', EXECUTION_ID)).toBe(PREFIX);
    expect(trendKey('dataset-platform')).toBe('reports/dataset-platform/trend.json');
    expect(consoleUrl(BUCKET, REGION, `${PREFIX}report.html`)).toBe(
      'https://ap-northeast-3.console.aws.amazon.com/s3/object/dr-autopilot-reports-123456789012?region=ap-northeast-3&prefix=reports%2Fdataset-platform%2F2026-11-29T01-05-00-000Z-run-1%2Freport.html',
    );
  });

  it('first run (no trend.json yet): reads the trend, writes report.json, .md, .html, then trend.json, and returns the link', async () => {
    // Prepare: the beforeEach has no trend.json (NoSuchKey).
    const run = report();
    // Act
    const link = await writeRunReport(deps(), run);
    // Assess
    expect(link).toEqual({
      uri: `s3://${BUCKET}/${PREFIX}`,
      url: `https://ap-northeast-3.console.aws.amazon.com/s3/object/${BUCKET}?region=ap-northeast-3&prefix=reports%2Fdataset-platform%2F2026-11-29T01-05-00-000Z-run-1%2Freport.html`,
    });
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: BUCKET, Key: 'reports/dataset-platform/trend.json' }]);
    expect(puts().map(({ Body: _body, ...input }) => input)).toEqual([
      { Bucket: BUCKET, Key: `${PREFIX}report.json`, ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' },
      { Bucket: BUCKET, Key: `${PREFIX}report.md`, ContentType: 'text/markdown; charset=utf-8', ChecksumAlgorithm: 'SHA256' },
      { Bucket: BUCKET, Key: `${PREFIX}report.html`, ContentType: 'text/html; charset=utf-8', ChecksumAlgorithm: 'SHA256' },
      { Bucket: BUCKET, Key: 'reports/dataset-platform/trend.json', ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' },
    ]);
    const full = { ...run, trend: [trendEntry(run)] };
    expect(JSON.parse(putBody(`${PREFIX}report.json`))).toEqual(full);
    expect(putBody(`${PREFIX}report.json`)).toBe(`${JSON.stringify(full, null, 2)}\n`);
    expect(putBody(`${PREFIX}report.md`)).toBe(renderReportMarkdown(full));
    expect(putBody(`${PREFIX}report.html`)).toBe(renderReportHtml(full));
    expect(putBody('reports/dataset-platform/trend.json')).toBe(`${JSON.stringify([trendEntry(run)], null, 2)}\n`);
    // A trend not there yet is no warning.
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledExactlyOnceWith('Run report written', { bucket: BUCKET, prefix: PREFIX, trendRuns: 1 });
  });

  it('second run: the trend read back gets this run first, in report.json and in trend.json', async () => {
    // Prepare: the first run's trend.json, as the first run wrote it.
    const first = report('2026-11-01T03:00:00.000Z', { outcome: 'failed', reason: 'tier tier-1 failed' });
    s3.on(GetObjectCommand).resolves({ Body: body(`${JSON.stringify([trendEntry(first)], null, 2)}\n`) });
    const second = report();
    // Act
    const link = await writeRunReport(deps(), second);
    // Assess
    expect(link).toEqual({ uri: `s3://${BUCKET}/${PREFIX}`, url: consoleUrl(BUCKET, REGION, `${PREFIX}report.html`) });
    const trend = [trendEntry(second), trendEntry(first)];
    expect(JSON.parse(putBody(`${PREFIX}report.json`))).toEqual({ ...second, trend });
    expect(JSON.parse(putBody('reports/dataset-platform/trend.json'))).toEqual(trend);
    expect(putBody(`${PREFIX}report.md`)).toContain('| 2026-11-01 03:00 | database-failure | run | failed | 12 / 15 | 3 / 5 |');
    expect(logger.info).toHaveBeenCalledExactlyOnceWith('Run report written', { bucket: BUCKET, prefix: PREFIX, trendRuns: 2 });
  });

  it('a run written again (a retried Summarise Run) replaces its trend entry and writes the same keys', async () => {
    // Prepare: trend.json already holds this run (as the earlier attempt failed).
    const run = report();
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify([trendEntry({ ...run, outcome: 'failed' })])) });
    // Act
    await writeRunReport(deps(), run);
    // Assess
    expect(JSON.parse(putBody('reports/dataset-platform/trend.json'))).toEqual([trendEntry(run)]);
    expect(puts().map((p) => p.Key)).toEqual([`${PREFIX}report.json`, `${PREFIX}report.md`, `${PREFIX}report.html`, 'reports/dataset-platform/trend.json']);
  });

  it('a trend.json that is not JSON is said in the log and treated as empty', async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: body('{"startedAt": "2026-11-01T') });
    const run = report();
    // Act
    const link = await writeRunReport(deps(), run);
    // Assess
    expect(link).toEqual({ uri: `s3://${BUCKET}/${PREFIX}`, url: consoleUrl(BUCKET, REGION, `${PREFIX}report.html`) });
    expect(logger.warn).toHaveBeenCalledExactlyOnceWith('Trend is not JSON: starting a new one', { errorName: 'SyntaxError', errorMessage: expect.any(String) });
    expect(JSON.parse(putBody('reports/dataset-platform/trend.json'))).toEqual([trendEntry(run)]);
  });

  it('a trend.json of the wrong shape keeps only its trend entries, with no warning', async () => {
    // Prepare: an object (not an array); then an array with junk around one real entry.
    const earlier: TrendEntry = trendEntry(report('2026-11-01T03:00:00.000Z'));
    s3.on(GetObjectCommand).resolvesOnce({ Body: body('{"runs": []}') }).resolvesOnce({ Body: body(JSON.stringify([null, 'x', { startedAt: 1 }, earlier, []])) });
    const run = report();
    // Act
    await writeRunReport(deps(), run);
    await writeRunReport(deps(), run);
    // Assess
    const [first, second] = puts().filter((p) => p.Key === 'reports/dataset-platform/trend.json').map((p) => JSON.parse(String(p.Body)) as unknown);
    expect(first).toEqual([trendEntry(run)]);
    expect(second).toEqual([trendEntry(run), earlier]);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('a trend.json S3 will not give (AccessDenied) is said in the log; the report shows this run, and the trend is not overwritten', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
    const run = report();
    // Act
    const link = await writeRunReport(deps(), run);
    // Assess
    expect(link).toEqual({ uri: `s3://${BUCKET}/${PREFIX}`, url: consoleUrl(BUCKET, REGION, `${PREFIX}report.html`) });
    expect(logger.warn).toHaveBeenCalledExactlyOnceWith('Trend not readable: this report shows this run only, and the trend is left as it is', { errorName: 'AccessDenied', errorMessage: 'Access Denied' });
    expect(puts().map((p) => p.Key)).toEqual([`${PREFIX}report.json`, `${PREFIX}report.md`, `${PREFIX}report.html`]);
    expect((JSON.parse(putBody(`${PREFIX}report.json`)) as { trend: TrendEntry[] }).trend).toEqual([trendEntry(run)]);
  });

  it('PutObject AccessDenied: returns { error } naming it, logged, and does not throw', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
    // Act
    const link = await writeRunReport(deps(), report());
    // Assess
    expect(link).toEqual({ error: 'AccessDenied: Access Denied' });
    // The first write failed, so nothing else was written (trend.json last: it never names a run whose report is missing).
    expect(puts().map((p) => p.Key)).toEqual([`${PREFIX}report.json`]);
    expect(logger.warn).toHaveBeenCalledExactlyOnceWith('Run report not written', { bucket: BUCKET, errorName: 'AccessDenied', errorMessage: 'Access Denied' });
    expect(logger.info).not.toHaveBeenCalled();
  });

  it('a failure after the report files (trend.json) is still { error }: the trend is not updated', async () => {
    // Prepare
    s3.on(PutObjectCommand, { Key: 'reports/dataset-platform/trend.json' }).rejects(awsError('SlowDown', 'Please reduce your request rate.', 503));
    // Act
    const link = await writeRunReport(deps(), report());
    // Assess
    expect(link).toEqual({ error: 'SlowDown: Please reduce your request rate.' });
    expect(puts().map((p) => p.Key)).toEqual([`${PREFIX}report.json`, `${PREFIX}report.md`, `${PREFIX}report.html`, 'reports/dataset-platform/trend.json']);
  });

  it('an error is cut to 300 characters', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(awsError('InternalError', 'x'.repeat(500), 500));
    // Act
    const link = await writeRunReport(deps(), report());
    // Assess
    expect(link).toEqual({ error: `InternalError: ${'x'.repeat(300 - 'InternalError: '.length)}` });
  });

  it('a run without an execution id is written under <start>-run/', async () => {
    // Act
    const link = await writeRunReport(deps(), report('2026-11-29T01:05:00.000Z', { executionId: undefined }));
    // Assess
    expect(link).toEqual({
      uri: `s3://${BUCKET}/reports/dataset-platform/2026-11-29T01-05-00-000Z-run/`,
      url: consoleUrl(BUCKET, REGION, 'reports/dataset-platform/2026-11-29T01-05-00-000Z-run/report.html'),
    });
  });
});
