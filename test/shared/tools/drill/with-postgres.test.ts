import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDrill } from '../../../../shared/tools/drill/run-drill.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';

const PLAN_FILE = path.resolve(import.meta.dirname, '../../../../examples/dataset-platform.plan.yml');
const START = new Date('2026-11-29T00:00:00.000Z');

describe('drill --with-postgres: the replicated database is a real PostgreSQL primary + streaming standby', () => {
  it('promotes the real standby with the simulated replica, runs the database checks on it and measures the RPO from its newest heartbeat', async () => {
    // Prepare
    const plan = await loadPlanFile(PLAN_FILE);
    const database = plan.components.find((c) => c.id === 'core-database')!.database!;
    // Act
    const report = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'region-outage', startAt: START, withPostgres: true });
    // Assess
    expect(report.outcome).toBe('recovered');
    const checks = report.checks.filter((c) => c.component === 'core-database');
    expect(checks.map((c) => [c.name, c.status, c.advisory])).toEqual([
      ['postgres-writable', 'passed', false],
      ['postgres-tables', 'passed', false],
      ['postgres-indexes', 'passed', false],
      ['rpo-heartbeat', 'passed', false],
      // Nothing streams from the new primary yet: reported, not blocking.
      ['postgres-replication', 'failed', true],
      // Not a database check: read from RDS, EC2 and KMS, with or without a database.
      ['security-settings', 'passed', false],
    ]);
    expect(checks.find((c) => c.name === 'postgres-tables')!.detail).toMatch(/public\.transactions/);
    // The incident is 20 min (detection) before the run's start; heartbeats every interval up to one interval before it.
    const incident = START.getTime() - 20 * 60_000;
    const heartbeat = checks.find((c) => c.name === 'rpo-heartbeat')!;
    expect(heartbeat.observations).toMatchObject({
      lastHeartbeatAt: new Date(incident - database.heartbeatIntervalSeconds * 1000).toISOString(),
      rpoSeconds: database.heartbeatIntervalSeconds,
    });
    expect(report.rpo.find((r) => r.dataClass === 'transaction')).toMatchObject({
      targetMinutes: 15,
      measuredMinutes: database.heartbeatIntervalSeconds / 60,
      met: true,
      uncertaintyMinutes: database.heartbeatIntervalSeconds / 60,
      source: expect.stringContaining('newest heartbeat on the recovered database'),
    });
  }, 60_000);

  it('without --with-postgres the database checks are skipped and the RPO falls back to the replica lag', async () => {
    const plan = await loadPlanFile(PLAN_FILE);
    const report = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'region-outage', startAt: START });
    const checks = report.checks.filter((c) => c.component === 'core-database');
    expect(checks.filter((c) => c.type.startsWith('postgres-') || c.type === 'rpo-heartbeat').map((c) => c.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(checks.find((c) => c.type === 'security-settings')?.status).toBe('passed');
    expect(report.rpo.find((r) => r.dataClass === 'transaction')!.source).toContain('replica lag lost at promotion');
  });
});
