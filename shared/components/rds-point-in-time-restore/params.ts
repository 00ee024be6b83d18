import { z } from 'zod';
import { arn, evenWithOtherIssues, nonEmpty, regionRole } from '../../plan/fields.ts';

/** rds-point-in-time-restore: restore an RDS instance to a point in time as a new instance. */
export const params = z.strictObject({
  region: regionRole.default('secondary'),
  sourceDbInstanceIdentifier: nonEmpty.optional(),
  /** For a cross-region restore: the replicated automated backups' ARN in the restore region. */
  sourceDbInstanceAutomatedBackupsArn: arn.optional(),
  targetDbInstanceIdentifier: z
    .string()
    .regex(/^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}$/, 'must be 1-63 letters, digits or hyphens, start with a letter, no "--"'),
  /**
   * `before-incident`: the newest point on the granularity grid before the incident (or, when the logs
   * stop short of it, the newest grid point they reach); `latest`: min(LatestRestorableTime, incident).
   */
  restoreTo: z.enum(['before-incident', 'latest']).default('before-incident'),
  granularityMinutes: z.number().int().min(1).max(60).default(5),
  retentionDays: z.number().int().min(1).max(35).default(7),
  dbInstanceClass: nonEmpty.optional(),
  dbSubnetGroupName: nonEmpty.optional(),
  vpcSecurityGroupIds: z.array(nonEmpty).optional(),
  multiAz: z.boolean().optional(),
}).refine((p) => Boolean(p.sourceDbInstanceIdentifier) !== Boolean(p.sourceDbInstanceAutomatedBackupsArn), {
  message: 'give exactly one of sourceDbInstanceIdentifier or sourceDbInstanceAutomatedBackupsArn',
  ...evenWithOtherIssues,
});

export type Params = z.output<typeof params>;
