import { install } from '@sinonjs/fake-timers';

export type InstalledClock = ReturnType<typeof install>;

const realSetImmediate = globalThis.setImmediate;
const yieldToEventLoop = () => new Promise<void>((resolve) => realSetImmediate(resolve));

/** Real I/O in flight (e.g. a call to the local DynamoDB server): simulated time stands still meanwhile. */
let held = 0;

/**
 * Runs real I/O without letting simulated time move while it is in flight, so a call to a local
 * server takes no simulated time (as an API call of a few milliseconds would not).
 */
export async function holdingClock<T>(io: () => Promise<T>): Promise<T> {
  held += 1;
  try {
    return await io();
  } finally {
    held -= 1;
  }
}

/**
 * Runs `work` on simulated time starting at `startAt`: Date and the timer functions are faked, and
 * whenever the process is otherwise idle the clock jumps to the next timer. Wait states, retry
 * backoffs and the handlers' own clocks (Date and performance.now(), so a check measures the latency
 * a simulated endpoint took) all read simulated time; a recovery of hours runs in
 * milliseconds. setImmediate and nextTick stay real, so promises and I/O progress between steps.
 * Math.random is seeded meanwhile (RANDOM_SEED), so the SDK's jittered retry backoff repeats exactly.
 */
/** A seeded generator (mulberry32): the same sequence every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Math.random's seed on simulated time. */
export const RANDOM_SEED = 0x5eed;

export async function withVirtualClock<T>(startAt: Date, work: (clock: InstalledClock) => Promise<T>): Promise<T> {
  // The SDK's retry backoff has random jitter (full jitter, @smithy/util-retry): seeded, a run on simulated
  // time takes the same simulated time every time it is run.
  const realRandom = Math.random;
  Math.random = seededRandom(RANDOM_SEED);
  const clock = install({
    now: startAt,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    // Timers created before the clock was faked (an HTTP client's socket timeouts) are cleared for real.
    shouldClearNativeTimers: true,
  });
  try {
    let settled = false;
    const running = work(clock).finally(() => {
      settled = true;
    });
    running.catch(() => undefined);
    while (!settled) {
      // Let pending promise chains and I/O finish before simulated time moves on.
      for (let i = 0; i < 3 && !settled; i++) await yieldToEventLoop();
      if (settled) break;
      if (held > 0) continue;
      if (clock.countTimers() > 0) await clock.nextAsync();
    }
    return await running;
  } finally {
    clock.uninstall();
    Math.random = realRandom;
  }
}
