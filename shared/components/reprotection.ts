import { UnexpectedStateError } from '../errors.ts';
import type { ComponentType } from '../plan/schema.ts';
import { importFacet } from './by-path.ts';
import type { RecoveryAction } from './types.ts';

/**
 * A component type's re-protect action, loaded by path (shared/components/<type>/reprotect.ts exports
 * `reprotect`), for a run of a re-protect scenario: it rebuilds protection from the region the system
 * runs in toward the other (a replica of the new writer, reverse replication). Only the types whose
 * definition says `reprotects` have one; plan validation keeps the others out of re-protect scenarios.
 * Its own file for the same reason as ./recovery.ts: esbuild bundles each glob import's matches.
 */

/** The type's re-protect action; a type without one is an UnexpectedStateError. */
export async function loadReprotectAction<T extends ComponentType>(type: T): Promise<RecoveryAction<T>> {
  const module = await importFacet<{ reprotect?: RecoveryAction<T> }>(
    type,
    'reprotect.ts',
    () => import(`./${type}/reprotect.ts`),
    `component type ${JSON.stringify(type)} does not re-protect: no shared/components/${type}/reprotect.ts`,
  );
  if (module.reprotect?.type !== type) throw new UnexpectedStateError(`shared/components/${type}/reprotect.ts does not export the re-protect action of ${type}`, { type });
  return module.reprotect;
}
