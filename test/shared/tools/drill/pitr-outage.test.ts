import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DrillReport } from '../../../../shared/tools/drill/report.ts';
import { runDrill, type ProgressStep } from '../../../../shared/tools/drill/run-drill.ts';
import { DEFAULT_DURATIONS } from '../../../../shared/tools/drill/simulator/index.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';

/**
 * A cross-region point-in-time restore in a region outage (issue 10): the replicated backups' restore
 * window stops at the incident (shared/tools/drill/simulator/rds.ts), so the restores start at once, to
 * points before the incident, instead of waiting for logs until the component's deadline.
 */

const PLAN_FILE = path.resolve(import.meta.dirname, '../../../fixtures/plans/pitr-outage.plan.yml');
/** The run starts at 09:22; the incident is time-to-detect (20 min) earlier: 09:02, just past the 09:00 grid point. */
const START = new Date('2026-11-29T09:22:00.000Z');
const DETECTION_SECONDS = DEFAULT_DURATIONS['detection.time-to-detect']!.seconds;
const RESTORE_SECONDS = DEFAULT_DURATIONS['rds.point-in-time-restore']!.seconds;
const LAG_SECONDS = DEFAULT_DURATIONS['rds.latest-restorable-time-lag']!.seconds;
const INCIDENT = new Date(START.getTime() - DETECTION_SECONDS * 1000);

let report: DrillReport;
const steps: ProgressStep[] = [];
const component = (id: string) => report.components.find((c) => c.id === id)!;
const seconds = (from: string | null, to: string | null) => (Date.parse(to ?? '') - Date.parse(from ?? '')) / 1000;

describe('drill: cross-region point-in-time restores in a region outage', () => {
  beforeAll(async () => {
    // Prepare / Act
    const plan = await loadPlanFile(PLAN_FILE);
    report = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'region-outage', startAt: START, onProgress: (step) => steps.push(step) });
  });

  it('recovers both databases on the first attempt, each within the restore and one check, far from its 80-minute deadline', () => {
    // Assess
    expect(report).toMatchObject({ plan: 'pitr-outage', scenario: 'region-outage', outcome: 'recovered', reason: null, startedAt: INCIDENT.toISOString() });
    for (const id of ['ledger-db', 'reports-db']) {
      const c = component(id);
      expect(c, id).toMatchObject({ status: 'recovered', attempts: 1, error: null, retries: [] });
      expect(seconds(report.startedAt, c.startedAt), id).toBe(DETECTION_SECONDS);
      expect(seconds(c.startedAt, c.finishedAt), id).toBeGreaterThanOrEqual(RESTORE_SECONDS);
      expect(seconds(c.startedAt, c.finishedAt), id).toBeLessThanOrEqual(RESTORE_SECONDS + 60);
    }
    expect(report.tiers).toEqual([expect.objectContaining({ id: 'data', status: 'recovered', met: true })]);
  });

  it('before-incident: logs stop at the incident, so the ledger goes back to the newest grid point the frozen window holds (08:55, 7 min before)', () => {
    // Assess: the grid point before the incident (09:00) is after the window's end (09:02 less the 5-minute lag: 08:57).
    const started = steps.find((s) => s.component === 'ledger-db' && s.state === 'Start Recovery Action');
    expect(started?.status).toBe('target ledger-fra is creating; logs stop at the incident: restored to 2026-11-29T08:55:00.000Z, 7 min before the incident');
    expect(component('ledger-db').lastStatus).toBe('target ledger-fra is available; logs stop at the incident: restored to 2026-11-29T08:55:00.000Z, 7 min before the incident');
    const rds = report.finalState.rds as { instances: Record<string, Record<string, { status: string; restoredTo?: string }>> };
    expect(rds.instances['eu-central-1']?.['ledger-fra']).toMatchObject({ status: 'available', restoredTo: '2026-11-29T08:55:00.000Z' });
  });

  it('latest: the reporting database goes back to the frozen latest restorable time, never past the incident', () => {
    // Assess
    const latest = new Date(INCIDENT.getTime() - LAG_SECONDS * 1000).toISOString();
    expect(latest).toBe('2026-11-29T08:57:00.000Z');
    expect(component('reports-db').lastStatus).toBe(`target reports-fra is available; restored to the latest restorable time ${latest}, 5 min before the incident`);
    const rds = report.finalState.rds as { instances: Record<string, Record<string, { status: string; restoredTo?: string }>> };
    expect(rds.instances['eu-central-1']?.['reports-fra']).toMatchObject({ status: 'available', restoredTo: latest });
  });

  it('measures each data class\'s RPO from the restore point the component observed: incident less restore point', () => {
    // Assess
    expect(report.rpo).toEqual([
      { dataClass: 'ledger', targetMinutes: 15, measuredMinutes: 7, met: true, source: 'ledger-db: point in time restored', uncertaintyMinutes: null, replicaLagMinutes: null },
      { dataClass: 'reports', targetMinutes: 15, measuredMinutes: 5, met: true, source: 'reports-db: point in time restored', uncertaintyMinutes: null, replicaLagMinutes: null },
    ]);
  });
});
