import type { PostgresConnector } from './types.ts';

/** The checks' I/O that is not an AWS SDK client: database connections and HTTP. */
export interface CheckIo {
  postgres: PostgresConnector | null;
  fetch: typeof globalThis.fetch;
}

let override: Partial<CheckIo> | undefined;

/**
 * Local runs (the offline drill) swap the checks' I/O for the run's duration, as they swap the SDK
 * clients: the drill's simulated HTTP service, a local PostgreSQL pair or none. `undefined` restores.
 */
export function useCheckIo(io: Partial<CheckIo> | undefined): void {
  override = io;
}

/** The I/O for this invocation: the defaults (production) unless a local run swapped them. */
export function checkIo(defaults: CheckIo): CheckIo {
  return { ...defaults, ...override };
}
