import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

/** Not a one-way step: the health check or record can be set back. */
export const oneWay: OneWayStep<Params> | null = null;
