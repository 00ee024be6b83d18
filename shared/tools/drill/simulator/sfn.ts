import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, type DescribeExecutionCommandInput, type StartExecutionCommandInput } from '@aws-sdk/client-sfn';
import { simulateClient } from './intercept.ts';
import { answer, refuseOthers, type ServiceSimulation, type SimulatedService } from './service.ts';
import { awsError, type World } from './world.ts';

// Step Functions throttles with ThrottlingException (https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html).
const SIM: ServiceSimulation = { service: 'sfn', throttleError: 'ThrottlingException' };

/** An execution StartExecution started (the drill then runs it in the local state machine). */
export interface StartedExecution {
  executionArn: string;
  name: string;
  input: unknown;
}

/**
 * Step Functions as the functions call it: StartExecution (the starter: recorded, the drill runs the
 * execution itself; a second start of the same name is ExecutionAlreadyExists) and DescribeExecution
 * (a one-way step asks whether its own execution still runs: RUNNING unless the drill stopped it, then
 * ABORTED, https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html).
 * An execution the drill did not register is ExecutionDoesNotExist.
 */
export function simulateStepFunctions(world: World): SimulatedService & {
  started(): StartedExecution[];
  /** An execution the drill runs: RUNNING until stop(). */
  register(executionArn: string): void;
  stop(executionArn: string): void;
} {
  const stub = simulateClient(SFNClient);
  const started: StartedExecution[] = [];
  const statuses = new Map<string, 'RUNNING' | 'ABORTED'>();

  refuseOthers(SIM, stub);
  answer<StartExecutionCommandInput, unknown>(world, SIM, stub, StartExecutionCommand, (input) => {
    const stateMachine = input.stateMachineArn ?? '';
    const name = input.name ?? `drill-${started.length + 1}`;
    const executionArn = `${stateMachine.replace(':stateMachine:', ':execution:')}:${name}`;
    if (started.some((s) => s.executionArn === executionArn)) throw awsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`, 400);
    started.push({ executionArn, name, input: JSON.parse(input.input ?? '{}') });
    return { executionArn, startDate: new Date(world.now()) };
  });
  answer<DescribeExecutionCommandInput, unknown>(world, SIM, stub, DescribeExecutionCommand, (input) => {
    const status = statuses.get(input.executionArn ?? '');
    if (!status) throw awsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${input.executionArn ?? ''}'`, 400);
    return { executionArn: input.executionArn, status, stateMachineArn: (input.executionArn ?? '').replace(/:execution:([^:]+):[^:]+$/, ':stateMachine:$1'), startDate: new Date(world.now()) };
  });

  return {
    service: SIM.service,
    restore: () => stub.restore(),
    started: () => [...started],
    register: (arn) => void statuses.set(arn, 'RUNNING'),
    stop: (arn) => void statuses.set(arn, 'ABORTED'),
    snapshot: () => ({ executions: Object.fromEntries(statuses) }),
  };
}
