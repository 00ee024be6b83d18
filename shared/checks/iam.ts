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
export function verifyStatements(plan: Plan, { arn, regions }: IamContext): IamStatement[] {
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
    } else if (check.type === 's3-replication-rpo' || check.type === 'metric') {
      // GetMetricData has no resource-level permissions (read-only).
      statements.push({ Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' });
    } else if (check.type === 'load-balancer') {
      // ELBv2's Describe* actions have no resource-level permissions (read-only).
      statements.push({ Effect: 'Allow', Action: ['elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:DescribeTargetGroups'], Resource: '*' });
    } else if (check.type === 'vpn-connection') {
      // EC2 and Direct Connect Describe* actions have no resource-level permissions (read-only).
      statements.push({ Effect: 'Allow', Action: ['ec2:DescribeVpnConnections'], Resource: '*' });
      if (check.directConnectVirtualInterfaceId) statements.push({ Effect: 'Allow', Action: ['directconnect:DescribeVirtualInterfaces'], Resource: '*' });
    } else if (check.type === 'security-settings') {
      // The check's region role is the recovery region, or the primary in a reversed run (re-protect, failback): both regions.
      const both = [regions.primary, regions.secondary];
      statements.push(check.dbInstanceIdentifier
        ? { Effect: 'Allow', Action: ['rds:DescribeDBInstances'], Resource: both.map((r) => arn('rds', r, `db:${check.dbInstanceIdentifier}`)) }
        : { Effect: 'Allow', Action: ['rds:DescribeDBClusters'], Resource: both.map((r) => arn('rds', r, `cluster:${check.dbClusterIdentifier}`)) });
      // A cluster's members are read with DescribeDBInstances filtered by db-cluster-id: their names are not in the plan.
      if (check.dbClusterIdentifier) statements.push({ Effect: 'Allow', Action: ['rds:DescribeDBInstances'], Resource: both.map((r) => arn('rds', r, 'db:*')) });
      // DescribeSecurityGroups has no resource-level permissions; DescribeKey on the database's own key (named by the instance, so not known here) and the plan's.
      statements.push({ Effect: 'Allow', Action: ['ec2:DescribeSecurityGroups'], Resource: '*' });
      statements.push({ Effect: 'Allow', Action: ['kms:DescribeKey'], Resource: both.map((r) => arn('kms', r, 'key/*')) });
    }
  }
  if (secrets.size > 0) statements.push({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [...secrets] });
  // Several checks of one type read alike (three metric checks: one GetMetricData on "*"): each statement once.
  const seen = new Set<string>();
  return statements.filter((st) => {
    const key = JSON.stringify(st);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
