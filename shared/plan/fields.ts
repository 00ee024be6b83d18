import { z } from 'zod';

/**
 * Field schemas shared by the plan (shared/plan/schema.ts) and the component types' params
 * (shared/components/<type>/params.ts): one wording of each validation message everywhere. This file
 * imports nothing of the plan or the registry, so params.ts can use it without an import cycle.
 */

export const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes, starting with a letter (max 63)');
/**
 * The shape of a region code (`ap-northeast-1`, `us-gov-west-1`, `eusc-de-east-1`); whether the AWS SDK
 * knows the region, and its partition, is checked with the whole plan (shared/plan/regions.ts).
 */
export const awsRegion = z.string().regex(/^[a-z]{2,4}(-[a-z]+){1,2}-\d{1,2}$/, 'must be an AWS region code such as ap-northeast-1');
/** Which of the plan's regions a component acts in. */
export const regionRole = z.enum(['primary', 'secondary']);
export const minutes = z.number().int().positive();
export const nonEmpty = z.string().min(1, 'must not be empty');
export const arn = z.string().regex(/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/, 'must be an ARN');

/**
 * Lets a cross-field check of a component's params run even when another param is already invalid,
 * so one validation reports every problem (zod skips refinements after any other issue by default).
 */
export const evenWithOtherIssues = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null };
