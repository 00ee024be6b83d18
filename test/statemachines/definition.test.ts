import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_NAMES, RETRYABLE_ERROR_NAMES } from '../../shared/errors.ts';
import { DEFINITION_FILE } from '../../shared/tools/local/state-machine.ts';

interface State {
  Type: string;
  Comment?: string;
  Resource?: string;
  Parameters?: { FunctionName?: string; Payload?: Record<string, unknown> };
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number; BackoffRate?: number; JitterStrategy?: string }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Error?: string;
  ItemProcessor?: { States: Record<string, State> };
}

const definition = JSON.parse(readFileSync(DEFINITION_FILE, 'utf8')) as { States: Record<string, State> };

function allStates(states: Record<string, State> = definition.States): [string, State][] {
  return Object.entries(states).flatMap(([name, state]) => [[name, state] as [string, State], ...(state.ItemProcessor ? allStates(state.ItemProcessor.States) : [])]);
}

const tasks = allStates().filter(([, s]) => s.Type === 'Task');

describe('statemachines/failover.asl.json', () => {
  it('uses only error names that shared/errors.ts defines (besides States.* and Lambda.*)', () => {
    // Prepare
    const used = new Set(
      allStates().flatMap(([, s]) => [...(s.Retry ?? []), ...(s.Catch ?? [])].flatMap((r) => r.ErrorEquals).concat(s.Error ? [s.Error] : [])),
    );
    // Act
    const ours = [...used].filter((n) => !n.startsWith('States.') && !n.startsWith('Lambda.'));
    // Assess
    expect(ours.length).toBeGreaterThan(0);
    for (const name of ours) expect(ERROR_NAMES, `${name} is used in the ASL`).toContain(name);
  });

  it('gives every Task a timeout, a typed Retry with backoff and jitter, and a Catch', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(7);
    for (const [name, task] of tasks) {
      expect(task.TimeoutSeconds ?? task.TimeoutSecondsPath, `${name} timeout`).toBeDefined();
      expect(task.Retry?.length, `${name} Retry`).toBeGreaterThan(0);
      for (const retry of task.Retry!) {
        expect(retry.ErrorEquals, `${name} retries everything`).not.toContain('States.ALL');
        expect(retry.BackoffRate, `${name} backoff`).toBeGreaterThan(1);
        expect(retry.JitterStrategy, `${name} jitter`).toBe('FULL');
      }
      expect(task.Catch?.some((c) => c.ErrorEquals.includes('States.ALL')), `${name} Catch`).toBe(true);
      expect(task.Resource, `${name} has no hard-coded ARN`).toMatch(/^\$\{[A-Za-z]+\}$|^arn:aws:states:::/);
    }
  });

  it('retries exactly the retryable named errors on the tasks that call AWS, and never a terminal one', () => {
    for (const name of ['Start Recovery Action', 'Check Recovery Action', 'Acquire Recovery Lock', 'Request Recovery Approval', 'Prepare Run', 'Record Component Outcome', 'Release Recovery Lock']) {
      const task = tasks.find(([n]) => n === name)![1];
      const named = task.Retry!.flatMap((r) => r.ErrorEquals).filter((e) => !e.startsWith('Lambda.'));
      expect(named.sort()).toEqual([...RETRYABLE_ERROR_NAMES].sort());
    }
  });

  it('retries every waitForTaskToken request on the retryable errors and passes it its attempt, so a retried request can say the earlier token is void', () => {
    // Prepare: the tasks that send a person a task token (the approval gate, a manual step's confirmation, and any added later).
    const waiting = tasks.filter(([, t]) => t.Resource?.endsWith('.waitForTaskToken'));
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    for (const [name, task] of waiting) {
      // Act
      const named = task.Retry!.flatMap((r) => r.ErrorEquals).filter((e) => !e.startsWith('Lambda.'));
      // Assess: throttled or transient publishes are retried as the approval's always were; each attempt has a new
      // token (Step Functions accepts only the current one), and $$.State.RetryCount tells the request which attempt it is.
      expect(named.sort(), name).toEqual([...RETRYABLE_ERROR_NAMES].sort());
      expect(task.Parameters?.Payload, name).toMatchObject({ 'taskToken.$': '$$.Task.Token', 'attempt.$': '$$.State.RetryCount' });
    }
  });

  it('has a Comment on every Task, Map, Wait and Pass state', () => {
    for (const [name, state] of allStates()) {
      if (['Task', 'Map', 'Wait', 'Pass'].includes(state.Type)) expect(state.Comment, name).toBeTruthy();
    }
  });
});
