import type { CfnValue, IamContext } from '../../components/definition.ts';

const partition = { Ref: 'AWS::Partition' };
const account = { Ref: 'AWS::AccountId' };

/**
 * `arn:${Partition}:service:region:${AccountId}:resource` as a CloudFormation Fn::Join: the template
 * names no partition or account, so one package deploys to any account (and to aws-cn/aws-us-gov).
 * `region` '' for global resources; `withAccount: false` for ARNs without an account (S3, Route 53).
 */
export function cfnArn(service: string, region: string, resource: string, withAccount = true): CfnValue {
  return { 'Fn::Join': ['', ['arn:', partition, `:${service}:${region}:`, ...(withAccount ? [account] : []), `:${resource}`]] };
}

/**
 * `arn:${Partition}:service:region:${AccountId}:<before>${AWS::StackName}<after>`: a resource of this
 * deployment, named after its stack as serverless.yml names them all (`<stack name>-…`, the stack name
 * being dr-autopilot-<plan>-<stage>), so a role reaches its own plan's and stage's resources only.
 */
export function cfnStackArn(service: string, region: string, before: string, after: string): CfnValue {
  return { 'Fn::Join': ['', ['arn:', partition, `:${service}:${region}:`, account, `:${before}`, { Ref: 'AWS::StackName' }, after]] };
}

/** What the component types' IAM facets know of a deployment. */
export function iamContext(regions: { primary: string; secondary: string }): IamContext {
  return { regions: { primary: regions.primary, secondary: regions.secondary }, arn: cfnArn };
}
