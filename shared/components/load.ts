import { UnexpectedStateError } from '../errors.ts';
import { importFacet } from './by-path.ts';
import type { OneWayStep } from './definition.ts';

/**
 * A component type's facets, loaded by path for Lambda code: the registry (./registry.ts) imports
 * every type's params schema (zod) and IAM facet, which the functions do not need (they read the
 * plan compiled). The path is the type's name, so a new type needs no line here. esbuild bundles a
 * glob import as every matching file, so each loader has a file of its own: this one brings the
 * one-way facets (SDK-free) and nothing else; ./recovery.ts brings the recovery actions.
 */

/** The type's one-way facet, or null when its recovery is not a one-way step; an unknown type is an UnexpectedStateError. */
export async function loadOneWay(type: string): Promise<OneWayStep<unknown> | null> {
  const facet = await importFacet<{ oneWay?: OneWayStep<unknown> | null }>(type, 'one-way.ts', () => import(`./${type}/one-way.ts`));
  if (facet.oneWay === undefined) throw new UnexpectedStateError(`shared/components/${type}/one-way.ts exports no oneWay`, { type });
  return facet.oneWay;
}

/** Which of `types` are one-way steps (for prepareRun, which is synchronous: the handler loads them first). */
export async function oneWayTypes(types: Iterable<string>): Promise<Set<string>> {
  const distinct = [...new Set(types)];
  const facets = await Promise.all(distinct.map(loadOneWay));
  return new Set(distinct.filter((_, i) => facets[i] !== null));
}

/**
 * Which of `types` are one-way steps that go on past an old primary that does not answer, without proof that it
 * is fenced (OneWayStep.fencingUnprovenWhenUnreachable): an unplanned run holding one always asks for approval.
 */
export async function unprovenFencingTypes(types: Iterable<string>): Promise<Set<string>> {
  const distinct = [...new Set(types)];
  const facets = await Promise.all(distinct.map(loadOneWay));
  return new Set(distinct.filter((_, i) => facets[i]?.fencingUnprovenWhenUnreachable === true));
}
