import type { PlanIssue } from '../errors.ts';
import { COMPONENT_TYPES } from '../components/registry.ts';
import { prepareRun } from '../run/prepare.ts';
import type { ComponentResult, ComponentTask } from '../run/types.ts';
import type { CheckResult } from '../checks/result.ts';
import type { Plan } from './schema.ts';

/**
 * Step Functions passes each state at most 256 KiB of input and output
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html); a run whose state grows
 * past it fails with States.DataLimitExceeded, in the middle of a recovery. The run's state carries
 * the plan's tiers and components and, as tiers finish, every component's result, so a large plan can
 * pass the limit. `validate` (and packaging) refuse such a plan before it is deployed: this estimates
 * the largest state of every scenario from the state the first task really builds (prepareRun) plus
 * generously sized results, and the drill measures the real figure (shared/tools/drill/limits.ts).
 */
export const STATE_PAYLOAD_LIMIT_BYTES = 262_144;

/** UTF-8 bytes of a value as Step Functions passes it (JSON). */
export const payloadBytes = (value: unknown): number => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8'));

/**
 * Strings somewhat longer than the real ones (a status line, a check's detail, an observation), so the
 * estimate errs high without refusing plans that fit: it reads 1.07 times the drill's measurement for
 * the example plan and 1.15 times for a plan of 30 services with checks.
 */
const LONG = 'x'.repeat(100);
const ISO = '2026-01-01T00:00:00.000Z';

/**
 * A recovered component's result as large as one is likely to be: its checks with long details and
 * observations. (A failed component stops the later tiers, so the largest state is a recovery's.)
 */
function generousResult(component: ComponentTask): ComponentResult {
  const check = (name: string, type: string): CheckResult => ({
    component: component.id, name, type: type as CheckResult['type'], advisory: false, status: 'passed', detail: LONG, observations: { a: LONG }, checkedAt: ISO,
  });
  return {
    id: component.id, tier: component.tier, type: component.type, status: 'recovered', startedAt: ISO, finishedAt: ISO, attempts: 3, polls: 999,
    lastStatus: LONG, observations: { a: LONG }, error: null,
    verification: component.checks.map((c) => check(c.name ?? c.type, c.type)),
  };
}

/** The estimated largest state of a run of the scenario, in bytes, and the state where it is reached. */
export function largestStateEstimate(plan: Plan, scenario: string): { bytes: number; at: string } {
  const oneWay = new Set(Object.values(COMPONENT_TYPES).filter((d) => d.oneWay !== null).map((d) => d.type));
  const state = prepareRun(
    plan,
    {
      input: { scenario, mode: plan.scenarios.find((s) => s.id === scenario)?.mode ?? 'unplanned', reason: LONG, requestedBy: LONG },
      executionId: `arn:aws:states:${plan.regions.secondary}:123456789012:execution:${LONG}`,
      executionStartedAt: ISO,
    },
    undefined,
    oneWay,
  );
  // Before the last tier's Record Tier Outcome: every earlier tier's results in the state, the last
  // tier's results beside them as the Map's output (the largest moment of a run that reaches it).
  const tiers = state.tiers.map((t) => t.components.map(generousResult));
  const last = tiers.at(-1) ?? [];
  const earlier = tiers.slice(0, -1).flat();
  const largest = payloadBytes({ ...state, current: { run: state.run, tier: state.tiers.at(-1) }, results: { ...state.results, components: earlier }, tierResults: last });
  return { bytes: largest, at: 'Recover Tier Components (output)' };
}

/** Every scenario whose run would pass the payload limit, as plan issues naming the scenario. */
export function limitIssues(plan: Plan): PlanIssue[] {
  return plan.scenarios.flatMap((scenario, i) => {
    const { bytes: estimate, at } = largestStateEstimate(plan, scenario.id);
    if (estimate <= STATE_PAYLOAD_LIMIT_BYTES) return [];
    const kib = (n: number) => `${Math.round(n / 1024)} KiB`;
    return [{
      path: `scenarios.${i}`,
      message:
        `a run of "${scenario.id}" would carry about ${kib(estimate)} of state at ${at}, over Step Functions' ${kib(STATE_PAYLOAD_LIMIT_BYTES)} ` +
        `per state (States.DataLimitExceeded): recover fewer components per scenario (split the scenario, or the system into plans of its own)`,
    }];
  });
}
