import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

/** Not a one-way step: the parameter can be set back to the primary bucket. */
export const oneWay: OneWayStep<Params> | null = null;
