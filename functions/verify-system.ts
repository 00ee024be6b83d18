import type { CheckSpec } from '../shared/checks/schema.ts';
import { verifyDeps, verifySystem } from '../shared/checks/verify.ts';
import type { RunContext } from '../shared/run/types.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';

const deps = verifyDeps(logger);

/** Verify System: the plan's final verification checks, after every tier recovered. */
export const handler = lambdaHandler(async (event: { run: RunContext; checks: CheckSpec[] }) => {
  const results = await verifySystem(deps, event);
  logger.info('System verified', { checks: results.map((c) => `${c.name}:${c.status}${c.advisory ? ' (advisory)' : ''}`) });
  return results;
});
