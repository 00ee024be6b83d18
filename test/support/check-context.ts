import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.ts';
import type { CheckContext, PostgresConnector } from '../../shared/checks/types.ts';
import type { Plan } from '../../shared/plan/schema.ts';
import type { ComponentTask, RunContext } from '../../shared/run/types.ts';
import { stateDocumentClient } from '../../shared/state/table.ts';
import { INCIDENT, PRIMARY, SECONDARY } from './action-context.ts';

/** The execution the checks' tests run in (the s3-objects sample is seeded by it). */
export const EXECUTION = 'arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-recovery:run-1';
/** The execution the drill's simulator tests run the checks in. */
export const DRILL_EXECUTION = 'arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-recovery:drill-1';

const logger = new Logger({ serviceName: 'dr-autopilot-test', logLevel: 'SILENT' });

/** The example plan's run: an unplanned region outage from INCIDENT, started from the console, recovering forward; overrides merged. */
export function runContext(overrides: Partial<RunContext> = {}): RunContext {
  return {
    executionId: EXECUTION, incidentId: EXECUTION, resumeOf: null, plan: 'dataset-platform', scenario: 'region-outage', scenarioName: 'Region outage', mode: 'unplanned',
    severity: 'critical', trigger: { kind: 'console', by: 'test', reason: 'test' }, incidentStartedAt: INCIDENT.toISOString(), stage: 'recover', direction: 'forward',
    movesActiveRegion: false, regions: { primary: PRIMARY, secondary: SECONDARY },
    ...overrides,
  };
}

export interface CheckContextOptions {
  /** The check's clock; an hour after INCIDENT unless given. */
  now?: Date;
  /** HTTP for the `http` check; one that rejects unless given. */
  fetch?: typeof globalThis.fetch;
  /** Merged into runContext() (after `regions`). */
  run?: Partial<RunContext>;
  /** The run's regions; the example plan's unless given. */
  regions?: { primary: string; secondary: string };
  /** Fresh clients (mocked per class) unless given. */
  clients?: AwsClients;
  /** Connects to PostgreSQL; null (none reachable) unless given. */
  postgres?: PostgresConnector | null;
  /** The component checked; null (the final verification) unless given. */
  component?: ComponentTask | null;
}

/**
 * A check's context (shared/checks/types.ts) for runContext(), with a silent logger and a state
 * table client in the secondary region, no PostgreSQL unless given.
 */
export function checkContext(options: CheckContextOptions = {}): CheckContext {
  return {
    run: runContext({ regions: options.regions ?? { primary: PRIMARY, secondary: SECONDARY }, ...options.run }),
    component: options.component ?? null,
    clients: options.clients ?? createAwsClients(),
    logger,
    now: options.now ?? new Date(INCIDENT.getTime() + 3600_000),
    postgres: options.postgres ?? null,
    fetch: options.fetch ?? (() => Promise.reject(new Error('no fetch given to checkContext()'))),
    state: { ddb: stateDocumentClient(new DynamoDBClient({ region: SECONDARY })), tableName: 'dr-autopilot-state', now: () => new Date(), logger },
  };
}

/** The options of the drill's simulator tests: the run as the drill starts it for `plan`, on the (virtual) clock of the moment. */
export function drillCheckOptions(plan: Pick<Plan, 'name' | 'regions'>): CheckContextOptions {
  return {
    now: new Date(),
    regions: plan.regions,
    run: { executionId: DRILL_EXECUTION, incidentId: DRILL_EXECUTION, plan: plan.name, trigger: { kind: 'console', by: 'drill', reason: 'test' } },
  };
}
