import { ListResourceRecordSetsCommand, Route53Client, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import { ROUTE53_REGION } from '../../aws/clients.ts';
import { finding, reading } from '../../readiness/findings.ts';
import type { ReadinessFinding, ReadinessProbe } from '../../readiness/types.ts';

const sameName = (a: string | undefined, b: string) => (a ?? '').replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();

/**
 * Ready when DNS can fail over on the data plane: the record is a PRIMARY/SECONDARY failover pair
 * whose PRIMARY carries a health check (health-check mode: the plan's; routing-control mode: both
 * carry their routing control's). Record mode rewrites the record through Route 53's control plane
 * (us-east-1) during the outage: at risk when that plane does not answer, so said as such.
 * Read with Route 53's API (control plane, us-east-1): fine before an outage.
 */
export const readiness: ReadinessProbe<'route53-failover'> = {
  type: 'route53-failover',
  measuresDataAtRisk: false,
  async assess(ctx) {
    const p = ctx.component.params;
    const what = `record ${p.recordName} ${p.recordType} in zone ${p.hostedZoneId}`;
    const read = await reading('failover-records', what, async () =>
      (await ctx.clients.get(Route53Client, ROUTE53_REGION).send(
        new ListResourceRecordSetsCommand({ HostedZoneId: p.hostedZoneId, StartRecordName: p.recordName, StartRecordType: p.recordType, MaxItems: 10 }))).ResourceRecordSets ?? []);
    if ('failed' in read) return { findings: [read.failed], dataAtRiskSeconds: null };
    const records: ResourceRecordSet[] = read.value.filter((r) => sameName(r.Name, p.recordName) && r.Type === p.recordType);
    const primary = records.find((r) => r.Failover === 'PRIMARY');
    const secondary = records.find((r) => r.Failover === 'SECONDARY');
    const findings: ReadinessFinding[] = [];
    if (p.mode === 'record') {
      findings.push(records.length === 0
        ? finding('failover-records', 'not-ready', `${what} not found`)
        : finding('failover-records', 'at-risk', `${what} is rewritten through Route 53's control plane (us-east-1) during the outage; failover records with health checks (mode health-check or routing-control) flip without it`));
      return { findings, dataAtRiskSeconds: null };
    }
    if (!primary || !secondary) {
      findings.push(finding('failover-records', 'not-ready', `${what} is not a PRIMARY/SECONDARY failover pair: create both failover records`));
      return { findings, dataAtRiskSeconds: null };
    }
    const want = p.mode === 'health-check' ? p.primaryHealthCheckId : undefined;
    if (!primary.HealthCheckId || (want !== undefined && primary.HealthCheckId !== want)) {
      findings.push(finding('health-check', 'not-ready', `the PRIMARY record of ${p.recordName} has ${primary.HealthCheckId ? `health check ${primary.HealthCheckId}, not the plan's ${want ?? ''}` : 'no health check'}: DNS cannot fail over by itself; attach ${want ?? 'its routing control health check'}`));
    } else if (p.mode === 'routing-control' && !secondary.HealthCheckId) {
      findings.push(finding('health-check', 'not-ready', `the SECONDARY record of ${p.recordName} has no routing control health check: turning its control On would not route to it`));
    } else {
      findings.push(finding('health-check', 'ready', `failover pair of ${p.recordName}; PRIMARY checked by ${primary.HealthCheckId}`));
    }
    return { findings, dataAtRiskSeconds: null };
  },
};
