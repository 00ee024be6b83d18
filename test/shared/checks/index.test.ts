import { describe, expect, it } from 'vitest';
import { loadCheck } from '../../../shared/checks/index.ts';
import { LOAD_BALANCER_CHECKS } from '../../../shared/checks/load-balancer.ts';
import { METRIC_CHECKS } from '../../../shared/checks/metric.ts';
import { NETWORK_CHECKS } from '../../../shared/checks/network.ts';
import { POSTGRES_CHECKS } from '../../../shared/checks/postgres/checks.ts';
import { CHECK_TYPES, type CheckType } from '../../../shared/checks/schema.ts';
import { SECURITY_SETTINGS_CHECKS } from '../../../shared/checks/security-settings.ts';
import { STORAGE_CHECKS } from '../../../shared/checks/storage.ts';
import { VPN_CONNECTION_CHECKS } from '../../../shared/checks/vpn-connection.ts';

describe('loadCheck', () => {
  it('loads the runner of every check type from the module that defines it', async () => {
    // Prepare: every runner, as its module exports it.
    const defined: Record<string, unknown> = {
      ...POSTGRES_CHECKS, ...STORAGE_CHECKS, ...NETWORK_CHECKS, ...LOAD_BALANCER_CHECKS, ...VPN_CONNECTION_CHECKS, ...METRIC_CHECKS, ...SECURITY_SETTINGS_CHECKS,
    };
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
