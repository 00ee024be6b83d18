import { NETWORK_CHECKS } from './network.ts';
import { POSTGRES_CHECKS } from './postgres/checks.ts';
import type { CheckRegistry } from './run.ts';
import { STORAGE_CHECKS } from './storage.ts';

/** Every check type's runner (shared/checks/schema.ts lists the types). */
export const CHECKS: CheckRegistry = { ...POSTGRES_CHECKS, ...STORAGE_CHECKS, ...NETWORK_CHECKS };
