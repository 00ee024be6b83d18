import type { IamFacet, IamStatement } from '../definition.ts';
import type { Params } from './params.ts';

// TestDNSAnswer has no resource-level permissions (read-only).
const testDnsAnswer: IamStatement = { Effect: 'Allow', Action: ['route53:TestDNSAnswer'], Resource: '*' };

/**
 * Per mode, only what its recovery calls (shared/components/route53-failover/recover.ts). Routing-control mode
 * reads and sets its two routing controls on the ARC cluster (UpdateRoutingControlStates is authorised per
 * routing control: https://docs.aws.amazon.com/service-authorization/latest/reference/list_route53-recovery-cluster.html);
 * health-check mode only reads the primary's health check status (it never updates the check); record mode
 * changes the record.
 */
export const iam: IamFacet<Params> = {
  statements: (p, { arn }) => {
    switch (p.mode) {
      case 'routing-control':
        return [
          {
            Effect: 'Allow',
            Action: ['route53-recovery-cluster:GetRoutingControlState', 'route53-recovery-cluster:UpdateRoutingControlStates'],
            Resource: [p.primaryRoutingControlArn ?? '', p.secondaryRoutingControlArn ?? ''],
          },
          ...(p.expectedAnswer ? [testDnsAnswer] : []),
        ];
      case 'health-check':
        return [
          { Effect: 'Allow', Action: ['route53:GetHealthCheckStatus'], Resource: [arn('route53', '', `healthcheck/${p.primaryHealthCheckId ?? ''}`, false)] },
          testDnsAnswer,
        ];
      case 'record':
        return [
          {
            Effect: 'Allow',
            Action: ['route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets'],
            Resource: [arn('route53', '', `hostedzone/${p.hostedZoneId}`, false)],
          },
          { Effect: 'Allow', Action: ['route53:GetChange'], Resource: [arn('route53', '', 'change/*', false)] },
          testDnsAnswer,
        ];
    }
  },
  startOnly: ['route53-recovery-cluster:UpdateRoutingControlStates', 'route53:ChangeResourceRecordSets'],
  // Readiness reads the failover records whatever the mode (the control plane answers before an outage).
  readiness: (p, { arn }) => [
    { Effect: 'Allow', Action: ['route53:ListResourceRecordSets'], Resource: [arn('route53', '', `hostedzone/${p.hostedZoneId}`, false)] },
  ],
};
