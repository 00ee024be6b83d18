import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

export const iam: IamFacet<Params> = {
  statements: (p, { regions, arn }) => {
    const region = regions[p.region];
    return [
      {
        Effect: 'Allow',
        Action: ['rds:DescribeDBInstances', 'rds:RestoreDBInstanceToPointInTime'],
        Resource: [
          arn('rds', region, `db:${p.targetDbInstanceIdentifier}`),
          ...(p.sourceDbInstanceIdentifier ? [arn('rds', region, `db:${p.sourceDbInstanceIdentifier}`)] : []),
          ...(p.sourceDbInstanceAutomatedBackupsArn ? [p.sourceDbInstanceAutomatedBackupsArn] : []),
          arn('rds', region, `subgrp:${p.dbSubnetGroupName || 'default'}`),
          arn('rds', region, 'og:*'),
          arn('rds', region, 'pg:*'),
        ],
      },
      // The restorable window of replicated automated backups (the cross-region source): read-only.
      ...(p.sourceDbInstanceAutomatedBackupsArn
        ? [{ Effect: 'Allow' as const, Action: ['rds:DescribeDBInstanceAutomatedBackups'], Resource: [p.sourceDbInstanceAutomatedBackupsArn] }]
        : []),
    ];
  },
  // A restore waiting for its restore point to become restorable is started from a check.
  startOnly: [],
  readiness: (p, { regions, arn }) => [
    p.sourceDbInstanceIdentifier
      ? { Effect: 'Allow', Action: ['rds:DescribeDBInstances'], Resource: [arn('rds', regions[p.region], `db:${p.sourceDbInstanceIdentifier}`)] }
      : { Effect: 'Allow', Action: ['rds:DescribeDBInstanceAutomatedBackups'], Resource: [p.sourceDbInstanceAutomatedBackupsArn ?? ''] },
  ],
};
