import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Logger } from '@aws-lambda-powertools/logger';
import { clientConfig } from '../../aws/clients.ts';
import { notifyTrigger } from '../../notify/trigger-notice.ts';
import { scenarioForAlarm } from '../../plan/recovery-order.ts';
import type { Plan } from '../../plan/schema.ts';
import { startFromAlarm, type StartOutcome } from '../../run/starter.ts';
import type { SimulatedAccount } from './simulator/index.ts';

/** What the starter did with the drill's event, and the execution it started (its input), if any. */
export type DrillStart = { outcome: StartOutcome; input: unknown | null };

/**
 * The drill's `--event` goes through the deployed starter (shared/run/starter.ts), as EventBridge would
 * hand it over: an ignored (suppressed, muted) alarm publishes its internal notice to the simulated SNS
 * and starts nothing; a started or deferred one yields the execution input the starter sent
 * StartExecution (the simulated account records it), which the drill then runs in the local state machine.
 */
export async function startDrillFromEvent(plan: Plan, event: unknown, region: string, logger: Logger, account: SimulatedAccount): Promise<DrillStart> {
  const before = account.stepFunctions.started().length;
  {
    const sns = new SNSClient(clientConfig(SNSClient, region));
    const outcome = await startFromAlarm(
      {
        sfn: new SFNClient(clientConfig(SFNClient, region)),
        stateMachineArn: `arn:aws:states:${region}:000000000000:stateMachine:dr-autopilot-local`,
        logger,
        plan: { name: plan.name, scenarioFor: (alarm) => scenarioForAlarm(plan, alarm)?.id ?? null },
        notify: (facts) => notifyTrigger({ sns, logger, now: () => new Date() }, { internal: process.env.INTERNAL_TOPIC_ARN, external: undefined }, facts, plan.stakeholders.audiences, plan.stakeholders.timeZone),
      },
      event,
    );
    return { outcome, input: account.stepFunctions.started()[before]?.input ?? null };
  }
}
