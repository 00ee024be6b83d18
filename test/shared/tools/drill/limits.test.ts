import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFINITION_FILE } from '../../../../shared/tools/local/state-machine.ts';
import { ExecutionLimits, HISTORY_EVENTS_LIMIT, historyEventsOf, payloadBytes, STATE_PAYLOAD_LIMIT_BYTES, stateShapes } from '../../../../shared/tools/drill/limits.ts';

const shapes = stateShapes(JSON.parse(readFileSync(DEFINITION_FILE, 'utf8')) as { States: Record<string, unknown> });

describe('drill limits: Step Functions limits on a local run', () => {
  it('reads each state of the deployable definition, Map items included, with the tasks that wait for a token', () => {
    expect(shapes.get('Recover Tier Components')).toEqual({ type: 'Map', waitsForToken: false });
    expect(shapes.get('Start Recovery Action')).toEqual({ type: 'Task', waitsForToken: false });
    expect(shapes.get('Request Recovery Approval')).toEqual({ type: 'Task', waitsForToken: true });
    expect(shapes.get('Wait For Action')?.type).toBe('Wait');
  });

  it('counts a real history: a Lambda task succeeding is 5 events, with one retry 8; a token task 6; a Wait 2', () => {
    // Prepare
    const count = (events: string[], state: string) =>
      events.reduce((n, type) => n + historyEventsOf({ type, state: { name: state } }, shapes.get(state)), 0);
    // Act / Assess
    expect(count(['StateEntered', 'StateExited'], 'Start Recovery Action')).toBe(5);
    expect(count(['StateEntered', 'StateFailed', 'StateRetried', 'StateExited'], 'Start Recovery Action')).toBe(8);
    expect(count(['StateEntered', 'StateExited'], 'Request Recovery Approval')).toBe(6);
    expect(count(['StateEntered', 'StateExited'], 'Wait For Action')).toBe(2);
    expect(count(['StateEntered', 'StateExited'], 'Recover Tier Components')).toBe(4);
    expect(historyEventsOf({ type: 'MapIterationStarted' }, undefined)).toBe(1);
  });

  it('keeps the largest state payload and where it was', () => {
    const limits = new ExecutionLimits(shapes);
    limits.observe({ type: 'StateEntered', state: { name: 'Prepare Run', input: { a: 'x'.repeat(100) } } });
    limits.observe({ type: 'StateExited', state: { name: 'Prepare Run', input: {}, output: { b: 'y'.repeat(1000) } } });
    expect(limits.use.largestPayloadBytes).toBe(payloadBytes({ b: 'y'.repeat(1000) }));
    expect(limits.use.largestPayloadAt).toBe('Prepare Run (output)');
    expect(limits.exceeded).toBeNull();
  });

  it('fails a state output over 256 KiB as Step Functions does (States.DataLimitExceeded), once', () => {
    // Prepare: one byte over the limit once JSON-encoded.
    const limits = new ExecutionLimits(shapes);
    const output = { s: 'z'.repeat(STATE_PAYLOAD_LIMIT_BYTES - 8 + 1) };
    expect(payloadBytes(output)).toBe(STATE_PAYLOAD_LIMIT_BYTES + 1);
    // Act
    const first = limits.observe({ type: 'StateExited', state: { name: 'Record Tier Outcome', output } });
    const again = limits.observe({ type: 'StateExited', state: { name: 'Record Tier Outcome', output } });
    // Assess
    expect(first).toBe("States.DataLimitExceeded: the output of Record Tier Outcome is 262,145 bytes, over Step Functions' 262,144");
    expect(again).toBeNull();
  });

  it('accepts exactly 256 KiB', () => {
    const limits = new ExecutionLimits(shapes);
    expect(limits.observe({ type: 'StateExited', state: { name: 'Summarise Run', output: { s: 'z'.repeat(STATE_PAYLOAD_LIMIT_BYTES - 8) } } })).toBeNull();
  });

  it('stops an execution whose history passes 25,000 events', () => {
    const limits = new ExecutionLimits(shapes);
    let passed: string | null = null;
    for (let i = 0; i < HISTORY_EVENTS_LIMIT && passed === null; i++) passed = limits.observe({ type: 'StateEntered', state: { name: 'Wait For Action' } }) ?? limits.observe({ type: 'StateExited', state: { name: 'Wait For Action' } });
    expect(passed).toBe("States.Runtime: the execution's history reached 25,001 events, over Step Functions' 25,000");
  });
});
