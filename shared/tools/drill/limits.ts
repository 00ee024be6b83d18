/**
 * Step Functions' execution limits, enforced on a local run as AWS enforces them on a real one: a
 * state's input or output of more than 256 KiB fails the execution with States.DataLimitExceeded, and
 * an execution's history holds at most 25,000 events
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). aws-local-stepfunctions
 * enforces neither, so the drill measures both from the run's event log and stops the run the moment
 * one is passed.
 */

import { HISTORY_EVENTS_LIMIT, payloadBytes, STATE_PAYLOAD_LIMIT_BYTES } from '../../plan/limits.ts';

// The limits and one way to measure a payload, shared with the plan's validation (shared/plan/limits.ts).
export { HISTORY_EVENTS_LIMIT, payloadBytes, STATE_PAYLOAD_LIMIT_BYTES };

/** What the ASL says of a state, as far as its history events differ. */
export interface StateShape {
  type: string;
  /** A Task that waits for a task token (`….waitForTaskToken`). */
  waitsForToken: boolean;
}

/** An entry of the local run's event log (aws-local-stepfunctions `eventLogs`), as far as it is read here. */
export interface LocalEvent {
  type: string;
  state?: { name: string; input?: unknown; output?: unknown };
}

/**
 * How many events of a real execution's history one local event stands for. Real histories
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html): a Lambda
 * Task is TaskStateEntered, LambdaFunctionScheduled, LambdaFunctionStarted, then
 * LambdaFunctionSucceeded or …Failed, then TaskStateExited — each retry another Scheduled, Started
 * and Failed; a waitForTaskToken Task is TaskStateEntered, TaskScheduled, TaskStarted, TaskSubmitted,
 * TaskSucceeded, TaskStateExited; a Map adds MapStateStarted and MapStateSucceeded and one
 * MapIterationStarted and …Succeeded (or …Failed) per item; every other state is its Entered and
 * Exited events.
 */
export function historyEventsOf(event: LocalEvent, shape: StateShape | undefined): number {
  const task = shape?.type === 'Task';
  switch (event.type) {
    case 'ExecutionStarted':
    case 'ExecutionSucceeded':
    case 'ExecutionFailed':
    case 'ExecutionAborted':
    case 'ExecutionTimeout':
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
    case 'ParallelBranchStarted':
    case 'ParallelBranchSucceeded':
    case 'ParallelBranchFailed':
      return 1;
    case 'StateEntered':
      // Entered, plus a Task's Scheduled and Started (and Submitted for a token), or a Map's Started.
      return 1 + (task ? (shape.waitsForToken ? 3 : 2) : shape?.type === 'Map' ? 1 : 0);
    case 'StateExited':
      // Exited, plus a Task's Succeeded or a Map's Succeeded.
      return 1 + (task || shape?.type === 'Map' ? 1 : 0);
    case 'StateFailed':
      // A failed attempt's …Failed event.
      return task ? 1 : 0;
    case 'StateRetried':
      // The next attempt's Scheduled and Started.
      return task ? 2 : 0;
    case 'StateCaught':
      // The state is left through its Catch: its Exited event.
      return 1;
    default:
      return 0;
  }
}

/** An execution's measured use of the limits. */
export interface LimitUse {
  largestPayloadBytes: number;
  /** The state whose input or output was the largest, and which. */
  largestPayloadAt: string | null;
  historyEvents: number;
}

/** Reads one execution's event log; `exceeded` says which limit was passed, as Step Functions would fail the run. */
export class ExecutionLimits {
  readonly use: LimitUse = { largestPayloadBytes: 0, largestPayloadAt: null, historyEvents: 0 };
  exceeded: string | null = null;
  readonly #shapes: ReadonlyMap<string, StateShape>;

  constructor(shapes: ReadonlyMap<string, StateShape>) {
    this.#shapes = shapes;
  }

  /** Counts one local event; returns the limit it passed (States.DataLimitExceeded or the history limit), once. */
  observe(event: LocalEvent): string | null {
    this.use.historyEvents += historyEventsOf(event, event.state ? this.#shapes.get(event.state.name) : undefined);
    if (event.state) {
      for (const [which, value] of [['input', event.state.input], ['output', event.state.output]] as const) {
        const bytes = event.type === 'StateEntered' && which === 'output' ? 0 : payloadBytes(value);
        if (bytes > this.use.largestPayloadBytes) {
          this.use.largestPayloadBytes = bytes;
          this.use.largestPayloadAt = `${event.state.name} (${which})`;
        }
        if (bytes > STATE_PAYLOAD_LIMIT_BYTES && this.exceeded === null) {
          this.exceeded = `States.DataLimitExceeded: the ${which} of ${event.state.name} is ${bytes.toLocaleString('en-US')} bytes, over Step Functions' ${STATE_PAYLOAD_LIMIT_BYTES.toLocaleString('en-US')}`;
          return this.exceeded;
        }
      }
    }
    if (this.use.historyEvents > HISTORY_EVENTS_LIMIT && this.exceeded === null) {
      this.exceeded = `States.Runtime: the execution's history reached ${this.use.historyEvents.toLocaleString('en-US')} events, over Step Functions' ${HISTORY_EVENTS_LIMIT.toLocaleString('en-US')}`;
      return this.exceeded;
    }
    return null;
  }
}

/** Each state of a definition (Map and Parallel states' inner ones included) by name, with its shape. */
export function stateShapes(definition: { States: Record<string, unknown> }): Map<string, StateShape> {
  const shapes = new Map<string, StateShape>();
  const visit = (states: Record<string, unknown>) => {
    for (const [name, raw] of Object.entries(states)) {
      const state = raw as { Type: string; Resource?: string; ItemProcessor?: { States: Record<string, unknown> }; Iterator?: { States: Record<string, unknown> }; Branches?: { States: Record<string, unknown> }[] };
      shapes.set(name, { type: state.Type, waitsForToken: typeof state.Resource === 'string' && state.Resource.endsWith('.waitForTaskToken') });
      if (state.ItemProcessor) visit(state.ItemProcessor.States);
      if (state.Iterator) visit(state.Iterator.States);
      for (const branch of state.Branches ?? []) visit(branch.States);
    }
  };
  visit(definition.States);
  return shapes;
}
