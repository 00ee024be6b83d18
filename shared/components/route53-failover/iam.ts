import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

export const iam: IamFacet<Params> = {
  statements: (p, { arn }) => [
    ...(p.primaryHealthCheckId
      ? [{ Effect: 'Allow' as const, Action: ['route53:GetHealthCheck', 'route53:UpdateHealthCheck'], Resource: [arn('route53', '', `healthcheck/${p.primaryHealthCheckId}`, false)] }]
      : []),
    {
      Effect: 'Allow',
      Action: ['route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets'],
      Resource: [arn('route53', '', `hostedzone/${p.hostedZoneId}`, false)],
    },
    { Effect: 'Allow', Action: ['route53:GetChange'], Resource: [arn('route53', '', 'change/*', false)] },
    // TestDNSAnswer has no resource-level permissions (read-only).
    { Effect: 'Allow', Action: ['route53:TestDNSAnswer'], Resource: '*' },
  ],
  startOnly: ['route53:UpdateHealthCheck', 'route53:ChangeResourceRecordSets'],
};
