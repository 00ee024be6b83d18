import { verifyComponent, verifyDeps } from '../shared/checks/verify.ts';
import type { ActionRecord, ComponentTask, RunContext } from '../shared/run/types.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

const deps = verifyDeps(logger);

/** Verify Component: the integrity checks the plan lists for a component that has just recovered. */
export const handler = lambdaHandler(async (event: { run: RunContext; component: ComponentTask; action?: ActionRecord }) => {
  const result = await verifyComponent(deps, event);
  logger.info('Component verified', { checks: result.checks.map((c) => `${c.name}:${c.status}${c.advisory ? ' (advisory)' : ''}`) });
  return result;
});
