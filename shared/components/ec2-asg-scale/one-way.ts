import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

/** Not a one-way step: scaling a group can be repeated and scaled back. */
export const oneWay: OneWayStep<Params> | null = null;
