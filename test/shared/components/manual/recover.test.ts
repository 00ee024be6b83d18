import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { recover as manual } from '../../../../shared/components/manual/recover.ts';
import { actionContext, exampleComponent } from '../../../support/action-context.ts';

describe('manual', () => {
  it('starts by waiting for an operator: not done, awaiting confirmation, no AWS call', async () => {
    // Prepare: a client factory that fails the test if the step touched AWS.
    const component = await exampleComponent('manual', 'development-environment');
    const logger = new Logger({ serviceName: 'dr-autopilot-test', logLevel: 'SILENT' });
    const info = vi.spyOn(logger, 'info');
    const get = vi.fn(() => {
      throw new Error('a manual step calls no AWS API');
    });
    const ctx = actionContext(component, { logger, clients: { get } });
    // Act
    const progress = await manual.start(ctx);
    // Assess
    expect(progress).toEqual({ done: false, awaitingConfirmation: true, nextCheckSeconds: 1, status: 'waiting for operator confirmation', state: {} });
    expect(info).toHaveBeenCalledWith('Waiting for operator confirmation', { instructions: component.params.instructions });
    expect(get).not.toHaveBeenCalled();
  });

  it('is done once checked: the state machine checks only after the operator confirmed', async () => {
    // Prepare
    const ctx = actionContext(await exampleComponent('manual', 'test-environment'));
    // Act
    const progress = await manual.check(ctx, {});
    // Assess
    expect(progress).toEqual({ done: true, nextCheckSeconds: 0, status: 'confirmed by an operator', state: {} });
    expect(progress.awaitingConfirmation).toBeUndefined();
  });

  it('checks first right away: its default expected time is one second', () => {
    expect(manual.defaultExpectedSeconds).toBe(1);
    expect(manual.type).toBe('manual');
  });
});
