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
 */
export async function withVirtualClock<T>(startAt: Date, work: (clock: InstalledClock) => Promise<T>): Promise<T> {
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
  }
}
