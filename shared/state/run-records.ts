import { GetCommand, paginateQuery, PutCommand } from '@aws-sdk/lib-dynamodb';
import { classifyError, InvalidInputError, UnexpectedStateError } from '../errors.ts';
import type { ComponentResult } from '../run/types.ts';
import { expirationAfterDays, type StateDeps } from './table.ts';
import { componentSortKey, executionPointerKey, incidentKey, KEY_PREFIX, runSortKey } from './keys.ts';

/**
 * What resume needs: a new execution started with `resumeOf` continues an incident and skips the
 * components earlier runs of it already recovered. Items (all expire after RUN_RECORD_TTL_DAYS):
 *
 *   { id: 'incident#<incidentId>', sk: 'run#<executionId>', incidentId, executionId, plan, scenario,
 *     incidentStartedAt, executionStartedAt, resumeOf?, expiration }                  one per execution
 *   { id: 'incident#<incidentId>', sk: 'component#<componentId>', incidentId, executionId, result,
 *     recordedAt, expiration }                                                latest result wins
 *   { id: 'execution#<executionId>', sk: 'run', incidentId, executionId, plan, scenario, incidentStartedAt,
 *     expiration }                                                            pointer: execution → incident
 *
 * Execution ids are execution ARNs (arn:aws:states:REGION:ACCOUNT:execution:STATE_MACHINE:NAME).
 */

export const RUN_RECORD_TTL_DAYS = 90;


export interface RunStart {
  incidentId: string;
  executionId: string;
  plan: string;
  scenario: string;
  /** The incident's start (ISO): RTO is measured from here; the same for every run of the incident. */
  incidentStartedAt: string;
  /** The execution's own start ($$.Execution.StartTime); orders the incident's runs. Default: now. */
  executionStartedAt?: string;
  /** The execution this run resumes. */
  resumeOf?: string;
}

export interface ComponentRecord {
  incidentId: string;
  executionId: string;
  result: ComponentResult;
}

/** An incident as recorded: its runs and the latest result of each component. */
export interface IncidentRecord {
  incidentId: string;
  plan: string;
  scenario: string;
  incidentStartedAt: string;
  /** Execution ARNs of its runs, the first first. */
  executions: string[];
  /** Latest result of each component (by component id), with the execution that produced it. */
  components: (ComponentResult & { executionId: string })[];
}

/**
 * Records that an execution runs (or resumes) an incident. Idempotent: a second call for the same
 * execution (a retry, a redrive) keeps the first record.
 */
export async function recordRunStart(deps: StateDeps, run: RunStart): Promise<void> {
  const now = deps.now();
  const expiration = expirationAfterDays(now, RUN_RECORD_TTL_DAYS);
  const common = { incidentId: run.incidentId, executionId: run.executionId, plan: run.plan, scenario: run.scenario, incidentStartedAt: run.incidentStartedAt };
  // The incident's run first, then the pointer: a pointer that exists always leads to its run.
  await putOnce(deps, {
    id: incidentKey(run.incidentId),
    sk: runSortKey(run.executionId),
    ...common,
    executionStartedAt: run.executionStartedAt ?? now.toISOString(),
    resumeOf: run.resumeOf,
    expiration,
  });
  await putOnce(deps, { ...executionPointerKey(run.executionId), ...common, expiration });
  deps.logger.info('Run recorded', { incidentId: run.incidentId, resumeOf: run.resumeOf ?? null });
}

/** Records a component's result in its incident; a later result of the same component replaces it. */
export async function recordComponentResult(deps: StateDeps, record: ComponentRecord): Promise<void> {
  const now = deps.now();
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: {
          id: incidentKey(record.incidentId),
          sk: componentSortKey(record.result.id),
          incidentId: record.incidentId,
          executionId: record.executionId,
          result: record.result,
          recordedAt: now.toISOString(),
          expiration: expirationAfterDays(now, RUN_RECORD_TTL_DAYS),
        },
      }),
    );
  } catch (error) {
    throw classifyError(error);
  }
}

/**
 * The incident `executionId` ran, with all its runs and component results. An execution the table
 * does not know → InvalidInputError on `resumeOf` (this is what a resume asks for).
 */
export async function loadIncident(deps: StateDeps, executionId: string, options: { pageSize?: number } = {}): Promise<IncidentRecord> {
  let pointer: Record<string, unknown> | undefined;
  try {
    const out = await deps.ddb.send(new GetCommand({ TableName: deps.tableName, Key: executionPointerKey(executionId), ConsistentRead: true }));
    pointer = out.Item;
  } catch (error) {
    throw classifyError(error);
  }
  if (!pointer) {
    const hint = executionId.startsWith('arn:') ? '' : ` ("${executionId}" is not an ARN: an execution's name is not enough)`;
    throw new InvalidInputError(
      `resumeOf: no run ${executionId} is recorded (runs are kept ${RUN_RECORD_TTL_DAYS} days); resumeOf takes the execution ARN ` +
        `(arn:aws:states:REGION:ACCOUNT:execution:STATE_MACHINE:NAME) of an earlier run of this plan${hint}`,
      { field: 'resumeOf', executionId },
    );
  }
  const { incidentId, plan, scenario, incidentStartedAt } = pointer;
  if (typeof incidentId !== 'string' || typeof plan !== 'string' || typeof scenario !== 'string' || typeof incidentStartedAt !== 'string') {
    throw new UnexpectedStateError(`state table: the run record of ${executionId} lacks incidentId, plan, scenario or incidentStartedAt`, { executionId });
  }

  const runs: { executionId: string; executionStartedAt: string }[] = [];
  const components: IncidentRecord['components'] = [];
  try {
    const pages = paginateQuery(
      { client: deps.ddb, ...(options.pageSize ? { pageSize: options.pageSize } : {}) },
      {
        TableName: deps.tableName,
        KeyConditionExpression: '#id = :id',
        ExpressionAttributeNames: { '#id': 'id' },
        ExpressionAttributeValues: { ':id': incidentKey(incidentId) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const sk = String(item.sk);
        if (sk.startsWith(KEY_PREFIX.run)) runs.push({ executionId: String(item.executionId), executionStartedAt: String(item.executionStartedAt ?? '') });
        else if (sk.startsWith(KEY_PREFIX.component)) components.push({ ...(item.result as ComponentResult), executionId: String(item.executionId) });
      }
    }
  } catch (error) {
    throw classifyError(error);
  }
  runs.sort((a, b) => a.executionStartedAt.localeCompare(b.executionStartedAt) || a.executionId.localeCompare(b.executionId));
  return { incidentId, plan, scenario, incidentStartedAt, executions: runs.map((r) => r.executionId), components };
}

async function putOnce(deps: StateDeps, item: Record<string, unknown>): Promise<void> {
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#sk)',
        ExpressionAttributeNames: { '#sk': 'sk' },
      }),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return; // recorded before
    throw classifyError(error);
  }
}

/**
 * The full results of the components of this execution's incident, by component id, with the run that
 * recorded each. The run's own record (written by Prepare Run) missing is not bad input but a state
 * table that lost it: UnexpectedStateError, naming the execution.
 */
export async function recordedResults(deps: StateDeps, executionId: string): Promise<Map<string, ComponentResult & { executionId: string }>> {
  try {
    const incident = await loadIncident(deps, executionId);
    return new Map(incident.components.map((c) => [c.id, c]));
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw new UnexpectedStateError(`state table: no run record of ${executionId}, so its components' results cannot be read`, { executionId }, { cause: error });
  }
}
