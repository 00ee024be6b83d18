import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

export const iam: IamFacet<Params> = {
  statements: (p, { regions, arn }) => [
    { Effect: 'Allow', Action: ['rds:DescribeDBInstances', 'rds:PromoteReadReplica'], Resource: [arn('rds', regions.secondary, `db:${p.replicaDbInstanceIdentifier}`)] },
    // Split-brain guard (is the old primary still up?) and fencing it: only that instance.
    {
      Effect: 'Allow',
      Action: ['rds:DescribeDBInstances', 'rds:StopDBInstance', 'rds:ModifyDBInstance'],
      Resource: [arn('rds', regions.primary, `db:${p.primaryDbInstanceIdentifier}`)],
    },
    // GetMetricData has no resource-level permissions (read-only).
    { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
  ],
  // A check may fence the old primary and then promote (the promotion follows a fence): nothing is start-only.
  startOnly: [],
  // reprotect.ts: read the source and the replica, create the replica from the source (only in the reverse
  // direction; RDS checks the action on both instances and on the replica's subnet and option/parameter
  // groups), and fence the former writer.
  reprotect: (p, { regions, arn }, direction) => {
    const create = [
      arn('rds', regions.secondary, `db:${p.replicaDbInstanceIdentifier}`),
      arn('rds', regions.primary, `db:${p.primaryDbInstanceIdentifier}`),
      arn('rds', regions.secondary, 'og:*'),
      arn('rds', regions.secondary, 'pg:*'),
      ...(p.reprotect?.dbSubnetGroupName ? [arn('rds', regions.secondary, `subgrp:${p.reprotect.dbSubnetGroupName}`)] : []),
    ];
    const key = p.reprotect?.kmsKeyId;
    return [
      { Effect: 'Allow', Action: ['rds:DescribeDBInstances'], Resource: create.slice(0, 2) },
      ...(direction === 'reverse' ? [{ Effect: 'Allow' as const, Action: ['rds:CreateDBInstanceReadReplica'], Resource: create }] : []),
      ...(key && direction === 'reverse'
        ? [{ Effect: 'Allow' as const, Action: ['kms:CreateGrant', 'kms:DescribeKey'], Resource: [key.startsWith('arn:') ? key : arn('kms', regions.secondary, `key/${key}`)] }]
        : []),
      ...(p.reprotect?.fenceDbInstanceIdentifier
        ? [{ Effect: 'Allow' as const, Action: ['rds:DescribeDBInstances', 'rds:StopDBInstance', 'rds:ModifyDBInstance'], Resource: [arn('rds', regions.secondary, `db:${p.reprotect.fenceDbInstanceIdentifier}`)] }]
        : []),
    ];
  },
  readiness: (p, { regions, arn }) => [
    { Effect: 'Allow', Action: ['rds:DescribeDBInstances'], Resource: [arn('rds', regions.secondary, `db:${p.replicaDbInstanceIdentifier}`)] },
    { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
  ],
};
