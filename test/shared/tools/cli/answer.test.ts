import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../../shared/tools/cli/main.ts';

const sfn = mockClient(SFNClient);
const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};

const NOW = new Date('2026-11-29T05:10:00.000Z');

describe('dr-autopilot approve / reject', () => {
  beforeEach(() => {
    sfn.reset();
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
    sfn.reset();
  });

  it('approve sends SendTaskSuccess with the decision (who, when, no force, no reason), in the given region', async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).resolves({});
    const { out, io: cli } = io();
    // Act
    const code = await runCli(['approve', '--token', 'tok-123', '--region', 'ap-northeast-3', '--by', 'oncall'], cli);
    // Assess
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    const input = sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input;
    expect(Object.keys(input).sort()).toEqual(['output', 'taskToken']);
    expect(input.taskToken).toBe('tok-123');
    // The approval gate's decision (ApprovalDecision), plus the keys manual-step confirmations have always carried.
    expect(JSON.parse(input.output!)).toEqual({
      approved: true,
      by: 'oncall',
      force: false,
      reason: null,
      at: NOW.toISOString(),
      confirmedBy: 'oncall',
      confirmedAt: NOW.toISOString(),
    });
    expect(await sfn.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(out).toEqual(['approved: the run continues']);
  });

  it('approve --force --reason sends force: true and the reason', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    const { out, io: cli } = io();
    const code = await runCli(['approve', '--token', 'tok-7', '--region', 'ap-northeast-3', '--by', 'dba', '--force', '--reason', 'Tokyo primary unreachable; fence it'], cli);
    expect(code).toBe(0);
    const input = sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input;
    expect(input.taskToken).toBe('tok-7');
    expect(JSON.parse(input.output!)).toEqual({
      approved: true,
      by: 'dba',
      force: true,
      reason: 'Tokyo primary unreachable; fence it',
      at: NOW.toISOString(),
      confirmedBy: 'dba',
      confirmedAt: NOW.toISOString(),
    });
    expect(out).toEqual(['approved with force: an old primary found up is fenced, and the run continues']);
  });

  it('approve with a reason and without --force sends force: false', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    const { io: cli } = io();
    expect(await runCli(['approve', '--token', 'tok-8', '--region', 'ap-northeast-3', '--by', 'oncall', '--reason', 'lag 4 s, within RPO'], cli)).toBe(0);
    expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!)).toMatchObject({ force: false, reason: 'lag 4 s, within RPO' });
  });

  it('reject sends SendTaskFailure with ApprovalDeniedError and the reason', async () => {
    sfn.on(SendTaskFailureCommand).resolves({});
    const { out, io: cli } = io();
    const code = await runCli(['reject', '--token', 'tok-9', '--region', 'ap-northeast-3', '--by', 'dba', '--reason', 'replica lag too high'], cli);
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskFailureCommand, 1);
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toEqual({
      taskToken: 'tok-9',
      error: 'ApprovalDeniedError',
      cause: JSON.stringify({ errorMessage: 'replica lag too high (rejected by dba)' }),
    });
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    expect(out).toEqual(['rejected: the step fails and the run stops before later tiers']);
  });

  it('reject --force exits 2 naming the flag, without calling AWS', async () => {
    const { err, io: cli } = io();
    expect(await runCli(['reject', '--token', 'tok-9', '--region', 'ap-northeast-3', '--force', '--reason', 'no'], cli)).toBe(2);
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect(err).toEqual(['dr-autopilot: --force: only approve takes --force (approve with force, or reject without it)']);
  });

  it('exits 2 without calling AWS on an unknown flag or a value given to --force', async () => {
    const { err, io: cli } = io();
    expect(await runCli(['approve', '--token', 'tok', '--region', 'ap-northeast-3', '--fence'], cli)).toBe(2);
    expect(await runCli(['approve', '--token', 'tok', '--region', 'ap-northeast-3', '--force', 'yes'], cli)).toBe(2);
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect(err.join('\n')).toContain("unknown option '--fence'");
  });

  it('exits 2 without calling AWS on a missing or malformed token or region', async () => {
    const { err, io: cli } = io();
    expect(await runCli(['approve', '--region', 'ap-northeast-3'], cli)).toBe(2);
    expect(await runCli(['approve', '--token', 'has space', '--region', 'ap-northeast-3'], cli)).toBe(2);
    const saved = { a: process.env.AWS_REGION, b: process.env.AWS_DEFAULT_REGION };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      expect(await runCli(['approve', '--token', 'tok'], cli)).toBe(2);
    } finally {
      process.env.AWS_REGION = saved.a;
      if (saved.b !== undefined) process.env.AWS_DEFAULT_REGION = saved.b;
    }
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect(err.join('\n')).toContain('--token: a task token is 1-2048 characters');
    expect(err.join('\n')).toContain('--region');
  });

  it('exits 1 and says why when the token expired or was already answered', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    const { err, io: cli } = io();
    expect(await runCli(['approve', '--token', 'old', '--region', 'ap-northeast-3'], cli)).toBe(1);
    expect(err[0]).toContain('TaskTimedOut');
    expect(err[0]).toBe(
      'dr-autopilot: TaskTimedOut: Task Timed Out (this token no longer answers: the wait timed out or was answered, the run ended, or the request was sent again - ' +
        'a retried request starts "REPLACES AN EARLIER REQUEST" and carries the token that answers now; `dr-autopilot status --plan FILE` lists the pending ones)',
    );
  });
});
