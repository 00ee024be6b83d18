import type { OneWayStep } from '../definition.ts';
import type { Params } from './params.ts';

/** Not a one-way step: a person does the step and confirms it. */
export const oneWay: OneWayStep<Params> | null = null;
