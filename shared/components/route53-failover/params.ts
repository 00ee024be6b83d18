import { z } from 'zod';
import { evenWithOtherIssues, nonEmpty } from '../../plan/fields.ts';

const recordTarget = z.strictObject({
  values: z.array(nonEmpty).min(1),
  ttl: z.number().int().min(0).max(86_400).default(60),
});

/** route53-failover: send a record's traffic to the secondary, by health check or by the record itself. */
export const params = z
  .strictObject({
    /** `health-check`: invert the primary's health check so Route 53's data plane answers with the secondary.
     *  `record`: UPSERT the record to the secondary target (control-plane override). */
    mode: z.enum(['health-check', 'record']),
    hostedZoneId: nonEmpty,
    recordName: nonEmpty,
    recordType: z.enum(['A', 'AAAA', 'CNAME']),
    /** health-check mode: the primary record's health check. */
    primaryHealthCheckId: nonEmpty.optional(),
    /** record mode: what the record is set to. */
    secondaryTarget: recordTarget.optional(),
    /** record mode: SetIdentifier of the record to change, when it is a routing-policy record. */
    setIdentifier: nonEmpty.optional(),
    /** What TestDNSAnswer must return once failed over. */
    expectedAnswer: z.array(nonEmpty).min(1),
  })
  .superRefine((p, ctx) => {
    // `=== undefined`: an empty value is reported by its own schema ("must not be empty"), not twice.
    if (p.mode === 'health-check' && p.primaryHealthCheckId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['primaryHealthCheckId'], message: 'required when mode is health-check' });
    }
    if (p.mode === 'record' && p.secondaryTarget === undefined) {
      ctx.addIssue({ code: 'custom', path: ['secondaryTarget'], message: 'required when mode is record' });
    }
  }, evenWithOtherIssues);

export type Params = z.output<typeof params>;
