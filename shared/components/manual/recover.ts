import type { RecoveryAction } from '../types.ts';

/**
 * A human step (tier-4 systems in the example plan). Starting it only says so: the state machine
 * then waits on a task token (request-confirmation publishes the request to the internal topic) until
 * an operator confirms with `dr-autopilot approve --token T`, or the component's timeout denies it.
 */
export const recover: RecoveryAction<'manual'> = {
  type: 'manual',
  defaultExpectedSeconds: 1,
  async start(ctx) {
    ctx.logger.info('Waiting for operator confirmation', { instructions: ctx.component.params.instructions });
    return {
      done: false,
      awaitingConfirmation: true,
      nextCheckSeconds: 1,
      status: 'waiting for operator confirmation',
      state: {},
    };
  },
  // Reached only after the operator confirmed (the confirmation task succeeded).
  async check() {
    return { done: true, nextCheckSeconds: 0, status: 'confirmed by an operator', state: {} };
  },
};
