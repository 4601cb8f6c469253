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
  /** Handing the rest off to the queue (one call, its SDK retry included); kept in reserve while revoking. */
  readonly handOffMs: number;
  /** Left free before the function's own deadline, for the answer and the metrics to leave. */
  readonly marginMs: number;
}

/**
 * Defaults: at most 2 s in the handler, so that a cold start (about 0.5-1 s of init on the
 * chosen memory) still leaves well over a second of margin under Cognito's 5 s. Revoke (the
 * notice and the event say how the sign-out went), then hand the rest off: a second each at
 * most, the hand-off's slice kept in reserve while revoking. Sending the notice and putting the
 * event no longer happen in the request at all.
 */
export const DEFAULT_BUDGET: BudgetLimits = {
  totalMs: 2_000,
  revokeMs: 1_000,
  handOffMs: 1_000,
  marginMs: 500,
};

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
