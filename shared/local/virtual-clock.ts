import { install } from '@sinonjs/fake-timers';

export type InstalledClock = ReturnType<typeof install>;

const realSetImmediate = globalThis.setImmediate;
const yieldToEventLoop = () => new Promise<void>((resolve) => realSetImmediate(resolve));

/**
 * Runs `work` on simulated time starting at `startAt`: Date and the timer functions are faked, and
 * whenever the process is otherwise idle the clock jumps to the next timer. Wait states, retry
 * backoffs and the handlers' own clocks all read simulated time; a recovery of hours runs in
 * milliseconds. setImmediate and nextTick stay real, so promises and I/O progress between steps.
 */
export async function withVirtualClock<T>(startAt: Date, work: (clock: InstalledClock) => Promise<T>): Promise<T> {
  const clock = install({
    now: startAt,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
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
      if (clock.countTimers() > 0) await clock.nextAsync();
    }
    return await running;
  } finally {
    clock.uninstall();
  }
}
