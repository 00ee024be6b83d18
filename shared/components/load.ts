import { UnexpectedStateError } from '../errors.ts';
import type { OneWayStep } from './definition.ts';

/**
 * A component type's facets, loaded by path for Lambda code: the registry (./registry.ts) imports
 * every type's params schema (zod) and IAM facet, which the functions do not need (they read the
 * plan compiled). The path is the type's name, so a new type needs no line here. esbuild bundles a
 * glob import as every matching file, so each loader has a file of its own: this one brings the
 * one-way facets (SDK-free) and nothing else; ./recovery.ts brings the recovery actions.
 */

/** A type name is a folder name: nothing that could point outside shared/components/. */
const TYPE_NAME = /^[a-z][a-z0-9-]*$/;

/** The type's one-way facet, or null when its recovery is not a one-way step; an unknown type is an UnexpectedStateError. */
export async function loadOneWay(type: string): Promise<OneWayStep<unknown> | null> {
  if (!TYPE_NAME.test(type)) throw new UnexpectedStateError(`unknown component type ${JSON.stringify(type)}`, { type });
  let facet: { oneWay?: OneWayStep<unknown> | null };
  try {
    facet = (await import(`./${type}/one-way.ts`)) as { oneWay?: OneWayStep<unknown> | null };
  } catch (error) {
    throw new UnexpectedStateError(`unknown component type ${JSON.stringify(type)}: no shared/components/${type}/one-way.ts`, { type }, { cause: error });
  }
  if (facet.oneWay === undefined) throw new UnexpectedStateError(`shared/components/${type}/one-way.ts exports no oneWay`, { type });
  return facet.oneWay;
}

/** Which of `types` are one-way steps (for prepareRun, which is synchronous: the handler loads them first). */
export async function oneWayTypes(types: Iterable<string>): Promise<Set<string>> {
  const distinct = [...new Set(types)];
  const facets = await Promise.all(distinct.map(loadOneWay));
  return new Set(distinct.filter((_, i) => facets[i] !== null));
}

