import type { RunSummary } from '../run/types.ts';
import type { RunReport } from './types.ts';

/** A tier as reports give it (the summary's, less its components' details). */
export const reportTier = ({ id, order, rtoTargetMinutes, achievedMinutes, met, status, startedAt, finishedAt }: RunSummary['tiers'][number]): RunReport['tiers'][number] => ({
  id, order, rtoTargetMinutes, achievedMinutes, met, status, startedAt, finishedAt,
});

/**
 * A component as reports give it: the summary's outcome, its last status line and the retries the state
 * machine made (known to a drill from its event log; a deployed run's are in the execution's history).
 */
export const reportComponent = (c: RunSummary['components'][number], known: Partial<Pick<RunReport['components'][number], 'attempts' | 'lastStatus' | 'retries'>> = {}): RunReport['components'][number] => ({
  id: c.id,
  tier: c.tier,
  type: c.type,
  status: c.status,
  startedAt: c.startedAt,
  finishedAt: c.finishedAt,
  attempts: known.attempts ?? c.attempts,
  error: c.error,
  lastStatus: known.lastStatus ?? c.lastStatus,
  retries: known.retries ?? [],
});

/**
 * A deployed run's report from its full summary (Summarise Run's, with the components' full results
 * from the state table). The retries the state machine made are in the execution's history, not here.
 */
export function runReport(summary: RunSummary, executionId: string): RunReport {
  return {
    plan: summary.plan,
    scenario: summary.scenario,
    mode: 'run',
    outcome: summary.outcome,
    reason: summary.reason,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    approval: summary.approval,
    executionId,
    tiers: summary.tiers.map(reportTier),
    components: summary.components.map((c) => reportComponent(c)),
    checks: summary.checks,
    rpo: summary.rpo,
  };
}
