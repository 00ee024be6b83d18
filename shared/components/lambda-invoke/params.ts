import { z } from 'zod';
import { evenWithOtherIssues, nonEmpty, regionRole } from '../../plan/fields.ts';

/**
 * An SSM parameter name as PutParameter takes it: letters, digits and `_ . -`, `/` between the levels
 * of a hierarchy (which then starts with `/`), at most 1011 characters, never beginning with `aws` or
 * `ssm` (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
 */
const parameterName = z
  .string()
  .max(1011, 'must be at most 1011 characters')
  .regex(/^[A-Za-z0-9_.\-/]+$/, 'must be an SSM parameter name (letters, digits and _ . - /)')
  .refine((name) => !name.includes('/') || name.startsWith('/'), 'a name in a hierarchy starts with /')
  .refine((name) => !/^\/?(aws|ssm)/i.test(name), 'must not begin with aws or ssm (reserved)');

/** lambda-invoke: a custom recovery step, run by invoking the plan owner's function. */
export const params = z
  .strictObject({
    region: regionRole.default('secondary'),
    functionName: nonEmpty,
    payload: z.record(z.string(), z.unknown()).default({}),
    /** The payload when the plan runs in the reverse direction (a failback); without it the step cannot run so. */
    failbackPayload: z.record(z.string(), z.unknown()).optional(),
    /**
     * `sync` (default): a RequestResponse invoke, done when the function returns — for a step that
     *   answers well within the LambdaClient's 60 s request timeout (shared/aws/clients.ts).
     * `async`: an Event invoke; the function reports RUNNING / SUCCEEDED / FAILED in
     *   `resultParameterName` and the checks poll it until then (or the component's deadline), so the
     *   step may run as long as the function may (15 min) and its whole time counts in RTO.
     */
    invocation: z.enum(['sync', 'async']).default('sync'),
    /** async: the SSM String parameter (in `region`) where the function reports its result; only it writes there. */
    resultParameterName: parameterName.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.invocation === 'async' && p.resultParameterName === undefined) {
      ctx.addIssue({ code: 'custom', path: ['resultParameterName'], message: 'required when invocation is async' });
    }
    if (p.invocation === 'sync' && p.resultParameterName !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['resultParameterName'], message: 'only with invocation: async (a synchronous step\'s result is its response)' });
    }
  }, evenWithOtherIssues);

export type Params = z.output<typeof params>;
