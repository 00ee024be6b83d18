import { BackupClient, ListRecoveryPointsByBackupVaultCommand, type RecoveryPointByBackupVault } from '@aws-sdk/client-backup';
import { ageFinding, finding, reading } from '../../readiness/findings.ts';
import type { ReadinessProbe } from '../../readiness/types.ts';

/** At most this many pages are read (100 points each): the newest point is on the first page AWS returns in practice. */
const MAX_PAGES = 10;

/**
 * Ready when the recovery region's vault holds a COMPLETED recovery point of the resource younger
 * than the RPO (its age is what a restore now would lose).
 */
export const readiness: ReadinessProbe<'backup-restore'> = {
  type: 'backup-restore',
  measuresDataAtRisk: true,
  async assess(ctx) {
    const p = ctx.component.params;
    const what = `vault ${p.backupVaultName} in ${ctx.regions.secondary}`;
    const read = await reading('recovery-point', what, async () => {
      const points: RecoveryPointByBackupVault[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await ctx.clients.get(BackupClient, ctx.regions.secondary).send(
          new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: p.backupVaultName, ByResourceArn: p.resourceArn, NextToken: token }));
        points.push(...(out.RecoveryPoints ?? []));
        token = out.NextToken;
        if (!token) break;
      }
      return points;
    });
    if ('failed' in read) return { findings: [read.failed], dataAtRiskSeconds: null };
    const newest = read.value
      .filter((r) => r.Status === 'COMPLETED' && r.CreationDate)
      .sort((a, b) => (b.CreationDate?.getTime() ?? 0) - (a.CreationDate?.getTime() ?? 0))[0];
    if (!newest?.CreationDate) {
      return { findings: [finding('recovery-point', 'not-ready', `${what} holds no completed recovery point of ${p.resourceArn}: copy backups to the recovery region`)], dataAtRiskSeconds: null };
    }
    const age = Math.max(0, (ctx.now.getTime() - newest.CreationDate.getTime()) / 1000);
    return { findings: [ageFinding('recovery-point', `newest recovery point in ${what}`, age, ctx.rpoSeconds)], dataAtRiskSeconds: age };
  },
};
