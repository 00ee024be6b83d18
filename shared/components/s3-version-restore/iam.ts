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
    // SSE-KMS with a customer-managed key: the copy decrypts the old version and encrypts the new one.
    ...(p.kmsKeyArn ? [{ Effect: 'Allow' as const, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [p.kmsKeyArn] }] : []),
  ],
  // The restore copies in batches, the later ones from a check.
  startOnly: [],
  readiness: (p, { arn }) => [{ Effect: 'Allow', Action: ['s3:GetBucketVersioning'], Resource: [arn('s3', '', p.bucket, false)] }],
};
