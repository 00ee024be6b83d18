import type { JsonObject } from '../components/types.ts';
import type { CheckType } from './schema.ts';

/*
 * What a check found, apart from what a check needs (./types.ts): the run's results carry these, so
 * shared/run/types.ts imports them without importing the check context (which imports the run's types).
 */

export type CheckStatus = 'passed' | 'failed' | 'skipped';

/** What one check found: `detail` says it for people (which table, which difference); `observations` are facts for the report. */
export interface CheckOutcome {
  status: CheckStatus;
  detail: string;
  observations?: JsonObject;
}

/** A check's result as it goes into the execution output and the report (`checks`). */
export interface CheckResult extends Required<CheckOutcome> {
  /** The component's id, or null for the system verification. */
  component: string | null;
  /** The check's name (its type unless the plan names it). */
  name: string;
  type: CheckType;
  advisory: boolean;
  checkedAt: string;
}
