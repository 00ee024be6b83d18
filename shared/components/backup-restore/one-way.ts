import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

/** Not a one-way step: a restore creates a new resource: the original is left as it is. */
export const oneWay: OneWayStep<Params> | null = null;
