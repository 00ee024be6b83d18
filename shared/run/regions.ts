import type { RunContext } from './types.ts';

/**
 * The region the automation runs in (where it is deployed ahead of time: the plan's secondary). The
 * run's `regions` swap in the reverse direction; this does not: the state machine, the trigger alarms
 * and the approval answers stay where the stack is.
 */
export const automationRegion = (run: Pick<RunContext, 'regions' | 'direction'>): string =>
  run.direction === 'reverse' ? run.regions.primary : run.regions.secondary;
