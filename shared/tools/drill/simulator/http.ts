import { sleep, type DurationTable, type World } from './world.ts';

/**
 * The recovered services' HTTP endpoints, for the plan's `http` checks in a drill: a fetch to pass as
 * CheckContext.fetch. It answers the URL of every `http` check of the plan (components[].checks and
 * verification.checks) as the recovered service would: the check's expectStatus (200 by default) with a
 * body holding every bodyContains of the checks on that URL, after the simulated `http.response` latency
 * (slowed by a `slow` fault on the component the check belongs to). While that component has an injected
 * failure (`fail`) it answers 503. Any other URL fails as undici does when the host does not resolve:
 * TypeError('fetch failed') with an ENOTFOUND cause.
 *
 * Latency: the simulated latency is waited on the clock. The drill's virtual clock fakes
 * performance.now() too, so the http check measures it as it measures a real endpoint.
 */

export const HTTP_DURATIONS: DurationTable = {
  'http.response': {
    seconds: 0.12,
    source: 'assumption: the recovered service answers its check URL in 120 ms (a warm service behind a load balancer in the recovery region, ' +
      'requested from the automation in the same region); no published figure',
  },
};

interface Endpoint { component: string | undefined; status: number; bodyContains: string[] }

/** Null-body statuses: a Response with one of these may not have a body. */
const NO_BODY = new Set([101, 204, 205, 304]);

const normalise = (url: string) => {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
};

function endpointsOf(world: World): Map<string, Endpoint> {
  const endpoints = new Map<string, Endpoint>();
  const specs = [
    ...world.plan.components.flatMap((c) => c.checks.map((check) => ({ check, component: c.id as string | undefined }))),
    ...world.plan.verification.checks.map((check) => ({ check, component: undefined })),
  ];
  for (const { check, component } of specs) {
    if (check.type !== 'http') continue;
    const url = normalise(check.url);
    const endpoint = endpoints.get(url) ?? { component, status: check.expectStatus, bodyContains: [] };
    if (check.bodyContains !== undefined) endpoint.bodyContains.push(check.bodyContains);
    endpoints.set(url, endpoint);
  }
  return endpoints;
}

/** Rejects with the signal's reason as soon as it aborts (fetch rejects with it: AbortError, TimeoutError). */
function aborted(signal: AbortSignal | null | undefined): Promise<never> | undefined {
  if (!signal) return undefined;
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export interface SimulatedFetchOptions {
  /** Wait the simulated latency on the clock before answering (default true; the drill's virtual clock makes it instant). */
  wait?: boolean;
}

export function simulatedFetch(world: World, options: SimulatedFetchOptions = {}): typeof globalThis.fetch {
  const endpoints = endpointsOf(world);
  const latencyMs = (component: string | undefined) => {
    if (world.durations['http.response']) return world.durationMs('http.response', component);
    const factor = world.faults.reduce((f, x) => (x.kind === 'slow' && x.component === component ? f * x.factor : f), 1);
    return (HTTP_DURATIONS['http.response']?.seconds ?? 0) * 1000 * factor;
  };

  const simulated = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = normalise(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const endpoint = endpoints.get(url);
    const call = { service: 'http', command: method, region: world.secondary, input: { url } };
    if (!endpoint) {
      const host = URL.canParse(url) ? new URL(url).hostname : url;
      world.record({ ...call, error: 'ENOTFOUND' });
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host }) });
    }
    const ms = latencyMs(endpoint.component);
    if (options.wait ?? true) {
      // Raced, so a signal that aborts after the answer rejects a promise that is already handled.
      const abort = aborted(signal);
      await (abort ? Promise.race([sleep(ms), abort]) : sleep(ms));
    } else if (signal?.aborted) throw signal.reason;
    const failing = world.failing(endpoint.component);
    const status = failing ? 503 : Math.max(200, endpoint.status);
    const text = failing
      ? 'Service Unavailable (simulated: injected failure)\n'
      : `simulated ${endpoint.component ?? 'system'} in ${world.secondary}: ${endpoint.bodyContains.join(' | ') || 'ok'}\n`;
    world.record({ ...call, ...(failing ? { error: '503' } : {}) });
    return new Response(method === 'HEAD' || NO_BODY.has(status) ? null : text, {
      status,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  };
  return simulated;
}
