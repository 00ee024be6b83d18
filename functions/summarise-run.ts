import { S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../shared/aws/clients.ts';
import { runReport } from '../shared/report/build.ts';
import { writeRunReport } from '../shared/report/store.ts';
import { runState, summariseRun, summaryOutput } from '../shared/run/tiers.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { activeRegionAfter, writeActiveRegion } from '../shared/state/active-region.ts';
import { recordedResults } from '../shared/state/run-records.ts';
import { createStateDocumentClient, stateTableName } from '../shared/state/table.ts';

const ddb = createStateDocumentClient();
const s3 = new S3Client(clientConfig(S3Client));

/**
 * The run's output: outcome, RTO achieved per tier against its target, each component's outcome and
 * each check's status. Input: the run's state (`$`); the components' full results (checks,
 * observations, for the measured RPO) are read from the state table. With REPORT_BUCKET, the run's
 * report (JSON, Markdown and HTML, with the plan's RTO/RPO trend) goes there and the output's
 * `report` says where, for the final notice; a report that cannot be written never fails the run.
 * A run that moved the system to the other region (a failover, a failback) records it (shared/state/active-region.ts).
 */
export const handler = lambdaHandler(runState, async (event) => {
  const recorded = await recordedResults({ ddb, tableName: stateTableName(), now: () => new Date(), logger }, event.run.executionId);
  const summary = summariseRun(event, new Date(), recorded);
  logger.info('Run finished', { outcome: summary.outcome, reason: summary.reason });
  const active = activeRegionAfter(summary, event.run);
  if (active) {
    await writeActiveRegion({ ddb, tableName: stateTableName() }, event.run.plan, { region: active, since: summary.finishedAt, executionId: event.run.executionId, scenario: event.run.scenario });
  }
  const bucket = process.env.REPORT_BUCKET;
  if (!bucket) return summaryOutput(summary);
  const report = await writeRunReport({ s3, bucket, region: process.env.AWS_REGION ?? '', logger }, runReport(summary, event.run.executionId));
  return { ...summaryOutput(summary), report };
});
