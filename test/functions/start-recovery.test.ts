import { readFileSync } from 'node:fs';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/start-recovery.ts';
import { writeTempCompiledPlan } from '../../shared/tools/deploy/compiled-plan.ts';
import { compiledExamplePlan, loadExamplePlan } from '../shared/run/fixtures.ts';
import { lambdaContext, withLazyModuleFailing } from './lambda.ts';

const sfn = mockClient(SFNClient);
const sns = mockClient(SNSClient);
const context = lambdaContext('start-recovery');
const SM = 'arn:aws:states:ap-northeast-3:123456789012:stateMachine:dr-autopilot-prod-failover';
const INTERNAL_TOPIC = 'arn:aws:sns:ap-northeast-3:123456789012:dr-autopilot-prod-internal';
const exampleEvent = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../examples/events/${name}.json`, import.meta.url), 'utf8'));
let packaged: { file: string; remove(): void };

describe('functions/start-recovery', () => {
  beforeAll(async () => {
    packaged = await compiledExamplePlan();
  });
  afterAll(() => packaged?.remove());
  beforeEach(() => {
    sfn.reset();
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${SM.replace(':stateMachine:', ':execution:')}:x` });
    vi.stubEnv('STATE_MACHINE_ARN', SM);
    vi.stubEnv('INTERNAL_TOPIC_ARN', INTERNAL_TOPIC);
    vi.stubEnv('PLAN_FILE', packaged.file);
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    sfn.reset();
    sns.reset();
  });

  it('a suppressed outage alarm starts nothing and tells the internal audience, in each of its languages, on the internal topic', async () => {
    // Act
    const out = await handler(exampleEvent('region-down-suppressed'), context);
    // Assess
    expect(out).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('suppressed by suppressor alarm dataset-platform-maintenance-window') });
    expect(sfn).not.toHaveReceivedAnyCommand();
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published.map((p) => [p.TopicArn, p.Subject, p.MessageAttributes?.stage?.StringValue, p.MessageAttributes?.language?.StringValue])).toEqual([
      [INTERNAL_TOPIC, '[dr-autopilot] 復旧なし: dataset-platform-tokyo-region-down が抑制中に発報', 'trigger-suppressed', 'ja'],
      [INTERNAL_TOPIC, '[dr-autopilot] No recovery: dataset-platform-tokyo-region-down fired while suppressed', 'trigger-suppressed', 'en'],
    ]);
    expect(JSON.parse(published[1]!.Message!)).toMatchObject({ content: { nextSteps: ['Confirm the alarm is caused by the planned maintenance and not by an outage.', 'If it is an outage, start the recovery from the console: scenario "region-outage", mode unplanned.'] } });
  });

  it("states the suppressed alarm's time in the plan's time zone (stakeholders.timeZone), not an environment variable's", async () => {
    // Prepare: the example plan for a team in Berlin; the variable that set the zone by hand before is ignored.
    const plan = await loadExamplePlan();
    const berlin = writeTempCompiledPlan({ ...plan, stakeholders: { ...plan.stakeholders, timeZone: 'Europe/Berlin' } }, 'berlin.plan.yml');
    vi.stubEnv('PLAN_FILE', berlin.file);
    vi.stubEnv('NOTICE_TIME_ZONE', 'UTC');
    try {
      // Act
      await handler(exampleEvent('region-down-suppressed'), context);
    } finally {
      berlin.remove();
    }
    // Assess: the alarm went off at 01:00 UTC.
    const descriptions = sns.commandCalls(PublishCommand).map((c) => (JSON.parse(c.args[0].input.Message!) as { content: { description: string } }).content.description);
    expect(descriptions).toHaveLength(2);
    expect(descriptions[0]).toContain('2026年11月29日 02:00（GMT+1）');
    expect(descriptions[1]).toContain('2026-11-29 02:00 GMT+1');
  });

  it('the plain ALARM starts the execution and publishes nothing', async () => {
    const out = await handler(exampleEvent('region-down-alarm'), context);
    expect(out).toMatchObject({ outcome: 'started' });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('a suppressed alarm whose notice’s code cannot even load is still ignored, and the failure logged', async () => {
    // Prepare: a handler module of its own whose lazily loaded notice module throws on load.
    await withLazyModuleFailing<{ handler: typeof handler }>('../../functions/start-recovery.ts', '../../shared/notify/trigger-notice.ts', async (fresh, logged) => {
      // Act
      const out = await fresh.handler(exampleEvent('region-down-suppressed'), context);
      // Assess
      expect(out).toMatchObject({ outcome: 'ignored' });
      expect(logged).toHaveBeenCalledWith('Trigger notice not published', expect.objectContaining({ alarmName: 'dataset-platform-tokyo-region-down' }));
      expect(sfn).not.toHaveReceivedAnyCommand();
      expect(sns).not.toHaveReceivedAnyCommand();
    });
  });
});
