import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

/** Not a one-way step: the old primary stays in the global datastore as a secondary, so failing back undoes it. */
export const oneWay: OneWayStep<Params> | null = null;
