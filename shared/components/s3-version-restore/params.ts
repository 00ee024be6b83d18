import { z } from 'zod';
import { nonEmpty, regionRole } from '../../plan/fields.ts';

/** s3-version-restore: put every object under a prefix back to its version as of a point in time. */
export const params = z.strictObject({
  region: regionRole.default('primary'),
  bucket: nonEmpty,
  prefix: z.string().default(''),
  /** `before-incident` or an ISO-8601 time: each object goes back to its newest version at or before it. */
  pointInTime: z.union([z.literal('before-incident'), z.iso.datetime({ offset: true })]).default('before-incident'),
  /** Objects restored per start/check step (keeps each Lambda invocation short). */
  batchSize: z.number().int().min(1).max(1000).default(200),
});

export type Params = z.output<typeof params>;
