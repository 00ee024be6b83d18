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
  readiness: (p, { regions, arn }) => [
    { Effect: 'Allow', Action: ['rds:DescribeDBInstances'], Resource: [arn('rds', regions.secondary, `db:${p.replicaDbInstanceIdentifier}`)] },
    { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
  ],
};
