import type { Logger } from '@aws-lambda-powertools/logger';
import type { AwsClients } from '../aws/clients.ts';
import { InvalidInputError } from '../errors.ts';
import type { ActionRecord, ComponentTask, RunContext } from '../run/types.ts';
import type { StateDeps } from '../state/table.ts';
import type { CheckIo } from './io.ts';
import { runChecks, type CheckRegistry } from './run.ts';
import type { CheckSpec } from './schema.ts';
import type { CheckResult } from './types.ts';

export interface VerifyDeps {
  clients: AwsClients;
  logger: Logger;
  now: () => Date;
  io: CheckIo;
  state: StateDeps;
  registry: CheckRegistry;
}

/** Verify Component: the checks the plan lists for a component that has just recovered. */
export async function verifyComponent(deps: VerifyDeps, input: { run: RunContext; component: ComponentTask; action?: ActionRecord }): Promise<{ checks: CheckResult[] }> {
  const { run, component } = input;
  if (!run?.regions || !component?.id) throw new InvalidInputError('run/component: missing from the task input', { field: 'component' });
  const checks = await runChecks(
    { run, component, clients: deps.clients, logger: deps.logger, now: deps.now(), postgres: deps.io.postgres, fetch: deps.io.fetch, state: deps.state },
    component.checks ?? [],
    deps.registry,
  );
  return { checks };
}

/** Verify System: the plan's final verification checks, after every tier recovered. */
export async function verifySystem(deps: VerifyDeps, input: { run: RunContext; checks: CheckSpec[] }): Promise<CheckResult[]> {
  const { run, checks } = input;
  if (!run?.regions || !Array.isArray(checks)) throw new InvalidInputError('run/checks: missing from the task input', { field: 'checks' });
  return runChecks(
    { run, component: null, clients: deps.clients, logger: deps.logger, now: deps.now(), postgres: deps.io.postgres, fetch: deps.io.fetch, state: deps.state },
    checks,
    deps.registry,
  );
}
