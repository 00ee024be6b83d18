/**
 * Every key of the state table, in one place. Items of each kind live under their own partition-key
 * prefix, so they never collide (the table's key attributes are in STATE_TABLE_KEYS, table.ts):
 *
 * | kind | id (partition) | sk (sort) | written by |
 * | --- | --- | --- | --- |
 * | recovery lock, one per plan | `lock#<plan>` | `lock` | state/lock.ts |
 * | a run of an incident | `incident#<incidentId>` | `run#<executionId>` | state/run-records.ts |
 * | a component's result in an incident | `incident#<incidentId>` | `component#<componentId>` | state/run-records.ts |
 * | execution → incident pointer | `execution#<executionId>` | `run` | state/run-records.ts |
 * | database manifest | `manifest#<plan>#<component>` | the time it was taken | checks/postgres/manifest.ts |
 * | Powertools idempotency record | `idempotency#<step>` | Powertools' hash of the key | runtime/idempotency.ts |
 * | the plan's latest readiness | `readiness#<plan>` | `latest` | readiness/record.ts |
 * | the region the plan's system runs in now | `active#<plan>` | `region` | state/active-region.ts |
 * | an operator's unlock (audit) | `unlock#<plan>` | the time it was done | state/unlock.ts |
 */
export const KEY_PREFIX = {
  lock: 'lock#',
  incident: 'incident#',
  run: 'run#',
  component: 'component#',
  execution: 'execution#',
  manifest: 'manifest#',
  idempotency: 'idempotency#',
  readiness: 'readiness#',
  active: 'active#',
  unlock: 'unlock#',
} as const;

export const lockKey = (plan: string) => ({ id: `${KEY_PREFIX.lock}${plan}`, sk: 'lock' });
export const incidentKey = (incidentId: string) => `${KEY_PREFIX.incident}${incidentId}`;
export const runSortKey = (executionId: string) => `${KEY_PREFIX.run}${executionId}`;
export const componentSortKey = (componentId: string) => `${KEY_PREFIX.component}${componentId}`;
export const executionPointerKey = (executionId: string) => ({ id: `${KEY_PREFIX.execution}${executionId}`, sk: 'run' });
export const manifestKey = (plan: string, component: string) => `${KEY_PREFIX.manifest}${plan}#${component}`;
/** Powertools' static partition value for one idempotent step's records. */
export const idempotencyPartition = (step: string) => `${KEY_PREFIX.idempotency}${step}`;
/** The plan's latest readiness assessment (one item, overwritten each time). */
export const readinessKey = (plan: string) => ({ id: `${KEY_PREFIX.readiness}${plan}`, sk: 'latest' });
/** Which of the plan's regions its system runs in now (written when a run moved it). */
export const activeRegionKey = (plan: string) => ({ id: `${KEY_PREFIX.active}${plan}`, sk: 'region' });
/** An operator's forced release of the plan's lock, kept for audit (one item per unlock, by time). */
export const unlockAuditKey = (plan: string, at: string) => ({ id: `${KEY_PREFIX.unlock}${plan}`, sk: at });
