import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { perRegion } from './regional.ts';

/**
 * SDK clients, built lazily once per service and region and reused across invocations (module scope
 * in a Lambda). Actions receive this object, never construct clients themselves, so tests and the
 * drill swap in mocks (aws-sdk-client-mock mocks every instance of a client class).
 *
 * The SDK's own retry (3 attempts, with backoff) stays on for throttling; what is still throttled
 * after that surfaces as AwsThrottlingError and is retried by the state machine.
 */
export interface AwsClients {
  rds(region: string): RDSClient;
  cloudwatch(region: string): CloudWatchClient;
  /** Route 53 is global: its API is a control plane in us-east-1. */
  route53(): Route53Client;
  ssm(region: string): SSMClient;
  s3(region: string): S3Client;
  backup(region: string): BackupClient;
  ecs(region: string): ECSClient;
  autoScaling(region: string): AutoScalingClient;
  elasticache(region: string): ElastiCacheClient;
  lambda(region: string): LambdaClient;
  /** Database credentials for the integrity checks. */
  secretsManager(region: string): SecretsManagerClient;
}

export function createAwsClients(): AwsClients {
  const route53 = perRegion(Route53Client);
  return {
    rds: perRegion(RDSClient),
    cloudwatch: perRegion(CloudWatchClient),
    route53: () => route53('us-east-1'),
    ssm: perRegion(SSMClient),
    s3: perRegion(S3Client),
    backup: perRegion(BackupClient),
    ecs: perRegion(ECSClient),
    autoScaling: perRegion(AutoScalingClient),
    elasticache: perRegion(ElastiCacheClient),
    lambda: perRegion(LambdaClient),
    secretsManager: perRegion(SecretsManagerClient),
  };
}
