import type { AwsClientStub } from 'aws-sdk-client-mock';
import { awsError, type World } from './world.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStub = AwsClientStub<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CommandClass = new (input: any) => any;

/** How one service of the simulated account is wired: its throttle error and its commands. */
export interface ServiceSimulation {
  /** Service key used by `--inject throttle:SERVICE:N` (rds, cloudwatch, route53, s3, ssm, backup, ecs, autoscaling, elasticache, lambda, sns, sfn). */
  service: string;
  /** The error name AWS throttles this service with (each simulator cites its source). */
  throttleError: string;
}

/**
 * Answers `Command` on the stub with `respond(input, region)`, after the injected throttling for the
 * service, and records every call (with the error name, if any) in the world's call log.
 */
export function answer<I, O>(
  world: World,
  sim: ServiceSimulation,
  stub: AnyStub,
  Command: CommandClass,
  respond: (input: I, region: string) => O | Promise<O>,
): void {
  const command = Command.name.replace(/Command$/, '');
  stub.on(Command).callsFake(async (input: I, getClient: () => { config: unknown }) => {
    const region = await (getClient().config as { region: () => Promise<string> }).region();
    if (world.takeThrottle(sim.service)) {
      world.record({ service: sim.service, command, region, input, error: sim.throttleError });
      throw awsError(sim.throttleError, 'Rate exceeded', 400);
    }
    try {
      const output = await respond(input, region);
      world.record({ service: sim.service, command, region, input });
      return output;
    } catch (error) {
      world.record({ service: sim.service, command, region, input, error: (error as Error).name });
      throw error;
    }
  });
}

/** Any command a simulator does not implement is refused loudly rather than answered with nothing. */
export function refuseOthers(sim: ServiceSimulation, stub: AnyStub): void {
  stub.onAnyCommand().callsFake((input: unknown) => {
    throw awsError('UnsupportedBySimulator', `the drill's simulated ${sim.service} does not implement this command (input ${JSON.stringify(input).slice(0, 200)})`, 400);
  });
}

/** One simulated service: its mocks (restore() removes them) and its resources' state now. */
export interface SimulatedService {
  service: string;
  restore(): void;
  snapshot(): Record<string, unknown>;
}
