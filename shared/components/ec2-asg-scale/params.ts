import { z } from 'zod';
import { nonEmpty } from '../../plan/fields.ts';

/** ec2-asg-scale: scale an Auto Scaling group in the secondary region to its recovery size. */
export const params = z
  .strictObject({
    autoScalingGroupName: nonEmpty,
    minSize: z.number().int().min(0),
    desiredCapacity: z.number().int().min(1),
    maxSize: z.number().int().min(1).optional(),
  })
  .refine((p) => p.minSize <= p.desiredCapacity && (p.maxSize === undefined || p.desiredCapacity <= p.maxSize), {
    message: 'must satisfy minSize <= desiredCapacity <= maxSize',
  });

export type Params = z.output<typeof params>;
