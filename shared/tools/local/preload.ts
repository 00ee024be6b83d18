import { loadCheck } from '../../checks/index.ts';
import type { CheckType } from '../../checks/schema.ts';
import { loadOneWay } from '../../components/load.ts';
import { loadRecoveryAction } from '../../components/recovery.ts';
import { definitionOf, type RegisteredType } from '../../components/registry.ts';
import { loadReprotectAction } from '../../components/reprotection.ts';
import type { ComponentType } from '../../plan/schema.ts';

/** What a plan makes the functions load on first use: its component types and its check types. */
export interface LazyModulesOf {
  components: readonly { type: ComponentType; checks?: readonly { type: CheckType }[] }[];
  verification?: { checks: readonly { type: CheckType }[] };
}

/**
 * Loads every module the functions load on first use for this plan: each component type's recovery
 * action and one-way facet (and re-protect action, for the types that re-protect), each check type's
 * runner, and what only some invocations load (the trigger alarm's re-read before a one-way step and
 * after a deferred start, the refusal and trigger notices). In Lambda the first invocation that needs
 * one loads it; an in-process run on simulated time (the drill, the state machine tests) calls this
 * before it fakes the clock, so no module load runs while simulated time races ahead of it.
 */
export async function preloadPlanModules(plan: LazyModulesOf): Promise<void> {
  const types = new Set(plan.components.map((c) => c.type));
  const checks = new Set([...plan.components.flatMap((c) => c.checks ?? []), ...(plan.verification?.checks ?? [])].map((c) => c.type));
  await Promise.all([
    ...[...types].flatMap((type) => [loadRecoveryAction(type), loadOneWay(type)]),
    ...[...types].filter((type) => definitionOf(type as RegisteredType).reprotects).map((type) => loadReprotectAction(type)),
    ...[...checks].map((type) => loadCheck(type)),
    import('../../run/alarm-guard.ts'),
    import('../../run/trigger-recheck.ts'),
    import('../../state/refusal-notice.ts'),
    import('../../notify/trigger-notice.ts'),
  ]);
}
