import type { Reversal } from '../definition.ts';
import type { Params } from './params.ts';

/** The reverse direction: the operator follows failbackInstructions. */
export function reverse({ params }: { id: string; params: Params }): Reversal<Params> {
  if (!params.failbackInstructions) return { unsupported: 'add params.failbackInstructions: what the operator does when the plan runs back to the primary region' };
  return { params: { ...params, instructions: params.failbackInstructions, failbackInstructions: params.instructions } };
}
