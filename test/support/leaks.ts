/**
 * Detects what a handler leaves behind after it answered: unhandled promise rejections and
 * timers that keep the event loop alive (`process.getActiveResourcesInfo()` lists only ref'd
 * resources, so an `unref`'d timer or `AbortSignal.timeout` does not count).
 */

/** Number of ref'd timers currently alive. */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

export interface RejectionTracker {
  readonly reasons: readonly unknown[];
  readonly stop: () => void;
}

/**
 * @example
 * const rejections = trackUnhandledRejections();
 * await handler(event, context);
 * await settle();
 * expect(rejections.reasons).toEqual([]);
 */
export function trackUnhandledRejections(): RejectionTracker {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => {
    reasons.push(reason);
  };
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => process.off('unhandledRejection', listener) };
}

/** Lets pending callbacks, microtasks and socket closes run. */
export async function settle(ms = 50): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Waits until no more ref'd timers are alive than `baseline`, up to `withinMs`; returns how long
 * that took, or `undefined` when timers were still alive at the end.
 */
export async function timersSettled(
  baseline: number,
  withinMs: number,
): Promise<number | undefined> {
  const started = performance.now();
  await settle(10);
  while (activeTimers() > baseline) {
    if (performance.now() - started > withinMs) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return performance.now() - started;
}
