import type { ComponentType } from '../plan/schema.ts';
import { auroraGlobalFailover } from './aurora-global-failover/recover.ts';
import { backupRestore } from './backup-restore/recover.ts';
import { ec2AsgScale } from './ec2-asg-scale/recover.ts';
import { ecsScale } from './ecs-scale/recover.ts';
import { elasticacheGlobalFailover } from './elasticache-global-failover/recover.ts';
import { lambdaInvoke } from './lambda-invoke/recover.ts';
import { manual } from './manual/recover.ts';
import { rdsPointInTimeRestore } from './rds-point-in-time-restore/recover.ts';
import { rdsReplicaPromotion } from './rds-replica-promotion/recover.ts';
import { route53Failover } from './route53-failover/recover.ts';
import { s3Failover } from './s3-failover/recover.ts';
import { s3VersionRestore } from './s3-version-restore/recover.ts';
import type { RecoveryAction } from './types.ts';

/** Every component type's recovery action, by the type name used in plan files. */
export const ACTIONS: { [T in ComponentType]: RecoveryAction<T> } = {
  'rds-replica-promotion': rdsReplicaPromotion,
  'aurora-global-failover': auroraGlobalFailover,
  'rds-point-in-time-restore': rdsPointInTimeRestore,
  'route53-failover': route53Failover,
  's3-failover': s3Failover,
  's3-version-restore': s3VersionRestore,
  'backup-restore': backupRestore,
  'ecs-scale': ecsScale,
  'ec2-asg-scale': ec2AsgScale,
  'elasticache-global-failover': elasticacheGlobalFailover,
  'lambda-invoke': lambdaInvoke,
  manual,
};

export function actionFor<T extends ComponentType>(type: T): RecoveryAction<T> {
  return ACTIONS[type];
}
