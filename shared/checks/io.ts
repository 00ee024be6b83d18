import type { PostgresConnector } from './types.ts';

/**
 * The checks' I/O that is not an AWS SDK client: database connections and HTTP. Production uses
 * Secrets Manager + pg and the global fetch; an in-process run (the offline drill, the state machine
 * tests) passes its own to the verify functions' handler factories (functions/verify-component.ts),
 * as it swaps the SDK clients: the drill's simulated HTTP service, a local PostgreSQL pair or none.
 */
export interface CheckIo {
  postgres: PostgresConnector | null;
  fetch: typeof globalThis.fetch;
}
