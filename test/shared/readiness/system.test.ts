import { IAMClient, NoSuchEntityException, SimulatePrincipalPolicyCommand, type SimulatePrincipalPolicyCommandInput } from '@aws-sdk/client-iam';
import { ListSubscriptionsByTopicCommand, NotFoundException, SNSClient, type Subscription } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsClients } from '../../../shared/aws/clients.ts';
import { iam as backupRestoreIam } from '../../../shared/components/backup-restore/iam.ts';
import { loadPlanFile } from '../../../shared/plan/load.ts';
import type { Plan } from '../../../shared/plan/schema.ts';
import { IAM_REGION, roleFindings, topicFindings } from '../../../shared/readiness/system.ts';
import { compiledPlanOf } from '../../../shared/tools/deploy/compiled-plan.ts';

const sns = mockClient(SNSClient);
const iam = mockClient(IAMClient);

const INTERNAL = 'arn:aws:sns:ap-northeast-3:123456789012:dataset-platform-internal';
const EXTERNAL = 'arn:aws:sns:ap-northeast-3:123456789012:dataset-platform-external';
const ROLE = 'arn:aws:iam::123456789012:role/dr-autopilot-start-action';
const REPLICA_ARN = 'arn:aws:rds:ap-northeast-3:123456789012:db:dataset-db-osaka';
/** The role the example plan's backup-system passes to AWS Backup for its restore job. */
const BACKUP_ROLE = 'arn:aws:iam::123456789012:role/dataset-platform-backup-restore';
/** The role dataset-storage's re-protect passes to S3 for the replication rule it adds. */
const S3_REPLICATION_ROLE = 'arn:aws:iam::123456789012:role/dataset-platform-s3-replication';
/**
 * Statements and actions of the example plan's recovery role as packaged: every component's iam.statements,
 * those of the reverse direction and the re-protect for the components its re-protect and failback
 * scenarios list (each statement once), and the re-read of the trigger alarms (cloudwatch:DescribeAlarms and
 * ListAlarmMuteRules on '*': the plan has trigger alarms).
 */
const STATEMENTS = 37;
const ACTIONS = 62;

const confirmed = (topic: string, protocol: string, n: number): Subscription => ({
  SubscriptionArn: `${topic}:0000000${n}-aaaa-bbbb-cccc-dddddddddddd`, TopicArn: topic, Protocol: protocol, Endpoint: `${protocol}-${n}`, Owner: '123456789012',
});
const pending = (topic: string, protocol: string): Subscription => ({ SubscriptionArn: 'PendingConfirmation', TopicArn: topic, Protocol: protocol, Endpoint: 'someone', Owner: '123456789012' });
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
/** IAM's simulation as it answers: one result per action and resource; `denied` says which are refused. */
const simulate = (denied: (action: string, resource: string) => boolean = () => false) =>
  iam.on(SimulatePrincipalPolicyCommand).callsFake((input: SimulatePrincipalPolicyCommandInput) => ({
    EvaluationResults: (input.ActionNames ?? []).flatMap((action) => (input.ResourceArns ?? ['*']).map((resource) => ({
      EvalActionName: action,
      EvalResourceName: resource,
      EvalDecision: denied(action, resource) ? 'implicitDeny' : 'allowed',
    }))),
  }));

/** The recovery role's statements as packaging puts them in the compiled plan (partition and account left for the run time). */
const packagedStatements = (p: Plan) => compiledPlanOf(p, 'plan.yml').recoveryRole?.statements ?? null;

describe('system readiness', () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await loadPlanFile(new URL('../../../examples/dataset-platform.plan.yml', import.meta.url).pathname);
  });
  beforeEach(() => {
    sns.reset();
    iam.reset();
  });
  afterEach(() => {
    sns.reset();
    iam.reset();
    vi.restoreAllMocks();
  });

  describe('topicFindings', () => {
    it('is ready when each topic the audiences use has a confirmed subscriber; reads them in the region given', async () => {
      // Prepare
      sns.on(ListSubscriptionsByTopicCommand, { TopicArn: INTERNAL }).resolves({ Subscriptions: [confirmed(INTERNAL, 'email', 1), pending(INTERNAL, 'sms')] });
      sns.on(ListSubscriptionsByTopicCommand, { TopicArn: EXTERNAL }).resolves({
        Subscriptions: [confirmed(EXTERNAL, 'https', 1), confirmed(EXTERNAL, 'email', 2), confirmed(EXTERNAL, 'https', 3)],
      });
      // Act
      const findings = await topicFindings(createAwsClients(), 'ap-northeast-3', plan, { internal: INTERNAL, external: EXTERNAL });
      // Assess
      expect(findings).toEqual([
        { check: 'topic-subscribers', status: 'ready', detail: 'the internal topic has 1 confirmed subscriber(s) (email), 1 pending' },
        { check: 'topic-subscribers', status: 'ready', detail: 'the external topic has 3 confirmed subscriber(s) (https, email)' },
      ]);
      expect(sns.commandCalls(ListSubscriptionsByTopicCommand).map((c) => c.args[0].input)).toEqual([
        { TopicArn: INTERNAL, NextToken: undefined },
        { TopicArn: EXTERNAL, NextToken: undefined },
      ]);
      expect(await sns.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    });

    it('is not ready when every subscriber is still pending confirmation, or there is none', async () => {
      sns.on(ListSubscriptionsByTopicCommand, { TopicArn: INTERNAL }).resolves({ Subscriptions: [pending(INTERNAL, 'email'), pending(INTERNAL, 'sms')] });
      sns.on(ListSubscriptionsByTopicCommand, { TopicArn: EXTERNAL }).resolves({ Subscriptions: [] });
      const findings = await topicFindings(createAwsClients(), 'ap-northeast-3', plan, { internal: INTERNAL, external: EXTERNAL });
      expect(findings).toEqual([
        { check: 'topic-subscribers', status: 'not-ready', detail: 'the internal topic has no confirmed subscriber (2 pending confirmation): nobody would receive its notices' },
        { check: 'topic-subscribers', status: 'not-ready', detail: 'the external topic has no confirmed subscriber: nobody would receive its notices' },
      ]);
    });

    it('is not ready when a topic the audiences use is not configured, and reads only the other', async () => {
      sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [confirmed(INTERNAL, 'email', 1)] });
      const findings = await topicFindings(createAwsClients(), 'ap-northeast-3', plan, { internal: INTERNAL, external: undefined });
      expect(findings).toEqual([
        { check: 'topic-subscribers', status: 'ready', detail: 'the internal topic has 1 confirmed subscriber(s) (email)' },
        { check: 'topic-subscribers', status: 'not-ready', detail: 'the external topic is not configured (EXTERNAL_TOPIC_ARN): external audiences would get no notice' },
      ]);
      expect(sns).toHaveReceivedCommandTimes(ListSubscriptionsByTopicCommand, 1);
    });

    it('reads every page (NextToken) before deciding', async () => {
      sns.on(ListSubscriptionsByTopicCommand, { TopicArn: INTERNAL, NextToken: undefined }).resolves({ Subscriptions: [pending(INTERNAL, 'email')], NextToken: 'page-2' });
      sns.on(ListSubscriptionsByTopicCommand, { TopicArn: INTERNAL, NextToken: 'page-2' }).resolves({ Subscriptions: [confirmed(INTERNAL, 'sqs', 1)] });
      sns.on(ListSubscriptionsByTopicCommand, { TopicArn: EXTERNAL }).resolves({ Subscriptions: [confirmed(EXTERNAL, 'email', 1)] });
      const findings = await topicFindings(createAwsClients(), 'ap-northeast-3', plan, { internal: INTERNAL, external: EXTERNAL });
      expect(findings[0]).toEqual({ check: 'topic-subscribers', status: 'ready', detail: 'the internal topic has 1 confirmed subscriber(s) (sqs), 1 pending' });
      expect(sns.commandCalls(ListSubscriptionsByTopicCommand).map((c) => c.args[0].input)).toEqual([
        { TopicArn: INTERNAL, NextToken: undefined },
        { TopicArn: INTERNAL, NextToken: 'page-2' },
        { TopicArn: EXTERNAL, NextToken: undefined },
      ]);
    });

    it('is not ready when a topic does not exist; at risk when SNS is throttled', async () => {
      sns.on(ListSubscriptionsByTopicCommand, { TopicArn: INTERNAL }).rejects(new NotFoundException({ message: 'Topic does not exist', $metadata: { httpStatusCode: 404 } }));
      sns.on(ListSubscriptionsByTopicCommand, { TopicArn: EXTERNAL }).rejects(awsError('Throttling', 'Rate exceeded'));
      const findings = await topicFindings(createAwsClients(), 'ap-northeast-3', plan, { internal: INTERNAL, external: EXTERNAL });
      expect(findings).toEqual([
        { check: 'topic-subscribers', status: 'not-ready', detail: `topic ${INTERNAL} not found (NotFoundException): create it in the recovery region, or correct the plan` },
        { check: 'topic-subscribers', status: 'at-risk', detail: `topic ${EXTERNAL}: could not be read (Throttling: Rate exceeded); readiness unknown until it answers` },
      ]);
    });
  });

  describe('roleFindings', () => {
    it('is at risk, simulating nothing, when the role is not known', async () => {
      const findings = await roleFindings(createAwsClients(), undefined, packagedStatements(plan));
      expect(findings).toEqual([
        { check: 'automation-role', status: 'at-risk', detail: 'the recovery role is not known (START_ACTION_ROLE_ARN): its permissions were not simulated' },
      ]);
      expect(iam).not.toHaveReceivedCommand(SimulatePrincipalPolicyCommand);
    });

    it('is ready when IAM allows every action of every statement, simulated one statement at a time in us-east-1', async () => {
      // Prepare
      simulate();
      // Act
      const findings = await roleFindings(createAwsClients(), ROLE, packagedStatements(plan));
      // Assess
      expect(findings).toEqual([
        { check: 'automation-role', status: 'ready', detail: `the recovery role ${ROLE} may do all ${ACTIONS} action(s) the recovery needs (IAM policy simulation)` },
      ]);
      expect(iam).toHaveReceivedCommandTimes(SimulatePrincipalPolicyCommand, STATEMENTS);
      expect(IAM_REGION).toBe('us-east-1');
      expect(await iam.call(0).thisValue.config.region()).toBe('us-east-1');
      expect(iam.commandCalls(SimulatePrincipalPolicyCommand)[0]!.args[0].input).toEqual({
        PolicySourceArn: ROLE,
        ActionNames: ['rds:DescribeDBInstances', 'rds:PromoteReadReplica'],
        ResourceArns: [REPLICA_ARN],
      });
      // A statement on any resource is simulated on '*'.
      expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, { PolicySourceArn: ROLE, ActionNames: ['cloudwatch:GetMetricData'], ResourceArns: ['*'] });
      // The trigger alarms' re-read (the plan has trigger alarms) is among the packaged statements.
      expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, { PolicySourceArn: ROLE, ActionNames: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListAlarmMuteRules'], ResourceArns: ['*'] });
    });

    it.each([null, undefined])('is at risk, simulating nothing, when the packaged plan carries no recovery role statements (%s)', async (statements) => {
      const findings = await roleFindings(createAwsClients(), ROLE, statements);
      expect(findings).toEqual([{
        check: 'automation-role',
        status: 'at-risk',
        detail: 'the packaged plan carries no recovery role statements (compiled by an older version): re-package to simulate them',
      }]);
      expect(iam).not.toHaveReceivedCommand(SimulatePrincipalPolicyCommand);
    });

    it('simulates exactly the statements given, partition and account filled from the role ARN', async () => {
      simulate();
      const findings = await roleFindings(createAwsClients(), ROLE, [{ Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: ['arn:${AWS::Partition}:lambda:ap-northeast-3:${AWS::AccountId}:function:f'] }]);
      expect(findings).toEqual([
        { check: 'automation-role', status: 'ready', detail: `the recovery role ${ROLE} may do all 1 action(s) the recovery needs (IAM policy simulation)` },
      ]);
      expect(iam).toHaveReceivedCommandTimes(SimulatePrincipalPolicyCommand, 1);
      expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
        PolicySourceArn: ROLE, ActionNames: ['lambda:InvokeFunction'], ResourceArns: ['arn:aws:lambda:ap-northeast-3:123456789012:function:f'],
      });
    });

    it('builds the ARNs with the role\'s own partition and account', async () => {
      simulate();
      const role = 'arn:aws-cn:iam::210987654321:role/dr-autopilot-start-action';
      await roleFindings(createAwsClients(), role, packagedStatements(plan));
      expect(iam.commandCalls(SimulatePrincipalPolicyCommand)[0]!.args[0].input).toEqual({
        PolicySourceArn: role,
        ActionNames: ['rds:DescribeDBInstances', 'rds:PromoteReadReplica'],
        ResourceArns: ['arn:aws-cn:rds:ap-northeast-3:210987654321:db:dataset-db-osaka'],
      });
      expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
        ActionNames: ['rds:DescribeDBInstances', 'rds:StopDBInstance', 'rds:ModifyDBInstance'],
        ResourceArns: ['arn:aws-cn:rds:ap-northeast-1:210987654321:db:dataset-db'],
      });
      // Without an account (S3).
      expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
        ActionNames: ['s3:ListBucketVersions'],
        ResourceArns: ['arn:aws-cn:s3:::dataset-platform-datasets-tokyo'],
      });
    });

    it('is not ready when IAM denies an action, naming the action, the resource and the decision', async () => {
      // Prepare
      simulate((action, resource) => action === 'rds:PromoteReadReplica' && resource === REPLICA_ARN);
      // Act
      const findings = await roleFindings(createAwsClients(), ROLE, packagedStatements(plan));
      // Assess
      expect(findings).toEqual([{
        check: 'automation-role',
        status: 'not-ready',
        detail: `the recovery role ${ROLE} may not: rds:PromoteReadReplica on ${REPLICA_ARN} (implicitDeny): redeploy from this plan, or remove what denies it`,
      }]);
      // Every statement is still simulated.
      expect(iam).toHaveReceivedCommandTimes(SimulatePrincipalPolicyCommand, STATEMENTS);
    });

    it('names at most ten denials and counts the rest', async () => {
      simulate(() => true);
      const findings = await roleFindings(createAwsClients(), ROLE, packagedStatements(plan));
      expect(findings).toHaveLength(1);
      expect(findings[0]!.status).toBe('not-ready');
      expect(findings[0]!.detail).toMatch(new RegExp(`^the recovery role ${ROLE} may not: rds:DescribeDBInstances on ${REPLICA_ARN} \\(implicitDeny\\); `));
      // 76 results: an action on several resources is one result per resource (the routing controls, ElastiCache, the
      // re-protect's RDS and S3 reads, the replica creation on five RDS resources).
      expect(findings[0]!.detail).toMatch(/ and 66 more: redeploy from this plan, or remove what denies it$/);
      // The last statement simulated is the trigger alarms' re-read.
      expect(iam.commandCalls(SimulatePrincipalPolicyCommand).at(-1)!.args[0].input).toEqual({ PolicySourceArn: ROLE, ActionNames: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListAlarmMuteRules'], ResourceArns: ['*'] });
      expect(findings[0]!.detail.split('; ')).toHaveLength(10);
    });

    it('simulates a statement with a condition in the request context it admits (PassRole to AWS Backup)', async () => {
      // Prepare
      simulate();
      // Act
      await roleFindings(createAwsClients(), ROLE, packagedStatements(plan));
      // Assess
      const inputs = iam.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input);
      expect(inputs.filter((input) => input.ActionNames?.includes('iam:PassRole'))).toEqual([
        {
          PolicySourceArn: ROLE,
          ActionNames: ['iam:PassRole'],
          ResourceArns: [S3_REPLICATION_ROLE],
          ContextEntries: [{ ContextKeyName: 'iam:PassedToService', ContextKeyValues: ['s3.amazonaws.com'], ContextKeyType: 'string' }],
        },
        {
          PolicySourceArn: ROLE,
          ActionNames: ['iam:PassRole'],
          ResourceArns: [BACKUP_ROLE],
          ContextEntries: [{ ContextKeyName: 'iam:PassedToService', ContextKeyValues: ['backup.amazonaws.com'], ContextKeyType: 'string' }],
        },
      ]);
      // Only those statements have a condition: no other simulation carries a context.
      expect(inputs.filter((input) => 'ContextEntries' in input)).toHaveLength(2);
    });

    it('is ready when IAM allows PassRole only under its condition, which the simulation supplies', async () => {
      const PASSED_TO: Record<string, string> = { [BACKUP_ROLE]: 'backup.amazonaws.com', [S3_REPLICATION_ROLE]: 's3.amazonaws.com' };
      // Prepare: as IAM evaluates a role whose PassRole is conditioned on iam:PassedToService: a request without the key is an implicit deny.
      iam.on(SimulatePrincipalPolicyCommand).callsFake((input: SimulatePrincipalPolicyCommandInput) => ({
        EvaluationResults: (input.ActionNames ?? []).map((action) => ({
          EvalActionName: action,
          EvalResourceName: input.ResourceArns?.[0] ?? '*',
          EvalDecision: action !== 'iam:PassRole' || input.ContextEntries?.some((e) => e.ContextKeyName === 'iam:PassedToService' && e.ContextKeyValues?.[0] === PASSED_TO[input.ResourceArns?.[0] ?? ''])
            ? 'allowed'
            : 'implicitDeny',
        })),
      }));
      // Act
      const findings = await roleFindings(createAwsClients(), ROLE, packagedStatements(plan));
      // Assess
      expect(findings).toEqual([
        { check: 'automation-role', status: 'ready', detail: `the recovery role ${ROLE} may do all ${ACTIONS} action(s) the recovery needs (IAM policy simulation)` },
      ]);
    });

    it('builds one context entry per condition key, of the first value of a list, across operators', async () => {
      // Prepare
      simulate();
      vi.spyOn(backupRestoreIam, 'statements').mockReturnValue([{
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [BACKUP_ROLE],
        Condition: {
          StringEquals: { 'iam:PassedToService': ['backup.amazonaws.com', 'restore.backup.amazonaws.com'] },
          StringLike: { 'iam:AssociatedResourceARN': 'arn:aws:elasticfilesystem:*' },
        },
      }]);
      // Act
      await roleFindings(createAwsClients(), ROLE, packagedStatements(plan));
      // Assess
      expect(iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
        PolicySourceArn: ROLE,
        ActionNames: ['iam:PassRole'],
        ResourceArns: [BACKUP_ROLE],
        ContextEntries: [
          { ContextKeyName: 'iam:PassedToService', ContextKeyValues: ['backup.amazonaws.com'], ContextKeyType: 'string' },
          { ContextKeyName: 'iam:AssociatedResourceARN', ContextKeyValues: ['arn:aws:elasticfilesystem:*'], ContextKeyType: 'string' },
        ],
      });
      // The other conditioned statement (dataset-storage's PassRole to S3) keeps its own.
      expect(iam.commandCalls(SimulatePrincipalPolicyCommand).filter((c) => 'ContextEntries' in c.args[0].input)).toHaveLength(2);
    });

    it('is not ready when the role does not exist or the simulation is refused; at risk when throttled', async () => {
      const findingsWhen = async (error: Error) => {
        iam.reset();
        iam.on(SimulatePrincipalPolicyCommand).rejects(error);
        return roleFindings(createAwsClients(), ROLE, packagedStatements(plan));
      };
      expect(await findingsWhen(new NoSuchEntityException({ message: 'The role with name dr-autopilot-start-action cannot be found.', $metadata: { httpStatusCode: 404 } }))).toEqual([
        { check: 'automation-role', status: 'not-ready', detail: `role ${ROLE} not found (NoSuchEntityException): create it in the recovery region, or correct the plan` },
      ]);
      expect(await findingsWhen(awsError('AccessDenied', 'not authorized to perform: iam:SimulatePrincipalPolicy'))).toEqual([
        { check: 'automation-role', status: 'not-ready', detail: `role ${ROLE}: access denied (AccessDenied): the automation's role lacks a read it needs; redeploy from this plan` },
      ]);
      expect(await findingsWhen(awsError('Throttling', 'Rate exceeded'))).toEqual([
        { check: 'automation-role', status: 'at-risk', detail: `role ${ROLE}: could not be read (Throttling: Rate exceeded); readiness unknown until it answers` },
      ]);
      // A failed simulation ends the reading after its batch of four: no further statements are simulated.
      expect(iam).toHaveReceivedCommandTimes(SimulatePrincipalPolicyCommand, 4);
    });
  });
});
