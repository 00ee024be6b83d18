import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../../../shared/plan/load.ts';
import { drillReportSchema } from '../../../../shared/tools/drill/report-schema.ts';
import { runDrill } from '../../../../shared/tools/drill/run-drill.ts';

const PLAN_FILE = path.resolve(import.meta.dirname, '../../../../examples/dataset-platform.plan.yml');
const START = new Date('2026-11-29T00:00:00.000Z');

/** The simulated account's RDS instances at the end: region → identifier → what it shows. */
type Instances = Record<string, Record<string, { status: string; replicaOf: string | null; securityGroups: string[] }>>;
const instances = (finalState: Record<string, unknown>) => (finalState.rds as { instances: Instances }).instances;

describe('drill --then: re-protect and failback after a region outage, in the same simulated account', () => {
  it('re-protects toward Tokyo (a real standby of the promoted database streams) and fails back, the state machine running the plan in reverse', async () => {
    // Prepare
    const plan = await loadPlanFile(PLAN_FILE);
    // Act
    const report = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'region-outage', startAt: START, withPostgres: true, then: ['reprotect', 'failback'] });
    // Assess: the report keeps its contract, the drilled run first.
    expect(drillReportSchema.safeParse(report).error).toBeUndefined();
    expect(report.outcome).toBe('recovered');
    expect(report.followUps?.map((f) => [f.scenario, f.stage, f.outcome, f.reason])).toEqual([
      ['reprotect', 'reprotect', 'recovered', null],
      ['failback', 'failback', 'recovered', null],
    ]);
    const [reprotect, failback] = report.followUps!;
    // Re-protect: the new Tokyo replica of the promoted Osaka instance (the old primary fenced first), replication back, the cache rejoined.
    expect(reprotect!.components.map((c) => [c.id, c.status])).toEqual([['core-database', 'recovered'], ['dataset-storage', 'recovered'], ['cache-server', 'recovered']]);
    expect(reprotect!.components[0]!.lastStatus).toBe(
      'replica dataset-db-tokyo in ap-northeast-1 is available, replicating from dataset-db-osaka in ap-northeast-3; former writer dataset-db in ap-northeast-1 stopped',
    );
    // The postgres-replication check that fails (advisory) after the recovery passes, blocking, once re-protected.
    expect(report.checks.find((c) => c.component === 'core-database' && c.name === 'postgres-replication')).toMatchObject({ status: 'failed', advisory: true });
    expect(reprotect!.checks.filter((c) => c.component === 'core-database').map((c) => [c.name, c.status, c.detail])).toEqual([
      ['replica-streaming', 'passed', '1 streaming standby(s) of the new primary (at least 1): reprotect_1'],
    ]);
    // Failback: every component back in Tokyo, checked on the promoted Tokyo replica, DNS answering Tokyo.
    expect(failback!.components.map((c) => [c.id, c.status, c.lastStatus])).toEqual([
      ['core-database', 'recovered', 'promoted: available, no longer a replica; old primary isolated'],
      ['api-gateway', 'recovered', 'routing controls: primary Off, secondary On; api.dataset-platform.example.com CNAME answers NOERROR [api-tokyo.dataset-platform.example.com]'],
      ['dataset-storage', 'recovered', '/dataset-platform/storage/bucket is dataset-platform-datasets-tokyo'],
      ['cache-server', 'recovered', 'dataset-cache-tokyo is primary; global datastore available'],
    ]);
    expect(failback!.checks.filter((c) => c.component === 'core-database').map((c) => [c.name, c.status])).toEqual([
      ['postgres-writable', 'passed'],
      ['postgres-tables', 'passed'],
      ['postgres-indexes', 'passed'],
      ['rpo-heartbeat', 'passed'],
      ['postgres-replication', 'failed'],
    ]);
    expect(failback!.checks.filter((c) => c.component === null).map((c) => [c.name, c.status])).toEqual([['dns-back-in-tokyo', 'passed'], ['http', 'passed']]);
    // Only internal audiences hear of a re-protect or a failback: the external notices are the recovery's alone.
    const staged = report.notifications.filter((n) => /reprotect|failback/.test(n.subject));
    expect(staged.length).toBeGreaterThan(0);
    expect(staged.every((n) => n.audience === 'internal')).toBe(true);
    const recoveryOnly = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'region-outage', startAt: START });
    expect(report.notifications.filter((n) => n.audience === 'external').map((n) => n.subject)).toEqual(recoveryOnly.notifications.filter((n) => n.audience === 'external').map((n) => n.subject));
    // The simulated account: the Tokyo replica created once and promoted (the writer); the old Tokyo primary stopped;
    // Osaka isolated by the failback's fencing (reverseFencing).
    expect(instances(report.finalState)).toMatchObject({
      'ap-northeast-1': { 'dataset-db': { status: 'stopped' }, 'dataset-db-tokyo': { status: 'available', replicaOf: null } },
      'ap-northeast-3': { 'dataset-db-osaka': { status: 'available', replicaOf: null, securityGroups: ['sg-0f1e2d3c4b5a69788'] } },
    });
  });

  it('refuses a --then that is not a re-protect or failback scenario before anything runs, naming the ones there are', async () => {
    const plan = await loadPlanFile(PLAN_FILE);
    await expect(runDrill({ plan, planFile: PLAN_FILE, scenario: 'region-outage', startAt: START, then: ['database-failure'] })).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: '--then: "database-failure" is a recovery; --then runs re-protect and failback scenarios after the drilled one: reprotect, failback',
      details: { field: 'then' },
    });
    await expect(runDrill({ plan, planFile: PLAN_FILE, scenario: 'region-outage', startAt: START, then: ['return'] })).rejects.toMatchObject({
      message: expect.stringMatching(/^--then: unknown scenario "return"/),
    });
  });

  it('a failback before any recovery moved the system is refused by Prepare Run: the follow-up fails naming the scenario, nothing changes', async () => {
    // Prepare: a database failure moves nothing (the system stays in Tokyo).
    const plan = await loadPlanFile(PLAN_FILE);
    // Act
    const report = await runDrill({ plan, planFile: PLAN_FILE, scenario: 'database-failure', startAt: START, then: ['failback'] });
    // Assess
    expect(report.outcome).toBe('recovered');
    expect(report.followUps).toEqual([
      expect.objectContaining({
        scenario: 'failback',
        outcome: 'failed',
        reason: expect.stringContaining('"failback" fails back to ap-northeast-1, where the system already runs'),
        components: [],
      }),
    ]);
  });
});
