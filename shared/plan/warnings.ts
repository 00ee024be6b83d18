import { ROUTE53_REGION } from '../aws/clients.ts';
import type { PlanIssue } from '../errors.ts';
import { historyWarnings } from './limits.ts';
import type { Plan } from './schema.ts';

/**
 * What a valid plan may still get wrong: `dr-autopilot validate` prints these as warnings (exit 0).
 *
 * Route 53's API is a control plane in us-east-1 (every call: ChangeResourceRecordSets, GetChange,
 * GetHealthCheckStatus, TestDNSAnswer). A plan whose primary region is us-east-1 loses it with the primary
 * in the outage it recovers from, so whatever relies on it may not work when it matters
 * (https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html).
 */

const CONTROL_PLANE_CHECKS: Record<string, string> = {
  'dns-answer': 'TestDNSAnswer',
  'route53-health-check': 'GetHealthCheckStatus',
};

function checkWarnings(checks: readonly { type: string }[], at: string): PlanIssue[] {
  return checks.flatMap((check, index) => {
    const api = CONTROL_PLANE_CHECKS[check.type];
    if (!api) return [];
    return [{
      path: `${at}.${index}`,
      message:
        `the ${check.type} check calls ${api}, a Route 53 control-plane API in ${ROUTE53_REGION}, the plan's primary region: in an outage ` +
        'there it may not answer and the verification cannot pass; verify through the data plane instead (an http check of the record\'s name)',
    }];
  });
}

/** Warnings about a valid plan, each at its field (`path`), in the plan's order. */
export function planWarnings(plan: Plan): PlanIssue[] {
  const limits = historyWarnings(plan);
  if (plan.regions.primary !== ROUTE53_REGION) return limits;
  const warnings: PlanIssue[] = [...limits];
  plan.components.forEach((c, index) => {
    if (c.type === 'route53-failover' && c.params.mode !== 'routing-control') {
      warnings.push({
        path: `components.${index}.params.mode`,
        message:
          `mode ${c.params.mode} relies on the Route 53 control plane in ${ROUTE53_REGION}, the plan's primary region: in an outage there ` +
          `${c.params.mode === 'record' ? 'the record change may never be made' : 'the failover cannot be confirmed'}; ` +
          'use mode routing-control (ARC routing controls, a data plane with five Regional endpoints)',
      });
    }
    warnings.push(...checkWarnings(c.checks, `components.${index}.checks`));
  });
  warnings.push(...checkWarnings(plan.verification.checks, 'verification.checks'));
  return warnings;
}
