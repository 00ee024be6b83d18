import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

/** Not a one-way step: scaling a service can be repeated and scaled back. */
export const oneWay: OneWayStep<Params> | null = null;
