import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInject } from '../../../../shared/tools/drill/inject.ts';
import { drillReportSchema } from '../../../../shared/tools/drill/report-schema.ts';
import { runDrill } from '../../../../shared/tools/drill/run-drill.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import { alarmEvent } from '../../../support/alarm-event.ts';
import { ROOT } from '../../../support/cli.ts';

const PLAN_FILE = path.join(ROOT, 'examples/dataset-platform.plan.yml');
const ALARM = 'dataset-platform-tokyo-region-down';

describe('drill: the trigger alarm goes back to OK (--inject alarm-ok:MINUTES)', () => {
  it('parses alarm-ok and rejects a bad number', async () => {
    const plan = await loadPlanFile(PLAN_FILE);
    expect(parseInject('alarm-ok:5', plan)).toEqual({ kind: 'alarm-ok', afterMinutes: 5 });
    expect(() => parseInject('alarm-ok:soon', plan)).toThrow(/MINUTES must be a number/);
  });

  it('an alarm-started run stops before the replica promotion and ends aborted; the replica stays a replica', async () => {
    // Prepare
    const plan = await loadPlanFile(PLAN_FILE);
    const event = alarmEvent(ALARM, 'ALARM', '2026-11-29T01:00:04.989+0000', 'ap-northeast-3');
    // Act
    const report = await runDrill({ plan, planFile: PLAN_FILE, event, faults: [parseInject('alarm-ok:0', plan)] });
    // Assess
    expect(drillReportSchema.safeParse(report).success).toBe(true);
    expect(report.outcome).toBe('aborted');
    const db = report.components.find((c) => c.id === 'core-database')!;
    expect(db.error?.name).toBe('RecoveryAbortedError');
    expect(db.error?.message).toContain(`trigger alarm ${ALARM} is back to OK`);
    // The gate was approved first: the alarm is re-read right before the one-way step, after the approval.
    expect(report.approval).toMatchObject({ required: true, decision: { by: 'drill approver', force: false } });
    expect(report.tiers.slice(1).map((t) => t.status)).toEqual(['not-started', 'not-started', 'not-started']);
    const replica = (report.finalState.rds as { instances: Record<string, Record<string, { replicaOf: string | null }>> }).instances['ap-northeast-3']!['dataset-db-osaka']!;
    expect(replica.replicaOf).toBe('arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db');
  });

  it('an alarm that goes OK after the one-way step changes nothing: the run recovers', async () => {
    const plan = await loadPlanFile(PLAN_FILE);
    const event = alarmEvent(ALARM, 'ALARM', '2026-11-29T01:00:04.989+0000', 'ap-northeast-3');
    const report = await runDrill({ plan, planFile: PLAN_FILE, event, faults: [parseInject('alarm-ok:60', plan)], scenario: 'region-outage' });
    expect(report.outcome).toBe('recovered');
  });
});

describe('drill: the old primary is still writable (--inject primary-writable)', () => {
  it('refuses to promote the replica (SplitBrainRiskError), stops later tiers, and leaves one writer', async () => {
    // Prepare
    const plan = await loadPlanFile(PLAN_FILE);
    // Act
    const report = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'region-outage', faults: [parseInject('primary-writable', plan)] });
    // Assess
    expect(report.outcome).toBe('failed');
    const error = report.components.find((c) => c.id === 'core-database')?.error;
    expect(error?.name).toBe('SplitBrainRiskError');
    // Approved without force; and with the plan's fencing.method stop, force would not help (RDS can't stop a primary with a read replica).
    expect(report.approval).toMatchObject({ decision: { force: false } });
    expect(error?.message).toContain('would leave two writers');
    expect(error?.message).toContain('--force would not help');
    expect(report.tiers.slice(1).every((t) => t.status === 'not-started')).toBe(true);
    const instances = (report.finalState.rds as { instances: Record<string, Record<string, { status: string; replicaOf: string | null }>> }).instances;
    expect(instances['ap-northeast-1']!['dataset-db']!.status).toBe('available');
    expect(instances['ap-northeast-3']!['dataset-db-osaka']!.replicaOf).not.toBeNull();
  });

  it('without the fault the drill\'s incident stops the old primary and the promotion goes ahead', async () => {
    const plan = await loadPlanFile(PLAN_FILE);
    const report = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'database-failure' });
    expect(report.outcome).toBe('recovered');
    const instances = (report.finalState.rds as { instances: Record<string, Record<string, { status: string; replicaOf: string | null }>> }).instances;
    expect(instances['ap-northeast-1']!['dataset-db']!.status).toBe('stopped');
    expect(instances['ap-northeast-3']!['dataset-db-osaka']!.replicaOf).toBeNull();
  });
});
