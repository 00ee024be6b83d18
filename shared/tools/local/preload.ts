import { loadCheck } from '../../checks/index.ts';
import type { CheckType } from '../../checks/schema.ts';
import { loadOneWay } from '../../components/load.ts';
import { loadRecoveryAction } from '../../components/recovery.ts';
import { loadReprotectAction } from '../../components/reprotection.ts';
import type { ComponentType } from '../../plan/schema.ts';

/** What a plan makes the functions load on first use: its component types and its check types. */
export interface LazyModulesOf {
  components: readonly { id?: string; type: ComponentType; checks?: readonly { type: CheckType }[] }[];
  verification?: { checks: readonly { type: CheckType }[] };
  /** Re-protect scenarios: their components' types load their re-protect actions too. */
  scenarios?: readonly { stage?: string; tiers: readonly string[]; components: readonly string[] }[];
  tiers?: readonly { id: string; components: readonly string[] }[];
}

/**
 * Loads every module the functions load by path for this plan: each component type's recovery action
 * and one-way facet (and re-protect action, for the types its re-protect scenarios name), each check type's runner. In Lambda the first invocation loads them; an in-process
 * run on simulated time (the drill, the state machine tests) calls this before it fakes the clock, so
 * no module load runs while simulated time races ahead of it.
 */
export async function preloadPlanModules(plan: LazyModulesOf): Promise<void> {
  const types = new Set(plan.components.map((c) => c.type));
  const checks = new Set([...plan.components.flatMap((c) => c.checks ?? []), ...(plan.verification?.checks ?? [])].map((c) => c.type));
  // The components a re-protect scenario names, itself or through its tiers.
  const reprotected = new Set((plan.scenarios ?? []).filter((s) => s.stage === 'reprotect').flatMap((s) => [...s.components, ...(plan.tiers ?? []).filter((t) => s.tiers.includes(t.id)).flatMap((t) => t.components)]));
  const reprotecting = new Set(plan.components.filter((c) => c.id !== undefined && reprotected.has(c.id)).map((c) => c.type));
  await Promise.all([
    ...[...types].flatMap((type) => [loadRecoveryAction(type), loadOneWay(type)]),
    ...[...reprotecting].map((type) => loadReprotectAction(type)),
    ...[...checks].map((type) => loadCheck(type)),
  ]);
}
