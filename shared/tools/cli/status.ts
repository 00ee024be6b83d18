import { DescribeExecutionCommand, GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Plan } from '../../plan/schema.ts';
import { readActiveRegion } from '../../state/active-region.ts';
import { readLock } from '../../state/lock.ts';
import { loadIncident } from '../../state/run-records.ts';
import type { StateDeps } from '../../state/table.ts';
import { forceUnlock, type UnlockRequest, type UnlockResult } from '../../state/unlock.ts';

/** A waitForTaskToken task of the running execution that nobody has answered yet, and the commands that answer it. */
export interface PendingTask {
  state: string;
  since: string;
  token: string;
  answer: string[];
}

/** What `dr-autopilot status` shows of a plan. */
export interface PlanStatus {
  plan: string;
  /** Where the plan's system runs now (the state table's active region), or its primary when never moved. */
  activeRegion: string;
  lock: { holder: string; scenario: string | null; since: string | null; expiresAt: string | null } | null;
  last: { execution: string; outcome: string | null; releasedAt: string | null } | null;
  /** The lock holder's execution: its status, the components its incident recorded so far, and what waits for a person. */
  running: {
    executionArn: string;
    status: string | null;
    components: { id: string; tier: string; status: string }[];
    /** The tier of the latest recorded component (the components of a tier record as they finish). */
    currentTier: string | null;
    pending: PendingTask[];
    /** Why Step Functions could not be read (the status shows the state table alone). */
    unreadable?: string;
  } | null;
}

/**
 * Tasks scheduled with `.waitForTaskToken` and not yet answered (no Succeeded, Failed or TimedOut after
 * them), with the token from their parameters (`Payload.taskToken`, statemachines/failover.asl.json).
 */
export function pendingTasks(events: readonly HistoryEvent[], region: string): PendingTask[] {
  const open = new Map<number, PendingTask>();
  const stateOf = new Map<number, string>();
  for (const e of events) {
    if (e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name) stateOf.set(e.id ?? 0, e.stateEnteredEventDetails.name);
    if (e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resource?.endsWith('.waitForTaskToken')) {
      const token = ((): string | undefined => {
        try {
          return (JSON.parse(e.taskScheduledEventDetails.parameters ?? '{}') as { Payload?: { taskToken?: string } }).Payload?.taskToken;
        } catch {
          return undefined;
        }
      })();
      if (!token) continue;
      const state = stateOf.get(e.previousEventId ?? -1) ?? 'a task';
      const region$ = `--region ${region}`;
      open.set(e.id ?? 0, {
        state,
        since: e.timestamp?.toISOString() ?? '',
        token,
        answer: [`dr-autopilot approve --token '${token}' ${region$} --reason "…"`, `dr-autopilot reject --token '${token}' ${region$} --reason "…"`],
      });
    }
    if (e.type === 'TaskSucceeded' || e.type === 'TaskFailed' || e.type === 'TaskTimedOut' || e.type === 'TaskSubmitFailed') {
      // Answers refer to their scheduling through previous events: drop the newest open task before them.
      const before = [...open.keys()].filter((id) => id < (e.id ?? 0)).sort((a, b) => b - a)[0];
      if (before !== undefined) open.delete(before);
    }
  }
  return [...open.values()];
}

/** Reads the plan's lock, active region, and its holder's execution (state table, and Step Functions when `sfn` is given). */
export async function planStatus(deps: StateDeps, plan: Plan, sfn: SFNClient | null): Promise<PlanStatus> {
  const lock = await readLock(deps, plan.name);
  const active = await readActiveRegion(deps, plan.name);
  const status: PlanStatus = {
    plan: plan.name,
    activeRegion: active?.region ?? plan.regions.primary,
    lock: lock?.owner ? { holder: lock.owner, scenario: lock.ownerScenario ?? null, since: lock.acquiredAt ?? null, expiresAt: lock.expiresAt ?? null } : null,
    last: lock?.lastOwner ? { execution: lock.lastOwner, outcome: lock.lastOutcome ?? null, releasedAt: lock.lastReleasedAt ?? null } : null,
    running: null,
  };
  if (!lock?.owner) return status;
  const executionArn = lock.owner;
  const incident = await loadIncident(deps, executionArn).catch(() => null);
  const components = (incident?.components ?? []).map((c) => ({ id: c.id, tier: c.tier, status: c.status }));
  const running: NonNullable<PlanStatus['running']> = { executionArn, status: null, components, currentTier: components.at(-1)?.tier ?? null, pending: [] };
  status.running = running;
  if (!sfn) return status;
  try {
    running.status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? null;
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    running.pending = pendingTasks(events, executionArn.split(':')[3] ?? plan.regions.secondary);
  } catch (error) {
    running.unreadable = `${(error as Error).name}: ${(error as Error).message}`;
  }
  return status;
}

/** The status as lines for a terminal. */
export function statusLines(s: PlanStatus): string[] {
  const lines = [`plan ${s.plan}: the system runs in ${s.activeRegion}`];
  if (!s.lock) lines.push('lock: free (no recovery running)');
  else lines.push(`lock: held by ${s.lock.holder} (scenario ${s.lock.scenario ?? 'unknown'}, since ${s.lock.since ?? 'unknown'}, expires ${s.lock.expiresAt ?? 'unknown'})`);
  if (s.running) {
    const r = s.running;
    lines.push(`running: ${r.executionArn} is ${r.status ?? (r.unreadable ? `unknown (${r.unreadable})` : 'unknown (Step Functions not read)')}`);
    if (r.status && r.status !== 'RUNNING') lines.push(`  the lock's holder is ${r.status}: its lock is stale; release it with dr-autopilot unlock --plan FILE --reason "…"`);
    lines.push(`  current tier: ${r.currentTier ?? 'none recorded yet'}`);
    for (const c of r.components) lines.push(`  ${c.tier} ${c.id}: ${c.status}`);
    for (const p of r.pending) lines.push(`  waiting: ${p.state} since ${p.since}`, ...p.answer.map((a) => `    ${a}`));
  }
  if (s.last) lines.push(`last run: ${s.last.execution} ended ${s.last.outcome ?? 'unknown'} at ${s.last.releasedAt ?? 'unknown'}`);
  return lines;
}

/** `unlock`: releases the lock (audited) and tells the internal topic, when one is given. */
export async function unlockPlan(deps: StateDeps, plan: Plan, req: Omit<UnlockRequest, 'plan'>, notice: { sns: SNSClient; topicArn: string } | null): Promise<UnlockResult & { notified: boolean }> {
  const result = await forceUnlock(deps, { ...req, plan: plan.name });
  if (!notice) return { ...result, notified: false };
  const held = result.previousOwner ? `held by ${result.previousOwner} (scenario ${result.previousScenario ?? 'unknown'})` : 'free already';
  await notice.sns.send(
    new PublishCommand({
      TopicArn: notice.topicArn,
      Subject: `[dr-autopilot] Recovery lock of ${plan.name} released by ${req.by}`.slice(0, 99),
      Message: `The recovery lock of plan ${plan.name} was released by ${req.by} at ${result.at} (it was ${held}).\nReason: ${req.reason}\nA one-way step of the former holder will not run; start a new run if a recovery is still needed.`,
      MessageAttributes: { stage: { DataType: 'String', StringValue: 'unlock' }, audience: { DataType: 'String', StringValue: 'internal' } },
    }),
  );
  return { ...result, notified: true };
}
