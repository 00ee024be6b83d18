import type { Plan } from '../../plan/schema.ts';

/**
 * The plan's test programme as serverless-step-functions `schedule` events of the state machine
 * (`method: scheduler`: one AWS::Scheduler::Schedule each, with a role that may start the state
 * machine). Each starts a planned run of its scenario with a console start's input, so the run is
 * prepared, approved (planned: no approval by default) and reported as any other. Disabled unless the
 * deployment turns them on: a planned run switches production over.
 */
export interface ScheduleEvent {
  schedule: {
    rate: string;
    method: 'scheduler';
    enabled: boolean;
    timezone?: string;
    description: string;
    input: { scenario: string; mode: 'planned'; reason: string; requestedBy: string };
  };
}

/** Who a scheduled run is requested by, in its run record and notices. */
export const TEST_PROGRAMME_REQUESTER = 'dr-autopilot test programme (EventBridge Scheduler)';

/** The plugin writes the description into a JSON template unescaped: no quotes or backslashes in it. */
const plain = (text: string) => text.replace(/["\\\n\r]/g, ' ').trim();

export function testScheduleEvents(plan: Plan, enabled: boolean): ScheduleEvent[] {
  return plan.testProgramme.map((test) => ({
    schedule: {
      rate: test.schedule,
      method: 'scheduler',
      enabled,
      ...(test.timezone ? { timezone: test.timezone } : {}),
      description: plain(`dr-autopilot test programme of ${plan.name}: ${test.name} (${test.scenario}, planned)`).slice(0, 512),
      input: { scenario: test.scenario, mode: 'planned', reason: `scheduled test ${test.id}: ${test.name}`, requestedBy: TEST_PROGRAMME_REQUESTER },
    },
  }));
}
