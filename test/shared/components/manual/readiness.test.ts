import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { readiness } from '../../../../shared/components/manual/readiness.ts';
import type { ComponentOf } from '../../../../shared/plan/schema.ts';
import type { ReadinessContext } from '../../../../shared/readiness/types.ts';
import { PRIMARY, SECONDARY, exampleComponent } from '../../../support/action-context.ts';

type Params = ComponentOf<'manual'>['params'];
const context = async (params: Partial<Params> = {}): Promise<ReadinessContext<'manual'>> => ({
  component: await exampleComponent('manual', 'development-environment', params),
  regions: { primary: PRIMARY, secondary: SECONDARY },
  // Any client asked for would fail the test: a manual step reads nothing.
  clients: { get: () => { throw new Error('a manual step reads nothing in AWS'); } },
  logger: new Logger({ serviceName: 'dr-autopilot-test', logLevel: 'SILENT' }),
  now: new Date('2026-11-29T01:00:00.000Z'),
  rpoSeconds: null,
});

describe('manual readiness', () => {
  it('is ready, reading nothing, and says its instructions are in the plan', async () => {
    // Act
    const result = await readiness.assess(await context());
    // Assess
    expect(result).toEqual({
      findings: [{ check: 'operator-step', status: 'ready', detail: 'an operator\'s step; nothing in AWS to read (instructions in the plan)' }],
      dataAtRiskSeconds: null,
    });
  });

  it('names the runbook when the plan gives one', async () => {
    const result = await readiness.assess(await context({ runbookUrl: 'https://wiki.example.com/dr/dev-environment' }));
    expect(result.findings).toEqual([
      { check: 'operator-step', status: 'ready', detail: 'an operator\'s step; nothing in AWS to read (runbook https://wiki.example.com/dr/dev-environment)' },
    ]);
  });
});

describe('manual readiness: the RTO forecast', () => {
  it('counts an operator\'s step at its timeout, the most the run allows it', () => {
    // Prepare
    const component = { id: 'runbook', name: 'Runbook', type: 'manual' as const, timeoutMinutes: 90, checkIntervalSeconds: 30, checks: [], params: { instructions: 'Do it.' } };
    // Act
    const seconds = readiness.recoverySeconds?.(component as never);
    // Assess
    expect(seconds).toBe(5_400);
  });
});
