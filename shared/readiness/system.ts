import { IAMClient, SimulatePrincipalPolicyCommand, type ContextEntry } from '@aws-sdk/client-iam';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AwsClients } from '../aws/clients.ts';
import type { IamStatement } from '../components/definition.ts';
import type { Plan } from '../plan/schema.ts';
import type { ActiveRegion } from '../state/active-region.ts';
import { finding, reading } from './findings.ts';
import type { ReadinessFinding } from './types.ts';

/** IAM is global; its API (a control plane) is in us-east-1. Read before an outage only. */
export const IAM_REGION = 'us-east-1';
/** IAM simulations in flight at once. */
const IAM_CONCURRENCY = 4;
/** Pages of subscriptions read per topic (100 each). */
const MAX_SUBSCRIPTION_PAGES = 10;

/**
 * Whether the plan's notices would reach someone: each topic its audiences use has at least one
 * confirmed subscription (a PendingConfirmation subscriber receives nothing).
 */
export async function topicFindings(clients: AwsClients, region: string, plan: Plan, topics: { internal?: string | undefined; external?: string | undefined }): Promise<ReadinessFinding[]> {
  const used = [...new Set(plan.stakeholders.audiences.map((a) => a.topic))];
  const findings: ReadinessFinding[] = [];
  for (const topic of used) {
    const arn = topics[topic];
    if (!arn) {
      findings.push(finding('topic-subscribers', 'not-ready', `the ${topic} topic is not configured (${topic.toUpperCase()}_TOPIC_ARN): ${topic} audiences would get no notice`));
      continue;
    }
    const read = await reading('topic-subscribers', `topic ${arn}`, async () => {
      const subscriptions: { arn: string; protocol: string }[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_SUBSCRIPTION_PAGES; page++) {
        const out = await clients.get(SNSClient, region).send(new ListSubscriptionsByTopicCommand({ TopicArn: arn, NextToken: token }));
        subscriptions.push(...(out.Subscriptions ?? []).map((s) => ({ arn: s.SubscriptionArn ?? '', protocol: s.Protocol ?? '?' })));
        token = out.NextToken;
        if (!token) break;
      }
      return subscriptions;
    });
    if ('failed' in read) {
      findings.push(read.failed);
      continue;
    }
    const confirmed = read.value.filter((s) => s.arn.startsWith('arn:'));
    const pending = read.value.length - confirmed.length;
    findings.push(confirmed.length === 0
      ? finding('topic-subscribers', 'not-ready', `the ${topic} topic has no confirmed subscriber${pending ? ` (${pending} pending confirmation)` : ''}: nobody would receive its notices`)
      : finding('topic-subscribers', 'ready', `the ${topic} topic has ${confirmed.length} confirmed subscriber(s) (${[...new Set(confirmed.map((s) => s.protocol))].join(', ')})${pending ? `, ${pending} pending` : ''}`));
  }
  return findings;
}

/** A packaged ARN with the role's own partition and account filled in. */
function resolveArn(value: string, roleArn: string): string {
  const [, partition = 'aws', , , account = ''] = roleArn.split(':');
  return value.replaceAll('${AWS::Partition}', partition).replaceAll('${AWS::AccountId}', account);
}

/**
 * A statement's own condition as the request's context (e.g. iam:PassedToService = backup.amazonaws.com
 * for PassRole): the simulation then evaluates the request the recovery will make, which the
 * condition admits. Without it IAM counts the missing key as not matching (an implicit deny).
 */
function contextEntries(condition: NonNullable<IamStatement['Condition']>): ContextEntry[] {
  // Only operators a value can satisfy by being equal to it (StringEquals, StringLike, ArnEquals, ArnLike…);
  // the plan's statements use no other today, and negated or typed ones would need a value chosen otherwise.
  return Object.entries(condition).filter(([operator]) => /^(String|Arn)(Equals|Like)(IgnoreCase)?$/.test(operator)).flatMap(([, keys]) =>
    // A list in the condition admits any one of its values: the request carries one.
    Object.entries(keys).map(([key, value]) => ({ ContextKeyName: key, ContextKeyValues: [[value].flat()[0] ?? ''], ContextKeyType: 'string' as const })));
}

/**
 * Whether the role that starts recoveries (start-action's) may still do everything the plan's
 * recovery needs (its statements as packaged: CompiledPlan.recoveryRole), as IAM evaluates its policies now (SimulatePrincipalPolicy: its identity policies and
 * permissions boundary): a role edited after deployment, or a boundary added, shows here and not in
 * the middle of an outage. A statement with a condition is simulated with the request context it admits.
 */
export async function roleFindings(clients: AwsClients, roleArn: string | undefined, statements: IamStatement[] | null | undefined): Promise<ReadinessFinding[]> {
  if (!roleArn) return [finding('automation-role', 'at-risk', 'the recovery role is not known (START_ACTION_ROLE_ARN): its permissions were not simulated')];
  if (!statements) return [finding('automation-role', 'at-risk', 'the packaged plan carries no recovery role statements (compiled by an older version): re-package to simulate them')];
  const denied: string[] = [];
  let simulated = 0;
  const simulate = (st: IamStatement) => {
    const resources = [st.Resource].flat().filter((r): r is string => typeof r === 'string' && r !== '').map((r) => resolveArn(r, roleArn));
    return reading('automation-role', `role ${roleArn}`, async () =>
      (await clients.get(IAMClient, IAM_REGION).send(new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: st.Action,
        ResourceArns: resources,
        ...(st.Condition ? { ContextEntries: contextEntries(st.Condition) } : {}),
      }))).EvaluationResults ?? []);
  };
  // A few at once: a plan of hundreds of components must not take one read's timeout per statement in turn.
  for (let i = 0; i < statements.length; i += IAM_CONCURRENCY) {
    const batch = statements.slice(i, i + IAM_CONCURRENCY);
    const reads = await Promise.all(batch.map(simulate));
    for (const [j, read] of reads.entries()) {
      if ('failed' in read) return [read.failed];
      simulated += batch[j]!.Action.length;
      for (const r of read.value) {
        if (r.EvalDecision !== 'allowed') denied.push(`${r.EvalActionName ?? '?'} on ${r.EvalResourceName ?? '*'} (${r.EvalDecision ?? '?'})`);
      }
    }
  }
  if (denied.length > 0) {
    return [finding('automation-role', 'not-ready', `the recovery role ${roleArn} may not: ${denied.slice(0, 10).join('; ')}${denied.length > 10 ? ` and ${denied.length - 10} more` : ''}: redeploy from this plan, or remove what denies it`)];
  }
  return [finding('automation-role', 'ready', `the recovery role ${roleArn} may do all ${simulated} action(s) the recovery needs (IAM policy simulation)`)];
}

/**
 * Which way the plan can fail over now: while its system runs in the plan's secondary region (a
 * recovery moved it there: shared/state/active-region.ts), the plan's failover has nowhere to go.
 */
export function activeRegionFinding(plan: Plan, active: ActiveRegion | null): ReadinessFinding {
  const { primary, secondary } = plan.regions;
  if (!active || active.region === primary) {
    return finding('active-region', 'ready', `the plan's primary region ${primary} is active${active ? ` (since ${active.since}, scenario ${active.scenario})` : ' (no recovery has moved it)'}`);
  }
  if (active.region === secondary) {
    // The plan's own stages for it, by name (or that the plan has none yet).
    const scenarios = (stage: 'reprotect' | 'failback') => {
      const ids = plan.scenarios.filter((s) => s.stage === stage).map((s) => s.id);
      return ids.length ? `scenario ${ids.join(' or ')}` : `add a scenario with stage ${stage}`;
    };
    return finding(
      'active-region',
      'not-ready',
      `${secondary} has been active since ${active.since} (scenario ${active.scenario}, ${active.executionId}): this plan's failover has nowhere to go; ` +
        `rebuild protection toward ${primary} (${scenarios('reprotect')}) and fail back (${scenarios('failback')}) before relying on it`,
    );
  }
  return finding('active-region', 'at-risk', `the state table says ${active.region} is active, a region this plan does not name (${primary}, ${secondary})`);
}
