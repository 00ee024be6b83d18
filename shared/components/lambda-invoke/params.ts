import { z } from 'zod';
import { nonEmpty, regionRole } from '../../plan/fields.ts';

/** lambda-invoke: a custom recovery step, run by invoking the plan owner's function. */
export const params = z.strictObject({
  region: regionRole.default('secondary'),
  functionName: nonEmpty,
  payload: z.record(z.string(), z.unknown()).default({}),
});

export type Params = z.output<typeof params>;
