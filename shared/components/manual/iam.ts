import type { IamFacet } from '../definition.ts';
import type { Params } from './params.ts';

/** An operator does the work and confirms it: the functions call no AWS API for it. */
export const iam: IamFacet<Params> = {
  statements: () => [],
  startOnly: [],
  readiness: () => [],
};
