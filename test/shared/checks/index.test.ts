import { describe, expect, it } from 'vitest';
import { loadCheck } from '../../../shared/checks/index.ts';
import { NETWORK_CHECKS } from '../../../shared/checks/network.ts';
import { POSTGRES_CHECKS } from '../../../shared/checks/postgres/checks.ts';
import { CHECK_TYPES, type CheckType } from '../../../shared/checks/schema.ts';
import { STORAGE_CHECKS } from '../../../shared/checks/storage.ts';

describe('loadCheck', () => {
  it('loads the runner of every check type from the module that defines it', async () => {
    // Prepare: every runner, as its module exports it.
    const defined: Record<string, unknown> = { ...POSTGRES_CHECKS, ...STORAGE_CHECKS, ...NETWORK_CHECKS };
    expect(Object.keys(defined).sort()).toEqual([...CHECK_TYPES].sort());
    // Act
    const loaded = await Promise.all(CHECK_TYPES.map(async (type) => [type, await loadCheck(type)] as const));
    // Assess
    for (const [type, runner] of loaded) expect(runner, type).toBe(defined[type]);
  });

  it('refuses a type it has no runner for, naming it', async () => {
    await expect(loadCheck('tcp-port' as CheckType)).rejects.toThrow('No runner for check type "tcp-port"');
  });
});
