import type { Logger } from '@aws-lambda-powertools/logger';
import type { AwsClients } from '../aws/clients.ts';
import type { ComponentOf, ComponentType } from '../plan/schema.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Everything an action needs, passed in: no globals, so tests and the drill control it fully. */
export interface ActionContext<T extends ComponentType = ComponentType> {
  component: ComponentOf<T>;
  /** The run's regions: `primary` is where the system ran as the run started (the plan's secondary in the reverse direction). */
  regions: { primary: string; secondary: string };
  /**
   * reverse: the run goes from the plan's secondary back to its primary (re-protect or failback after a
   * recovery) and the component's params are its reversal (shared/components/<type>/reverse.ts).
   */
  direction: 'forward' | 'reverse';
  /** planned: the primary is healthy (switchover, no data loss); unplanned: failover. */
  mode: 'planned' | 'unplanned';
  /** When the incident started (the run's start): RTO is measured from here, restore points chosen before it. */
  incidentStartedAt: Date;
  /** The current time (simulated in the drill). */
  now: Date;
  clients: AwsClients;
  logger: Logger;
  /**
   * The run was approved with force (`dr-autopilot approve --force`): a split-brain guard that finds
   * the old primary up fences it first and then goes on, instead of refusing.
   */
  force: boolean;
  /**
   * A one-way action calls this right before it sends its one-way command, after its own reads have
   * decided the command is needed (never when the work is already done or under way). The run's
   * guards live here (an alarm-started run re-reads its trigger alarm); throwing stops the step.
   */
  beforeOneWay(step: string): Promise<void>;
}

/**
 * Where an action stands. `state` is opaque to the state machine and handed back to the next check;
 * `observations` are facts for the report (replica lag at promotion, restore point, counts…).
 */
export interface ActionProgress {
  done: boolean;
  /** Seconds until the next check; ignored when done. */
  nextCheckSeconds: number;
  /** One line for people: what AWS says now. */
  status: string;
  state: JsonObject;
  observations?: JsonObject;
  /** A human step: the state machine waits for an operator's confirmation (task token) before checking. */
  awaitingConfirmation?: boolean;
}

export interface RecoveryAction<T extends ComponentType = ComponentType> {
  type: T;
  /**
   * A one-way step (promotion, failover that may lose data, restore that overwrites): an alarm-started
   * run re-reads its trigger alarm right before starting it, and stops if the alarm is back to OK.
   */
  oneWay?: boolean;
  /** When to check first when the plan gives no expectedSeconds: the operation's typical duration. */
  defaultExpectedSeconds: number;
  /**
   * Starts the recovery. Idempotent: when the work is already done or under way (a retry, a re-run)
   * it sends no second one-way command and reports where things stand.
   */
  start(ctx: ActionContext<T>): Promise<ActionProgress>;
  /** Reads where the recovery stands. Read-only except for steps that must follow (e.g. the next batch). */
  check(ctx: ActionContext<T>, state: JsonObject): Promise<ActionProgress>;
}
