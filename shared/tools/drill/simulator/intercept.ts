/**
 * The simulated account answers beneath the SDK's own middleware. Each simulated client class's send()
 * adds one middleware to the command it sends, just inside the retry middleware (`finalizeRequest`,
 * before `httpSigningMiddleware`), that answers in place of the HTTP request. So everything above it
 * runs as in Lambda: the input is serialized (a malformed input fails as it would), the endpoint and
 * credentials are resolved, and the SDK's retry strategy (@smithy/util-retry: 3 attempts, backoff with
 * full jitter, the client's retry quota) retries what the simulator throws that AWS would have retried:
 * throttling (ThrottlingException, Throttling, TooManyRequestsException…), a timed-out attempt
 * (TimeoutError), a 5xx. The outputs get their `$metadata` (attempts, totalRetryDelay) from the retry
 * middleware as real ones do. What this replaces is the HTTP handler only: a black-holed endpoint's
 * connection timeout is the simulator's to wait (service.ts `unanswered`), one attempt at a time.
 * (https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/middleware-stack.html: the steps;
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html: standard retries.)
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = { input: unknown; middlewareStack: { addRelativeTo(middleware: any, options: Record<string, unknown>): void } };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CommandClass = new (input: any) => any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ClientClass = { prototype: { send: (...args: any[]) => any } };

/** The options a call was sent with (`client.send(command, { abortSignal })`). */
export interface SendOptions {
  abortSignal?: AbortSignal;
}

/** Answers one command: its input, the client that sent it and the send options; returns the output (without $metadata) or throws the error. */
export type Answer = (input: unknown, getClient: () => { config: unknown }, options: SendOptions) => unknown;

/** A simulated client class: which commands it answers, and how to put its send() back. */
export interface ClientSimulation {
  on(Command: CommandClass): { callsFake(answer: Answer): void };
  onAnyCommand(): { callsFake(answer: Answer): void };
  restore(): void;
}

const MIDDLEWARE = 'drAutopilotSimulator';

/** Intercepts every instance of the client class (until restore()): its commands are answered by the simulation. */
export function simulateClient(Client: ClientClass): ClientSimulation {
  const answers = new Map<CommandClass, Answer>();
  let fallback: Answer | undefined;
  const original = Client.prototype.send;
  Client.prototype.send = function send(this: { config: unknown }, command: AnyCommand, ...rest: unknown[]) {
    const answer = answers.get((command as unknown as { constructor: CommandClass }).constructor) ?? fallback;
    const options = (typeof rest[0] === 'object' && rest[0] !== null ? rest[0] : {}) as SendOptions;
    if (answer) {
      const getClient = () => this;
      command.middlewareStack.addRelativeTo(
        () => async (args: { input: unknown }) => {
          const output = (await answer(args.input, getClient, options)) as Record<string, unknown> | undefined;
          // The retry middleware sets attempts and totalRetryDelay on this $metadata, as on a deserialized output.
          return { output: { ...output, $metadata: { httpStatusCode: 200, requestId: 'simulated' } }, response: { statusCode: 200, headers: {} } };
        },
        { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: MIDDLEWARE, override: true },
      );
    }
    return original.call(this, command, ...rest);
  };
  return {
    on: (Command) => ({ callsFake: (answer) => void answers.set(Command, answer) }),
    onAnyCommand: () => ({ callsFake: (answer) => void (fallback = answer) }),
    restore: () => {
      Client.prototype.send = original;
    },
  };
}

/** The SDK resolves credentials before the simulator answers (the signer never runs): any will do offline. Returns the undo. */
export function offlineCredentials(): () => void {
  const before = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  if (before.id && before.secret) return () => {};
  process.env.AWS_ACCESS_KEY_ID = 'ASIASIMULATEDDRILL00';
  process.env.AWS_SECRET_ACCESS_KEY = 'simulated-drill-secret';
  return () => {
    if (before.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = before.id;
    if (before.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = before.secret;
  };
}
