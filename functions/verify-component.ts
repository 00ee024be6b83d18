import type { CheckIo } from '../shared/checks/io.ts';
import { verifyComponent, verifyComponentInput, verifyDeps } from '../shared/checks/verify.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

/**
 * Verify Component: the integrity checks the plan lists for a component that has just recovered.
 * `createHandler(io)` builds it with another database connection and HTTP (an in-process run's own:
 * shared/checks/io.ts); Lambda runs `handler`, built with the production ones.
 */
export function createHandler(io: Partial<CheckIo> = {}) {
  const deps = verifyDeps(logger, io);
  return lambdaHandler(verifyComponentInput, async (event) => {
    const result = await verifyComponent(deps, event);
    logger.info('Component verified', { checks: result.checks.map((c) => `${c.name}:${c.status}${c.advisory ? ' (advisory)' : ''}`) });
    return result;
  });
}

export const handler = createHandler();
