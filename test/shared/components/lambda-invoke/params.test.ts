import { describe, expect, it } from 'vitest';
import { iam } from '../../../../shared/components/lambda-invoke/iam.ts';
import { params } from '../../../../shared/components/lambda-invoke/params.ts';
import type { IamContext } from '../../../../shared/components/definition.ts';

const REGIONS = { primary: 'ap-northeast-1', secondary: 'ap-northeast-3' };
const ctx: IamContext = {
  regions: REGIONS,
  arn: (service, region, resource, withAccount = true) => `arn:aws:${service}:${region}:${withAccount ? '123456789012' : ''}:${resource}`,
};
const issues = (input: unknown) => params.safeParse(input).error?.issues.map((i) => [i.path.join('.'), i.message]) ?? [];

describe('lambda-invoke params', () => {
  it('a plan written before invocation existed still validates, as a synchronous step', () => {
    // Act
    const parsed = params.parse({ functionName: 'dataset-platform-repoint-monitoring', payload: { targetRegion: 'ap-northeast-3' } });
    // Assess
    expect(parsed).toEqual({ region: 'secondary', functionName: 'dataset-platform-repoint-monitoring', payload: { targetRegion: 'ap-northeast-3' }, invocation: 'sync' });
  });

  it('invocation: async needs the result parameter, and only it may name one', () => {
    expect(issues({ functionName: 'f', invocation: 'async' })).toEqual([['resultParameterName', 'required when invocation is async']]);
    expect(issues({ functionName: 'f', resultParameterName: '/dr/f-result' })).toEqual([
      ['resultParameterName', 'only with invocation: async (a synchronous step\'s result is its response)'],
    ]);
    expect(params.parse({ functionName: 'f', invocation: 'async', resultParameterName: '/dr/f-result' })).toMatchObject({ invocation: 'async', resultParameterName: '/dr/f-result' });
  });

  it.each([
    ['dr/f-result', 'a name in a hierarchy starts with /'],
    ['/aws/dr/result', 'must not begin with aws or ssm (reserved)'],
    ['SSM-result', 'must not begin with aws or ssm (reserved)'],
    ['/dr/f result', 'must be an SSM parameter name (letters, digits and _ . - /)'],
    [`/${'x'.repeat(1011)}`, 'must be at most 1011 characters'],
  ])('refuses the result parameter name %j: %s', (name, message) => {
    expect(issues({ functionName: 'f', invocation: 'async', resultParameterName: name })).toEqual([['resultParameterName', message]]);
  });
});

describe('lambda-invoke IAM', () => {
  it('synchronous: lambda:InvokeFunction on the function only (start-only)', () => {
    // Act
    const statements = iam.statements(params.parse({ functionName: 'dataset-platform-repoint-monitoring' }), ctx);
    // Assess
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: ['arn:aws:lambda:ap-northeast-3:123456789012:function:dataset-platform-repoint-monitoring'] },
    ]);
    expect(iam.startOnly).toEqual(['lambda:InvokeFunction']);
  });

  it('asynchronous: also ssm:GetParameter on the result parameter in the function\'s region (start reads before invoking, check polls); no write: only the customer\'s function writes it', () => {
    // Act
    const statements = iam.statements(
      params.parse({ region: 'primary', functionName: 'arn:aws:lambda:ap-northeast-1:210987654321:function:warm', invocation: 'async', resultParameterName: '/dr/warm-result' }),
      ctx,
    );
    // Assess
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: ['arn:aws:lambda:ap-northeast-1:210987654321:function:warm'] },
      { Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: ['arn:aws:ssm:ap-northeast-1:123456789012:parameter/dr/warm-result'] },
    ]);
  });
});
