import { DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { auroraGlobalLagMetric } from '../../aws/lag-metrics.ts';
import { finding, reading } from '../../readiness/findings.ts';
import { lagFinding } from '../../readiness/lag.ts';
import type { ReadinessFinding, ReadinessProbe } from '../../readiness/types.ts';

/**
 * Ready when the global cluster is available with the plan's target cluster as a secondary (reader)
 * member and its replication lag within the RPO. A target that is already the writer is not ready for
 * another failover toward it: protection runs the other way (re-protect, then fail back).
 */
export const readiness: ReadinessProbe<'aurora-global-failover'> = {
  type: 'aurora-global-failover',
  measuresDataAtRisk: true,
  async assess(ctx) {
    const p = ctx.component.params;
    const what = `global cluster ${p.globalClusterIdentifier}`;
    const read = await reading('global-cluster', what, async () =>
      (await ctx.clients.get(RDSClient, ctx.regions.secondary).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: p.globalClusterIdentifier }))).GlobalClusters?.[0]);
    if ('failed' in read) return { findings: [read.failed], dataAtRiskSeconds: null };
    const cluster = read.value;
    if (!cluster) return { findings: [finding('global-cluster', 'not-ready', `${what} not found`)], dataAtRiskSeconds: null };
    const findings: ReadinessFinding[] = [];
    const status = cluster.Status ?? 'unknown';
    findings.push(status === 'available' ? finding('global-cluster', 'ready', `${what} is available`) : finding('global-cluster', 'at-risk', `${what} is ${status}: a failover waits until it is available`));
    const member = cluster.GlobalClusterMembers?.find((m) => m.DBClusterArn === p.targetDbClusterArn);
    if (!member) {
      findings.push(finding('secondary-member', 'not-ready', `${p.targetDbClusterArn} is not a member of ${what}: add the secondary cluster to the global database`));
      return { findings, dataAtRiskSeconds: null };
    }
    if (member.IsWriter) {
      findings.push(finding('secondary-member', 'not-ready', `${p.targetDbClusterArn} is already the writer of ${what}: re-protect toward the other region before relying on a failover`));
      return { findings, dataAtRiskSeconds: null };
    }
    findings.push(finding('secondary-member', 'ready', `${p.targetDbClusterArn} is a secondary of ${what}`));
    const lag = await lagFinding({ ...ctx, region: ctx.regions.secondary }, auroraGlobalLagMetric(p.targetDbClusterArn), ctx.rpoSeconds);
    findings.push(lag.finding);
    return { findings, dataAtRiskSeconds: lag.seconds };
  },
};
