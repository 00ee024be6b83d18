import type { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AwsClients } from '../aws/clients.ts';
import { readReplicationLag } from '../aws/replica-lag.ts';
import type { LagMetricSpec } from '../components/definition.ts';
import { ageFinding, finding } from './findings.ts';
import type { ReadinessFinding } from './types.ts';

/** The replication lag a failover now would lose, read as the approval gate reads it (shared/aws/replica-lag.ts). */
export async function lagFinding(
  deps: { clients: AwsClients; logger: Pick<Logger, 'warn'>; now: Date; region: string },
  metric: LagMetricSpec,
  rpoSeconds: number | null,
): Promise<{ finding: ReadinessFinding; seconds: number | null }> {
  const lag = await readReplicationLag(deps.clients.get(CloudWatchClient, deps.region), deps.logger, deps.now, metric);
  if (lag.seconds === null) {
    return { finding: finding('replication-lag', 'at-risk', `${metric.metricName} unknown (${lag.reason ?? 'no data'}): the data a failover would lose cannot be measured`), seconds: null };
  }
  return { finding: ageFinding('replication-lag', metric.metricName, lag.seconds, rpoSeconds, ''), seconds: lag.seconds };
}
