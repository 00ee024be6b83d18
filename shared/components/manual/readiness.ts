import { finding } from '../../readiness/findings.ts';
import type { ReadinessProbe } from '../../readiness/types.ts';

/** An operator's step: nothing in AWS to read. Ready, saying where its instructions are. */
export const readiness: ReadinessProbe<'manual'> = {
  type: 'manual',
  measuresDataAtRisk: false,
  // A person's time is not known ahead: the forecast takes the most the run allows the step (its timeout).
  recoverySeconds: (component) => component.timeoutMinutes * 60,
  assess(ctx) {
    const url = ctx.component.params.runbookUrl;
    return Promise.resolve({
      findings: [finding('operator-step', 'ready', `an operator's step; nothing in AWS to read${url ? ` (runbook ${url})` : ' (instructions in the plan)'}`)],
      dataAtRiskSeconds: null,
    });
  },
};
