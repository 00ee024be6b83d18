import path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { PlanValidationError } from '../../../../shared/errors.ts';
import { loadPlanFile, parsePlan } from '../../../../shared/plan/load.ts';
import { prepareRun } from '../../../../shared/run/prepare.ts';
import { TEST_PROGRAMME_REQUESTER, testScheduleEvents } from '../../../../shared/tools/deploy/test-schedules.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const EXAMPLE = path.join(ROOT, 'examples/dataset-platform.plan.yml');

/** The example plan's text with its test programme replaced. */
function withProgramme(programme: unknown[]): string {
  const doc = parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
  return stringify({ ...doc, testProgramme: programme });
}

const issuesOf = (text: string) => {
  try {
    parsePlan(text, 'plan.yml');
    return [];
  } catch (error) {
    return (error as PlanValidationError).issues;
  }
};

describe('the test programme (seed plan §5.1) as EventBridge Scheduler schedules', () => {
  it('makes one disabled schedule per test of the example: a planned run of its scenario, in Tokyo time', async () => {
    // Prepare
    const plan = await loadPlanFile(EXAMPLE);
    // Act
    const events = testScheduleEvents(plan, false);
    // Assess
    expect(events.map((e) => [e.schedule.rate, e.schedule.timezone, e.schedule.enabled, e.schedule.input.scenario])).toEqual([
      ['cron(0 2 ? * SUN#1 *)', 'Asia/Tokyo', false, 'database-failure'],
      ['cron(0 2 ? 1,4,7,10 SUN#2 *)', 'Asia/Tokyo', false, 'storage-failure'],
      ['cron(0 1 ? 3,9 SAT#3 *)', 'Asia/Tokyo', false, 'region-outage'],
    ]);
    expect(events[0]!.schedule).toMatchObject({
      method: 'scheduler',
      input: { mode: 'planned', reason: 'scheduled test monthly-failover-test: Monthly failover test (high-availability systems, 2 h, operations team)', requestedBy: TEST_PROGRAMME_REQUESTER },
    });
    expect(testScheduleEvents(plan, true).every((e) => e.schedule.enabled)).toBe(true);
  });

  it('starts a run the first state accepts: planned, requested by the programme; an unplanned scenario keeps its approval gate', async () => {
    const plan = await loadPlanFile(EXAMPLE);
    const [event] = testScheduleEvents(plan, true);
    const state = prepareRun(plan, { input: event!.schedule.input, executionId: 'arn:aws:states:ap-northeast-3:123456789012:execution:f:test', executionStartedAt: '2027-01-03T17:00:00.000Z' }, undefined, new Set(['rds-replica-promotion']));
    expect(state.run).toMatchObject({ scenario: 'database-failure', mode: 'planned', trigger: { kind: 'console', by: TEST_PROGRAMME_REQUESTER } });
    // database-failure is unplanned: a start's `mode: planned` does not take its approval away (issue 15 part 4);
    // a plan whose tests should run unattended says `approval.required: false` on the scenario.
    expect(state.approval.required).toBe(true);
  });

  it('keeps quotes and backslashes of a test\'s name out of the description the plugin writes into JSON', async () => {
    const plan = parsePlan(withProgramme([{ id: 'q', name: 'The "big" one \\ yearly', scenario: 'region-outage', schedule: 'rate(365 days)' }]), 'plan.yml');
    const [event] = testScheduleEvents(plan, false);
    expect(event!.schedule.description).toBe('dr-autopilot test programme of dataset-platform: The  big  one   yearly (region-outage, planned)');
    expect(event!.schedule).not.toHaveProperty('timezone');
  });

  it('refuses a test of an unknown scenario, a schedule that is not a Scheduler expression, a duplicate id, each at its field', () => {
    const issues = issuesOf(withProgramme([
      { id: 'a', name: 'A', scenario: 'nope', schedule: 'cron(0 2 ? * SUN#1 *)' },
      { id: 'a', name: 'B', scenario: 'region-outage', schedule: 'every sunday' },
      { id: 'c', name: 'C', scenario: 'region-outage', schedule: 'rate(1 week)', timezone: 'Tokyo time' },
    ]));
    expect(issues).toEqual(expect.arrayContaining([
      { path: 'testProgramme.0.scenario', message: 'unknown scenario "nope"' },
      { path: 'testProgramme.1.id', message: 'duplicate id "a" (also at testProgramme.0)' },
      { path: 'testProgramme.1.schedule', message: 'must be an EventBridge Scheduler expression: cron(0 2 ? * SUN#1 *), rate(30 days) or at(2027-01-10T02:00:00)' },
      { path: 'testProgramme.2.schedule', message: expect.stringMatching(/^must be an EventBridge Scheduler expression/) },
      { path: 'testProgramme.2.timezone', message: 'must be an IANA time zone, e.g. Asia/Tokyo' },
    ]));
    expect(issues).toHaveLength(5);
  });
});
