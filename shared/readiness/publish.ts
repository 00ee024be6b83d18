import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { StateDeps } from '../state/table.ts';
import type { ReadinessReport } from './assess.ts';
import { changesSince, readReadinessRecord, recordOf, writeReadinessRecord, type ReadinessChange } from './record.ts';
import { readinessNotice } from './render.ts';

export interface ReadinessOutcome {
  status: ReadinessReport['status'];
  notReady: number;
  atRisk: number;
  changes: ReadinessChange[];
  /** The notice's SNS MessageId when one was published. */
  noticeMessageId?: string;
}

/** Counts over components, system checks and forecasts (the metric's values). */
function counts(report: ReadinessReport): { notReady: number; atRisk: number } {
  const statuses = [
    ...report.components.map((c) => c.status),
    ...report.system.map((f) => f.status),
    ...report.forecast.rto.flatMap((s) => s.tiers.map((t) => t.status)),
    ...report.forecast.rpo.map((r) => r.status),
  ];
  return { notReady: statuses.filter((s) => s === 'not-ready').length, atRisk: statuses.filter((s) => s === 'at-risk').length };
}

/**
 * Publishes what an assessment found: the metrics ReadinessNotReady and ReadinessAtRisk (Count,
 * dimension `plan`; the deployed alarm watches the first), the internal notice when anything changed
 * since the last assessment (state table), and the new record. The record is written only after the
 * notice went out, so a notice that failed is sent again by the next assessment.
 */
export async function publishReadiness(
  deps: {
    state: Pick<StateDeps, 'ddb' | 'tableName'>;
    /** The SNS client, built on its first use: most assessments change nothing and send no notice. */
    sns: () => SNSClient;
    internalTopicArn: string | undefined;
    metrics: Metrics;
    logger: Pick<Logger, 'info' | 'warn'>;
  },
  report: ReadinessReport,
): Promise<ReadinessOutcome> {
  const { notReady, atRisk } = counts(report);
  deps.metrics.addDimension('plan', report.plan);
  deps.metrics.addMetric('ReadinessNotReady', MetricUnit.Count, notReady);
  deps.metrics.addMetric('ReadinessAtRisk', MetricUnit.Count, atRisk);
  const current = recordOf(report);
  const changes = changesSince(await readReadinessRecord(deps.state, report.plan), current);
  let noticeMessageId: string | undefined;
  if (changes.length > 0) {
    if (!deps.internalTopicArn) throw new Error('INTERNAL_TOPIC_ARN is not set: a readiness change cannot be told to operations');
    const notice = readinessNotice(report, changes);
    const out = await deps.sns().send(new PublishCommand({
      TopicArn: deps.internalTopicArn,
      Subject: notice.subject,
      Message: notice.message,
      MessageAttributes: {
        audience: { DataType: 'String', StringValue: 'internal' },
        stage: { DataType: 'String', StringValue: 'readiness-changed' },
        status: { DataType: 'String', StringValue: report.status },
      },
    }));
    noticeMessageId = out.MessageId;
  }
  await writeReadinessRecord(deps.state, report.plan, current);
  deps.logger.info('Readiness assessed', { plan: report.plan, status: report.status, notReady, atRisk, changes: changes.length });
  return { status: report.status, notReady, atRisk, changes, ...(noticeMessageId ? { noticeMessageId } : {}) };
}
