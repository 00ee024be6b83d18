import { z } from 'zod';
import { evenWithOtherIssues, nonEmpty } from '../../plan/fields.ts';

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
  fencing: z
    .strictObject({
      method: z.enum(['stop', 'isolate', 'none']).default('stop'),
      isolationSecurityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id such as sg-0123456789abcdef0')).min(1).optional(),
    })
    .superRefine((f, ctx) => {
      if (f.method === 'isolate' && f.isolationSecurityGroupIds === undefined) {
        ctx.addIssue({ code: 'custom', path: ['isolationSecurityGroupIds'], message: 'required when method is isolate: the security groups that admit no application traffic' });
      }
    }, evenWithOtherIssues)
    .default({ method: 'stop' }),
});

export type Params = z.output<typeof params>;
