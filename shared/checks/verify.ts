import type { Logger } from '@aws-lambda-powertools/logger';
import { array, lazy, object, optional, type output } from 'zod/mini';
import { createAwsClients, onFirstUse, type AwsClients } from '../aws/clients.ts';
import { actionRecord, checkSpec, componentTask, runContext } from '../run/task-schemas.ts';
import type { ComponentTask, RunContext } from '../run/types.ts';
import { createStateDocumentClient, stateTableName, type StateDeps } from '../state/table.ts';
import { loadCheck } from './index.ts';
import type { CheckIo } from './io.ts';
import { runChecks, type CheckLoader } from './run.ts';
import type { CheckContext, CheckResult, PostgresConnector } from './types.ts';

/** Verify Component's input (statemachines/failover.asl.json): `$.run`, `$.component` (its `checks`) and `$.action`. */
export const verifyComponentInput = lazy(() =>
  object({ run: runContext, component: componentTask, action: optional(actionRecord) }),
);
export type VerifyComponentInput = output<typeof verifyComponentInput>;

/** Verify System's input: `$.run` and the plan's system checks (`$.verification.checks`). */
export const verifySystemInput = lazy(() =>
  object({ run: runContext, checks: array(checkSpec) }),
);
export type VerifySystemInput = output<typeof verifySystemInput>;

/**
 * What Verify Component and Verify System need, built once per function module. `io` replaces the
 * checks' database connections and HTTP (an in-process run's own; see ./io.ts); `postgres: null`
 * means no database can be reached, so database checks are skipped.
 */
export function verifyDeps(logger: Logger, io: Partial<CheckIo> = {}): VerifyDeps {
  const clients = createAwsClients();
  // The state table (the database checks' manifests): built on the first check that reads it.
  const ddb = onFirstUse(() => createStateDocumentClient());
  const postgres = 'postgres' in io ? (io.postgres ?? null) : lazyPostgresConnector(clients);
  return {
    clients,
    logger,
    now: () => new Date(),
    io: { postgres, fetch: io.fetch ?? ((input, init) => globalThis.fetch(input, init)) },
    get state() {
      return { ddb: ddb(), tableName: stateTableName(), now: () => new Date(), logger };
    },
    loadCheck,
  };
}

/**
 * The production connector (Secrets Manager + pg), its module loaded on the first database check: a
 * plan without database checks never loads the driver.
 */
function lazyPostgresConnector(clients: AwsClients): PostgresConnector {
  let connector: Promise<PostgresConnector> | undefined;
  return async (secretArn) => {
    connector ??= import('./postgres/connect.ts').then((m) => m.secretsManagerConnector(clients));
    return (await connector)(secretArn);
  };
}

export interface VerifyDeps {
  clients: AwsClients;
  logger: Logger;
  now: () => Date;
  io: CheckIo;
  state: StateDeps;
  loadCheck: CheckLoader;
}

/** The checks' context for one invocation: the component checked, or null for the whole system. */
function context(deps: VerifyDeps, run: RunContext, component: ComponentTask | null): CheckContext {
  const { clients, logger, io } = deps;
  return {
    run, component, clients, logger, now: deps.now(), postgres: io.postgres, fetch: io.fetch,
    // Read when a check reads the state table, not before: most checks never do.
    get state() {
      return deps.state;
    },
  };
}

/** Verify Component: the checks the plan lists for a component that has just recovered. */
export async function verifyComponent(deps: VerifyDeps, input: VerifyComponentInput): Promise<{ checks: CheckResult[] }> {
  const { run, component } = input;
  return { checks: await runChecks(context(deps, run, component), component.checks ?? [], deps.loadCheck) };
}

/** Verify System: the plan's final verification checks, after every tier recovered. */
export async function verifySystem(deps: VerifyDeps, input: VerifySystemInput): Promise<CheckResult[]> {
  const { run, checks } = input;
  return runChecks(context(deps, run, null), checks, deps.loadCheck);
}
