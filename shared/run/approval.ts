import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { array, int, lazy, looseObject, minLength, object, optional, positive, string, superRefine, type output } from 'zod/mini';
import type { AwsClients } from '../aws/clients.ts';
import { lagAsOf, readReplicationLag } from '../aws/replica-lag.ts';
import type { OneWayRun, OneWayStep } from '../components/definition.ts';
import { loadOneWay } from '../components/load.ts';
import { approvalFields, runContext, tierTask } from './task-schemas.ts';
import { typed } from './task-input.ts';
import type { ApprovalState, ComponentTask, RunContext, TierTask } from './types.ts';
import './schema-messages.ts';
import { automationRegion } from './regions.ts';
import { attemptField, replacesEarlierRequest } from './confirmation.ts';

/**
 * The approval task's input (Request Recovery Approval's Payload): `$.run`, `$.tiers`, `$.approval`,
 * the task token (`$$.Task.Token`) and the attempt (`$$.State.RetryCount`: 0 for the first request).
 * The waiting tier and every one-way component must be in the run's tiers.
 */
export const approvalRequest = lazy(() =>
  object({
    run: runContext,
    tiers: array(tierTask).check(minLength(1, 'missing or empty')),
    approval: typed<ApprovalState>()(
      looseObject({
        ...approvalFields(),
        timeoutSeconds: int().check(positive('must be a positive whole number of seconds')),
        oneWayComponents: array(string()).check(minLength(1, 'missing or empty: an approval covers at least one one-way component')),
      }),
    ),
    taskToken: string().check(minLength(1, 'missing')),
    attempt: optional(attemptField),
  }).check(
    superRefine(({ tiers, approval }, ctx) => {
      if (!tiers[approval.tierIndex]) {
        ctx.addIssue({ code: 'custom', path: ['approval', 'tierIndex'], message: `${approval.tierIndex} is not a tier of the run (0-${tiers.length - 1})` });
      }
      const ids = new Set(tiers.flatMap((t) => t.components.map((c) => c.id)));
      const stray = approval.oneWayComponents.find((id) => !ids.has(id));
      if (stray !== undefined) ctx.addIssue({ code: 'custom', path: ['approval', 'oneWayComponents'], message: `component ${JSON.stringify(stray)} is not in the run's tiers` });
    }),
  ),
);
export type ApprovalRequest = output<typeof approvalRequest>;

export interface ApprovalDeps {
  sns: SNSClient;
  clients: AwsClients;
  logger: Logger;
  now: () => Date;
  /** The plan's RPO classes, when known: the request then states each component's RPO target. */
  rpoClasses?: Record<string, { targetMinutes: number }>;
  /** A one-way component's definition, by id (the packaged plan's: prepare.ts componentTask). */
  componentTask: (id: string) => ComponentTask;
}

/** What a one-way component puts at risk, as read when the approval was requested. */
export interface DataAtRisk {
  component: string;
  type: string;
  /** The replication lag now (data not yet in the secondary region); null when not known or not applicable. */
  replicaLagSeconds: number | null;
  /** Why the lag is not known, or what is at risk instead (e.g. the objects a restore overwrites). */
  note: string | null;
}

export interface ApprovalResult {
  messageId: string;
  dataAtRisk: DataAtRisk[];
}

/** SNS Publish: a message is at most 256 KB (262,144 bytes), a subject fewer than 100 characters. */
export const MAX_MESSAGE_BYTES = 262_144;
export const MAX_SUBJECT_CHARS = 99;
/** Lag reads in flight at once. */
const LAG_READS_AT_ONCE = 10;
/** Text from the plan or the trigger is kept to one line of at most this many characters. */
const MAX_LINE_CHARS = 500;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, Math.max(0, max - 3))}...`);
const oneLine = (text: string, max = MAX_LINE_CHARS) => clip(text.replace(/\s+/g, ' ').trim(), max);

/** A shell-safe single-quoted argument (task tokens carry no quotes; this keeps it safe if one did). */
const quoted = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

/** 12 -> "12 s", 0.35 -> "0.35 s", 950 -> "950 s (15.8 min)". */
export function formatSeconds(seconds: number): string {
  const s = `${Number(seconds.toFixed(3))} s`;
  return seconds >= 120 ? `${s} (${Number((seconds / 60).toFixed(1))} min)` : s;
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The tier that waits and the one-way components, in recovery order (approvalRequest checked they are in the run). */
function gate({ tiers, approval }: ApprovalRequest, componentTask: ApprovalDeps['componentTask']): { tier: TierTask; components: ComponentTask[] } {
  return { tier: tiers[approval.tierIndex]!, components: approval.oneWayComponents.map(componentTask) };
}

/** A one-way component's type facet (shared/components/<type>/one-way.ts); null for a type that is not one-way. */
type Facet = OneWayStep<unknown> | null;

/** What a one-way component puts at risk, and whether that is a database's data (an unknown lag is then said as such). */
interface Risk {
  risk: DataAtRisk;
  database: boolean;
}

const oneWayRun = (run: RunContext): OneWayRun => ({ regions: run.regions, mode: run.mode, incidentStartedAt: run.incidentStartedAt });

/** One line: what the component's one-way step does (worded by its type). */
function whatItDoes(run: RunContext, c: ComponentTask, facet: Facet): string {
  return facet ? facet.describe(oneWayRun(run), c) : `runs its ${c.type} recovery, which cannot be undone`;
}

/** The replication lag at stake (lagAsOf), when the type names a lag metric; otherwise what its type says is at risk. */
async function dataAtRisk(deps: ApprovalDeps, run: RunContext, c: ComponentTask, facet: Facet): Promise<Risk> {
  const base = { component: c.id, type: c.type };
  if (!facet) return { risk: { ...base, replicaLagSeconds: null, note: `no replication lag for ${c.type}` }, database: false };
  const { lagMetric, note, database } = facet.dataAtRisk(oneWayRun(run), c);
  if (!lagMetric) return { risk: { ...base, replicaLagSeconds: null, note }, database };
  // The lag is published in the secondary region, where the replica (or secondary cluster) is.
  const cloudwatch = deps.clients.get(CloudWatchClient, run.regions.secondary);
  // Unplanned: the lag at the incident; after it the metric also counts the time the primary has been gone.
  const { seconds, reason } = await readReplicationLag(cloudwatch, deps.logger, lagAsOf(run.mode, new Date(run.incidentStartedAt), deps.now()), lagMetric);
  return { risk: { ...base, replicaLagSeconds: seconds, note: reason ?? note }, database };
}

function costLine(deps: ApprovalDeps, c: ComponentTask, { risk, database }: Risk): string {
  const target = c.rpoClass ? deps.rpoClasses?.[c.rpoClass]?.targetMinutes : undefined;
  const rpo = !c.rpoClass ? '' : target === undefined ? ` [RPO class ${c.rpoClass}]` : ` [RPO target ${target} min, class ${c.rpoClass}]`;
  if (risk.replicaLagSeconds !== null) {
    const over = target !== undefined && risk.replicaLagSeconds > target * 60 ? ' - OVER the RPO target' : '';
    const loss = risk.note ?? `writes from about the last ${formatSeconds(risk.replicaLagSeconds)} may be lost`;
    return `${c.id}: replica lag ${formatSeconds(risk.replicaLagSeconds)} now; ${loss}${over}${rpo}`;
  }
  if (database) {
    return `${c.id}: replica lag unknown (${risk.note ?? 'not measured'}); data at risk unknown${rpo}`;
  }
  return `${c.id}: ${risk.note ?? 'no replication lag'}${rpo}`;
}

/** `[dr-autopilot] Approval needed: <scenario> failover of <plan>`, long ids shortened to stay under 100 characters. */
function subjectOf(run: RunContext): string {
  const subject = (scenario: string, plan: string) => `[dr-autopilot] Approval needed: ${scenario} ${run.mode === 'planned' ? 'switchover' : 'failover'} of ${plan}`;
  const budget = MAX_SUBJECT_CHARS - subject('', '').length;
  if (run.scenario.length + run.plan.length <= budget) return subject(run.scenario, run.plan);
  const scenario = clip(run.scenario, Math.max(Math.ceil(budget / 2), budget - run.plan.length));
  return subject(scenario, clip(run.plan, budget - scenario.length));
}

interface Parts {
  head: string[];
  steps: string[];
  costs: string[];
  tail: string[];
}

/**
 * The message, within SNS's 256 KB: when a huge plan's lists would not fit, the per-component lines
 * are cut (saying how many are left out), never the deadline or the commands.
 */
function render({ head, steps, costs, tail }: Parts, readAt: string, deadlineSection: string[]): string {
  const build = (shown: number) => {
    const more = steps.length - shown;
    const cut = more > 0 ? [`  ... and ${more} more one-way component(s): see $.approval.oneWayComponents of the execution`] : [];
    return [
      ...head,
      ...steps.slice(0, shown),
      ...cut,
      '',
      `What it costs (data at risk, read at ${readAt}):`,
      ...costs.slice(0, shown),
      ...cut,
      '',
      ...deadlineSection,
      '',
      ...tail,
    ].join('\n');
  };
  let shown = steps.length;
  let message = build(shown);
  while (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES && shown > 0) {
    const ratio = MAX_MESSAGE_BYTES / Buffer.byteLength(message, 'utf8');
    shown = Math.max(0, Math.min(shown - 1, Math.floor(shown * ratio)));
    message = build(shown);
  }
  return message;
}

/**
 * Asks for a person's approval before the run's first one-way step: what will happen (scenario,
 * mode, the tier that waits, each one-way component and what it does), what it costs (the replica
 * lag now, i.e. the data at risk, per one-way database component), the deadline (no answer is a
 * denial) and the exact commands to answer. One message to the internal topic only: whoever holds
 * the task token can answer.
 */
export async function requestApproval(deps: ApprovalDeps, topicArn: string, request: ApprovalRequest): Promise<ApprovalResult> {
  const { tier, components } = gate(request, deps.componentTask);
  const { run, tiers, approval, taskToken } = request;
  // Before the reads: the task's timeout runs from its start, so the stated deadline is never late.
  const now = deps.now();
  const oneWay = await Promise.all(components.map(async (c) => ({ c, facet: await loadOneWay(c.type) })));
  const risks: Risk[] = [];
  // A few reads at a time: GetMetricData has a per-account rate, and a plan may list many components.
  for (let i = 0; i < oneWay.length; i += LAG_READS_AT_ONCE) {
    risks.push(...(await Promise.all(oneWay.slice(i, i + LAG_READS_AT_ONCE).map(({ c, facet }) => dataAtRisk(deps, run, c, facet)))));
  }
  const deadline = new Date(now.getTime() + approval.timeoutSeconds * 1000).toISOString();
  /** What --force can do: only an isolation fence can be put up before a promotion (RDS can't stop a primary that has replicas). */
  function forceEffect(): string {
    const cannot = oneWay.filter(({ c, facet }) => facet?.forceCannotFenceFirst?.(c) === true).map(({ c }) => c.id);
    const base = 'a primary found up is fenced first (isolated), an Aurora failover goes on, then the run continues';
    return cannot.length === 0 ? base : `${base}; for ${cannot.join(', ')} (fencing ${cannot.length === 1 ? 'is' : 'are'} not "isolate") force cannot fence first and the step is still refused`;
  }
  const operation = run.mode === 'planned' ? 'planned switchover' : 'unplanned failover';
  const token = quoted(taskToken);
  const answer = `--region ${automationRegion(run)} --token ${token}`;
  const head = [
    ...replacesEarlierRequest(request.attempt ?? 0, 'approval request'),
    `Approval needed before a one-way recovery step of ${run.plan}.`,
    `Scenario: ${run.scenario} - ${oneLine(run.scenarioName)} (${operation}, severity ${run.severity})`,
    `Started by: ${oneLine(run.trigger?.by ?? 'unknown', 200)} (${run.trigger?.kind ?? 'unknown'})${run.trigger?.reason ? `: ${oneLine(run.trigger.reason)}` : ''}`,
    `Incident start: ${run.incidentStartedAt}   Run: ${run.executionId}`,
    '',
    'What will happen:',
    oneLine(
      `The run waits before ${tier.id} (tier ${approval.tierIndex + 1} of ${tiers.length}: ${tier.name}); ` +
        `approved, it recovers ${tier.components.map((c) => c.id).join(', ')}.`,
      4 * MAX_LINE_CHARS,
    ),
    `One-way steps the approval covers (they cannot be undone), in recovery order:`,
  ];
  const steps = oneWay.map(({ c, facet }) => `  - ${oneLine(`${c.id} (${c.type}, ${c.tier}): ${whatItDoes(run, c, facet)}`, 2 * MAX_LINE_CHARS)}`);
  const costs = components.map((c, i) => `  - ${oneLine(costLine(deps, c, risks[i]!), 2 * MAX_LINE_CHARS)}`);
  const deadlineSection = [
    `Deadline: ${deadline} (${formatDuration(approval.timeoutSeconds)} from now).`,
    `No answer by then is a denial: the run stops before ${tier.id} and makes none of these one-way changes.`,
  ];
  const tail = [
    'How to answer (from a shell with AWS credentials for this account):',
    `  Approve:  npx dr-autopilot approve ${answer}`,
    `  Approve with force - only if the old primary may still be up: ${forceEffect()}:`,
    `            npx dr-autopilot approve ${answer} --force --reason '…'`,
    `  Reject:   npx dr-autopilot reject ${answer} --reason '…'`,
  ];
  const message = render({ head, steps, costs, tail }, now.toISOString(), deadlineSection);
  const out = await deps.sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: subjectOf(run),
      Message: message,
      MessageAttributes: {
        audience: { DataType: 'String', StringValue: 'internal' },
        stage: { DataType: 'String', StringValue: 'approval-needed' },
        scenario: { DataType: 'String', StringValue: run.scenario },
        severity: { DataType: 'String', StringValue: run.severity },
      },
    }),
  );
  return { messageId: out.MessageId ?? '', dataAtRisk: risks.map((r) => r.risk) };
}
