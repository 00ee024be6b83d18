import { DescribeDBInstanceAutomatedBackupsCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ageFinding, duration, finding, reading } from '../../readiness/findings.ts';
import type { ReadinessFinding, ReadinessProbe } from '../../readiness/types.ts';

const DAY_S = 86_400;

/**
 * Ready when the source's backups are kept at least the plan's retentionDays, the restorable window
 * reaches back that far (the PITR window), and its latest restorable time is within the RPO (what a
 * restore now would lose). Reads the source instance, or the replicated automated backups by ARN.
 */
export const readiness: ReadinessProbe<'rds-point-in-time-restore'> = {
  type: 'rds-point-in-time-restore',
  measuresDataAtRisk: true,
  async assess(ctx) {
    const p = ctx.component.params;
    const region = p.region === 'primary' ? ctx.regions.primary : ctx.regions.secondary;
    const rds = ctx.clients.get(RDSClient, region);
    const source = p.sourceDbInstanceIdentifier ?? p.sourceDbInstanceAutomatedBackupsArn ?? '';
    const what = `${p.sourceDbInstanceIdentifier ? 'source instance' : 'automated backups'} ${source} in ${region}`;
    const read = await reading('backups', what, async () => {
      if (p.sourceDbInstanceIdentifier) {
        const db = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: p.sourceDbInstanceIdentifier }))).DBInstances?.[0];
        return db && { retention: db.BackupRetentionPeriod ?? 0, earliest: undefined, latest: db.LatestRestorableTime };
      }
      const b = (await rds.send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceAutomatedBackupsArn: p.sourceDbInstanceAutomatedBackupsArn }))).DBInstanceAutomatedBackups?.[0];
      return b && { retention: b.BackupRetentionPeriod ?? 0, earliest: b.RestoreWindow?.EarliestTime, latest: b.RestoreWindow?.LatestTime };
    });
    if ('failed' in read) return { findings: [read.failed], dataAtRiskSeconds: null };
    if (!read.value) return { findings: [finding('backups', 'not-ready', `${what} not found`)], dataAtRiskSeconds: null };
    const { retention, earliest, latest } = read.value;
    const findings: ReadinessFinding[] = [];
    findings.push(retention >= p.retentionDays
      ? finding('backup-retention', 'ready', `backups kept ${retention} days (plan: ${p.retentionDays})`)
      : finding('backup-retention', retention === 0 ? 'not-ready' : 'at-risk', `backups kept ${retention} days, the plan needs ${p.retentionDays}: raise BackupRetentionPeriod${retention === 0 ? ' (0: point-in-time restore is off)' : ''}`));
    if (earliest) {
      // Replicated automated backups: the window AWS reports (an instance's is its retention, read above).
      const windowS = (ctx.now.getTime() - earliest.getTime()) / 1000;
      // 5 min of slack: a window of exactly the retention, read a moment later, is not short (RDS uploads logs every 5 min).
      findings.push(windowS + 300 >= p.retentionDays * DAY_S
        ? finding('restore-window', 'ready', `restorable back ${duration(windowS)} (plan: ${p.retentionDays} days)`)
        : finding('restore-window', 'at-risk', `restorable back only ${duration(windowS)}, the plan needs ${p.retentionDays} days`));
    }
    if (!latest) {
      findings.push(finding('latest-restorable', 'not-ready', `${what} has no latest restorable time: nothing can be restored`));
      return { findings, dataAtRiskSeconds: null };
    }
    const age = Math.max(0, (ctx.now.getTime() - latest.getTime()) / 1000);
    findings.push(ageFinding('latest-restorable', 'latest restorable time', age, ctx.rpoSeconds));
    return { findings, dataAtRiskSeconds: age };
  },
};
