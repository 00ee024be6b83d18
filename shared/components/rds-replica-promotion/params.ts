import { z } from 'zod';
import { evenWithOtherIssues, nonEmpty } from '../../plan/fields.ts';

const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id such as sg-0123456789abcdef0');
/** An RDS DB instance identifier (CreateDBInstanceReadReplica): 1-63 letters, digits or hyphens, a letter first, no "--", no trailing hyphen. */
const dbInstanceIdentifier = z.string().regex(/^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}$/, 'must be 1-63 letters, digits or hyphens, start with a letter, no "--"').refine((v) => !v.endsWith('-'), 'must not end with a hyphen');

const fencing = z
  .strictObject({
    method: z.enum(['stop', 'isolate', 'none']).default('stop'),
    isolationSecurityGroupIds: z.array(securityGroupId).min(1).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.method === 'isolate' && f.isolationSecurityGroupIds === undefined) {
      ctx.addIssue({ code: 'custom', path: ['isolationSecurityGroupIds'], message: 'required when method is isolate: the security groups that admit no application traffic' });
    }
  }, evenWithOtherIssues);

/** rds-replica-promotion: promote the secondary region's cross-region read replica, then fence the old primary. */
export const params = z.strictObject({
  /** Old primary instance in the primary region (fenced after promotion in a later step). */
  primaryDbInstanceIdentifier: nonEmpty,
  /** Cross-region read replica in the secondary region, the one promoted. */
  replicaDbInstanceIdentifier: nonEmpty,
  backupRetentionPeriod: z.number().int().min(1).max(35).default(7),
  /**
   * How the old primary is fenced after the promotion, where its region answers: `stop` it
   * (StopDBInstance), `isolate` it (ModifyDBInstance to isolationSecurityGroupIds, which admit no
   * application traffic), or `none` (only when something outside dr-autopilot fences it).
   */
  fencing: fencing.default({ method: 'stop' }),
  /**
   * How a writer in the secondary region is fenced: the promoted instance when the plan runs in reverse
   * (a failback: a planned promotion fences it first, and RDS can't stop an instance that has read replicas,
   * so `isolate` with the secondary region's security groups is the usual choice). Default: `fencing`,
   * unless that isolates (its security groups are the primary region's).
   */
  reverseFencing: fencing.optional(),
  /**
   * Re-protect and failback: the cross-region replica the re-protect stage creates in the primary region
   * from the promoted instance (once that region is back), which a failback promotes. The settings are
   * the primary region's (CreateDBInstanceReadReplica: subnet group, security groups, KMS key there).
   * Without it the component cannot run in the reverse direction (shared/components/rds-replica-promotion/reverse.ts).
   */
  reprotect: z
    .strictObject({
      replicaDbInstanceIdentifier: dbInstanceIdentifier,
      dbInstanceClass: nonEmpty.optional(),
      dbSubnetGroupName: nonEmpty.optional(),
      vpcSecurityGroupIds: z.array(securityGroupId).min(1).optional(),
      /** Needed when the source is encrypted: a KMS key of the primary region (a key is regional). */
      kmsKeyId: nonEmpty.optional(),
      /**
       * A former writer in the replica's region that re-protect fences (reverseFencing, else fencing) before it
       * creates the replica. In the reverse direction: the plan's old primary, which may have come back with its region.
       */
      fenceDbInstanceIdentifier: nonEmpty.optional(),
    })
    .optional(),
}).superRefine((p, ctx) => {
  const name = p.reprotect?.replicaDbInstanceIdentifier;
  if (name !== undefined && (name === p.primaryDbInstanceIdentifier || name === p.replicaDbInstanceIdentifier)) {
    ctx.addIssue({ code: 'custom', path: ['reprotect', 'replicaDbInstanceIdentifier'], message: `must be a new name: ${name} is still in use after a recovery (RDS identifiers are unique per region and account)` });
  }
}, evenWithOtherIssues);

export type Params = z.output<typeof params>;
