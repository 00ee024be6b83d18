import type { Json, JsonObject } from '../actions/types.ts';
import type { TierRun } from '../plan/recovery-order.ts';
import type { Component } from '../plan/schema.ts';
import type { RunTrigger } from './input.ts';

/** Facts about the run every state carries (`$.run` in the state machine). */
export interface RunContext {
  executionId: string;
  plan: string;
  scenario: string;
  scenarioName: string;
  mode: 'planned' | 'unplanned';
  severity: 'critical' | 'high' | 'medium' | 'low';
  trigger: RunTrigger;
  /** The incident's start: RTO is measured from here. */
  startedAt: string;
  regions: { primary: string; secondary: string };
}

/** A component as the state machine carries it: the plan's definition plus its tier and timeout in seconds. */
export type ComponentTask = Component & { tier: string; timeoutSeconds: number };

/** A tier of the run's recovery order, its components carried as tasks. */
export type TierTask = Omit<TierRun, 'components'> & { components: ComponentTask[] };

/** `$.action` inside a component's branch: where its recovery action stands. */
export interface ActionRecord {
  startedAt: string;
  /** startedAt + the component's timeoutMinutes: past it, the check fails with ActionTimedOutError. */
  deadline: string;
  done: boolean;
  nextCheckSeconds: number;
  status: string;
  state: JsonObject;
  observations: JsonObject;
  /** Start invocations, retries included. */
  attempts: number;
  checks: number;
  /** manual components: the run waits for an operator's confirmation (task token). */
  awaitingConfirmation: boolean;
  finishedAt?: string;
}

export type ComponentStatus = 'recovered' | 'failed' | 'skipped' | 'not-started';

export interface ComponentResult {
  id: string;
  tier: string;
  type: string;
  status: ComponentStatus;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  checks: number;
  lastStatus: string | null;
  observations: JsonObject;
  error: { name: string; message: string } | null;
}

export interface TierResult {
  id: string;
  order: number;
  rtoTargetMinutes: number;
  /** From the incident's start to the moment the tier's last component was recovered. */
  achievedMinutes: number | null;
  met: boolean | null;
  status: 'recovered' | 'failed' | 'not-started';
  startedAt: string | null;
  finishedAt: string | null;
}

/** The state machine's data between tiers. */
export interface RunState {
  run: RunContext;
  tiers: TierTask[];
  tierIndex: number;
  tierCount: number;
  status: 'running' | 'recovered' | 'failed';
  results: { tiers: TierResult[]; components: ComponentResult[] };
}

export interface RunSummary {
  plan: string;
  scenario: string;
  mode: RunContext['mode'];
  outcome: 'recovered' | 'failed' | 'aborted';
  reason: string | null;
  startedAt: string;
  finishedAt: string;
  trigger: RunTrigger;
  tiers: TierResult[];
  components: ComponentResult[];
}

export type { Json };
