/** Milliseconds: to connect, for a request and its response, and for one of the clients that may run long. */
export interface ClientTimeouts {
  connectionMs: number;
  requestMs: number;
  longRequestMs: number;
}

/** The configuration every client is built with (the SDK v3 client constructors' common fields). */
export interface ClientConfig {
  /** Absent: the function's own region (AWS_REGION), as the SDK resolves it. */
  region?: string;
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true };
}

/** A client class of the AWS SDK v3 (RDSClient, S3Client…). */
export type ClientClass<T> = new (config: ClientConfig) => T;

/** Route 53 is global: its API is a control plane in us-east-1. */
export const ROUTE53_REGION = 'us-east-1';

/**
 * Timeouts of every SDK call, in milliseconds. The SDK's defaults are none at all (0: "disables the
 * timeout", @smithy/types NodeHttpHandlerOptions), so a call into a region that is down — its
 * endpoints black-holed — would wait until the Lambda itself timed out. With these, each attempt ends
 * with a TimeoutError (retried by the SDK, 3 attempts in all, then by the state machine), and code
 * that calls into the primary region takes its "unreachable" path (shared/aws/reachability.ts).
 *
 * - connection: a TCP and TLS handshake with an AWS regional endpoint takes milliseconds; 3 s is
 *   ample and ends a black-holed connect quickly.
 * - request: the whole request and response. Every call of a recovery is a small control-plane
 *   request answered in well under a second; 20 s leaves room for a slow answer. Server-side copies
 *   (S3 CopyObject) and synchronous Lambda invokes legitimately take longer: their clients get 60 s,
 *   still inside the 90 s of start-action and check-action (serverless.yml).
 * `throwOnRequestTimeout` makes the request timeout an error: without it @smithy/node-http-handler
 * (4.4 and later) only logs a warning.
 * https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html
 * shows the requestHandler options.
 */
export const CLIENT_TIMEOUTS: Readonly<ClientTimeouts> = { connectionMs: 3_000, requestMs: 20_000, longRequestMs: 60_000 };

/** Clients whose calls may legitimately run long (by class name, so no client has to be imported here). */
const LONG_REQUESTS = new Set(['S3Client', 'LambdaClient']);

/**
 * The configuration of a client of this class: region and timeouts. Without a region, the client is
 * for the function's own region (the recovery region: state table, topics, the state machine).
 */
export function clientConfig(ClientClass: { name: string }, region?: string, timeouts: Partial<ClientTimeouts> = {}): ClientConfig {
  const t = { ...CLIENT_TIMEOUTS, ...timeouts };
  return {
    ...(region === undefined ? {} : { region }),
    requestHandler: {
      connectionTimeout: t.connectionMs,
      requestTimeout: LONG_REQUESTS.has(ClientClass.name) ? t.longRequestMs : t.requestMs,
      throwOnRequestTimeout: true,
    },
  };
}

/**
 * SDK clients, built lazily once per client class and region and reused across invocations (module
 * scope in a Lambda). Code receives this object and names the client class it needs
 * (`clients.get(RDSClient, region)`), so a function's bundle carries only the clients its own code
 * path imports, and tests and the drill swap in mocks (aws-sdk-client-mock mocks every instance of a
 * client class).
 *
 * The SDK's own retry (3 attempts, with backoff) stays on for throttling and timeouts; what is still
 * throttled after that surfaces as AwsThrottlingError and is retried by the state machine.
 */
export interface AwsClients {
  get<T>(ClientClass: ClientClass<T>, region: string): T;
}

export function createAwsClients(timeouts: Partial<ClientTimeouts> = {}): AwsClients {
  const cache = new Map<ClientClass<unknown>, Map<string, unknown>>();
  return {
    get<T>(ClientClass: ClientClass<T>, region: string): T {
      let byRegion = cache.get(ClientClass);
      if (!byRegion) cache.set(ClientClass, (byRegion = new Map()));
      let client = byRegion.get(region) as T | undefined;
      if (!client) {
        client = new ClientClass(clientConfig(ClientClass, region, timeouts));
        byRegion.set(region, client);
      }
      return client;
    },
  };
}

/**
 * One client class per region (for a function that needs a single service: it imports this and
 * that client only), with the same configuration as createAwsClients.
 */
export function perRegion<T>(ClientClass: ClientClass<T>): (region: string) => T {
  const clients = createAwsClients();
  return (region) => clients.get(ClientClass, region);
}

/**
 * A client of the function's own region that only some invocations need (a notice on a refusal, a
 * deferred trigger's re-read, the execution's status before a one-way step): built on its first use,
 * not at cold start, then reused. `onFirstUse(() => new SNSClient(clientConfig(SNSClient)))`.
 */
export function onFirstUse<T>(build: () => T): () => T {
  let client: T | undefined;
  return () => (client ??= build());
}
