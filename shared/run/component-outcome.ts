import { array, lazy, looseObject, object, optional, record, string, unknown, type output } from 'zod/mini';
import type { JsonObject } from '../components/types.ts';
import { blocking, describeFailures } from '../checks/run.ts';
import { causeMessage } from './cause.ts';
import { typed } from './task-input.ts';
import { actionRecord, caughtError, checkResult, componentTask, runContext } from './task-schemas.ts';
import type { ComponentOutcome, ComponentResult } from './types.ts';
import './schema-messages.ts';

/*
 * A component's outcome (Record Component Outcome): kept apart from the start and check tasks, which
 * load every component type's recovery action, so the recording function bundles none of them.
 */

/** Record Component Outcome's input: the component's branch state (no Parameters: `$` of the Map iteration). */
export const recordInput = lazy(() =>
  object({
    run: runContext,
    component: componentTask,
    action: optional(actionRecord),
    /** Caught error ({Error, Cause}) of the start, check or confirmation task. */
    error: optional(caughtError),
    /** Output of the operator's confirmation (manual components). */
    confirmation: optional(typed<JsonObject>()(record(string(), unknown()))),
    /** The integrity checks run after the action was done (Verify Component). */
    verification: optional(looseObject({ checks: array(checkResult) })),
  }),
);
export type RecordInput = output<typeof recordInput>;

/** The component's outcome as it goes into the run's results and the report. */
export function recordComponent(deps: { now(): Date }, input: Omit<RecordInput, 'run'>): ComponentResult {
  const { component, action, error, confirmation } = input;
  const now = deps.now().toISOString();
  const checks = input.verification?.checks ?? [];
  // Recovered only when the action says it is done and no listed check (not advisory) failed;
  // anything else without a caught error is a branch that ended early: fail closed, so the next
  // tier does not start on it.
  const failure: ComponentResult['error'] =
    error !== undefined
      ? { name: error.Error, message: causeMessage(error.Cause) }
      : action?.done !== true
        ? { name: 'UnexpectedStateError', message: `${component.id}: the recovery action did not finish (last status: ${action?.status ?? 'not started'})` }
        : blocking(checks).length > 0
          ? { name: 'IntegrityCheckFailedError', message: describeFailures(checks) }
          : null;
  return {
    id: component.id,
    tier: component.tier,
    type: component.type,
    status: failure ? 'failed' : 'recovered',
    startedAt: action?.startedAt ?? now,
    finishedAt: failure ? now : (action?.finishedAt ?? now),
    attempts: action?.attempts ?? 1,
    polls: action?.polls ?? 0,
    lastStatus: action?.status ?? null,
    observations: { ...(action?.observations ?? {}), ...(confirmation ? { confirmation } : {}) },
    error: failure,
    verification: checks,
  };
}

/** An outcome's error message is cut to this many characters (the full one is in the state table). */
export const OUTCOME_MESSAGE_CHARS = 500;

/** The outcome's fields of a component's result, as they are. */
export function outcomeFields({ id, tier, type, status, startedAt, finishedAt, attempts, error }: ComponentOutcome): ComponentOutcome {
  return { id, tier, type, status, startedAt, finishedAt, attempts, error };
}

/** A component's outcome, from its full result: what the run's state carries of it (a long error message cut). */
export function outcomeOf(result: ComponentOutcome): ComponentOutcome {
  const outcome = outcomeFields(result);
  const { error } = outcome;
  if (!error) return outcome;
  const message = error.message.length > OUTCOME_MESSAGE_CHARS ? `${error.message.slice(0, OUTCOME_MESSAGE_CHARS - 1)}…` : error.message;
  return { ...outcome, error: { name: error.name, message } };
}
