/**
 * Time budget of one trigger invocation. Cognito waits 5 s for the trigger and fails the
 * user's ConfirmForgotPassword (after the password has changed) when it waits longer, so every
 * AWS call gets its own deadline and all of them together stay inside one overall budget.
 */

/** The budget's parameters, in milliseconds. */
export interface BudgetLimits {
  /** Everything the handler does, from its start; well under Cognito's 5 s, cold start included. */
  readonly totalMs: number;
  /** Revoking the sessions (one call, its SDK retry included). */
  readonly revokeMs: number;
  /** Sending the notification (one call, its SDK retry included). */
  readonly notifyMs: number;
  /** Publishing the event; kept in reserve while the first two run, one after the other. */
  readonly publishMs: number;
  /** Left free before the function's own deadline, for the answer and the metrics to leave. */
  readonly marginMs: number;
}

/**
 * Defaults: at most 3 s in the handler, so that a cold start (about 0.5-1 s of init on the
 * chosen memory) still leaves about a second of margin under Cognito's 5 s. Revoke, then notify
 * (the notice says how the sign-out went), then publish (the event says how both went): a
 * second each at most, each keeping the later ones' slices in reserve.
 */
export const DEFAULT_BUDGET: BudgetLimits = {
  totalMs: 3_000,
  revokeMs: 1_000,
  notifyMs: 1_000,
  publishMs: 1_000,
  marginMs: 500,
};

/** Raised when a call does not settle within its time slice. */
export class EffectTimeoutError extends Error {
  override readonly name = 'EffectTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/**
 * A deadline fixed at the start of an invocation, from which each call takes its slice.
 *
 * @example
 * const deadline = new Deadline(Date.now(), 3000, () => context.getRemainingTimeInMillis() - 500);
 * await withTimeout(deadline.slice(1500), (signal) => client.send(command, { abortSignal: signal }));
 */
export class Deadline {
  readonly #endsAt: number;

  /**
   * @param startedAt - epoch ms at which the invocation started
   * @param totalMs - the overall budget
   * @param remainingMs - the function's own remaining time (minus its margin), when known
   * @param now - the clock, replaceable in tests
   */
  constructor(
    startedAt: number,
    totalMs: number,
    remainingMs: number | undefined,
    private readonly now: () => number = Date.now,
  ) {
    const byBudget = startedAt + totalMs;
    this.#endsAt = remainingMs === undefined ? byBudget : Math.min(byBudget, now() + remainingMs);
  }

  /** Milliseconds left until the deadline, never negative. */
  remaining(): number {
    return Math.max(0, this.#endsAt - this.now());
  }

  /**
   * A slice for one call: at most `maxMs`, at most what is left after keeping `reserveMs` for
   * what must still follow.
   */
  slice(maxMs: number, reserveMs = 0): number {
    return Math.max(0, Math.min(maxMs, this.remaining() - reserveMs));
  }
}

/**
 * Runs `operation` with an abort signal that fires after `timeoutMs`, and settles no later
 * than that even if the operation ignores the signal. The AWS SDK honours the signal by
 * closing the connection, so nothing keeps running after the deadline. A slice of zero (the
 * budget is spent) fails at once without starting the call: opening a connection only to abort
 * it on the next tick is pointless work at the worst moment.
 *
 * @throws {EffectTimeoutError} when the deadline passes first
 * @example
 * await withTimeout(1500, (abortSignal) => cognito.send(new AdminUserGlobalSignOutCommand(input), { abortSignal }));
 */
export async function withTimeout<T>(
  timeoutMs: number,
  operation: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (!(timeoutMs > 0)) throw new EffectTimeoutError(0);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new EffectTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([operation(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
