type Ctor<T> = new (config: { region: string; maxAttempts?: number }) => T;

/**
 * One client per region, built on first use and reused across invocations (module scope in a Lambda).
 * A function that needs a single service imports this and that client only, so its bundle carries
 * no other SDK client.
 */
export function perRegion<T>(ClientClass: Ctor<T>): (region: string) => T {
  const cache = new Map<string, T>();
  return (region: string) => {
    let client = cache.get(region);
    if (!client) {
      client = new ClientClass({ region });
      cache.set(region, client);
    }
    return client;
  };
}
