import type { RunContext } from '../run/types.ts';
import { EXECUTION_TIMEOUT_SECONDS } from '../run/prepare.ts';
import { acquireRecoveryLock } from './lock.ts';
import type { StateDeps } from './table.ts';

/**
 * The lock check before a one-way command (shared/run/component.ts `holdLock`): this execution takes
 * the plan's lock again, re-entrantly and without the cooldown (it is the same recovery). Held by
 * another execution → RecoveryInProgressError, and the one-way command is not sent.
 */
export function lockHolder(deps: () => StateDeps): (run: RunContext) => Promise<void> {
  return async (run) => {
    const d = deps();
    await acquireRecoveryLock(d, {
      plan: run.plan,
      executionId: run.executionId,
      scenario: run.scenario,
      cooldownMinutes: 0,
      ignoreCooldown: true,
      expiresAt: new Date(d.now().getTime() + EXECUTION_TIMEOUT_SECONDS * 1000).toISOString(),
    });
  };
}
