import { UnexpectedStateError } from '../errors.ts';
import type { ComponentType } from '../plan/schema.ts';
import type { ReadinessProbe } from '../readiness/types.ts';

/**
 * A component type's readiness facet, loaded by path for the readiness function
 * (functions/assess-readiness.ts), as ./recovery.ts loads the recovery actions: a new type needs no
 * line here, and the function evaluates only the types its plan has.
 */

const TYPE_NAME = /^[a-z][a-z0-9-]*$/;

function checkName(type: string): void {
  if (!TYPE_NAME.test(type)) throw new UnexpectedStateError(`unknown component type ${JSON.stringify(type)}`, { type });
}

/** The type's readiness facet (shared/components/<type>/readiness.ts exports `readiness`). */
export async function loadReadinessProbe<T extends ComponentType>(type: T): Promise<ReadinessProbe<T>> {
  checkName(type);
  let module: { readiness?: ReadinessProbe<T> };
  try {
    module = (await import(`./${type}/readiness.ts`)) as { readiness?: ReadinessProbe<T> };
  } catch (error) {
    throw new UnexpectedStateError(`unknown component type ${JSON.stringify(type)}: no shared/components/${type}/readiness.ts`, { type }, { cause: error });
  }
  if (module.readiness?.type !== type) throw new UnexpectedStateError(`shared/components/${type}/readiness.ts does not export the readiness facet of ${type}`, { type });
  return module.readiness;
}
