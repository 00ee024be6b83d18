import { oneWayTypes, unprovenFencingTypes } from '../shared/components/load.ts';
import { layOutRun, prepareInput, withStartRequest } from '../shared/run/prepare.ts';
import { lambdaHandler, logger } from '../shared/runtime/lambda.ts';
import { packagedPlan } from '../shared/runtime/plan.ts';
import { readActiveRegion } from '../shared/state/active-region.ts';
import { loadIncident, recordRunStart } from '../shared/state/run-records.ts';
import { createStateDocumentClient, stateTableName } from '../shared/state/table.ts';

const ddb = createStateDocumentClient();

/**
 * First state: validates the execution input (console or alarm) against the packaged plan and lays out
 * the run; a resume (`resumeOf`) carries over what the earlier runs of the incident recovered. Records
 * the run in the state table; changes nothing in the recovered system. A deferred alarm start whose alarm
 * cleared during the wait returns `{ triggerCleared }` and records nothing.
 */
export const handler = lambdaHandler(prepareInput, async (input) => {
  // The execution input becomes the start request first: a bad one is refused before any read.
  const prepared = withStartRequest(input);
  const plan = await packagedPlan();
  // A deferred alarm start (its suppressor's wait period has passed): go on only if the alarm still asks
  // for a recovery. Only such a start loads the re-read and its CloudWatch client.
  const recheck = prepared.request.deferred ? await import('../shared/run/trigger-recheck.ts') : undefined;
  const cleared = await recheck?.recheckDeferredTrigger(plan, prepared.request, logger);
  if (cleared) return { triggerCleared: cleared };
  const deps = { ddb, tableName: stateTableName(), now: () => new Date(), logger };
  const { resumeOf } = prepared.request;
  const previous = resumeOf === undefined ? undefined : await loadIncident(deps, resumeOf);
  // Where the system runs now decides the run's direction (a failback runs the plan in reverse).
  const active = await readActiveRegion(deps, plan.name);
  const types = plan.components.map((c) => c.type);
  const state = layOutRun(plan, prepared, previous, await oneWayTypes(types), active?.region ?? null, await unprovenFencingTypes(types));
  const { run } = state;
  await recordRunStart(deps, {
    incidentId: run.incidentId,
    executionId: run.executionId,
    plan: run.plan,
    scenario: run.scenario,
    incidentStartedAt: run.incidentStartedAt,
    executionStartedAt: prepared.executionStartedAt,
    ...(run.resumeOf ? { resumeOf: run.resumeOf } : {}),
  });
  logger.info('Run prepared', {
    execution: run.executionId,
    incident: run.incidentId,
    plan: run.plan,
    scenario: run.scenario,
    stage: run.stage,
    direction: run.direction,
    trigger: run.trigger.kind,
    tiers: state.tiers.map((t) => `${t.id}:${t.components.length}`),
    carriedOver: state.carried.map((c) => c.id),
    approvalRequired: state.approval.required,
  });
  return state;
});
