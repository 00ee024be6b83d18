import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../shared/errors.ts';
import { recordTier, summariseRun } from '../../../shared/run/tiers.ts';
import type { ComponentResult, RunState } from '../../../shared/run/types.ts';
import { outcomeOf } from '../../../shared/run/component-outcome.ts';
import { consoleStart, exampleRun, failedResult, recoveredResult } from './fixtures.ts';

// The execution starts at 01:05; the incident began 25 minutes earlier.
const INCIDENT = Date.parse('2026-11-29T00:40:00.000Z');
const min = (minutes: number) => new Date(INCIDENT + minutes * 60_000).toISOString();

let fresh: RunState;

/** Results of every component of tier `index`, recovered from +25 min to `finishedMinutes[i]`. */
function tierResults(state: RunState, index: number, finishedMinutes: number[]): ComponentResult[] {
  return state.tiers[index]!.components.map((c, i) => recoveredResult(c, min(25), min(finishedMinutes[i] ?? 30)));
}

/** The state after recording tiers 0..n-1 as recovered. */
function afterTiers(n: number): RunState {
  let state = fresh;
  for (let i = 0; i < n; i++) state = recordTier(state, tierResults(state, i, state.tiers[i]!.components.map(() => 30 + i * 10)));
  return state;
}

describe('run/tiers', () => {
  beforeAll(async () => {
    fresh = await exampleRun(consoleStart({ incidentStartedAt: min(0) }));
  });

  describe('recordTier', () => {
    it('measures the RTO achieved from the incident to the last component finished, against the target', () => {
      // Prepare: tier-1 components finish at +37, +30.5 and +33 minutes after the incident
      const results = tierResults(fresh, 0, [37, 30.5, 33]);
      // Act
      const state = recordTier(fresh, results);
      // Assess
      expect(state.results.tiers).toEqual([
        { id: 'tier-1', order: 1, rtoTargetMinutes: 240, achievedMinutes: 37, met: true, status: 'recovered', startedAt: min(25), finishedAt: min(37) },
      ]);
      expect(state.results.components).toEqual(results);
      expect(state).toMatchObject({ tierIndex: 1, tierCount: 4, status: 'running' });
      // The input state is left as it was.
      expect(fresh.results.tiers).toEqual([]);
    });

    it('keeps two decimals of a minute', () => {
      const state = recordTier(fresh, tierResults(fresh, 0, [12 + 1 / 3, 10, 10]));
      expect(state.results.tiers[0]!.achievedMinutes).toBe(12.33);
    });

    it('marks a target missed but goes on to the next tier (the tier did recover)', () => {
      const state = recordTier(fresh, tierResults(fresh, 0, [241, 30, 30]));
      expect(state.results.tiers[0]).toMatchObject({ achievedMinutes: 241, met: false, status: 'recovered' });
      expect(state.status).toBe('running');
    });

    it('meets a target reached to the minute', () => {
      const state = recordTier(fresh, tierResults(fresh, 0, [240, 30, 30]));
      expect(state.results.tiers[0]).toMatchObject({ achievedMinutes: 240, met: true });
    });

    it('fails the tier and the run when a component failed, with no achieved RTO', () => {
      // Prepare
      const [db, authn, api] = fresh.tiers[0]!.components;
      const results = [
        recoveredResult(db!, min(25), min(40)),
        failedResult(authn!, min(25), min(55), { name: 'ActionTimedOutError', message: 'authentication did not recover within 30 min' }),
        recoveredResult(api!, min(25), min(35)),
      ];
      // Act
      const state = recordTier(fresh, results);
      // Assess
      expect(state.results.tiers[0]).toEqual({
        id: 'tier-1',
        order: 1,
        rtoTargetMinutes: 240,
        achievedMinutes: null,
        met: false,
        status: 'failed',
        startedAt: min(25),
        finishedAt: min(55),
      });
      expect(state).toMatchObject({ tierIndex: 1, status: 'failed' });
    });

    it('ends the run recovered after its last tier', () => {
      const before = afterTiers(3);
      expect(before.status).toBe('running');
      const state = recordTier(before, tierResults(before, 3, [300, 310, 320]));
      expect(state).toMatchObject({ tierIndex: 4, status: 'recovered' });
      expect(state.results.tiers.map((t) => [t.id, t.achievedMinutes, t.met])).toEqual([
        ['tier-1', 30, true],
        ['tier-2', 40, true],
        ['tier-3', 50, true],
        ['tier-4', 320, true],
      ]);
      expect(state.results.components).toHaveLength(13);
    });

    it.each([
      ['too few', (r: ComponentResult[]) => r.slice(1)],
      ['too many', (r: ComponentResult[]) => [...r, r[0]!]],
      ['none', () => []],
      ['not a list', () => ({}) as unknown as ComponentResult[]],
      ['another tier\'s', (r: ComponentResult[]) => [r[0]!, r[1]!, { ...r[2]!, id: 'web-application' }]],
      ['one twice', (r: ComponentResult[]) => [r[0]!, r[1]!, r[1]!]],
    ])('rejects %s component results with InvalidInputError', (_, change) => {
      const results = change(tierResults(fresh, 0, [30, 30, 30]));
      expect(() => recordTier(fresh, results)).toThrow(InvalidInputError);
      expect(() => recordTier(fresh, results)).toThrow(expect.objectContaining({ details: { field: 'tierResults' } }));
    });

    it('rejects a tierIndex past the last tier', () => {
      expect(() => recordTier({ ...fresh, tierIndex: 4 }, [])).toThrow(expect.objectContaining({ name: 'InvalidInputError', details: { field: 'tierIndex' } }));
    });
  });

  describe('summariseRun', () => {
    const finished = new Date('2026-11-29T06:00:00.000Z');

    it('reports a recovered run with every tier and component', () => {
      const state = recordTier(afterTiers(3), tierResults(afterTiers(3), 3, [300, 300, 300]));
      const summary = summariseRun(state, finished);
      expect(summary).toMatchObject({
        plan: 'dataset-platform',
        scenario: 'region-outage',
        mode: 'planned',
        outcome: 'recovered',
        reason: null,
        startedAt: min(0),
        finishedAt: '2026-11-29T06:00:00.000Z',
        trigger: { kind: 'console', by: 'oncall@example.com' },
      });
      expect(summary.tiers.map((t) => t.status)).toEqual(['recovered', 'recovered', 'recovered', 'recovered']);
      expect(summary.components).toHaveLength(13);
      expect(summary.components.every((c) => c.status === 'recovered')).toBe(true);
    });

    it('lists the tiers and components never started and names the failed components in the reason', () => {
      // Prepare: tier-1 recovered, tier-2 failed on two components
      const before = afterTiers(1);
      const [storage, cache, web, batch] = before.tiers[1]!.components;
      const state = recordTier(before, [
        recoveredResult(storage!, min(40), min(45)),
        failedResult(cache!, min(40), min(70), { name: 'ActionTimedOutError', message: 'cache-server did not recover within 30 min' }),
        failedResult(web!, min(40), min(41), { name: 'ResourceNotFoundError', message: 'ECS service dataset-platform-osaka/web does not exist' }),
        recoveredResult(batch!, min(40), min(50)),
      ]);
      // Act
      const summary = summariseRun(state, finished);
      // Assess
      expect(summary.outcome).toBe('failed');
      expect(summary.reason).toBe(
        'tier tier-2 failed: cache-server (ActionTimedOutError: cache-server did not recover within 30 min); ' +
          'web-application (ResourceNotFoundError: ECS service dataset-platform-osaka/web does not exist); not started: tier-3, tier-4',
      );
      expect(summary.tiers.map((t) => [t.id, t.status, t.achievedMinutes])).toEqual([
        ['tier-1', 'recovered', 30],
        ['tier-2', 'failed', null],
        ['tier-3', 'not-started', null],
        ['tier-4', 'not-started', null],
      ]);
      expect(summary.tiers[2]).toEqual({ id: 'tier-3', order: 3, rtoTargetMinutes: 480, achievedMinutes: null, met: false, status: 'not-started', startedAt: null, finishedAt: null });
      const notStarted = summary.components.filter((c) => c.status === 'not-started');
      expect(notStarted.map((c) => c.id)).toEqual(['report-generation', 'monitoring', 'backup-system', 'development-environment', 'test-environment', 'documentation-system']);
      expect(notStarted[0]).toEqual({
        id: 'report-generation',
        tier: 'tier-3',
        type: 'ecs-scale',
        status: 'not-started',
        startedAt: null,
        finishedAt: null,
        attempts: 0,
        polls: 0,
        lastStatus: null,
        observations: {},
        error: null,
        verification: [],
      });
      expect(summary.components).toHaveLength(13);
    });

    it('explains a run that stopped between tiers without a failed component', () => {
      // The tier's Map itself failed (tierError): the state still says running after tier-1.
      const summary = summariseRun(afterTiers(1), finished);
      expect(summary.outcome).toBe('failed');
      expect(summary.reason).toBe('the run did not finish; not started: tier-2, tier-3, tier-4');
    });

    it('names a failed component whose error has no message without an empty ": "', () => {
      const before = afterTiers(3);
      const [dev, test, docs] = before.tiers[3]!.components;
      const state = recordTier(before, [
        recoveredResult(dev!, min(60), min(70)),
        failedResult(test!, min(60), min(780), { name: 'States.Timeout', message: '' }),
        recoveredResult(docs!, min(60), min(70)),
      ]);
      expect(summariseRun(state, finished).reason).toBe('tier tier-4 failed: test-environment (States.Timeout)');
    });
  });

  describe('approval gate and resume', () => {
    it('a denied approval ends the run aborted, saying who denied it and before what', () => {
      const state: RunState = { ...fresh, approval: { ...fresh.approval, required: true, tierIndex: 0, oneWayComponents: ['core-database'], error: { Error: 'ApprovalDeniedError', Cause: '{"errorMessage":"not a real outage (rejected by sre@example.com)"}' } } };
      const summary = summariseRun(state, new Date(min(60)));
      expect(summary.outcome).toBe('aborted');
      expect(summary.reason).toBe('approval before tier-1 (core-database) was denied: not a real outage (rejected by sre@example.com)');
      expect(summary.components.every((c) => c.status === 'not-started')).toBe(true);
      expect(summary.approval).toEqual({ required: true, decision: null, error: { name: 'ApprovalDeniedError', message: 'not a real outage (rejected by sre@example.com)' } });
    });

    it('no answer within the timeout is a denial (aborted); a request that could not be made fails the run', () => {
      const timedOut: RunState = { ...fresh, approval: { ...fresh.approval, required: true, tierIndex: 0, timeoutSeconds: 1800, oneWayComponents: ['core-database'], error: { Error: 'States.Timeout' } } };
      expect(summariseRun(timedOut, new Date(min(60)))).toMatchObject({ outcome: 'aborted', reason: expect.stringContaining('not given within 30 min: no answer is a denial') });
      const broken: RunState = { ...timedOut, approval: { ...timedOut.approval, error: { Error: 'Lambda.ServiceException', Cause: 'boom' } } };
      expect(summariseRun(broken, new Date(min(60)))).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('could not be requested: Lambda.ServiceException: boom') });
    });

    it('records the approver\'s decision (who, force, when), dropping other keys of the answer', () => {
      const decision = { approved: true as const, by: 'sre@example.com', force: true, reason: 'primary is a zombie', at: min(35), confirmedBy: 'sre@example.com' };
      const state: RunState = { ...afterTiers(4), approval: { ...fresh.approval, required: true, decision } };
      expect(summariseRun(state, new Date(min(90))).approval?.decision).toEqual({ approved: true, by: 'sre@example.com', force: true, reason: 'primary is a zombie', at: min(35) });
    });

    it('a resumed run counts components recovered earlier in their tier and in the summary, with RTO from the first run\'s incident', () => {
      // Prepare: tier-1 was recovered by an earlier run (+30 min); this run only has tier 2 onwards.
      // The state carries their outcomes; the table holds their full results, recorded by run-0.
      const recorded = fresh.tiers[0]!.components.map((c) => ({ ...recoveredResult(c, min(20), min(30)), executionId: 'run-0' }));
      const carried = recorded.map(outcomeOf);
      const resumed: RunState = { ...fresh, carried, tiers: fresh.tiers.map((t, i) => (i === 0 ? { ...t, components: [] } : t)) };
      // Act
      const state = recordTier(resumed, []);
      const summary = summariseRun(state, new Date(min(95)), new Map(recorded.map((r) => [r.id, r])));
      // Assess
      expect(state.results.tiers[0]).toMatchObject({ id: 'tier-1', status: 'recovered', achievedMinutes: 30, finishedAt: min(30) });
      expect(summary.components.filter((c) => c.tier === 'tier-1').map((c) => [c.id, c.status, c.observations.recoveredBy])).toEqual(
        fresh.tiers[0]!.components.map((c) => [c.id, 'recovered', 'run-0']),
      );
    });
  });
});
