import path from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../../shared/tools/cli/main.ts';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import { parseInject } from '../../../../shared/tools/drill/inject.ts';
import { drillReportSchema } from '../../../../shared/tools/drill/report-schema.ts';
import { DRILL_STATE_TABLE, runDrill } from '../../../../shared/tools/drill/run-drill.ts';
import { startLocalDynamoDb } from '../../../../shared/tools/local/dynamodb.ts';
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

  it('keeps its state table on --state-endpoint: status and unlock read it after the drill', async () => {
    // Prepare: a DynamoDB-compatible server the drill does not own (the drill makes its table there and leaves it).
    const server = await startLocalDynamoDb('unused-by-the-drill');
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    try {
      const plan = await loadPlanFile(PLAN_FILE);
      const report = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'region-outage', startAt: new Date('2026-11-29T01:20:00Z'), faults: [parseInject('stop-during:core-database', plan)], stateEndpoint: server.endpoint });
      expect(report.outcome).toBe('aborted');
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
      // Act
      const status = await runCli(['status', '--plan', PLAN_FILE, '--table', DRILL_STATE_TABLE, '--endpoint', server.endpoint, '--no-sfn'], io);
      const unlock = await runCli(['unlock', '--plan', PLAN_FILE, '--table', DRILL_STATE_TABLE, '--endpoint', server.endpoint, '--reason', 'after the stop drill', '--by', 'drill', '--topic', 'arn:aws:sns:ap-northeast-3:123456789012:internal'], io);
      // Assess: the stopped run's lock was released by the status-change rule; the drill's execution is the last run.
      expect([status, unlock, err]).toEqual([0, 0, []]);
      expect(out).toContain('lock: free (no recovery running)');
      expect(out.find((l) => l.startsWith('last run: '))).toMatch(/^last run: \S+:drill-region-outage-\S+ ended aborted at 2026-11-29T01:30:00\.000Z$/);
      expect(out.at(-1)).toMatch(/^the lock of dataset-platform was free; the unlock is recorded at /);
    } finally {
      sns.restore();
      vi.unstubAllEnvs();
      await server.stop();
    }
  });
});
