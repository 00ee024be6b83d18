import { Logger } from '@aws-lambda-powertools/logger';
import type { GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { createAwsClients } from '../../shared/aws/clients.ts';
import type { ReadinessContext } from '../../shared/readiness/types.ts';
import { PRIMARY, SECONDARY } from './action-context.ts';

/** What every readiness facet's context holds besides its component, clock and RPO: the example plan's regions, fresh clients (mocked per class), a silent logger. */
export const readinessDeps = (): Pick<ReadinessContext, 'regions' | 'clients' | 'logger'> => ({
  regions: { primary: PRIMARY, secondary: SECONDARY },
  clients: createAwsClients(),
  logger: new Logger({ serviceName: 'dr-autopilot-test', logLevel: 'SILENT' }),
});

/** GetMetricData's answer for a replication-lag read (shared/aws/replica-lag.ts): `[time, value]` points. */
export const lagData = (points: [string, number][]): GetMetricDataCommandOutput => ({
  $metadata: {},
  MetricDataResults: [{ Id: 'replicaLag', StatusCode: 'Complete', Timestamps: points.map(([t]) => new Date(t)), Values: points.map(([, v]) => v) }],
});

/** An AWS client error as the SDK throws it (400). */
export const awsError = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
