import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

/** Not a one-way step: routing controls and records can be set back, and health-check mode changes nothing. */
export const oneWay: OneWayStep<Params> | null = null;
