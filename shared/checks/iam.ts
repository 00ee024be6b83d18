import type { IamContext, IamStatement } from '../components/definition.ts';
import { recoveryOrder } from '../plan/recovery-order.ts';
import type { Plan } from '../plan/schema.ts';
import type { CheckSpec } from './schema.ts';

/** Every check of the plan: the components' and the final verification's, with the component that lists it. */
function allChecks(plan: Plan): { check: CheckSpec; component: Plan['components'][number] | null }[] {
  return [
    ...plan.components.flatMap((c) => c.checks.map((check) => ({ check, component: c }))),
    ...plan.verification.checks.map((check) => ({ check, component: null })),
  ];
}

/** What the integrity checks read: each bucket, record, health check and secret they name; nothing they could change. */
export function verifyStatements(plan: Plan, { arn }: IamContext): IamStatement[] {
  const statements: IamStatement[] = [];
  const secrets = new Set<string>();
  // A failback recovers to the re-protect replica: its checks connect there (shared/plan/direction.ts).
  const failedBack = new Set(plan.scenarios.filter((s) => s.stage === 'failback').flatMap((s) => recoveryOrder(plan, s.id).tiers.flatMap((t) => t.components.map((c) => c.id))));
  for (const { check, component } of allChecks(plan)) {
    if (check.type.startsWith('postgres-') || check.type === 'rpo-heartbeat') {
      if (component?.database) secrets.add(component.database.recoverySecretArn);
      if (component?.database && failedBack.has(component.id)) secrets.add(component.database.reprotectSecretArn ?? component.database.primarySecretArn);
    } else if (check.type === 's3-bucket') {
      statements.push({
        Effect: 'Allow',
        Action: ['s3:GetBucketVersioning', 's3:GetEncryptionConfiguration', 's3:GetReplicationConfiguration', 's3:GetBucketPublicAccessBlock'],
        Resource: [arn('s3', '', check.bucket, false)],
      });
    } else if (check.type === 's3-objects') {
      statements.push({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn('s3', '', `${check.manifestBucket || check.bucket}/${check.manifestKey}`, false)] });
      statements.push({ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [arn('s3', '', `${check.bucket}/*`, false)] });
    } else if (check.type === 'route53-health-check') {
      statements.push({ Effect: 'Allow', Action: ['route53:GetHealthCheckStatus'], Resource: [arn('route53', '', `healthcheck/${check.healthCheckId}`, false)] });
    } else if (check.type === 'dns-answer') {
      // TestDNSAnswer has no resource-level permissions (read-only).
      statements.push({ Effect: 'Allow', Action: ['route53:TestDNSAnswer'], Resource: '*' });
    } else if (check.type === 's3-replication-rpo') {
      // GetMetricData has no resource-level permissions (read-only).
      statements.push({ Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' });
    }
  }
  if (secrets.size > 0) statements.push({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [...secrets] });
  return statements;
}
