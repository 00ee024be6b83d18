import type { z } from 'zod';
import type { ComponentTypeDefinition } from './definition.ts';
import { auroraGlobalFailover } from './aurora-global-failover/index.ts';
import { backupRestore } from './backup-restore/index.ts';
import { ec2AsgScale } from './ec2-asg-scale/index.ts';
import { ecsScale } from './ecs-scale/index.ts';
import { elasticacheGlobalFailover } from './elasticache-global-failover/index.ts';
import { lambdaInvoke } from './lambda-invoke/index.ts';
import { manual } from './manual/index.ts';
import { rdsPointInTimeRestore } from './rds-point-in-time-restore/index.ts';
import { rdsReplicaPromotion } from './rds-replica-promotion/index.ts';
import { route53Failover } from './route53-failover/index.ts';
import { s3Failover } from './s3-failover/index.ts';
import { s3VersionRestore } from './s3-version-restore/index.ts';

/**
 * Every component type, by the name plan files use: one line each, in the order the plan's
 * validation messages list them. A type is one folder (shared/components/<type>/);
 * test/shared/components/registry.test.ts proves every folder is here with every facet.
 *
 * Tools and the plan schema import this; Lambda code does not (it would bundle every type's params,
 * and zod): a function that needs a type's one-way facet loads it by path (./load.ts).
 */
export const COMPONENT_TYPES = {
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
} as const;

export type ComponentTypes = typeof COMPONENT_TYPES;
export type RegisteredType = keyof ComponentTypes;

/** The registered type names, in the registry's order. */
export const componentTypeNames = Object.keys(COMPONENT_TYPES) as RegisteredType[];

/**
 * A type's definition with its params widened to any params, so one loop can drive every type's
 * facets (a facet then takes the params of whichever component it is given, unchecked: give it a
 * component of that type).
 */
export const definitionOf = (type: RegisteredType): ComponentTypeDefinition<RegisteredType, z.ZodType> => COMPONENT_TYPES[type];
