import { verifyDeps, verifySystem, verifySystemInput } from '../shared/checks/verify.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

const deps = verifyDeps(logger);

/** Verify System: the plan's final verification checks, after every tier recovered. */
export const handler = lambdaHandler(verifySystemInput, async (event) => {
  const results = await verifySystem(deps, event);
  logger.info('System verified', { checks: results.map((c) => `${c.name}:${c.status}${c.advisory ? ' (advisory)' : ''}`) });
  return results;
});
