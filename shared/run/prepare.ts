import { InvalidInputError } from '../errors.ts';
import { findScenario, recoveryOrder, scenarioForAlarm } from '../plan/recovery-order.ts';
import type { Plan } from '../plan/schema.ts';
import { parseExecutionInput } from './input.ts';
import type { RunState } from './types.ts';

/** Clock skew tolerated between an alarm's state time and the execution's start. */
const ALARM_CLOCK_SKEW_MS = 60_000;

export interface PrepareInput {
  input: unknown;
  executionId: string;
  /** The execution's start time ($$.Execution.StartTime): the incident's start for a console run. */
  executionStartedAt: string;
}

/**
 * Validates the execution input against the packaged plan and lays out the run: the scenario's tiers
 * in order with their components. Changes nothing in AWS. Bad input → InvalidInputError naming the field.
 */
export function prepareRun(plan: Plan, { input, executionId, executionStartedAt }: PrepareInput): RunState {
  const request = parseExecutionInput(input);
  let scenarioId = request.scenario;
  if (request.alarmName) {
    const triggered = scenarioForAlarm(plan, request.alarmName);
    if (!triggered) {
      throw new InvalidInputError(`alarmName: alarm "${request.alarmName}" triggers no scenario of plan "${plan.name}"`, {
        field: 'alarmName',
      });
    }
    scenarioId = triggered.id;
  }
  const scenario = findScenario(plan, scenarioId ?? '');
  const order = recoveryOrder(plan, scenario.id);
  const executionStart = Date.parse(executionStartedAt);
  if (Number.isNaN(executionStart)) {
    throw new InvalidInputError(`executionStartedAt: not a timestamp: "${executionStartedAt}"`, { field: 'executionStartedAt' });
  }
  let startedAt = new Date(executionStart).toISOString();
  if (request.incidentStartedAt !== undefined) {
    const incident = Date.parse(request.incidentStartedAt);
    // An operator's incidentStartedAt cannot be later than the start they asked for. An alarm's state
    // time comes from CloudWatch's clock, not Step Functions': allow a little skew, never a start
    // later than the execution's (RTO is measured from here).
    const tolerance = request.trigger.kind === 'alarm' ? ALARM_CLOCK_SKEW_MS : 0;
    if (incident > executionStart + tolerance) {
      const field = request.incidentStartedAtField ?? 'incidentStartedAt';
      throw new InvalidInputError(`${field}: ${request.incidentStartedAt} is after the execution started (${executionStartedAt})`, { field });
    }
    startedAt = new Date(Math.min(incident, executionStart)).toISOString();
  }
  return {
    run: {
      executionId,
      plan: plan.name,
      scenario: scenario.id,
      scenarioName: scenario.name,
      // An alarm start uses the scenario's mode; a console start says which (planned = switchover).
      mode: request.mode ?? scenario.mode,
      severity: scenario.severity,
      trigger: request.trigger,
      startedAt,
      regions: plan.regions,
    },
    tiers: order.tiers.map((tier) => ({
      ...tier,
      components: tier.components.map((c) => ({ ...c, tier: tier.id, timeoutSeconds: c.timeoutMinutes * 60 })),
    })),
    tierIndex: 0,
    tierCount: order.tiers.length,
    status: 'running',
    results: { tiers: [], components: [] },
  };
}
