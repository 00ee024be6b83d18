import { z } from 'zod';
import { nonEmpty } from '../../plan/fields.ts';

/** ecs-scale: scale an ECS service in the secondary region to its recovery size. */
export const params = z.strictObject({
  cluster: nonEmpty,
  service: nonEmpty,
  desiredCount: z.number().int().min(1).max(5000),
});

export type Params = z.output<typeof params>;
