import { verifyStatements } from '../../checks/iam.ts';
import type { IamContext, IamStatement } from '../../components/definition.ts';
import type { Plan } from '../../plan/schema.ts';
import { cfnStackArn } from './arn.ts';
import { checkActionStatements, readinessStatements, startActionStatements, triggerAlarmReads } from './component-iam.ts';

/** An AWS::IAM::Role resource, as it goes into serverless.yml's resources. */
export interface RoleResource {
  Type: 'AWS::IAM::Role';
  Properties: {
    AssumeRolePolicyDocument: { Version: '2012-10-17'; Statement: { Effect: 'Allow'; Principal: { Service: string }; Action: string }[] };
    Policies: { PolicyName: string; PolicyDocument: { Version: '2012-10-17'; Statement: IamStatement[] } }[];
  };
}

/** One function's role: the log streams of this stack's functions, then exactly `statements`. */
function role(name: string, statements: IamStatement[], { regions }: IamContext): RoleResource {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: name,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                // Lambda's log groups are /aws/lambda/<function name>, and every function is named <stack name>-<function>.
                Resource: [cfnStackArn('logs', regions.secondary, 'log-group:/aws/lambda/', '-*:*')],
              },
              ...statements,
            ],
          },
        },
      ],
    },
  };
}

const stateTable = { 'Fn::GetAtt': ['StateTable', 'Arn'] };
/** The state table: lock, run records, idempotency records — each function only what it does there. */
const stateTableAccess = (...actions: string[]): IamStatement[] => [{ Effect: 'Allow', Action: actions.map((a) => `dynamodb:${a}`), Resource: [stateTable] }];
const idempotencyRecords = stateTableAccess('GetItem', 'PutItem', 'UpdateItem', 'DeleteItem');

const internalTopicPublish: IamStatement[] = [
  { Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ Ref: 'InternalTopic' }] },
  { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: [{ 'Fn::GetAtt': ['NotificationKey', 'Arn'] }] },
];

/**
 * The state machine's own executions (serverless.yml names it <stack name>-failover): a one-way step
 * checks that its execution is still RUNNING before it acts. Named, not referenced: the state machine
 * references these functions, so a Ref back would be a circular dependency.
 */
const ownExecutions = (ctx: IamContext): IamStatement[] => [
  { Effect: 'Allow', Action: ['states:DescribeExecution'], Resource: [cfnStackArn('states', ctx.regions.secondary, 'execution:', '-failover:*')] },
];

/**
 * The dead-letter queue (serverless.yml DeadLetterQueue): the on-failure destination of the functions
 * the EventBridge rules invoke asynchronously. Lambda sends a failed event there with the function's role.
 */
const deadLetterSend: IamStatement[] = [{ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }] }];

export interface RoleOptions {
  /** DR_SLACK_WEBHOOK_SECRET_ARN: the Slack webhook's secret notify may read ('' or undefined: none). */
  slackWebhookSecretArn?: string | undefined;
}

/** One least-privilege role per function, named as serverless.yml's functions use them. */
export function deploymentRoles(plan: Plan, ctx: IamContext, options: RoleOptions = {}): Record<string, RoleResource> {
  const databases = plan.components.flatMap((c) => (c.database ? [c.database] : []));
  // The writers write where the system runs: the primaries, or the recovered databases after a recovery moved it.
  const writerSecrets: IamStatement[] = databases.length
    ? [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: databases.flatMap((d) => [d.primarySecretArn, d.recoverySecretArn]) }]
    : [];
  /** The VPC access the database functions need (AWS-managed policy actions, written out). */
  const vpcAccess: IamStatement[] = plan.databaseAccess
    ? [{ Effect: 'Allow', Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Resource: '*' }]
    : [];
  const verify = verifyStatements(plan, ctx);
  return {
    // A deferred alarm start re-reads its trigger alarm (composite alarms need "*"; ListAlarmMuteRules: its mute rules).
    PrepareRunRole: role('prepare-run', [...stateTableAccess('GetItem', 'Query', 'PutItem'), ...triggerAlarmReads(plan)], ctx),
    StartActionRole: role('start-action', [...startActionStatements(plan, ctx), ...idempotencyRecords, ...ownExecutions(ctx)], ctx),
    CheckActionRole: role('check-action', [...checkActionStatements(plan, ctx), ...idempotencyRecords, ...ownExecutions(ctx)], ctx),
    RecordComponentRole: role('record-component', stateTableAccess('PutItem'), ctx),
    AcquireLockRole: role('acquire-lock', [...stateTableAccess('UpdateItem', 'GetItem'), ...internalTopicPublish], ctx),
    // Also invoked by the status-change rule (asynchronously): an event it fails on goes to the dead-letter queue.
    ReleaseLockRole: role('release-lock', [...stateTableAccess('UpdateItem', 'GetItem'), ...deadLetterSend], ctx),
    // Reads the replica lag to state the data at risk (GetMetricData has no resource-level permissions).
    RequestApprovalRole: role('request-approval', [...internalTopicPublish, { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' }], ctx),
    // Stakeholder notices: both topics (and their key); the Slack webhook's secret when one is configured.
    NotifyRole: role(
      'notify',
      [
        { Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ Ref: 'InternalTopic' }, { Ref: 'ExternalTopic' }] },
        { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: [{ 'Fn::GetAtt': ['NotificationKey', 'Arn'] }] },
        ...(options.slackWebhookSecretArn ? [{ Effect: 'Allow' as const, Action: ['secretsmanager:GetSecretValue'], Resource: [options.slackWebhookSecretArn] }] : []),
      ],
      ctx,
    ),
    // The checks read what they check and the manifests in the state table; they change nothing but
    // the canary row of a database check (an SQL write, not an IAM action).
    VerifyComponentRole: role('verify-component', [...verify, ...stateTableAccess('Query', 'GetItem'), ...vpcAccess], ctx),
    VerifySystemRole: role('verify-system', [...verify, ...stateTableAccess('Query', 'GetItem'), ...vpcAccess], ctx),
    // Heartbeats and manifests go where the system writes (the active region in the state table); manifests into the state table.
    WriteHeartbeatRole: role('write-heartbeat', [...writerSecrets, ...stateTableAccess('GetItem'), ...vpcAccess], ctx),
    WriteManifestRole: role('write-manifest', [...writerSecrets, ...stateTableAccess('PutItem', 'Query', 'GetItem'), ...vpcAccess], ctx),
    RecordTierRole: role('record-tier', [], ctx),
    // The components' full results are in the state table (the run's state carries their outcomes only).
    // ...and writes the run's report and the plan's trend under reports/ in the report bucket (reads the trend;
    // ListBucket only so that a trend not yet written reads as NoSuchKey, not AccessDenied).
    SummariseRunRole: role(
      'summarise-run',
      [
        // PutItem: the active region after a recovery that moved the system (state/active-region.ts).
        ...stateTableAccess('Query', 'GetItem', 'PutItem'),
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ReportBucket', 'Arn'] }, '/reports/*']] }] },
        { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [{ 'Fn::GetAtt': ['ReportBucket', 'Arn'] }], Condition: { StringLike: { 's3:prefix': 'reports/*' } } },
      ],
      ctx,
    ),
    LoadComponentRole: role('load-component', [], ctx),
    RequestConfirmationRole: role('request-confirmation', internalTopicPublish, ctx),
    // Readiness reads what each component's readiness facet reads, the topics' subscribers, and simulates
    // the recovery role's permissions; it keeps its latest result in the state table and tells operations of a change.
    AssessReadinessRole: role(
      'assess-readiness',
      [
        ...readinessStatements(plan, ctx),
        { Effect: 'Allow', Action: ['sns:ListSubscriptionsByTopic'], Resource: [{ Ref: 'InternalTopic' }, { Ref: 'ExternalTopic' }] },
        { Effect: 'Allow', Action: ['iam:SimulatePrincipalPolicy'], Resource: [{ 'Fn::GetAtt': ['StartActionRole', 'Arn'] }] },
        ...stateTableAccess('GetItem', 'PutItem'),
        ...internalTopicPublish,
      ],
      ctx,
    ),
    // Starts (or defers) a run; an outage alarm fired while suppressed or muted is an internal notice instead.
    // An alarm event it fails on goes to the dead-letter queue (its on-failure destination).
    StartRecoveryRole: role(
      'start-recovery',
      [{ Effect: 'Allow', Action: ['states:StartExecution'], Resource: [{ Ref: 'FailoverStateMachine' }] }, ...internalTopicPublish, ...deadLetterSend],
      ctx,
    ),
  };
}
