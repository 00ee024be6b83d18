import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

export const iam: IamFacet<Params> = {
  statements: (p, { arn }) => [
    { Effect: 'Allow', Action: ['s3:ListBucketVersions'], Resource: [arn('s3', '', p.bucket, false)] },
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
      Resource: [arn('s3', '', `${p.bucket}/${p.prefix || ''}*`, false)],
    },
  ],
  // The restore copies in batches, the later ones from a check.
  startOnly: [],
};
