import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { finding, reading } from '../../readiness/findings.ts';
import type { ReadinessProbe } from '../../readiness/types.ts';

/** Ready when the function exists in the region it runs in, Active, and its last update succeeded. */
export const readiness: ReadinessProbe<'lambda-invoke'> = {
  type: 'lambda-invoke',
  measuresDataAtRisk: false,
  async assess(ctx) {
    const p = ctx.component.params;
    const region = p.region === 'primary' ? ctx.regions.primary : ctx.regions.secondary;
    const what = `function ${p.functionName} in ${region}`;
    const read = await reading('function', what, async () => (await ctx.clients.get(LambdaClient, region).send(new GetFunctionCommand({ FunctionName: p.functionName }))).Configuration);
    if ('failed' in read) return { findings: [read.failed], dataAtRiskSeconds: null };
    const state = read.value?.State ?? 'unknown';
    const update = read.value?.LastUpdateStatus ?? 'Successful';
    if (state === 'Failed' || update === 'Failed') {
      return { findings: [finding('function', 'not-ready', `${what} is ${state}, last update ${update}${read.value?.StateReason ? ` (${read.value.StateReason})` : ''}: fix and redeploy it`)], dataAtRiskSeconds: null };
    }
    if (state !== 'Active') {
      // Inactive: the first invoke reactivates it (slower); Pending: still being created.
      return { findings: [finding('function', 'at-risk', `${what} is ${state}: the first invoke waits for it to become Active`)], dataAtRiskSeconds: null };
    }
    return { findings: [finding('function', 'ready', `${what} is Active`)], dataAtRiskSeconds: null };
  },
};
