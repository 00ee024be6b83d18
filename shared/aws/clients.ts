/** A client class of the AWS SDK v3 (RDSClient, S3Client…): built with a region. */
export type ClientClass<T> = new (config: { region: string }) => T;

/** Route 53 is global: its API is a control plane in us-east-1. */
export const ROUTE53_REGION = 'us-east-1';

/**
 * SDK clients, built lazily once per client class and region and reused across invocations (module
 * scope in a Lambda). Code receives this object and names the client class it needs
 * (`clients.get(RDSClient, region)`), so a function's bundle carries only the clients its own code
 * path imports, and tests and the drill swap in mocks (aws-sdk-client-mock mocks every instance of a
 * client class).
 *
 * The SDK's own retry (3 attempts, with backoff) stays on for throttling; what is still throttled
 * after that surfaces as AwsThrottlingError and is retried by the state machine.
 */
export interface AwsClients {
  get<T>(ClientClass: ClientClass<T>, region: string): T;
}

export function createAwsClients(): AwsClients {
  const cache = new Map<ClientClass<unknown>, Map<string, unknown>>();
  return {
    get<T>(ClientClass: ClientClass<T>, region: string): T {
      let byRegion = cache.get(ClientClass);
      if (!byRegion) cache.set(ClientClass, (byRegion = new Map()));
      let client = byRegion.get(region) as T | undefined;
      if (!client) {
        client = new ClientClass({ region });
        byRegion.set(region, client);
      }
      return client;
    },
  };
}
