import { handler as acquireLock } from '../../../functions/acquire-lock.ts';
import { handler as checkAction } from '../../../functions/check-action.ts';
import { handler as loadComponent } from '../../../functions/load-component.ts';
import { handler as notify } from '../../../functions/notify.ts';
import { handler as prepareRun } from '../../../functions/prepare-run.ts';
import { handler as recordComponent } from '../../../functions/record-component.ts';
import { handler as recordTier } from '../../../functions/record-tier.ts';
import { handler as releaseLock } from '../../../functions/release-lock.ts';
import { handler as requestApproval } from '../../../functions/request-approval.ts';
import { handler as requestConfirmation } from '../../../functions/request-confirmation.ts';
import { handler as startAction } from '../../../functions/start-action.ts';
import { handler as summariseRun } from '../../../functions/summarise-run.ts';
import { createHandler as verifyComponent } from '../../../functions/verify-component.ts';
import { createHandler as verifySystem } from '../../../functions/verify-system.ts';
import type { CheckIo } from '../../checks/io.ts';
import type { LambdaHandler } from './state-machine.ts';

/**
 * The deployable functions by name (as in serverless.yml), for running the state machine in-process.
 * `checkIo` gives the verify functions the run's own database connection and HTTP (the drill's
 * simulated services); the SDK clients are swapped the usual way (aws-sdk-client-mock).
 */
export function functionHandlers(checkIo: Partial<CheckIo> = {}): Record<string, LambdaHandler> {
  return {
    'prepare-run': prepareRun as LambdaHandler,
    'load-component': loadComponent as LambdaHandler,
    'start-action': startAction as LambdaHandler,
    'check-action': checkAction as LambdaHandler,
    'record-component': recordComponent as LambdaHandler,
    'record-tier': recordTier as LambdaHandler,
    'summarise-run': summariseRun as LambdaHandler,
    'request-confirmation': requestConfirmation as LambdaHandler,
    'acquire-lock': acquireLock as LambdaHandler,
    'release-lock': releaseLock as LambdaHandler,
    'request-approval': requestApproval as LambdaHandler,
    'verify-component': verifyComponent(checkIo) as LambdaHandler,
    'verify-system': verifySystem(checkIo) as LambdaHandler,
    notify: notify as LambdaHandler,
  };
}
