import { UnexpectedStateError } from '../errors.ts';
import type { ComponentType } from '../plan/schema.ts';
import { importFacet } from './by-path.ts';
import type { RecoveryAction } from './types.ts';

/**
 * A component type's recovery action, loaded by path (shared/components/<type>/recover.ts exports
 * `recover`): a new type needs no line here. esbuild bundles every matching file and evaluates only
 * the ones a run loads, so start-action and check-action initialise just the SDK clients of the
 * types they recover. Apart from ./load.ts so that functions that only need the one-way facets
 * bundle no recovery action.
 */

/** The type's recovery action; an unknown type is an UnexpectedStateError. */
export async function loadRecoveryAction<T extends ComponentType>(type: T): Promise<RecoveryAction<T>> {
  const module = await importFacet<{ recover?: RecoveryAction<T> }>(type, 'recover.ts', () => import(`./${type}/recover.ts`));
  if (module.recover?.type !== type) throw new UnexpectedStateError(`shared/components/${type}/recover.ts does not export the recovery action of ${type}`, { type });
  return module.recover;
}
