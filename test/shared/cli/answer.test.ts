import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../shared/cli/main.ts';

const sfn = mockClient(SFNClient);
const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};

describe('dr-autopilot approve / reject', () => {
  beforeEach(() => sfn.reset());
  afterEach(() => sfn.reset());

  it('approve sends SendTaskSuccess with who confirmed, in the given region', async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).resolves({});
    const { out, io: cli } = io();
    // Act
    const code = await runCli(['approve', '--token', 'tok-123', '--region', 'ap-northeast-3', '--by', 'oncall'], cli);
    // Assess
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    const input = sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input;
    expect(input.taskToken).toBe('tok-123');
    expect(JSON.parse(input.output!)).toMatchObject({ confirmedBy: 'oncall' });
    expect(await sfn.call(0).thisValue.config.region()).toBe('ap-northeast-3');
    expect(out).toEqual(['approved: the run continues']);
  });

  it('reject sends SendTaskFailure with ApprovalDeniedError and the reason', async () => {
    sfn.on(SendTaskFailureCommand).resolves({});
    const { io: cli } = io();
    const code = await runCli(['reject', '--token', 'tok-9', '--region', 'ap-northeast-3', '--by', 'dba', '--reason', 'replica lag too high'], cli);
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'tok-9',
      error: 'ApprovalDeniedError',
      cause: JSON.stringify({ errorMessage: 'replica lag too high (rejected by dba)' }),
    });
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
    expect(err[0]).toContain('expired or was already answered');
  });
});
