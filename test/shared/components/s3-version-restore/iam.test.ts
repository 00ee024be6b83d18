import { describe, expect, it } from 'vitest';
import type { IamContext } from '../../../../shared/components/definition.ts';
import { iam } from '../../../../shared/components/s3-version-restore/iam.ts';
import { params } from '../../../../shared/components/s3-version-restore/params.ts';

const ctx: IamContext = {
  regions: { primary: 'ap-northeast-1', secondary: 'ap-northeast-3' },
  arn: (service, region, resource, withAccount = true) => `arn:aws:${service}:${region}:${withAccount ? '123456789012' : ''}:${resource}`,
};
const KEY = 'arn:aws:kms:ap-northeast-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

describe('s3-version-restore IAM', () => {
  it('grants listing the bucket\'s versions and copying under the prefix; no KMS without a key', () => {
    const statements = iam.statements(params.parse({ bucket: 'datasets-tokyo', prefix: 'datasets/' }), ctx);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['s3:ListBucketVersions'], Resource: ['arn:aws:s3:::datasets-tokyo'] },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'], Resource: ['arn:aws:s3:::datasets-tokyo/datasets/*'] },
    ]);
  });

  it('with the bucket\'s customer-managed key (SSE-KMS): decrypt and generate data keys on that key only', () => {
    const statements = iam.statements(params.parse({ bucket: 'datasets-tokyo', kmsKeyArn: KEY }), ctx);
    expect(statements.at(-1)).toEqual({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [KEY] });
  });

  it('refuses a kmsKeyArn that is not a key ARN, naming the field and the form', () => {
    const result = params.safeParse({ bucket: 'datasets-tokyo', kmsKeyArn: 'alias/aws/s3' });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['kmsKeyArn'], message: 'must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)' })]);
  });
});
