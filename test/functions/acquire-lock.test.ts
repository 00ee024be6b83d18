import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunContext } from '../../shared/run/types.ts';
import { readLock, releaseRecoveryLock, type AcquireLockEvent } from '../../shared/state/lock.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { exampleRun, silentLogger } from '../shared/run/fixtures.ts';
import { lambdaContext, withLazyModuleFailing } from './lambda.ts';

const sns = mockClient(SNSClient);
const context = lambdaContext('acquire-lock');
const TOPIC = 'arn:aws:sns:ap-northeast-3:123456789012:dr-autopilot-prod-internal';
const NOW = new Date('2026-11-29T01:05:00.000Z');
const EXPIRES = '2026-12-01T01:05:00.000Z';
const exec = (name: string) => `arn:aws:states:ap-northeast-3:123456789012:execution:dr-autopilot-prod-failover:${name}`;

let local: LocalDynamo;
let handler: (event: AcquireLockEvent, ctx: typeof context) => Promise<{ reentered: boolean }>;
let baseRun: RunContext;
let plans = 0;

describe('functions/acquire-lock', () => {
  beforeAll(async () => {
    local = await startDynalite();
    // The handler builds its DynamoDB client at module scope with the default configuration: the SDK
    // reads the service-specific endpoint variable, so the module is imported after it is set.
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', local.endpoint);
    vi.stubEnv('STATE_TABLE_NAME', local.tableName);
    vi.resetModules();
    ({ handler } = await import('../../functions/acquire-lock.ts'));
    baseRun = (await exampleRun()).run;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    sns.restore();
    await local.stop();
  });
  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'msg-7' });
    vi.stubEnv('INTERNAL_TOPIC_ARN', TOPIC);
    // Only Date is faked: the handler's clock, not the sockets to dynalite.
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Runs of a plan of their own (one per test), as the state machine passes them. */
  function planEvents() {
    const plan = `plan-${++plans}`;
    const event = (name: string, lock: Partial<AcquireLockEvent['lock']> = {}): AcquireLockEvent => ({
      run: { ...baseRun, plan, executionId: exec(name) },
      lock: { cooldownMinutes: 60, ignoreCooldown: false, expiresAt: EXPIRES, ...lock },
    });
    return { plan, event };
  }

  it('takes the lock of the run’s plan and publishes nothing', async () => {
    // Prepare
    const { plan, event } = planEvents();
    // Act
    const out = await handler(event('run-a'), context);
    // Assess
    expect(out).toEqual({ reentered: false });
    expect(await readLock(local, plan)).toMatchObject({ owner: exec('run-a'), ownerScenario: 'region-outage', acquiredAt: NOW.toISOString(), expiresAt: EXPIRES });
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('answers reentered for a retry of the same execution', async () => {
    const { event } = planEvents();
    await handler(event('run-a'), context);
    expect(await handler(event('run-a'), context)).toEqual({ reentered: true });
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('refuses a second recovery of the plan with RecoveryInProgressError and one notice to the internal topic', async () => {
    // Prepare
    const { plan, event } = planEvents();
    await handler(event('run-a'), context);
    vi.setSystemTime(new Date('2026-11-29T01:20:00.000Z'));
    // Act
    const refused = handler(event('run-b'), context);
    // Assess
    await expect(refused).rejects.toMatchObject({ name: 'RecoveryInProgressError', details: { owner: exec('run-a'), since: NOW.toISOString() } });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: `[dr-autopilot] Recovery not started: ${plan} already recovering`,
      Message: [
        `Recovery not started: ${plan} / region-outage (${exec('run-b')})`,
        `Trigger: console by ${baseRun.trigger.by} (${baseRun.trigger.reason})`,
        '',
        `Recovery of plan "${plan}" not started: execution ${exec('run-a')} (scenario region-outage) has been recovering it since 2026-11-29T01:05:00.000Z; ` +
          'one recovery per plan runs at a time. The lock is released when that execution ends (at the latest at 2026-12-01T01:05:00.000Z).',
        '',
        `Running recovery: ${exec('run-a')} (scenario region-outage) since 2026-11-29T01:05:00.000Z; lock expires at 2026-12-01T01:05:00.000Z.`,
        'This execution fails with RecoveryInProgressError; it changed nothing.',
      ].join('\n'),
      MessageAttributes: {
        audience: { DataType: 'String', StringValue: 'internal' },
        stage: { DataType: 'String', StringValue: 'recovery-refused' },
        scenario: { DataType: 'String', StringValue: 'region-outage' },
        severity: { DataType: 'String', StringValue: 'critical' },
      },
    });
    expect((await readLock(local, plan))?.owner).toBe(exec('run-a'));
  });

  it('refuses a recovery within the cooldown with RecoveryCooldownError and says how to override', async () => {
    // Prepare
    const { plan, event } = planEvents();
    await handler(event('run-a'), context);
    vi.setSystemTime(new Date('2026-11-29T02:00:00.000Z'));
    await releaseRecoveryLock({ ddb: local.ddb, tableName: local.tableName, now: () => new Date(), logger: silentLogger() }, { plan, executionId: exec('run-a'), outcome: 'recovered' });
    vi.setSystemTime(new Date('2026-11-29T02:10:00.000Z'));
    // Act
    const refused = handler(event('run-b'), context);
    // Assess
    await expect(refused).rejects.toMatchObject({ name: 'RecoveryCooldownError', details: { nextAllowedAt: '2026-11-29T03:00:00.000Z' } });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.Subject).toBe(`[dr-autopilot] Recovery not started: ${plan} in cooldown`);
    expect(input.Message).toContain(`Last recovery: ${exec('run-a')} ended at 2026-11-29T02:00:00.000Z (recovered).`);
    expect(input.Message).toContain('Next start allowed at 2026-11-29T03:00:00.000Z. To start anyway: console input "ignoreCooldown": true.');
    expect(input.MessageAttributes?.stage).toEqual({ DataType: 'String', StringValue: 'recovery-refused' });
    // With the override it starts.
    expect(await handler(event('run-b', { ignoreCooldown: true }), context)).toEqual({ reentered: false });
  });

  it('still fails with the refusal when the notice cannot be published', async () => {
    // Prepare
    const { event } = planEvents();
    await handler(event('run-a'), context);
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttled' }));
    // Act + Assess
    await expect(handler(event('run-b'), context)).rejects.toMatchObject({ name: 'RecoveryInProgressError' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    vi.stubEnv('INTERNAL_TOPIC_ARN', '');
    await expect(handler(event('run-c'), context)).rejects.toMatchObject({ name: 'RecoveryInProgressError' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('still fails with the refusal, and logs it, when the notice’s code cannot even load', async () => {
    // Prepare: a handler module of its own whose lazily loaded notice module throws on load.
    const { event } = planEvents();
    await handler(event('run-a'), context);
    await withLazyModuleFailing<{ handler: typeof handler }>('../../functions/acquire-lock.ts', '../../shared/state/refusal-notice.ts', async (fresh, logged) => {
      // Act + Assess
      await expect(fresh.handler(event('run-b'), context)).rejects.toMatchObject({ name: 'RecoveryInProgressError' });
      expect(logged).toHaveBeenCalledWith('Recovery refusal not published', expect.objectContaining({ errorName: 'RecoveryInProgressError' }));
      expect(sns).not.toHaveReceivedAnyCommand();
    });
  });

  it('rejects a malformed input as InvalidInputError naming the field, without touching the lock', async () => {
    // Prepare
    const { plan, event } = planEvents();
    const bad = event('run-a', { expiresAt: 'in two days' });
    // Act + Assess
    await expect(handler(bad, context)).rejects.toMatchObject({ name: 'InvalidInputError', details: { field: 'lock.expiresAt' } });
    expect(await readLock(local, plan)).toBeUndefined();
    expect(sns).not.toHaveReceivedAnyCommand();
  });
});
