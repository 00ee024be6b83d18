import { z } from 'zod';
import { nonEmpty } from '../../plan/fields.ts';

/** manual: a person does the step and confirms it. */
export const params = z.strictObject({
  /** What the operator must do before confirming, shown in the request. */
  instructions: nonEmpty,
  /** What the operator does when the plan runs in the reverse direction (a failback). Without it the step cannot run so. */
  failbackInstructions: nonEmpty.optional(),
  /** Runbook link shown with the instructions. */
  runbookUrl: z.url().optional(),
});

export type Params = z.output<typeof params>;
