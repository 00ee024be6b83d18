import { verifyComponent, verifyComponentInput, verifyDeps } from '../shared/checks/verify.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

const deps = verifyDeps(logger);

/** Verify Component: the integrity checks the plan lists for a component that has just recovered. */
export const handler = lambdaHandler(verifyComponentInput, async (event) => {
  const result = await verifyComponent(deps, event);
  logger.info('Component verified', { checks: result.checks.map((c) => `${c.name}:${c.status}${c.advisory ? ' (advisory)' : ''}`) });
  return result;
});
