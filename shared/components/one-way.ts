import type { ComponentType } from '../plan/schema.ts';

/**
 * Component types whose recovery is a one-way step (a promotion, a failover that may lose data, a
 * restore that overwrites): the approval gate, the anti-flapping re-read of the trigger alarm and the
 * idempotency of the start task are about these. Kept apart from the action registry so the first
 * state's function does not bundle every SDK client; a test checks it against the actions' `oneWay`.
 */
export const ONE_WAY_TYPES: readonly ComponentType[] = ['rds-replica-promotion', 'aurora-global-failover', 's3-version-restore'];

export const isOneWay = (type: ComponentType): boolean => ONE_WAY_TYPES.includes(type);
