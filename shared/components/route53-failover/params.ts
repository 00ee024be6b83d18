import { z } from 'zod';
import { awsRegion, evenWithOtherIssues, nonEmpty } from '../../plan/fields.ts';

const recordTarget = z.strictObject({
  values: z.array(nonEmpty).min(1),
  ttl: z.number().int().min(0).max(86_400).default(60),
});

/** An ARC routing control or safety rule: `arn:aws:route53-recovery-control::ACCOUNT:controlpanel/ID/routingcontrol/ID`. */
const controlArn = (kind: 'routingcontrol' | 'safetyrule') =>
  z.string().regex(
    new RegExp(`^arn:aws[a-z-]*:route53-recovery-control::\\d{12}:controlpanel/[0-9a-z]+/${kind}/[0-9a-z]+$`),
    `must be an ARC ${kind === 'routingcontrol' ? 'routing control' : 'safety rule'} ARN (arn:aws:route53-recovery-control::ACCOUNT:controlpanel/ID/${kind}/ID)`,
  );

/**
 * One Regional endpoint of the ARC cluster, as `aws route53-recovery-control-config describe-cluster`
 * lists them (ClusterEndpoints[].Region / .Endpoint), e.g.
 * `{ region: us-west-2, endpoint: https://abcd1234.route53-recovery-cluster.us-west-2.amazonaws.com/v1 }`.
 */
const clusterEndpoint = z.strictObject({
  region: awsRegion,
  endpoint: z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?(\/\S*)?$/, 'must be an https URL of the cluster endpoint'),
});

/** route53-failover: send a record's traffic to the secondary. */
export const params = z
  .strictObject({
    /**
     * `routing-control`: set the ARC routing controls of the failover records (primary Off, secondary On) on
     *   the ARC cluster's data plane, rotating over its Regional endpoints; holds whatever the primary does.
     * `health-check`: wait for Route 53's own health-check failover (the primary's check is unhealthy, DNS
     *   answers with the secondary); it never changes the health check, and fails when the primary is healthy.
     * `record`: UPSERT the record to the secondary target (control-plane override, us-east-1).
     */
    mode: z.enum(['routing-control', 'health-check', 'record']),
    /** The failover record (TestDNSAnswer verifies it when expectedAnswer is given). */
    hostedZoneId: nonEmpty,
    recordName: nonEmpty,
    recordType: z.enum(['A', 'AAAA', 'CNAME']),
    /** routing-control mode: the ARC cluster's Regional endpoints (five per cluster), tried in rotation. */
    clusterEndpoints: z.array(clusterEndpoint).min(1).max(5).optional(),
    /** routing-control mode: the routing control of the primary's record (set Off). */
    primaryRoutingControlArn: controlArn('routingcontrol').optional(),
    /** routing-control mode: the routing control of the secondary's record (set On). */
    secondaryRoutingControlArn: controlArn('routingcontrol').optional(),
    /** routing-control mode: safety rules to override ("break glass"), passed as SafetyRulesToOverride. Default: none. */
    safetyRulesOverride: z.array(controlArn('safetyrule')).min(1).optional(),
    /** health-check mode: the primary record's health check. */
    primaryHealthCheckId: nonEmpty.optional(),
    /** record mode: what the record is set to. */
    secondaryTarget: recordTarget.optional(),
    /** record mode: SetIdentifier of the record to change, when it is a routing-policy record. */
    setIdentifier: nonEmpty.optional(),
    /** What TestDNSAnswer must return once failed over (optional in routing-control mode: the states are then the proof). */
    expectedAnswer: z.array(nonEmpty).min(1).optional(),
    /** Failback: what TestDNSAnswer must return once traffic is back on the primary (record mode: required to fail back). */
    primaryAnswer: z.array(nonEmpty).min(1).optional(),
    /** record mode, failback: what the record is set back to. Without it a record-mode component cannot run in the reverse direction. */
    primaryTarget: recordTarget.optional(),
  })
  .superRefine((p, ctx) => {
    // `=== undefined`: an empty value is reported by its own schema ("must not be empty"), not twice.
    const required = (field: keyof typeof p, mode: string) => {
      if (p[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required when mode is ${mode}` });
    };
    if (p.mode === 'routing-control') {
      required('clusterEndpoints', p.mode);
      required('primaryRoutingControlArn', p.mode);
      required('secondaryRoutingControlArn', p.mode);
      if (p.primaryRoutingControlArn !== undefined && p.primaryRoutingControlArn === p.secondaryRoutingControlArn) {
        ctx.addIssue({ code: 'custom', path: ['secondaryRoutingControlArn'], message: 'must differ from primaryRoutingControlArn' });
      }
      const endpoints = (p.clusterEndpoints ?? []).map((e) => e.endpoint);
      endpoints.forEach((e, i) => {
        if (endpoints.indexOf(e) !== i) ctx.addIssue({ code: 'custom', path: ['clusterEndpoints', i, 'endpoint'], message: `endpoint ${e} is listed twice` });
      });
    } else {
      required('expectedAnswer', p.mode);
    }
    if (p.mode === 'health-check') required('primaryHealthCheckId', p.mode);
    if (p.mode === 'record') required('secondaryTarget', p.mode);
  }, evenWithOtherIssues);

export type Params = z.output<typeof params>;
