import { UnexpectedStateError } from '../errors.ts';
import type { ComponentType } from '../plan/schema.ts';
import type { ReadinessProbe } from '../readiness/types.ts';
import { importFacet } from './by-path.ts';

/**
 * A component type's readiness facet, loaded by path for the readiness function
 * (functions/assess-readiness.ts), as ./recovery.ts loads the recovery actions: a new type needs no
 * line here, and the function evaluates only the types its plan has.
 */

/** The type's readiness facet (shared/components/<type>/readiness.ts exports `readiness`). */
export async function loadReadinessProbe<T extends ComponentType>(type: T): Promise<ReadinessProbe<T>> {
  const module = await importFacet<{ readiness?: ReadinessProbe<T> }>(type, 'readiness.ts', () => import(`./${type}/readiness.ts`));
  if (module.readiness?.type !== type) throw new UnexpectedStateError(`shared/components/${type}/readiness.ts does not export the readiness facet of ${type}`, { type });
  return module.readiness;
}
