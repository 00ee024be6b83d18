import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { rdsReplicaLagMetric } from '../../aws/lag-metrics.ts';
import { finding, reading } from '../../readiness/findings.ts';
import { lagFinding } from '../../readiness/lag.ts';
import type { ReadinessFinding, ReadinessProbe } from '../../readiness/types.ts';

/**
 * Ready when the recovery region holds an available cross-region read replica of the primary whose
 * ReplicaLag is within the RPO (the data a promotion now would lose). A standalone instance (already
 * promoted) is not ready: protection must be rebuilt first.
 */
export const readiness: ReadinessProbe<'rds-replica-promotion'> = {
  type: 'rds-replica-promotion',
  measuresDataAtRisk: true,
  async assess(ctx) {
    const p = ctx.component.params;
    const what = `replica ${p.replicaDbInstanceIdentifier} in ${ctx.regions.secondary}`;
    const read = await reading('replica-exists', what, async () =>
      (await ctx.clients.get(RDSClient, ctx.regions.secondary).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: p.replicaDbInstanceIdentifier }))).DBInstances?.[0]);
    if ('failed' in read) return { findings: [read.failed], dataAtRiskSeconds: null };
    const db = read.value;
    if (!db) return { findings: [finding('replica-exists', 'not-ready', `${what} not found: create the cross-region read replica`)], dataAtRiskSeconds: null };
    const findings: ReadinessFinding[] = [];
    const source = db.ReadReplicaSourceDBInstanceIdentifier;
    if (!source) {
      findings.push(finding('replica-exists', 'not-ready', `${what} is a standalone instance, not a read replica: re-protect it (a new replica of the current primary) before relying on a failover`));
      return { findings, dataAtRiskSeconds: null };
    }
    const ofPrimary = source === p.primaryDbInstanceIdentifier || source.endsWith(`:db:${p.primaryDbInstanceIdentifier}`);
    findings.push(ofPrimary
      ? finding('replica-exists', 'ready', `${what} replicates ${source}`)
      : finding('replica-exists', 'not-ready', `${what} replicates ${source}, not the plan's primary ${p.primaryDbInstanceIdentifier}: correct the plan or the replica`));
    const status = db.DBInstanceStatus ?? 'unknown';
    findings.push(status === 'available'
      ? finding('replica-status', 'ready', `${what} is available`)
      : finding('replica-status', 'at-risk', `${what} is ${status}: a promotion waits until it is available`));
    const lag = await lagFinding({ ...ctx, region: ctx.regions.secondary }, rdsReplicaLagMetric(p.replicaDbInstanceIdentifier), ctx.rpoSeconds);
    findings.push(lag.finding);
    return { findings, dataAtRiskSeconds: lag.seconds };
  },
};
