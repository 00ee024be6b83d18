import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import { parseInject } from '../../../../shared/tools/drill/inject.ts';
import { drillReportSchema } from '../../../../shared/tools/drill/report-schema.ts';
import { runDrill } from '../../../../shared/tools/drill/run-drill.ts';
import { ROOT } from '../../../support/cli.ts';

const PLAN_FILE = path.join(ROOT, 'examples/dataset-platform.plan.yml');

describe('drill --inject stop-during:COMPONENT: the operator stops the run while a one-way start is in flight', () => {
  it('releases the lock, the in-flight start sends no promotion (nor takes the lock again), and the replica stays a replica', async () => {
    // Prepare
    const plan = await loadPlanFile(PLAN_FILE);
    // Act
    const report = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'region-outage', startAt: new Date('2026-11-29T01:20:00Z'), faults: [parseInject('stop-during:core-database', plan)] });
    // Assess
    expect(drillReportSchema.safeParse(report).success).toBe(true);
    expect(report.outcome).toBe('aborted');
    expect(report.reason).toMatch(/^ExecutionStopped: stopped by the operator \(--inject stop-during:core-database\); the in-flight start of core-database was refused: ExecutionNotCurrentError: execution \S+ no longer holds the recovery lock of plan "dataset-platform": it was released at 2026-11-29T01:30:00\.000Z by \S+ \(aborted\)/);
    expect(report.executions?.map((x) => x.outcome)).toEqual(['aborted']);
    const state = report.finalState as { rds: { instances: Record<string, Record<string, { replicaOf: string | null }>> }; stateTable: { lock: Record<string, string> | null }; sfn: { executions: Record<string, string> } };
    expect(state.rds.instances['ap-northeast-3']!['dataset-db-osaka']!.replicaOf).toBe('arn:aws:rds:ap-northeast-1:123456789012:db:dataset-db');
    expect(state.stateTable.lock).toMatchObject({ lastOutcome: 'aborted' });
    expect(state.stateTable.lock?.owner).toBeUndefined();
    expect(Object.values(state.sfn.executions)).toEqual(['ABORTED']);
  });

  it('refuses a component the plan does not have, naming the plan\'s', async () => {
    const plan = await loadPlanFile(PLAN_FILE);
    expect(() => parseInject('stop-during:nope', plan)).toThrow(/^--inject stop-during:nope: unknown component "nope"; the plan has core-database, /);
  });
});
