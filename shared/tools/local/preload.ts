import { loadOneWay } from '../../components/load.ts';
import { loadRecoveryAction } from '../../components/recovery.ts';
import type { ComponentType } from '../../plan/schema.ts';

/**
 * Loads every component-type module the functions load by path, for these types. In Lambda the
 * first invocation loads them; an in-process run on simulated time (the drill, the state machine tests) calls this
 * before it fakes the clock, so no module load runs while simulated time races ahead of it.
 */
export async function preloadComponentTypes(types: Iterable<ComponentType>): Promise<void> {
  await Promise.all([...new Set(types)].flatMap((type) => [loadRecoveryAction(type), loadOneWay(type)]));
}
