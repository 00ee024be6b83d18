import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

/** Not a one-way step: the plan owner's function is theirs to make safe to repeat. */
export const oneWay: OneWayStep<Params> | null = null;
