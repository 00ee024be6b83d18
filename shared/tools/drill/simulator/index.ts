import type { Plan } from '../../../plan/schema.ts';
import { AUTOSCALING_DURATIONS, simulateAutoScaling } from './autoscaling.ts';
import { BACKUP_DURATIONS, simulateBackup } from './backup.ts';
import { CLOUDWATCH_DURATIONS, simulateCloudWatch } from './cloudwatch.ts';
import { ECS_DURATIONS, simulateEcs } from './ecs.ts';
import { ELASTICACHE_DURATIONS, simulateElastiCache } from './elasticache.ts';
import { HTTP_DURATIONS } from './http.ts';
import { LAMBDA_DURATIONS, simulateLambda } from './lambda.ts';
import { RDS_DURATIONS, simulateRds } from './rds.ts';
import { ROUTE53_DURATIONS, simulateRoute53 } from './route53.ts';
import { ROUTE53_RECOVERY_CLUSTER_DURATIONS, simulateRoute53RecoveryCluster } from './route53-recovery-cluster.ts';
import { S3_DURATIONS, simulateS3 } from './s3.ts';
import { simulateSns } from './sns.ts';
import { SSM_DURATIONS, simulateSsm } from './ssm.ts';
import { World, type DurationTable, type Fault } from './world.ts';

/** Operators in the drill: how long a person takes to carry out and confirm a manual step. */
export const OPERATOR_DURATIONS: DurationTable = {
  'detection.time-to-detect': {
    seconds: 20 * 60,
    source:
      'assumption: from the incident to the trigger alarm firing and the run starting — e.g. 3 evaluation periods of 5 min plus delivery; a console-started drill dates the incident this long before its start',
  },
  'approval.operator-response': {
    seconds: 10 * 60,
    source: 'assumption: 10 min for the on-call approver to read the approval request (replica lag, components) and answer it',
  },
  'resume.operator-delay': {
    seconds: 15 * 60,
    source: 'assumption: 15 min for an operator to remove the cause of a failed run and start a resumed run (resumeOf)',
  },
  'manual.operator-confirmation': {
    seconds: 30 * 60,
    source: 'assumption: 30 min for an operator to carry out a documented manual step and confirm it',
  },
};

/** Every simulated operation's duration, with its source; `--duration KEY=SECONDS` overrides one. */
export const DEFAULT_DURATIONS: DurationTable = {
  ...RDS_DURATIONS,
  ...CLOUDWATCH_DURATIONS,
  ...ROUTE53_DURATIONS,
  ...ROUTE53_RECOVERY_CLUSTER_DURATIONS,
  ...S3_DURATIONS,
  ...SSM_DURATIONS,
  ...BACKUP_DURATIONS,
  ...ECS_DURATIONS,
  ...AUTOSCALING_DURATIONS,
  ...ELASTICACHE_DURATIONS,
  ...LAMBDA_DURATIONS,
  ...HTTP_DURATIONS,
  ...OPERATOR_DURATIONS,
};

export interface SimulatedAccount {
  world: World;
  /** Every notice published to SNS during the drill. */
  published: ReturnType<typeof simulateSns>['published'];
  /** The state of every simulated resource now. */
  snapshot(): Record<string, unknown>;
  /** Removes the SDK mocks. */
  restore(): void;
}

/**
 * Builds the two-region account the plan names and intercepts every SDK v3 client with it.
 * Call restore() when the drill ends (the mocks are process-wide).
 */
export function installSimulatedAccount(
  plan: Plan,
  options: { durations?: DurationTable; faults?: Fault[]; incidentAt?: number; primaryDown?: boolean } = {},
): SimulatedAccount {
  const world = new World(plan, {
    durations: { ...DEFAULT_DURATIONS, ...options.durations },
    faults: options.faults,
    incidentAt: options.incidentAt,
    primaryDown: options.primaryDown,
  });
  const sns = simulateSns(world);
  const services = [
    simulateRds(world),
    simulateCloudWatch(world),
    simulateRoute53(world),
    simulateRoute53RecoveryCluster(world),
    simulateS3(world),
    simulateSsm(world),
    simulateBackup(world),
    simulateEcs(world),
    simulateAutoScaling(world),
    simulateElastiCache(world),
    simulateLambda(world),
    sns,
  ];
  return {
    world,
    published: sns.published,
    snapshot: () => Object.fromEntries(services.map((s) => [s.service, s.snapshot()])),
    restore: () => services.forEach((s) => s.restore()),
  };
}

/**
 * The simulated duration that bounds a component's recovery (its critical operation), in seconds:
 * what an ideal poller would wait. The drill benchmark compares achieved RTO with the sum over tiers.
 */
export function criticalOperationSeconds(world: World, component: Plan['components'][number]): number {
  const key = ((): string | undefined => {
    switch (component.type) {
      case 'rds-replica-promotion':
        return 'rds.promote-read-replica';
      case 'aurora-global-failover':
        return 'rds.aurora-global-failover';
      case 'rds-point-in-time-restore':
        return 'rds.point-in-time-restore';
      case 'route53-failover':
        // health-check mode: Route 53 failed over by itself within the time to detect, before the run started.
        if (component.params.mode === 'health-check') return undefined;
        return component.params.mode === 'routing-control' ? 'route53-recovery-cluster.routing-control-update' : 'route53.change-propagation';
      case 'backup-restore':
        return component.params.resourceType === 'EFS' ? 'backup.efs-restore' : 'backup.restore';
      case 'ecs-scale':
        return 'ecs.task-start';
      case 'ec2-asg-scale':
        return 'autoscaling.instance-launch';
      case 'elasticache-global-failover':
        return 'elasticache.global-failover';
      case 'manual':
        return 'manual.operator-confirmation';
      default:
        // s3-failover, s3-version-restore, lambda-invoke: API calls that complete at once in the simulation.
        return undefined;
    }
  })();
  return key ? world.durationMs(key, component.id) / 1000 : 0;
}
