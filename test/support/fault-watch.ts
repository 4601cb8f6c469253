/**
 * Per-test hygiene shared by the fault suites: every case starts with healthy fake services and
 * a fresh capture of all output and of unhandled rejections, so one case's fault, log lines or
 * stray rejection can never be blamed on (or hidden by) the next.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { type RejectionTracker, timersSettled, trackUnhandledRejections } from './leaks';
import { captureLogs, type LogCapture } from './log-capture';

/**
 * How long the SDK may keep a timer after the answer: its connection timeout (1 s). A refused
 * connection leaves @smithy/node-http-handler's connection timer running until it fires (the
 * handler returns 0 as the timer id when the timeout is under 2 s, so it is never cleared).
 */
const TIMER_GRACE_MS = 1_200;

/** The current test's output and unhandled rejections (replaced before every test). */
export interface TestWatch {
  logs: LogCapture;
  rejections: RejectionTracker;
  /**
   * Asserts that the active timers fall back to `timersBefore` within the SDK's grace period and
   * that no promise rejection went unhandled: a fault must leave nothing behind.
   */
  expectNothingLeftBehind(timersBefore: number): Promise<void>;
}

/**
 * Registers the hooks in the calling `describe` (or file) scope.
 *
 * @example
 * const watch = watchEachTest(() => cognito.recover());
 * it('...', () => expect(watch.rejections.reasons).toEqual([]));
 */
export function watchEachTest(recover: () => Promise<unknown>): TestWatch {
  const watch = {
    expectNothingLeftBehind: async (timersBefore: number) => {
      expect(
        await timersSettled(timersBefore, TIMER_GRACE_MS),
        'ref-ed timers left behind',
      ).toBeDefined();
      expect(watch.rejections.reasons).toEqual([]);
    },
  } as TestWatch;
  beforeEach(async () => {
    await recover();
    watch.logs = captureLogs();
    watch.rejections = trackUnhandledRejections();
  });
  afterEach(() => {
    watch.logs.restore();
    watch.rejections.stop();
  });
  return watch;
}
