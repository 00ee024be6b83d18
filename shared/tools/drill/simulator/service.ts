import type { ClientSimulation, SendOptions } from './intercept.ts';
import { awsError, sleep, type World } from './world.ts';

export type { SendOptions } from './intercept.ts';

type AnyStub = ClientSimulation;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CommandClass = new (input: any) => any;

/** How one service of the simulated account is wired: its throttle error and its commands. */
export interface ServiceSimulation {
  /** Service key used by `--inject throttle:SERVICE:N` (rds, cloudwatch, route53, route53-recovery-cluster, s3, ssm, backup, ecs, autoscaling, elasticache, lambda, sns, ec2, iam, service-quotas, sfn). */
  service: string;
  /** The error name AWS throttles this service with (each simulator cites its source). */
  throttleError: string;
  /**
   * Where the service's control plane is, for one hosted in a single region (Route 53: us-east-1): with
   * `--inject control-plane-down:SERVICE` every call fails as an unreachable endpoint does. Such a service is
   * global: the drill's region outage does not take it away (only that fault does).
   */
  controlPlaneRegion?: string;
}

/** The client a simulated call was sent with (its configuration: region, endpoint). */
export type SimulatedClient = { config: unknown };

/**
 * A `TimeoutError` as the SDK's HTTP handler (@smithy/node-http-handler) throws it when a request is not
 * answered in time. Prefer `unanswered`, which also lets the client's timeouts pass on the clock.
 */
export function timeoutError(message: string): Error {
  return Object.assign(new Error(message), { name: 'TimeoutError' });
}

/**
 * What one attempt at an endpoint that does not answer (a black-holed address: TCP SYNs dropped, as a
 * Region's endpoints are in the drill's region outage) does, from the installed SDK
 * (@smithy/node-http-handler 4): it ends at the first of its timeouts, `connectionTimeout` ("the request
 * socket did not establish a connection with the server within the configured timeout", TimeoutError), or
 * `requestTimeout` when `throwOnRequestTimeout` is set (TimeoutError, code ETIMEDOUT; without it the handler
 * only logs a warning). Our clients (shared/aws/clients.ts) connect within 3 s. A client with neither waits
 * for the operating system's connect timeout: `connect ETIMEDOUT` after 127 s (Linux tcp_syn_retries = 6,
 * the default: https://docs.kernel.org/networking/ip-sysctl.html; an assumption for the Lambda runtime's
 * kernel). An `abortSignal` passed to send() ends the attempt when it fires, with an AbortError ("Request
 * aborted", the signal's reason as cause). The SDK's own retry middleware, above the simulator
 * (intercept.ts), then retries the TimeoutError (transient) as it would a real one: 3 attempts in all by
 * default, with its jittered backoff; an AbortError is never retried.
 */
export const UNANSWERED = {
  osConnectTimeoutMs: 127_000,
} as const;

interface HandlerOptions { connectionTimeout?: number; requestTimeout?: number; throwOnRequestTimeout?: boolean }

/** The request handler's options as the client was built with them (the SDK resolves them into its NodeHttpHandler). */
async function handlerOptions(client: SimulatedClient): Promise<HandlerOptions> {
  const config = client.config as { requestHandler?: unknown } | undefined;
  const handler = config?.requestHandler as { configProvider?: Promise<HandlerOptions> } & HandlerOptions | undefined;
  if (!handler) return {};
  // NodeHttpHandler keeps its resolved options behind `configProvider` (private in its types); a plain object is the options.
  return (await handler.configProvider) ?? handler;
}

/** How one attempt at a black-holed endpoint ends with this client: after how long, with which error. */
async function attemptOutcome(client: SimulatedClient, what: string): Promise<{ ms: number; error: () => Error }> {
  const o = await handlerOptions(client);
  const connection = o.connectionTimeout && o.connectionTimeout > 0 ? o.connectionTimeout : Infinity;
  const request = o.throwOnRequestTimeout && o.requestTimeout && o.requestTimeout > 0 ? o.requestTimeout : Infinity;
  if (connection === Infinity && request === Infinity) {
    return {
      ms: UNANSWERED.osConnectTimeoutMs,
      error: () => Object.assign(new Error(`connect ETIMEDOUT ${what}`), { code: 'ETIMEDOUT', syscall: 'connect' }),
    };
  }
  if (connection <= request) {
    const text = `@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of ${connection} ms. (${what})`;
    return { ms: connection, error: () => timeoutError(text) };
  }
  const text = `@smithy/node-http-handler - [ERROR] a request has exceeded the configured ${request} ms requestTimeout. (${what})`;
  return { ms: request, error: () => Object.assign(timeoutError(text), { code: 'ETIMEDOUT' }) };
}

/** The AbortError the SDK's handler rejects with when the call's abortSignal fires. */
function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return Object.assign(new Error(reason instanceof Error || reason === undefined ? 'Request aborted' : String(reason)), {
    name: 'AbortError',
    ...(reason instanceof Error ? { cause: reason } : {}),
  });
}

/** Waits `ms` of simulated time, or rejects with the AbortError as soon as the signal fires. */
function waitOrAbort(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One attempt at an endpoint that does not answer, as the client experiences it: it waits out the
 * client's timeout on the (virtual) clock, then throws its error, or the AbortError when the call's
 * abortSignal fires first. Never returns. (The SDK's retry middleware makes the further attempts.)
 */
export async function unanswered(client: SimulatedClient, what: string, signal?: AbortSignal): Promise<never> {
  const attempt = await attemptOutcome(client, what);
  await waitOrAbort(attempt.ms, signal);
  throw attempt.error();
}

/**
 * Makes `AbortSignal.timeout(ms)` fire on the drill's clock until the returned undo is called. Node's own
 * AbortSignal.timeout keeps the timer functions it found when first used, so once anything used it before the
 * virtual clock was installed, it fires in real time; a probe's 5 s bound (shared/aws/reachability.ts) would then
 * never end a black-holed call in simulated time. This one aborts with the same reason, a DOMException named
 * TimeoutError, from the global setTimeout (faked by the virtual clock, real without it).
 */
export function abortSignalTimeoutOnTheClock(): () => void {
  const original = AbortSignal.timeout.bind(AbortSignal);
  AbortSignal.timeout = (ms: number): AbortSignal => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
    // As Node's own AbortSignal.timeout: the timer does not keep the process alive (a CLI ends when its work is done).
    (timer as { unref?: () => void }).unref?.();
    return controller.signal;
  };
  return () => {
    AbortSignal.timeout = original;
  };
}

/**
 * Answers `Command` on the stub with `respond(input, region)` and records every call (with the error name,
 * if any) in the world's call log. Every call passes here first:
 * - to an endpoint that does not answer — in the primary region during the drill's region outage
 *   (world.regionDown: its endpoints are black-holed), or a single-region control plane injected down — it
 *   hangs until the client's timeouts end it (`unanswered`), on the simulated clock;
 * - a call whose abortSignal has already fired is rejected at once with an AbortError, as the SDK does;
 * - then the injected throttling for the service.
 */
export function answer<I, O>(
  world: World,
  sim: ServiceSimulation,
  stub: AnyStub,
  Command: CommandClass,
  respond: (input: I, region: string, client: SimulatedClient, options: SendOptions) => O | Promise<O>,
): void {
  const command = Command.name.replace(/Command$/, '');
  stub.on(Command).callsFake(async (raw, getClient, { abortSignal }: SendOptions) => {
    const input = raw as I;
    const client = getClient();
    const region = await (client.config as { region: () => Promise<string> }).region();
    try {
      if (sim.controlPlaneRegion) {
        if (world.controlPlaneDown(sim.service)) {
          await unanswered(client, `${command}: the ${sim.service} control plane in ${sim.controlPlaneRegion} did not answer (--inject control-plane-down:${sim.service})`, abortSignal);
        }
      } else if (world.regionDown(region)) {
        // The client's region is its endpoint's (an ARC client is built for its cluster endpoint's region).
        await unanswered(client, `${command}: the ${sim.service} endpoint in ${region} did not answer (the region is down)`, abortSignal);
      }
      if (abortSignal?.aborted) throw abortError(abortSignal);
      if (world.takeThrottle(sim.service)) throw awsError(sim.throttleError, 'Rate exceeded', 400);
      const output = await respond(input, region, client, { ...(abortSignal ? { abortSignal } : {}) });
      world.record({ service: sim.service, command, region, input });
      return output;
    } catch (error) {
      world.record({ service: sim.service, command, region, input, error: (error as Error).name });
      throw error;
    }
  });
}

/**
 * Any command a simulator does not implement is refused loudly rather than answered with nothing (whatever
 * the region: a gap in the simulation must not pass for an outage).
 */
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
