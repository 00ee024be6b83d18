import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../shared/errors.ts';
import type { Plan } from '../../../shared/plan/schema.ts';
import { componentTask } from '../../../shared/run/component-task.ts';
import { prepareRun } from '../../../shared/run/prepare.ts';
import {
  alarmEvent,
  compositeAlarmEvent,
  consoleStart,
  CORE_DB_ALARM,
  EXECUTION_ID,
  EXECUTION_START,
  loadExamplePlan,
  oneWayTypesOf,
  REGION_DOWN_ALARM,
} from './fixtures.ts';

let plan: Plan;
/** The example plan's one-way types, as the prepare-run handler passes them. */
let oneWay: Set<string>;

function rejected(input: unknown, executionStartedAt = EXECUTION_START): InvalidInputError {
  try {
    prepareRun(plan, { input, executionId: EXECUTION_ID, executionStartedAt }, undefined, oneWay);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

describe('prepareRun', () => {
  beforeAll(async () => {
    plan = await loadExamplePlan();
    oneWay = await oneWayTypesOf(plan);
  });

  it('lays out the example plan for a console start: tiers and components in order, timeouts in seconds', () => {
    // Prepare
    const input = consoleStart({ scenario: 'region-outage', mode: 'planned' });
    // Act
    const state = prepareRun(plan, { input, executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, undefined, oneWay);
    // Assess
    expect(state.tiers.map((t) => [t.id, t.order, t.rtoTargetMinutes, t.components.map((c) => c.id)])).toEqual([
      ['tier-1', 1, 240, ['core-database', 'authentication', 'api-gateway']],
      // dataset-restore is only in the storage-failure scenario
      ['tier-2', 2, 480, ['dataset-storage', 'cache-server', 'web-application', 'batch-processing']],
      ['tier-3', 3, 480, ['report-generation', 'monitoring', 'backup-system']],
      ['tier-4', 4, 1440, ['development-environment', 'test-environment', 'documentation-system']],
    ]);
    // The state names each component (id, type); its branch loads the definition with its tier and timeout.
    expect(state.tiers[0]!.components).toEqual([{ id: 'core-database', type: 'rds-replica-promotion' }, { id: 'authentication', type: 'ecs-scale' }, { id: 'api-gateway', type: 'route53-failover' }]);
    const components = state.tiers.flatMap((t) => t.components).map((c) => componentTask(plan, state.run.scenario, c.id));
    expect(components.map((c) => [c.id, c.tier, c.timeoutSeconds])).toEqual([
      ['core-database', 'tier-1', 3600],
      ['authentication', 'tier-1', 1800],
      ['api-gateway', 'tier-1', 1200],
      ['dataset-storage', 'tier-2', 1800],
      ['cache-server', 'tier-2', 1800],
      ['web-application', 'tier-2', 1800],
      ['batch-processing', 'tier-2', 1800],
      ['report-generation', 'tier-3', 1800],
      ['monitoring', 'tier-3', 900],
      ['backup-system', 'tier-3', 10800],
      ['development-environment', 'tier-4', 43200],
      ['test-environment', 'tier-4', 43200],
      ['documentation-system', 'tier-4', 43200],
    ]);
    // The plan's definition travels with the component (the actions need their params).
    expect(components[1]).toMatchObject({ type: 'ecs-scale', params: { cluster: 'dataset-platform-osaka', service: 'auth', desiredCount: 3 } });
    expect(state.run).toEqual({
      executionId: EXECUTION_ID,
      incidentId: EXECUTION_ID,
      resumeOf: null,
      plan: 'dataset-platform',
      scenario: 'region-outage',
      scenarioName: 'Region outage (Tokyo unavailable)',
      mode: 'planned',
      severity: 'critical',
      trigger: { kind: 'console', by: 'oncall@example.com', reason: 'Tokyo unavailable since 09:40 JST' },
      incidentStartedAt: EXECUTION_START,
      regions: { primary: 'ap-northeast-1', secondary: 'ap-northeast-3' },
      stage: 'recover',
      direction: 'forward',
      // It fails traffic over (api-gateway, route53-failover): a recovered run moves the system to Osaka.
      movesActiveRegion: true,
    });
    expect(state).toMatchObject({ tierIndex: 0, tierCount: 4, status: 'running', results: { tiers: [], components: [] } });
  });

  it('takes the mode from the console input and the severity from the scenario', () => {
    const state = prepareRun(plan, { input: consoleStart({ scenario: 'database-failure', mode: 'unplanned' }), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, undefined, oneWay);
    expect(state.run).toMatchObject({ scenario: 'database-failure', mode: 'unplanned', severity: 'high' });
    expect(state.tiers.map((t) => [t.id, t.components.map((c) => c.id)])).toEqual([['tier-1', ['core-database']]]);
  });

  it('measures from incidentStartedAt when the console input gives one', () => {
    const state = prepareRun(plan, {
      input: consoleStart({ incidentStartedAt: '2026-11-29T09:40:00+09:00' }),
      executionId: EXECUTION_ID,
      executionStartedAt: EXECUTION_START,
    }, undefined, oneWay);
    expect(state.run.incidentStartedAt).toBe('2026-11-29T00:40:00.000Z');
  });

  it.each([
    ['one second', '2026-11-29T01:05:01.000Z'],
    ['half a minute', '2026-11-29T01:05:30.000Z'],
    ['an hour', '2026-11-29T02:05:00.000Z'],
  ])('rejects an incidentStartedAt %s after the execution started', (_, incidentStartedAt) => {
    const error = rejected(consoleStart({ incidentStartedAt }));
    expect(error.details.field).toBe('incidentStartedAt');
    expect(error.message).toContain('after the execution started');
  });

  it('runs the scenario an alarm triggers, with that scenario\'s mode, from the alarm\'s state time', () => {
    // Prepare
    const input = alarmEvent(CORE_DB_ALARM);
    // Act
    const state = prepareRun(plan, { input, executionId: EXECUTION_ID, executionStartedAt: '2019-10-02T17:04:42.512Z' }, undefined, oneWay);
    // Assess
    expect(state.run).toMatchObject({
      scenario: 'database-failure',
      mode: 'unplanned',
      severity: 'high',
      incidentStartedAt: '2019-10-02T17:04:40.989Z',
      trigger: { kind: 'alarm', by: CORE_DB_ALARM, alarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${CORE_DB_ALARM}` },
    });
    expect(state.tiers.map((t) => t.id)).toEqual(['tier-1']);
  });

  it('runs every tier of region-outage from its composite trigger alarm', () => {
    const state = prepareRun(plan, { input: compositeAlarmEvent(REGION_DOWN_ALARM), executionId: EXECUTION_ID, executionStartedAt: '2022-07-22T15:57:47.000Z' }, undefined, oneWay);
    expect(state.run).toMatchObject({ scenario: 'region-outage', mode: 'unplanned', severity: 'critical', incidentStartedAt: '2022-07-22T15:57:45.394Z' });
    expect(state.tierCount).toBe(4);
  });

  it("never starts an alarm run's clock after the execution's start (CloudWatch's clock may be a little ahead)", () => {
    const state = prepareRun(plan, { input: alarmEvent(), executionId: EXECUTION_ID, executionStartedAt: '2019-10-02T17:04:40.500Z' }, undefined, oneWay);
    expect(state.run.incidentStartedAt).toBe('2019-10-02T17:04:40.500Z');
    const error = rejected(alarmEvent(), '2019-10-02T17:00:00.000Z');
    expect(error.details.field).toBe('detail.state.timestamp');
  });

  it('rejects an alarm that triggers no scenario, naming alarmName', () => {
    const error = rejected(alarmEvent('some-other-alarm'), '2019-10-02T17:05:00.000Z');
    expect(error.details.field).toBe('alarmName');
    expect(error.message).toContain('"some-other-alarm" triggers no scenario of plan "dataset-platform"');
  });

  it('rejects an unknown scenario, naming scenario and the ones the plan has', () => {
    const error = rejected(consoleStart({ scenario: 'meteor-strike' }));
    expect(error.details.field).toBe('scenario');
    expect(error.message).toContain('region-outage, database-failure, storage-failure');
  });

  it('rejects bad input before looking at the plan', () => {
    const error = rejected({ scenario: 'region-outage', mode: 'unplanned', reason: 'x' });
    expect(error.details.field).toBe('reason');
  });

  describe('approval gate and lock', () => {
    it('an unplanned region outage waits for approval before tier 1, which holds the replica promotion', () => {
      const state = prepareRun(plan, { input: consoleStart({ mode: 'unplanned' }), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, undefined, oneWay);
      expect(state.approval).toEqual({ required: true, tierIndex: 0, timeoutSeconds: 1800, oneWayComponents: ['core-database'], decision: null, error: null });
      expect(state.lock).toEqual({ cooldownMinutes: 60, ignoreCooldown: false, expiresAt: '2026-12-01T01:05:00.000Z' });
      expect(state.carried).toEqual([]);
    });

    it('a planned scenario needs no approval (starting it was the decision), unless the scenario says so', () => {
      // Prepare: database-failure made a planned scenario that leaves approval to the default.
      const plannedScenario: Plan = { ...plan, scenarios: plan.scenarios.map((sc) => (sc.id === 'database-failure' ? { ...sc, mode: 'planned' as const } : sc)) };
      // Act
      const planned = prepareRun(plannedScenario, { input: consoleStart({ scenario: 'database-failure', mode: 'planned' }), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, undefined, oneWay);
      // Assess
      expect(planned.approval.required).toBe(false);
      expect(planned.run.mode).toBe('planned');
      // A console start may add the gate: `unplanned` on a planned scenario waits for approval.
      const unplanned = prepareRun(plannedScenario, { input: consoleStart({ scenario: 'database-failure', mode: 'unplanned' }), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, undefined, oneWay);
      expect(unplanned.approval.required).toBe(true);
      const marked: Plan = { ...plan, scenarios: plan.scenarios.map((sc) => (sc.id === 'region-outage' ? { ...sc, approval: { required: true, timeoutMinutes: 5 } } : sc)) };
      const gated = prepareRun(marked, { input: consoleStart({ mode: 'planned' }), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, undefined, oneWay);
      expect(gated.approval).toMatchObject({ required: true, tierIndex: 0, timeoutSeconds: 300 });
      const exempt: Plan = { ...plan, scenarios: plan.scenarios.map((sc) => (sc.id === 'region-outage' ? { ...sc, approval: { required: false } } : sc)) };
      expect(prepareRun(exempt, { input: consoleStart({ mode: 'unplanned' }), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, undefined, oneWay).approval.required).toBe(false);
    });

    it('a console start cannot take an unplanned scenario\'s approval away by choosing mode planned: the run is a switchover and still waits', () => {
      // Prepare: database-failure is unplanned and leaves approval to the default (required).
      expect(plan.scenarios.find((sc) => sc.id === 'database-failure')).toMatchObject({ mode: 'unplanned', approval: {} });
      // Act
      const state = prepareRun(plan, { input: consoleStart({ scenario: 'database-failure', mode: 'planned' }), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, undefined, oneWay);
      // Assess: planned as asked (a switchover), the gate still before the promotion.
      expect(state.run.mode).toBe('planned');
      expect(state.approval).toEqual({ required: true, tierIndex: 0, timeoutSeconds: 1800, oneWayComponents: ['core-database'], decision: null, error: null });
      // Only the plan can waive it, where the waiver is reviewed.
      const waived: Plan = { ...plan, scenarios: plan.scenarios.map((sc) => (sc.id === 'database-failure' ? { ...sc, approval: { required: false } } : sc)) };
      expect(prepareRun(waived, { input: consoleStart({ scenario: 'database-failure', mode: 'planned' }), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, undefined, oneWay).approval.required).toBe(false);
    });

    it('the storage-failure scenario waits before the tier holding its S3 version restore', () => {
      const state = prepareRun(plan, { input: consoleStart({ scenario: 'storage-failure', mode: 'unplanned' }), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, undefined, oneWay);
      const tier = state.tiers[state.approval.tierIndex]!;
      expect(tier.components.map((c) => c.id)).toContain('dataset-restore');
      expect(state.approval.oneWayComponents).toEqual(['dataset-restore']);
    });

    it('a console start may ignore the cooldown; resumeOf without a recorded run is refused naming resumeOf', () => {
      const state = prepareRun(plan, { input: consoleStart({ ignoreCooldown: true }), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, undefined, oneWay);
      expect(state.lock.ignoreCooldown).toBe(true);
      expect(rejected(consoleStart({ resumeOf: 'arn:aws:states:ap-northeast-3:123456789012:execution:sm:run-0' })).details).toMatchObject({ field: 'resumeOf' });
      expect(rejected(consoleStart({ resumeOf: 'run-0' })).details).toMatchObject({ field: 'resumeOf' });
      expect(rejected(consoleStart({ ignoreCooldown: 'yes' })).details).toMatchObject({ field: 'ignoreCooldown' });
    });

    it('a resume of another scenario is refused naming scenario', () => {
      const previous = { incidentId: 'i-1', plan: 'dataset-platform', scenario: 'database-failure', incidentStartedAt: '2026-11-29T00:40:00.000Z', executions: ['i-1'], components: [] };
      const arn = 'arn:aws:states:ap-northeast-3:123456789012:execution:sm:run-0';
      expect(() => prepareRun(plan, { input: consoleStart({ resumeOf: arn }), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, previous, oneWay)).toThrow(
        /scenario: the run to resume recovered "database-failure"/,
      );
    });
  });

  describe('the run\'s direction, from where the system runs now (the state table\'s active region)', () => {
    const start = (scenario: string, active: string | null) =>
      prepareRun(plan, { input: consoleStart({ scenario, mode: 'planned' }), executionId: EXECUTION_ID, executionStartedAt: EXECUTION_START }, undefined, oneWay, active);

    it('a failback while the system runs in Osaka runs in reverse: the regions swapped, and a recovered run moves it back', () => {
      // Act
      const state = start('failback', 'ap-northeast-3');
      // Assess
      expect(state.run).toMatchObject({ stage: 'failback', direction: 'reverse', movesActiveRegion: true, regions: { primary: 'ap-northeast-3', secondary: 'ap-northeast-1' } });
      expect(state.tiers.map((t) => [t.id, t.components.map((c) => c.id)])).toEqual([['tier-1', ['core-database', 'api-gateway']], ['tier-2', ['dataset-storage', 'cache-server']]]);
      // Planned: the one-way promotion needs no approval; started by a person, it is not held by the cooldown.
      expect(state.approval).toMatchObject({ required: false, oneWayComponents: ['core-database'] });
      expect(state.lock.ignoreCooldown).toBe(true);
    });

    it('a re-protect runs from where the system runs, moves nothing and is not held by the cooldown', () => {
      expect(start('reprotect', 'ap-northeast-3').run).toMatchObject({ stage: 'reprotect', direction: 'reverse', movesActiveRegion: false, regions: { primary: 'ap-northeast-3', secondary: 'ap-northeast-1' } });
      expect(start('reprotect', null).run).toMatchObject({ direction: 'forward', regions: { primary: 'ap-northeast-1', secondary: 'ap-northeast-3' } });
      expect(start('reprotect', 'ap-northeast-1').lock.ignoreCooldown).toBe(true);
    });

    it('refuses a recovery while the system runs in Osaka, and a failback while it runs in Tokyo, naming scenario and the way out', () => {
      const refused = (scenario: string, active: string | null) => {
        try {
          start(scenario, active);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidInputError);
          return { message: (error as Error).message, details: (error as InvalidInputError).details };
        }
        throw new Error(`${scenario} accepted with ${active}`);
      };
      expect(refused('region-outage', 'ap-northeast-3')).toEqual({
        message: 'scenario: "region-outage" recovers from ap-northeast-1, and the system runs in ap-northeast-3 since a recovery moved it there; fail back first (scenario failback)',
        details: { field: 'scenario' },
      });
      expect(refused('database-failure', 'ap-northeast-3').message).toMatch(/fail back first \(scenario failback\)$/);
      expect(refused('failback', null).message).toBe('scenario: "failback" fails back to ap-northeast-1, where the system already runs (no recovery moved it to ap-northeast-3)');
      expect(refused('failback', 'ap-northeast-1').details).toEqual({ field: 'scenario' });
      expect(refused('reprotect', 'us-west-2').message).toMatch(/^scenario: the state table says the system runs in us-west-2, which is neither region of plan "dataset-platform"/);
    });

    it('a recovery while the system runs in Tokyo is forward, as without a record', () => {
      expect(start('region-outage', 'ap-northeast-1').run).toMatchObject({ stage: 'recover', direction: 'forward', movesActiveRegion: true });
      expect(start('database-failure', null).run).toMatchObject({ direction: 'forward', movesActiveRegion: false });
    });
  });
});
