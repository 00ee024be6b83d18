import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReadinessOutcome } from '../../shared/readiness/publish.ts';
import { readReadinessRecord } from '../../shared/readiness/record.ts';
import { writeActiveRegion } from '../../shared/state/active-region.ts';
import { installSimulatedAccount, type SimulatedAccount } from '../../shared/tools/drill/simulator/index.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { compiledExamplePlan, loadExamplePlan } from '../shared/run/fixtures.ts';
import { lambdaContext, withLogs } from './lambda.ts';

const context = lambdaContext('assess-readiness');
const INTERNAL = 'arn:aws:sns:ap-northeast-3:123456789012:dr-autopilot-prod-internal';
const EXTERNAL = 'arn:aws:sns:ap-northeast-3:123456789012:dr-autopilot-prod-external';
const ROLE = 'arn:aws:iam::123456789012:role/dr-autopilot-prod-start-action';
type Handler = (event: unknown, ctx: typeof context) => Promise<ReadinessOutcome>;

/**
 * The deployed function end to end: the packaged example plan, every read answered by the drill's
 * simulated account (the real SDK clients), the state table in dynalite, metrics in its log (EMF).
 */
describe('functions/assess-readiness', () => {
  let local: LocalDynamo;
  let packaged: { file: string; remove(): void };
  let account: SimulatedAccount | undefined;
  beforeAll(async () => {
    [local, packaged] = await Promise.all([startDynalite(), compiledExamplePlan()]);
  });
  afterAll(async () => {
    packaged.remove();
    await local.stop();
  });
  afterEach(() => {
    account?.restore();
    account = undefined;
  });

  const load = () =>
    withLogs(
      {
        PLAN_FILE: packaged.file,
        STATE_TABLE_NAME: local.tableName,
        AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
        AWS_REGION: 'ap-northeast-3',
        INTERNAL_TOPIC_ARN: INTERNAL,
        EXTERNAL_TOPIC_ARN: EXTERNAL,
        START_ACTION_ROLE_ARN: ROLE,
        POWERTOOLS_METRICS_NAMESPACE: 'dr-autopilot',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      async () => (await import('../../functions/assess-readiness.ts')).handler as unknown as Handler,
    );

  it('finds the example ready and says nothing; a drift is told to operations once, with the metric', async () => {
    // Prepare
    const plan = await loadExamplePlan();
    account = installSimulatedAccount(plan);
    const fn = await load();
    try {
      // Act
      const ready = await fn.module({}, context);
      account.world.faults.push({ kind: 'drift', drift: { kind: 'replica-missing', component: 'core-database' } });
      const dropped = await fn.module({}, context);
      const again = await fn.module({}, context);
      // Assess
      expect(ready).toEqual({ status: 'ready', notReady: 0, atRisk: 0, changes: [] });
      expect(dropped.status).toBe('not-ready');
      // The component, and the database-failure and region-outage scenarios' tiers from tier-1 on.
      expect(dropped.changes).toContainEqual({ item: 'component:core-database', from: 'ready', to: 'not-ready' });
      expect(dropped.changes).toContainEqual({ item: 'rto:region-outage:tier-4', from: 'ready', to: 'not-ready' });
      expect(dropped.noticeMessageId).toEqual(expect.any(String));
      expect(again).toMatchObject({ status: 'not-ready', changes: [] });
      const notices = account.published().filter((p) => p.topicArn === INTERNAL);
      expect(notices).toHaveLength(1);
      expect(notices[0]?.subject).toBe('[dr-autopilot] dataset-platform readiness dropped: NOT READY');
      expect(notices[0]?.message).toContain('- core-database: replica-exists NOT READY: replica dataset-db-osaka in ap-northeast-3 not found');
      const emf = fn.lines().filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(emf.map((m) => [m.ReadinessNotReady, m.plan, m.service])).toEqual([[0, 'dataset-platform', 'dr-autopilot'], [dropped.notReady, 'dataset-platform', 'dr-autopilot'], [dropped.notReady, 'dataset-platform', 'dr-autopilot']]);
      expect((await readReadinessRecord({ ddb: local.ddb, tableName: local.tableName }, 'dataset-platform'))?.status).toBe('not-ready');
      // A recovery that moved the system to the secondary (Summarise Run's record) is reported at the next assessment.
      await writeActiveRegion({ ddb: local.ddb, tableName: local.tableName }, 'dataset-platform', { region: 'ap-northeast-3', since: '2026-12-05T03:00:00.000Z', executionId: 'arn:aws:states:ap-northeast-3:123456789012:execution:f:run-1', scenario: 'region-outage' });
      const moved = await fn.module({}, context);
      expect(moved.changes).toContainEqual({ item: 'system:active-region', from: 'ready', to: 'not-ready' });
      // Read-only: not one call that changes the simulated account.
      expect(account.world.calls.filter((c) => !/^(Describe|Get|List|Simulate|Publish)/.test(c.command))).toEqual([]);
    } finally {
      fn.restore();
    }
  });
});
