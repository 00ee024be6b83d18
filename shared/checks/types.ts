import type { Logger } from '@aws-lambda-powertools/logger';
import type { AwsClients } from '../aws/clients.ts';
import type { ComponentTask, RunContext } from '../run/types.ts';
import type { StateDeps } from '../state/table.ts';
import type { CheckOutcome } from './result.ts';
import type { CheckOf, CheckType } from './schema.ts';

export type { CheckOutcome, CheckResult, CheckStatus } from './result.ts';

/** The minimal PostgreSQL client the checks use (a connected `pg.Client` satisfies it). */
export interface SqlClient {
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
  end(): Promise<void>;
}

/** Opens a connection with the credentials of a Secrets Manager secret (host, port, username, password, dbname). */
export type PostgresConnector = (secretArn: string) => Promise<SqlClient>;

/** Everything a check needs, passed in: tests and the drill swap any of it. */
export interface CheckContext {
  run: RunContext;
  /** The component checked; null for the final verification of the whole system. */
  component: ComponentTask | null;
  clients: AwsClients;
  logger: Logger;
  now: Date;
  /** Connects to a PostgreSQL database by its secret; null when none can be reached (the drill without --with-postgres). */
  postgres: PostgresConnector | null;
  /** HTTP for the `http` check (global fetch in Lambda). */
  fetch: typeof globalThis.fetch;
  /** The state table: manifests and heartbeats' configuration are read from it. */
  state: StateDeps;
}

/** Runs one type of check. Throws a retryable error (throttling…) to be retried; anything else is caught as a failed check. */
export type CheckRunner<T extends CheckType> = (ctx: CheckContext, spec: CheckOf<T>) => Promise<CheckOutcome>;
