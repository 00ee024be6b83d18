import type { AwsClientStub } from 'aws-sdk-client-mock';
import { awsError, type World } from './world.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStub = AwsClientStub<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CommandClass = new (input: any) => any;

/** How one service of the simulated account is wired: its throttle error and its commands. */
export interface ServiceSimulation {
  /** Service key used by `--inject throttle:SERVICE:N` (rds, cloudwatch, route53, route53-recovery-cluster, s3, ssm, backup, ecs, autoscaling, elasticache, lambda, sns, sfn). */
  service: string;
  /** The error name AWS throttles this service with (each simulator cites its source). */
  throttleError: string;
  /**
   * Where the service's control plane is, for one hosted in a single region (Route 53: us-east-1): with
   * `--inject control-plane-down:SERVICE` every call fails as an unreachable endpoint does.
   */
  controlPlaneRegion?: string;
}

/** The client a simulated call was sent with (its configuration: region, endpoint). */
export type SimulatedClient = { config: unknown };

/**
 * The error the SDK gives when an endpoint does not answer: a `TimeoutError` once the client's timeouts
 * (shared/aws/clients.ts) end the request. The simulation fails at once and does not advance simulated time.
 */
export function timeoutError(message: string): Error {
  return Object.assign(new Error(message), { name: 'TimeoutError' });
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
  respond: (input: I, region: string, client: SimulatedClient) => O | Promise<O>,
): void {
  const command = Command.name.replace(/Command$/, '');
  stub.on(Command).callsFake(async (input: I, getClient: () => SimulatedClient) => {
    const client = getClient();
    const region = await (client.config as { region: () => Promise<string> }).region();
    if (sim.controlPlaneRegion && world.controlPlaneDown(sim.service)) {
      world.record({ service: sim.service, command, region, input, error: 'TimeoutError' });
      throw timeoutError(`${command}: the ${sim.service} control plane in ${sim.controlPlaneRegion} did not answer (--inject control-plane-down:${sim.service})`);
    }
    if (world.takeThrottle(sim.service)) {
      world.record({ service: sim.service, command, region, input, error: sim.throttleError });
      throw awsError(sim.throttleError, 'Rate exceeded', 400);
    }
    try {
      const output = await respond(input, region, client);
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
