import { z } from 'zod';
import { nonEmpty } from '../../plan/fields.ts';

/** manual: a person does the step and confirms it. */
export const params = z.strictObject({
  /** What the operator must do before confirming, shown in the request. */
  instructions: nonEmpty,
  /** Runbook link shown with the instructions. */
  runbookUrl: z.url().optional(),
});

export type Params = z.output<typeof params>;
