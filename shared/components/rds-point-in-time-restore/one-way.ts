import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

/** Not a one-way step: the restore creates a new instance: the source is left as it is. */
export const oneWay: OneWayStep<Params> | null = null;
