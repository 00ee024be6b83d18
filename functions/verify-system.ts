import type { CheckIo } from '../shared/checks/io.ts';
import { verifyDeps, verifySystem, verifySystemInput } from '../shared/checks/verify.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

/**
 * Verify System: the plan's final verification checks, after every tier recovered.
 * `createHandler(io)` builds it with another database connection and HTTP (an in-process run's own:
 * shared/checks/io.ts); Lambda runs `handler`, built with the production ones.
 */
export function createHandler(io: Partial<CheckIo> = {}) {
  const deps = verifyDeps(logger, io);
  return lambdaHandler(verifySystemInput, async (event) => {
    const results = await verifySystem(deps, event);
    logger.info('System verified', { checks: results.map((c) => `${c.name}:${c.status}${c.advisory ? ' (advisory)' : ''}`) });
    return results;
  });
}

export const handler = createHandler();
