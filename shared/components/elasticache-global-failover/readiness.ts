import { DescribeGlobalReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { finding, reading } from '../../readiness/findings.ts';
import type { ReadinessFinding, ReadinessProbe } from '../../readiness/types.ts';

/**
 * Ready when the global datastore is available and the recovery region's replication group is an
 * associated SECONDARY member: the failover promotes it. Already PRIMARY means protection runs the
 * other way (re-protect before relying on a failover).
 */
export const readiness: ReadinessProbe<'elasticache-global-failover'> = {
  type: 'elasticache-global-failover',
  measuresDataAtRisk: false,
  async assess(ctx) {
    const p = ctx.component.params;
    const what = `global datastore ${p.globalReplicationGroupId}`;
    const read = await reading('global-datastore', what, async () =>
      (await ctx.clients.get(ElastiCacheClient, ctx.regions.secondary).send(
        new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: p.globalReplicationGroupId, ShowMemberInfo: true }))).GlobalReplicationGroups?.[0]);
    if ('failed' in read) return { findings: [read.failed], dataAtRiskSeconds: null };
    const group = read.value;
    if (!group) return { findings: [finding('global-datastore', 'not-ready', `${what} not found`)], dataAtRiskSeconds: null };
    const findings: ReadinessFinding[] = [];
    const status = group.Status ?? 'unknown';
    findings.push(status === 'available' ? finding('global-datastore', 'ready', `${what} is available`) : finding('global-datastore', 'at-risk', `${what} is ${status}`));
    const member = group.Members?.find((m) => m.ReplicationGroupId === p.secondaryReplicationGroupId);
    if (!member) findings.push(finding('secondary-member', 'not-ready', `${p.secondaryReplicationGroupId} is not a member of ${what}: add the recovery region's replication group`));
    else if (member.Role?.toUpperCase() === 'PRIMARY') findings.push(finding('secondary-member', 'not-ready', `${p.secondaryReplicationGroupId} is already the primary of ${what}: re-protect toward the other region first`));
    else if (member.Status !== 'associated') findings.push(finding('secondary-member', 'at-risk', `${p.secondaryReplicationGroupId} is ${member.Status ?? 'unknown'} in ${what}, not associated`));
    else findings.push(finding('secondary-member', 'ready', `${p.secondaryReplicationGroupId} (${member.ReplicationGroupRegion ?? ctx.regions.secondary}) is an associated secondary`));
    return { findings, dataAtRiskSeconds: null };
  },
};
