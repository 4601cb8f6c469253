/**
 * A deadline on one AWS call: the SDK's own timeouts bound a connection and a request, not the
 * total of a call and its retry, which is what a caller with a budget needs bounded.
 */

/** Raised when a call does not settle within its time slice. */
export class EffectTimeoutError extends Error {
  override readonly name = 'EffectTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
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
