import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { AwsClients } from '../aws/clients.ts';
import { finding, reading } from './findings.ts';
import type { QuotaNeed, ReadinessFinding } from './types.ts';

export type { QuotaNeed } from './types.ts';


/**
 * Whether the recovery region's quota holds the scale-up. The quota is the account's in that region,
 * shared with whatever else runs there: a quota below the need is not ready; one that holds it with
 * less than a quarter to spare is at risk (other workloads use it too).
 */
export async function quotaFinding(clients: AwsClients, region: string, q: QuotaNeed): Promise<{ finding: ReadinessFinding; value?: number }> {
  const value = await readQuota(clients, region, q);
  if ('failed' in value) return { finding: value.failed };
  return { finding: quotaVerdict(region, q, value.value), value: value.value };
}

async function readQuota(clients: AwsClients, region: string, q: QuotaNeed): Promise<{ value: number } | { failed: ReadinessFinding }> {
  const read = await reading('service-quota', `quota ${q.name} (${q.serviceCode} ${q.quotaCode}) in ${region}`, async () =>
    (await clients.get(ServiceQuotasClient, region).send(new GetServiceQuotaCommand({ ServiceCode: q.serviceCode, QuotaCode: q.quotaCode }))).Quota?.Value);
  if ('failed' in read) return read;
  if (read.value === undefined) return { failed: finding('service-quota', 'at-risk', `quota ${q.name} in ${region} has no value`) };
  return { value: read.value };
}

/** The quota's value against a need (one component's, or the sum of every component drawing on it). */
export function quotaVerdict(region: string, q: QuotaNeed, value: number): ReadinessFinding {
  if (value < q.need) {
    return finding('service-quota', 'not-ready', `quota ${q.name} in ${region} is ${value}; the scale-up needs ${q.need} (${q.because}): request an increase (Service Quotas ${q.serviceCode} ${q.quotaCode})`);
  }
  if (value < q.need * 1.25) return finding('service-quota', 'at-risk', `quota ${q.name} in ${region} is ${value}, the scale-up needs ${q.need} (${q.because}): less than 25 % to spare for what else runs there`);
  return finding('service-quota', 'ready', `quota ${q.name} in ${region} is ${value}; the scale-up needs ${q.need} (${q.because})`);
}
