import { UnexpectedStateError } from '../errors.ts';

/** A type name is a folder name: nothing that could point outside shared/components/. */
const TYPE_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * A facet module of a component type, loaded by path (shared/components/<type>/<file>). Each loader
 * passes its own `import()` with a literal path pattern: esbuild bundles each such glob import as the
 * files that match it, so a function bundles only the facets it loads. A name that is not a type's
 * folder name is refused before anything is imported; a type without the file is an
 * UnexpectedStateError, `missing` saying so in the loader's own words (default: an unknown type).
 */
export async function importFacet<M>(type: string, file: string, load: () => Promise<unknown>, missing?: string): Promise<M> {
  if (!TYPE_NAME.test(type)) throw new UnexpectedStateError(`unknown component type ${JSON.stringify(type)}`, { type });
  try {
    return (await load()) as M;
  } catch (error) {
    const message = missing ?? `unknown component type ${JSON.stringify(type)}: no shared/components/${type}/${file}`;
    throw new UnexpectedStateError(message, { type }, { cause: error });
  }
}
