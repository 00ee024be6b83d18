import { offlineCredentials } from './intercept.ts';
import { recoveryOrder } from '../../../plan/recovery-order.ts';
import type { Plan } from '../../../plan/schema.ts';
import { AUTOSCALING_DURATIONS, simulateAutoScaling } from './autoscaling.ts';
import { BACKUP_DURATIONS, simulateBackup } from './backup.ts';
import { CLOUDWATCH_DURATIONS, simulateCloudWatch } from './cloudwatch.ts';
import { simulateDirectConnect } from './directconnect.ts';
import { simulateEc2 } from './ec2.ts';
import { simulateElbv2 } from './elbv2.ts';
import { simulateKms } from './kms.ts';
import { ECS_DURATIONS, simulateEcs } from './ecs.ts';
import { ELASTICACHE_DURATIONS, simulateElastiCache } from './elasticache.ts';
import { HTTP_DURATIONS } from './http.ts';
import { simulateIam } from './iam.ts';
import { LAMBDA_DURATIONS, simulateLambda } from './lambda.ts';
import { RDS_DURATIONS, simulateRds } from './rds.ts';
import { ROUTE53_DURATIONS, simulateRoute53 } from './route53.ts';
import { ROUTE53_RECOVERY_CLUSTER_DURATIONS, simulateRoute53RecoveryCluster } from './route53-recovery-cluster.ts';
import { S3_DURATIONS, simulateS3 } from './s3.ts';
import { simulateStepFunctions } from './sfn.ts';
import { simulateSns } from './sns.ts';
import { abortSignalTimeoutOnTheClock } from './service.ts';
import { simulateServiceQuotas } from './service-quotas.ts';
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
  'region.back-after-recovery': {
    seconds: 2 * 3600,
    source:
      'assumption: a drill with --then has the primary region answer again 2 h after the recovery ended (AWS publishes no figure: regional events last from minutes to hours); the re-protect starts then',
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
  /** Step Functions as the functions see it: executions started, and whether each still runs. */
  stepFunctions: ReturnType<typeof simulateStepFunctions>;
  /** The state of every simulated resource now. */
  snapshot(): Record<string, unknown>;
  /** Removes the SDK mocks. */
  restore(): void;
}

/**
 * Whether the scenario's incident is the loss of the whole primary region, rather than of one resource in a
 * region that still answers. The plan does not say, so this is an assumption read from what the scenario
 * recovers: an unplanned scenario that moves DNS away from the primary (a route53-failover component) and
 * acts on nothing in the primary region (no component with `region: primary`, which needs that region to
 * answer: s3-version-restore, rds-point-in-time-restore, lambda-invoke). A planned scenario has a healthy
 * primary ("planned: the primary is healthy", shared/plan/schema.ts); a database or bucket failure leaves
 * traffic where it is.
 */
export function scenarioLosesPrimaryRegion(plan: Plan, scenarioId: string): boolean {
  const { scenario, tiers } = recoveryOrder(plan, scenarioId);
  if (scenario.mode === 'planned') return false;
  const recovered = tiers.flatMap((t) => t.components);
  const inPrimary = recovered.some((c) => (c.params as { region?: unknown }).region === 'primary');
  return !inPrimary && recovered.some((c) => c.type === 'route53-failover');
}

/**
 * Builds the two-region account the plan names and intercepts every SDK v3 client with it.
 * Call restore() when the drill ends (the mocks are process-wide). The incident takes the whole primary region
 * down (with primaryDown) when `regionOutage` says so; else, given the `scenario`, when it is a region outage
 * (scenarioLosesPrimaryRegion); else whenever primaryDown (World's default).
 */
export function installSimulatedAccount(
  plan: Plan,
  options: { durations?: DurationTable; faults?: Fault[]; incidentAt?: number; primaryDown?: boolean; scenario?: string; regionOutage?: boolean } = {},
): SimulatedAccount {
  const regionOutage = options.regionOutage ?? (options.scenario === undefined ? undefined : scenarioLosesPrimaryRegion(plan, options.scenario));
  const world = new World(plan, {
    durations: { ...DEFAULT_DURATIONS, ...options.durations },
    faults: options.faults,
    incidentAt: options.incidentAt,
    primaryDown: options.primaryDown,
    ...(regionOutage === undefined ? {} : { regionOutage }),
  });
  // A call's abortSignal (AbortSignal.timeout) ends a black-holed call on the simulated clock (service.ts).
  const undoAbortSignals = abortSignalTimeoutOnTheClock();
  // The SDK resolves credentials before the simulator answers (intercept.ts).
  const undoCredentials = offlineCredentials();
  const sns = simulateSns(world);
  const stepFunctions = simulateStepFunctions(world);
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
    // Read by the load-balancer, vpn-connection and security-settings checks (ec2.ts also: VPN connections, security groups).
    simulateElbv2(world),
    simulateDirectConnect(world),
    simulateKms(world),
    // Read by readiness only (launch templates, quotas, the recovery role's permissions).
    simulateEc2(world),
    simulateServiceQuotas(world),
    simulateIam(world),
    sns,
    stepFunctions,
  ];
  return {
    world,
    published: sns.published,
    stepFunctions,
    snapshot: () => Object.fromEntries(services.map((s) => [s.service, s.snapshot()])),
    restore: () => {
      services.forEach((s) => s.restore());
      undoAbortSignals();
      undoCredentials();
    },
  };
}

/**
 * The simulated duration that bounds a component's recovery (its critical operation), in seconds:
 * what an ideal poller would wait. The drill benchmark compares achieved RTO with the sum over tiers.
 */
export function criticalOperationSeconds(world: World, component: Plan['components'][number]): number {
  const key = ((): string | string[] | undefined => {
    switch (component.type) {
      case 'rds-replica-promotion':
        // modifying, then the backup the promotion takes (the seeded replica has none, the plan's retention is at least 1), then the reboot.
        return ['rds.promote-read-replica', 'rds.promote-read-replica-backup', 'rds.promote-read-replica-reboot'];
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
      case 'lambda-invoke':
        // The customer's function runs for its duration, invoked synchronously or asynchronously (lambda.ts).
        return 'lambda.custom-step';
      default:
        // s3-failover, s3-version-restore: API calls that complete at once in the simulation.
        return undefined;
    }
  })();
  return [key ?? []].flat().reduce((sum, k) => sum + world.durationMs(k, component.id) / 1000, 0);
}
