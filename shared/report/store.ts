import type { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RunReportLink } from '../run/types.ts';
import { renderReportHtml, renderReportMarkdown } from './render.ts';
import { isTrendEntry, withRun } from './trend.ts';
import type { RunReport, TrendEntry } from './types.ts';

/**
 * Where a run's report goes: `reports/<plan>/<incident start>-<execution name>/report.{json,md,html}`
 * in the report bucket (REPORT_BUCKET, in the recovery region), and the plan's trend beside them,
 * `reports/<plan>/trend.json`: the last runs' RTO and RPO, read and rewritten by each run (one run of
 * a plan at a time: the recovery lock), so no listing is needed.
 */
export const reportPrefix = (plan: string, startedAt: string, executionId: string) =>
  `reports/${plan}/${startedAt.replace(/[:.]/g, '-')}-${executionId.split(':').at(-1) ?? 'run'}/`;
export const trendKey = (plan: string) => `reports/${plan}/trend.json`;

/** The S3 console page of an object (the operator's link in the final notice). */
export const consoleUrl = (bucket: string, region: string, key: string) =>
  `https://${region}.console.aws.amazon.com/s3/object/${bucket}?region=${region}&prefix=${encodeURIComponent(key)}`;

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound']);

/**
 * The plan's trend so far: none yet is an empty one; entries that are not trend entries are dropped.
 * `keep: false` when S3 would not give it (access, throttling, an error): the history is still there,
 * so it must not be overwritten with this run alone.
 */
async function readTrend(s3: S3Client, bucket: string, plan: string, logger: Pick<Logger, 'warn'>): Promise<{ entries: TrendEntry[]; rewrite: boolean }> {
  let text: string;
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: trendKey(plan) }));
    text = (await out.Body?.transformToString('utf-8')) ?? '[]';
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    if (NOT_FOUND.has(name)) return { entries: [], rewrite: true };
    logger.warn('Trend not readable: this report shows this run only, and the trend is left as it is', { errorName: name, errorMessage: error instanceof Error ? error.message : String(error) });
    return { entries: [], rewrite: false };
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return { entries: Array.isArray(parsed) ? parsed.filter(isTrendEntry) : [], rewrite: true };
  } catch (error) {
    // A trend that is not JSON holds nothing to keep: it is rewritten from this run.
    logger.warn('Trend is not JSON: starting a new one', { errorName: (error as Error).name, errorMessage: (error as Error).message });
    return { entries: [], rewrite: true };
  }
}

/**
 * Writes the run's report (JSON, Markdown, HTML) with the trend of the plan's runs (this one
 * first), then the trend itself. Same keys for the same execution: a retried write replaces, never
 * duplicates. Never throws: a report that cannot be written is `{ error }` (the run's outcome does not
 * depend on it), logged.
 */
export async function writeRunReport(
  deps: { s3: S3Client; bucket: string; region: string; logger: Pick<Logger, 'warn' | 'info'> },
  report: RunReport,
): Promise<RunReportLink> {
  const { s3, bucket } = deps;
  try {
    const history = await readTrend(s3, bucket, report.plan, deps.logger);
    const trend = withRun(history.entries, report);
    const full: RunReport = { ...report, trend };
    const prefix = reportPrefix(report.plan, report.startedAt, report.executionId ?? 'run');
    const put = (key: string, body: string, type: string) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: type, ChecksumAlgorithm: 'SHA256' }));
    await put(`${prefix}report.json`, `${JSON.stringify(full, null, 2)}\n`, 'application/json');
    await put(`${prefix}report.md`, renderReportMarkdown(full), 'text/markdown; charset=utf-8');
    await put(`${prefix}report.html`, renderReportHtml(full), 'text/html; charset=utf-8');
    if (history.rewrite) await put(trendKey(report.plan), `${JSON.stringify(trend, null, 2)}\n`, 'application/json');
    deps.logger.info('Run report written', { bucket, prefix, trendRuns: trend.length });
    return { uri: `s3://${bucket}/${prefix}`, url: consoleUrl(bucket, deps.region, `${prefix}report.html`) };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.warn('Run report not written', { bucket, errorName: name, errorMessage: message });
    return { error: `${name}: ${message}`.slice(0, 300) };
  }
}
