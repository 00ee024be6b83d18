import { array, boolean, lazy, enum as zEnum, int, looseObject, minLength, nonnegative, nullable, number, optional, positive, record, refine, string, unknown } from 'zod/mini';
import type { CheckSpec } from '../checks/schema.ts';
import type { CheckResult } from '../checks/types.ts';
import type { JsonObject } from '../components/types.ts';
import { typed } from './task-input.ts';
import type { ActionRecord, ApprovalState, ComponentOutcome, ComponentRef, ComponentResult, ComponentTask, RunContext, RunState, TierResult, TierTask } from './types.ts';

/*
 * The pieces of the run's state several tasks receive (statemachines/failover.asl.json passes `$.run`,
 * a tier's components, `$.action`, `$.approval` or the whole state), in zod/mini. Each checks the
 * fields the code relies on and lets the rest through (the plan was validated when it was compiled),
 * typed as the precise type the code uses (`typed`, shared/run/task-input.ts). The tasks' own schemas
 * live beside the code they feed (component.ts, approval.ts, tiers.ts, …).
 *
 * Each object schema is built on its first parse (zod's `lazy`), not when the module loads: zod 4
 * builds a schema eagerly, and a function would otherwise build every schema here at cold start,
 * though it parses a few (npm run bench:bundles). The field lists are functions for the same reason.
 */

export const nonEmpty = string().check(minLength(1, 'required: must not be empty'));
/** An ISO-8601 time (as Date.parse reads it). */
export const isoTime = string().check(refine((v) => !Number.isNaN(Date.parse(v)), { message: 'must be an ISO-8601 time' }));
const count = int().check(nonnegative());
const moreThanZero = number().check(positive('must be more than 0'));
const jsonObject = typed<JsonObject>()(record(string(), unknown()));

/** `$.run`: facts about the run every state carries (prepareRun, shared/run/prepare.ts, lays it out). */
export const runContext = typed<RunContext>()(
  lazy(() =>
    looseObject({
      executionId: nonEmpty,
      incidentId: nonEmpty,
      resumeOf: optional(nullable(string())),
      plan: nonEmpty,
      scenario: nonEmpty,
      scenarioName: string(),
      mode: zEnum(['planned', 'unplanned']),
      severity: zEnum(['critical', 'high', 'medium', 'low']),
      trigger: looseObject({ kind: zEnum(['console', 'alarm']), by: string(), reason: string(), alarmArn: optional(string()) }),
      incidentStartedAt: isoTime,
      regions: looseObject({ primary: nonEmpty, secondary: nonEmpty }),
      stage: zEnum(['recover', 'reprotect', 'failback']),
      direction: zEnum(['forward', 'reverse']),
      movesActiveRegion: boolean(),
    }),
  ),
);

/** A check the plan lists (shared/checks/schema.ts validated it at compile time): its type picks the runner. */
export const checkSpec = typed<CheckSpec>()(lazy(() => looseObject({ type: nonEmpty, name: optional(string()), advisory: optional(boolean()) })));

/** A check's result (Verify Component's and Verify System's output). */
export const checkResult = typed<CheckResult>()(lazy(() => looseObject({ name: string(), status: zEnum(['passed', 'failed', 'skipped']), advisory: optional(boolean()) })));

/** A component's fields as the recovery code reads them; `params` per type stay as the plan compiled them. */
export const componentFields = () => ({
  id: nonEmpty,
  name: string(),
  type: nonEmpty,
  tier: nonEmpty,
  timeoutMinutes: moreThanZero,
  timeoutSeconds: moreThanZero,
  checkIntervalSeconds: optional(moreThanZero),
  expectedSeconds: optional(moreThanZero),
  rpoClass: optional(string()),
  checks: optional(array(checkSpec)),
  params: record(string(), unknown()),
});

/** A component as the state machine carries it (`$$.Map.Item.Value`: the plan's definition, its tier and timeout in seconds). */
export const componentTask = typed<ComponentTask>()(lazy(() => looseObject(componentFields())));

/** `$.action`: where a component's recovery action stands (start-action's and check-action's output). */
export const actionRecord = typed<ActionRecord>()(
  lazy(() =>
    looseObject({
      startedAt: isoTime,
      deadline: isoTime,
      done: boolean(),
      nextCheckSeconds: number(),
      status: string(),
      state: jsonObject,
      observations: optional(jsonObject),
      attempts: count,
      polls: count,
      awaitingConfirmation: optional(boolean()),
      finishedAt: optional(string()),
    }),
  ),
);

/** An error the state machine caught (`{ Error, Cause }`, a Catch's ResultPath). */
export const caughtError = lazy(() => looseObject({ Error: string(), Cause: optional(string()) }));

/** `$.approval` as the recovery tasks read it: an approval with `force` lets a split-brain guard fence and go on. */
export const approvalDecision = typed<Pick<ApprovalState, 'decision'>>()(lazy(() => looseObject({ decision: optional(nullable(looseObject({ force: optional(boolean()) }))) })));

/** The approval gate's fields (`$.approval`, laid out by prepareRun). */
export const approvalFields = () => ({
  required: boolean(),
  tierIndex: int(),
  timeoutSeconds: number(),
  oneWayComponents: array(string()),
  // The operator's answer (dr-autopilot approve): the summary reads what it finds.
  decision: optional(nullable(record(string(), unknown()))),
  error: optional(nullable(caughtError)),
});

const outcomeFields = () => ({
  id: nonEmpty,
  tier: string(),
  type: string(),
  status: zEnum(['recovered', 'failed', 'skipped', 'not-started']),
  startedAt: nullable(string()),
  finishedAt: nullable(string()),
  attempts: optional(count),
  error: nullable(looseObject({ name: string(), message: optional(string()) })),
});

/** A component's full result (recordComponent's, and the state table's record of it). */
export const componentResult = typed<ComponentResult>()(lazy(() => looseObject({ ...outcomeFields(), verification: optional(array(checkResult)) })));

/** A component's outcome (Record Component Outcome's output, or Mark Component Unrecorded's; `$.results.components`). */
export const componentOutcome = typed<ComponentOutcome>()(lazy(() => looseObject(outcomeFields())));

/** A component as the state names it (`$.tiers[].components[]`, the Map's items). */
export const componentRef = typed<ComponentRef>()(lazy(() => looseObject({ id: nonEmpty, type: nonEmpty })));

/** A tier of the run's recovery order, its components named (`$.tiers[]`). */
export const tierTask = typed<TierTask>()(lazy(() => looseObject({ id: nonEmpty, name: string(), order: number(), rtoTargetMinutes: number(), components: array(componentRef) })));

const tierResult = typed<TierResult>()(lazy(() => looseObject({ id: nonEmpty, rtoTargetMinutes: number(), status: zEnum(['recovered', 'failed', 'not-started']), startedAt: nullable(string()), finishedAt: nullable(string()) })));

/** The run's state between tiers (`$`), as Record Tier Outcome and Summarise Run receive it. */
export const runStateFields = () => ({
  run: runContext,
  tiers: array(tierTask),
  tierIndex: count,
  tierCount: count,
  approval: optional(typed<ApprovalState>()(lazy(() => looseObject(approvalFields())))),
  carried: optional(array(componentOutcome)),
  verification: optional(looseObject({ checks: optional(array(checkSpec)), results: optional(nullable(array(checkResult))), error: optional(caughtError) })),
  rpo: optional(looseObject({ targets: record(string(), number()), classOf: record(string(), string()) })),
  status: zEnum(['running', 'recovered', 'failed']),
  results: looseObject({ tiers: array(tierResult), components: array(componentOutcome) }),
});

export const runState = typed<RunState>()(lazy(() => looseObject(runStateFields())));
