import { Logger } from '@aws-lambda-powertools/logger';
import { createAwsClients } from '../../aws/clients.ts';
import { InvalidInputError, PlanValidationError } from '../../errors.ts';
import { loadPlanFile } from '../../plan/load.ts';
import { assessReadiness, type ReadinessReport } from '../../readiness/assess.ts';
import { renderReadiness } from '../../readiness/render.ts';
import { installSimulatedAccount } from '../drill/simulator/index.ts';
import { planAccount } from '../drill/simulator/world.ts';
import { compiledPlanOf } from '../deploy/compiled-plan.ts';
import { parseDrift } from './drift.ts';

export interface ReadinessFlags {
  plan: string;
  drift: string[];
  json?: boolean;
  verbose?: boolean;
}

/**
 * `dr-autopilot readiness`, offline: the plan's readiness against the simulated two-region account
 * (the drill's), as built from the plan, with `--drift` faults applied. The same assessment the
 * deployed assess-readiness function runs, with the real SDK clients. Exit 0 ready, 1 at risk or
 * not ready, 2 bad input (nothing is read).
 */
export async function readinessCommand(flags: ReadinessFlags, io: { out: (line: string) => void; err: (line: string) => void }): Promise<number> {
  let report: ReadinessReport;
  try {
    const plan = await loadPlanFile(flags.plan);
    const drifts = flags.drift.map((spec) => parseDrift(spec, plan));
    const account = installSimulatedAccount(plan, { faults: drifts.map((drift) => ({ kind: 'drift' as const, drift })) });
    try {
      const topic = (name: string) => `arn:aws:sns:${plan.regions.secondary}:${planAccount(plan)}:dr-autopilot-${plan.name}-${name}`;
      report = await assessReadiness(plan, {
        clients: createAwsClients(),
        logger: new Logger({ serviceName: 'dr-autopilot-readiness', logLevel: 'SILENT' }),
        now: new Date(),
        topics: { internal: topic('internal'), external: topic('external') },
        automationRoleArn: `arn:aws:iam::${planAccount(plan)}:role/dr-autopilot-prod-start-action`,
        // What packaging puts in the compiled plan (the deployed function reads it there).
        recoveryStatements: compiledPlanOf(plan, flags.plan).recoveryRole?.statements,
        // The state table's record (Summarise Run writes it after a recovery that moved the system).
        activeRegion: drifts.some((d) => d.kind === 'active-secondary')
          ? { region: plan.regions.secondary, since: new Date().toISOString(), executionId: 'dr-autopilot readiness --drift active-secondary', scenario: '(drift)' }
          : null,
      });
    } finally {
      account.restore();
    }
  } catch (error) {
    if (error instanceof PlanValidationError) {
      for (const issue of error.issues) io.err(`${error.file}: ${issue.path}: ${issue.message}`);
      return 2;
    }
    if (error instanceof InvalidInputError) {
      io.err(`dr-autopilot readiness: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (flags.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of renderReadiness(report, { verbose: flags.verbose === true })) io.out(line);
  return report.status === 'ready' ? 0 : 1;
}
