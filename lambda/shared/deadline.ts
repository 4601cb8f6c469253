/**
 * Time budget of one invocation. Every AWS call gets an abort signal that fires early enough for
 * the problem answer to leave before Lambda's own timeout kills the function (which would give
 * the caller API Gateway's bare 502 instead of our 504).
 */

/** Time kept back from the deadline to build and send the answer after an AWS call gave up. */
export const ANSWER_RESERVE_MS = 800;

/** Assumed remaining time when a caller (a test, the local gateway) gives no deadline. */
const DEFAULT_REMAINING_MS = 10_000;

export interface LambdaTiming {
  readonly getRemainingTimeInMillis?: () => number;
}

/**
 * The deadline of this invocation as an epoch time in ms, fixed once at the start so that every
 * later budget is measured against the same instant.
 *
 * @example
 * const deadline = deadlineOf(context); // Date.now() + context.getRemainingTimeInMillis()
 */
export function deadlineOf(context: LambdaTiming, now = Date.now()): number {
  const remaining = context.getRemainingTimeInMillis?.();
  return now + (typeof remaining === 'number' && remaining > 0 ? remaining : DEFAULT_REMAINING_MS);
}

/**
 * Milliseconds an AWS call may still take: up to the deadline minus the answer reserve, at least
 * 1 ms so that an exhausted budget fails fast as a timeout rather than hanging.
 *
 * @example
 * client.send(command, { abortSignal: AbortSignal.timeout(callBudgetMs(deadline)) });
 */
export function callBudgetMs(deadline: number, now = Date.now()): number {
  return Math.max(1, deadline - ANSWER_RESERVE_MS - now);
}

/** An abort signal for one invocation's AWS calls, and the way to release its timer. */
export interface CallBudget {
  readonly signal: AbortSignal;
  /** Clears the timer: call it once the invocation's AWS calls are over. */
  readonly release: () => void;
}

/**
 * A signal that aborts after `ms` with the same `TimeoutError` reason as `AbortSignal.timeout`,
 * whose timer is cleared when the invocation ends. `AbortSignal.timeout` keeps every timer
 * until it fires, seconds after its invocation: a warm container would carry thousands.
 *
 * @example
 * const budget = callBudget(callBudgetMs(deadline));
 * try { await client.send(command, { abortSignal: budget.signal }); } finally { budget.release(); }
 */
export function callBudget(ms: number): CallBudget {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, ms);
  return { signal: controller.signal, release: () => clearTimeout(timer) };
}

/**
 * Resolves after `ms` (immediately for `ms <= 0`, without a timer): the timing floor's wait.
 *
 * @example
 * await sleep(floorDelayMs(input));
 */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
