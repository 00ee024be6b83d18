// Reads the recovery plan for serverless.yml (loaded with ${file(scripts/serverless-plan.cjs):KEY}):
// the region to deploy to, the trigger alarms, the state machine definition with its
// ${Substitutions} resolved to CloudFormation references, and one least-privilege IAM role per
// function whose one-way actions are limited to the resources the plan names.
// CommonJS because the Serverless Framework require()s variable files. Run `dr-autopilot validate`
// first: this file reads the plan, it does not validate it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const planFile = process.env.DR_PLAN_FILE || 'examples/dataset-platform.plan.yml';
const plan = YAML.parse(fs.readFileSync(path.resolve(root, planFile), 'utf8'));
const secondary = plan.regions.secondary;
const account = { Ref: 'AWS::AccountId' };
const partition = { Ref: 'AWS::Partition' };

/** arn:${partition}:service:region:account:rest — as a CloudFormation Fn::Join (no variable syntax). */
const arn = (service, region, rest, withAccount = true) => ({
  'Fn::Join': ['', ['arn:', partition, `:${service}:${region}:`, ...(withAccount ? [account] : []), `:${rest}`]],
});
const regionOf = (role) => plan.regions[role || 'secondary'];

/** IAM statements for each component type: reads, and one-way actions on the named resources only. */
const statementsFor = {
  'rds-replica-promotion': (p) => [
    { Effect: 'Allow', Action: ['rds:DescribeDBInstances', 'rds:PromoteReadReplica'], Resource: [arn('rds', secondary, `db:${p.replicaDbInstanceIdentifier}`)] },
    // Split-brain guard (is the old primary still up?) and fencing it: only that instance.
    {
      Effect: 'Allow',
      Action: ['rds:DescribeDBInstances', 'rds:StopDBInstance', 'rds:ModifyDBInstance'],
      Resource: [arn('rds', plan.regions.primary, `db:${p.primaryDbInstanceIdentifier}`)],
    },
    // GetMetricData has no resource-level permissions (read-only).
    { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
  ],
  'aurora-global-failover': (p) => [
    {
      Effect: 'Allow',
      Action: ['rds:DescribeGlobalClusters', 'rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'],
      Resource: [arn('rds', '', `global-cluster:${p.globalClusterIdentifier}`), p.targetDbClusterArn],
    },
    // Split-brain guard: is the current writer (in the primary region) still available? Read-only.
    { Effect: 'Allow', Action: ['rds:DescribeDBClusters'], Resource: [arn('rds', plan.regions.primary, 'cluster:*')] },
  ],
  'rds-point-in-time-restore': (p) => {
    const region = regionOf(p.region);
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
    ];
  },
  'route53-failover': (p) => [
    ...(p.primaryHealthCheckId
      ? [{ Effect: 'Allow', Action: ['route53:GetHealthCheck', 'route53:UpdateHealthCheck'], Resource: [arn('route53', '', `healthcheck/${p.primaryHealthCheckId}`, false)] }]
      : []),
    {
      Effect: 'Allow',
      Action: ['route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets'],
      Resource: [arn('route53', '', `hostedzone/${p.hostedZoneId}`, false)],
    },
    { Effect: 'Allow', Action: ['route53:GetChange'], Resource: [arn('route53', '', 'change/*', false)] },
    // TestDNSAnswer has no resource-level permissions (read-only).
    { Effect: 'Allow', Action: ['route53:TestDNSAnswer'], Resource: '*' },
  ],
  's3-failover': (p) => [
    {
      Effect: 'Allow',
      Action: ['s3:GetBucketVersioning', 's3:GetEncryptionConfiguration', 's3:GetReplicationConfiguration'],
      Resource: [arn('s3', '', p.replicaBucket, false)],
    },
    {
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:PutParameter'],
      Resource: [arn('ssm', secondary, `parameter/${p.parameterName.replace(/^\//, '')}`)],
    },
  ],
  's3-version-restore': (p) => [
    { Effect: 'Allow', Action: ['s3:ListBucketVersions'], Resource: [arn('s3', '', p.bucket, false)] },
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
      Resource: [arn('s3', '', `${p.bucket}/${p.prefix || ''}*`, false)],
    },
  ],
  'backup-restore': (p) => [
    { Effect: 'Allow', Action: ['backup:ListRecoveryPointsByBackupVault'], Resource: [arn('backup', secondary, `backup-vault:${p.backupVaultName}`)] },
    { Effect: 'Allow', Action: ['backup:StartRestoreJob'], Resource: [arn('backup', secondary, 'recovery-point:*')] },
    // DescribeRestoreJob has no resource-level permissions (read-only).
    { Effect: 'Allow', Action: ['backup:DescribeRestoreJob'], Resource: '*' },
    { Effect: 'Allow', Action: ['iam:PassRole'], Resource: [p.iamRoleArn], Condition: { StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } } },
  ],
  'ecs-scale': (p) => [
    { Effect: 'Allow', Action: ['ecs:DescribeServices', 'ecs:UpdateService'], Resource: [arn('ecs', secondary, `service/${p.cluster}/${p.service}`)] },
  ],
  'ec2-asg-scale': (p) => [
    // DescribeAutoScalingGroups has no resource-level permissions (read-only).
    { Effect: 'Allow', Action: ['autoscaling:DescribeAutoScalingGroups'], Resource: '*' },
    {
      Effect: 'Allow',
      Action: ['autoscaling:UpdateAutoScalingGroup'],
      Resource: [arn('autoscaling', secondary, `autoScalingGroup:*:autoScalingGroupName/${p.autoScalingGroupName}`)],
    },
  ],
  'elasticache-global-failover': (p) => [
    {
      Effect: 'Allow',
      Action: ['elasticache:DescribeGlobalReplicationGroups', 'elasticache:FailoverGlobalReplicationGroup'],
      Resource: [arn('elasticache', '', `globalreplicationgroup:${p.globalReplicationGroupId}`), arn('elasticache', secondary, `replicationgroup:${p.secondaryReplicationGroupId}`)],
    },
  ],
  'lambda-invoke': (p) => [
    {
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [p.functionName.startsWith('arn:') ? p.functionName : arn('lambda', regionOf(p.region), `function:${p.functionName}`)],
    },
  ],
  manual: () => [],
};

const hasTriggerAlarms = plan.scenarios.some((s) => ((s.triggers && s.triggers.alarms) || []).length > 0);
const actionStatements = () => [
  ...plan.components.flatMap((c) => statementsFor[c.type](c.params || {})),
  // Anti-flapping re-read of the trigger alarm before one-way steps; composite alarms need "*".
  ...(hasTriggerAlarms ? [{ Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms'], Resource: '*' }] : []),
];

/**
 * Actions that change something. check-action keeps only what a check may have to do: s3:PutObject
 * (s3-version-restore copies in batches while checking), rds:RestoreDBInstanceToPointInTime (a
 * point-in-time restore waiting for its restore point to become restorable starts from a check), and
 * for a replica promotion: fencing the old primary (StopDBInstance / ModifyDBInstance) and the
 * promotion that follows a fence (PromoteReadReplica).
 */
const ONE_WAY = new Set([
  'rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster',
  'route53:UpdateHealthCheck', 'route53:ChangeResourceRecordSets', 'ssm:PutParameter', 'backup:StartRestoreJob', 'iam:PassRole',
  'ecs:UpdateService', 'autoscaling:UpdateAutoScalingGroup', 'elasticache:FailoverGlobalReplicationGroup', 'lambda:InvokeFunction',
]);
const checkStatements = () =>
  actionStatements()
    .map((st) => ({ ...st, Action: st.Action.filter((a) => !ONE_WAY.has(a)) }))
    .filter((st) => st.Action.length > 0);

function role(name, statements) {
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
                Resource: [arn('logs', secondary, `log-group:/aws/lambda/dr-autopilot-*:*`)],
              },
              ...statements,
            ],
          },
        },
      ],
    },
  };
}

const sfnStates = (definition, visit) => {
  for (const [name, state] of Object.entries(definition.States)) {
    visit(name, state);
    if (state.ItemProcessor) sfnStates(state.ItemProcessor, visit);
    if (state.Iterator) sfnStates(state.Iterator, visit);
    (state.Branches || []).forEach((b) => sfnStates(b, visit));
  }
};

/** `${XxxFunctionArn}` → Fn::GetAtt XxxLambdaFunction.Arn (serverless-step-functions turns these into Fn::Sub). */
function definition() {
  const text = fs.readFileSync(path.join(root, 'statemachines/failover.asl.json'), 'utf8');
  const def = JSON.parse(text);
  const resolve = (value) => {
    if (typeof value !== 'string') return value;
    const m = /^\$\{([A-Za-z0-9]+)FunctionArn\}$/.exec(value);
    if (m) return { 'Fn::GetAtt': [`${m[1]}LambdaFunction`, 'Arn'] };
    if (/\$\{/.test(value)) throw new Error(`statemachines/failover.asl.json: unknown substitution in ${value}`);
    return value;
  };
  sfnStates(def, (_name, state) => {
    if (state.Resource) state.Resource = resolve(state.Resource);
    if (state.Parameters && state.Parameters.FunctionName) state.Parameters.FunctionName = resolve(state.Parameters.FunctionName);
  });
  return def;
}

const stateTable = { 'Fn::GetAtt': ['StateTable', 'Arn'] };
/** The state table: lock, run records, idempotency records — each function only what it does there. */
const stateTableAccess = (...actions) => [{ Effect: 'Allow', Action: actions.map((a) => `dynamodb:${a}`), Resource: [stateTable] }];
const idempotencyRecords = stateTableAccess('GetItem', 'PutItem', 'UpdateItem', 'DeleteItem');

const internalTopicPublish = [
  { Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ Ref: 'InternalTopic' }] },
  { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: [{ 'Fn::GetAtt': ['NotificationKey', 'Arn'] }] },
];

/** Every check of the plan: the components' and the final verification's, with the component that lists it. */
const allChecks = [
  ...plan.components.flatMap((c) => (c.checks || []).map((check) => ({ check, component: c }))),
  ...((plan.verification && plan.verification.checks) || []).map((check) => ({ check, component: null })),
];

/** What the integrity checks read: each bucket, record, health check and secret they name; nothing they could change. */
function verifyStatements() {
  const statements = [];
  const secrets = new Set();
  for (const { check, component } of allChecks) {
    if (check.type.startsWith('postgres-') || check.type === 'rpo-heartbeat') {
      if (component && component.database) secrets.add(component.database.recoverySecretArn);
    } else if (check.type === 's3-bucket') {
      statements.push({
        Effect: 'Allow',
        Action: ['s3:GetBucketVersioning', 's3:GetEncryptionConfiguration', 's3:GetReplicationConfiguration', 's3:GetBucketPublicAccessBlock'],
        Resource: [arn('s3', '', check.bucket, false)],
      });
    } else if (check.type === 's3-objects') {
      statements.push({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn('s3', '', `${check.manifestBucket || check.bucket}/${check.manifestKey}`, false)] });
      statements.push({ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [arn('s3', '', `${check.bucket}/*`, false)] });
    } else if (check.type === 'route53-health-check') {
      statements.push({ Effect: 'Allow', Action: ['route53:GetHealthCheckStatus'], Resource: [arn('route53', '', `healthcheck/${check.healthCheckId}`, false)] });
    } else if (check.type === 'dns-answer') {
      // TestDNSAnswer has no resource-level permissions (read-only).
      statements.push({ Effect: 'Allow', Action: ['route53:TestDNSAnswer'], Resource: '*' });
    } else if (check.type === 's3-replication-rpo') {
      // GetMetricData has no resource-level permissions (read-only).
      statements.push({ Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' });
    }
  }
  if (secrets.size > 0) statements.push({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [...secrets] });
  return statements;
}

const databases = plan.components.filter((c) => c.database);
const primarySecrets = () =>
  databases.length ? [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: databases.map((c) => c.database.primarySecretArn) }] : [];
const rate = (minutes) => (minutes === 1 ? 'rate(1 minute)' : `rate(${minutes} minutes)`);
/** The VPC access the database functions need (AWS-managed policy actions, written out). */
const vpcAccess = plan.databaseAccess
  ? [{ Effect: 'Allow', Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Resource: '*' }]
  : [];

module.exports = {
  /** Lambda vpc settings for the functions that connect to databases ({} when the plan names none). */
  /** One schedule per writer for all databases: the shortest interval any of them asks for (EventBridge: at least a minute). */
  heartbeatSchedule: rate(Math.max(1, Math.floor(Math.min(60, ...databases.map((c) => (c.database.heartbeatIntervalSeconds || 60) / 60))))),
  manifestSchedule: rate(Math.max(1, Math.min(60, ...databases.map((c) => c.database.manifestIntervalMinutes || 60)))),
  databaseVpc: plan.databaseAccess ? { subnetIds: plan.databaseAccess.subnetIds, securityGroupIds: plan.databaseAccess.securityGroupIds } : null,
  planFile,
  planName: plan.name,
  secondaryRegion: secondary,
  triggerAlarms: [...new Set(plan.scenarios.flatMap((s) => (s.triggers && s.triggers.alarms) || []))],
  definition: definition(),
  roles: {
    PrepareRunRole: role('prepare-run', stateTableAccess('GetItem', 'Query', 'PutItem')),
    StartActionRole: role('start-action', [...actionStatements(), ...idempotencyRecords]),
    CheckActionRole: role('check-action', [...checkStatements(), ...idempotencyRecords]),
    RecordComponentRole: role('record-component', stateTableAccess('PutItem')),
    AcquireLockRole: role('acquire-lock', [...stateTableAccess('UpdateItem', 'GetItem'), ...internalTopicPublish]),
    ReleaseLockRole: role('release-lock', stateTableAccess('UpdateItem', 'GetItem')),
    // Reads the replica lag to state the data at risk (GetMetricData has no resource-level permissions).
    RequestApprovalRole: role('request-approval', [...internalTopicPublish, { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' }]),
    // The checks read what they check and the manifests in the state table; they change nothing but
    // the canary row of a database check (an SQL write, not an IAM action).
    // Stakeholder notices: both topics (and their key); the Slack webhook's secret when one is configured.
    NotifyRole: role('notify', [
      { Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ Ref: 'InternalTopic' }, { Ref: 'ExternalTopic' }] },
      { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: [{ 'Fn::GetAtt': ['NotificationKey', 'Arn'] }] },
      ...(process.env.DR_SLACK_WEBHOOK_SECRET_ARN ? [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [process.env.DR_SLACK_WEBHOOK_SECRET_ARN] }] : []),
    ]),
    VerifyComponentRole: role('verify-component', [...verifyStatements(), ...stateTableAccess('Query', 'GetItem'), ...vpcAccess]),
    VerifySystemRole: role('verify-system', [...verifyStatements(), ...stateTableAccess('Query', 'GetItem'), ...vpcAccess]),
    // Heartbeats go to the primaries (their secrets only); manifests also into the state table.
    WriteHeartbeatRole: role('write-heartbeat', [...primarySecrets(), ...vpcAccess]),
    WriteManifestRole: role('write-manifest', [...primarySecrets(), ...stateTableAccess('PutItem', 'Query'), ...vpcAccess]),
    RecordTierRole: role('record-tier', []),
    SummariseRunRole: role('summarise-run', []),
    RequestConfirmationRole: role('request-confirmation', internalTopicPublish),
    StartRecoveryRole: role('start-recovery', [{ Effect: 'Allow', Action: ['states:StartExecution'], Resource: [{ Ref: 'FailoverStateMachine' }] }]),
  },
};
