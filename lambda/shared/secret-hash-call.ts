/**
 * Runs one Cognito call with a `SECRET_HASH`, surviving a client-secret rotation (contract
 * section 5): when Cognito rejects the hash, the secret is refreshed once and the call retried
 * once, then the previous secret is tried once. At most three attempts, never a loop. Retrying
 * after this particular rejection is safe for both operations: Cognito refused the request before
 * sending a code or changing a password.
 */
import type { ClientSecretCache, ClientSecrets } from './client-secret';
import { ProblemError } from './problem-error';
import { computeSecretHash } from './secret-hash';
import {
  errorName,
  isBrokenTransfer,
  isSecretHashRejection,
  problemForSecretError,
} from './upstream-errors';

/**
 * A Cognito call cut short by the request's own budget, whatever error the SDK reported for it.
 * Named `AbortError` so that the operations map it as the timeout it is (`UPSTREAM_TIMEOUT`,
 * on confirm with "the password may have changed", since Cognito may have acted).
 *
 * @example
 * throw new BudgetAbortError(); // name 'AbortError'
 */
export class BudgetAbortError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('The time budget ran out during the Cognito call.');
  }
}

/** One Cognito call to authenticate with the client secret, and where to report a refresh. */
export interface SecretHashCall<T> {
  readonly secrets: ClientSecretCache;
  readonly clientId: string;
  /** The exact username sent to Cognito: the hash is computed from it. */
  readonly username: string;
  /** The request's own budget: aborts when the invocation has no time left for AWS calls. */
  readonly signal: AbortSignal;
  readonly send: (secretHash: string) => Promise<T>;
  /** Told when a rejection made the cache fetch the secret again (the `SecretRefreshed` metric). */
  readonly onSecretRefreshed?: () => void;
  /** Told when a refresh after a rejection failed; the call goes on with the previous secret. */
  readonly onRefreshFailed?: (errorName: string) => void;
}

/**
 * Sends with the current secret, and after a secret-hash rejection with the refreshed and then
 * the previous secret, each at most once. Errors other than that rejection are the caller's to
 * map. Failures to get the secret become problems here, because only here is it known that
 * Cognito was not called: a request that ran out of budget before any Cognito call answers 504
 * without the confirm "password may have changed" detail.
 *
 * @example
 * await sendWithSecretHash({ secrets, clientId, username, signal,
 *   send: (SecretHash) => cognito.send(new ForgotPasswordCommand({ ..., SecretHash })) });
 */
export async function sendWithSecretHash<T>(call: SecretHashCall<T>): Promise<T> {
  let secrets: ClientSecrets;
  try {
    secrets = await call.secrets.get(call.signal);
  } catch (error) {
    throw problemForSecretError(error, call.signal.aborted);
  }
  const tried = new Set<string>();
  const attempt = async (secret: string): Promise<{ done: true; value: T } | { done: false }> => {
    if (call.signal.aborted) throw budgetSpentBeforeCall();
    tried.add(secret);
    try {
      return {
        done: true,
        value: await call.send(computeSecretHash(secret, call.username, call.clientId)),
      };
    } catch (error) {
      if (isSecretHashRejection(error)) return { done: false };
      // Our own abort can surface as a reset connection (`ECONNRESET`, "aborted") when it cuts a
      // response body short: it is the budget running out, not a failing dependency.
      if (call.signal.aborted && isBrokenTransfer(error)) throw new BudgetAbortError();
      throw error;
    }
  };

  const first = await attempt(secrets.current);
  if (first.done) return first.value;

  let previous = secrets.previous;
  let refreshed: Awaited<ReturnType<ClientSecretCache['refreshAfterRejection']>>;
  try {
    refreshed = await call.secrets.refreshAfterRejection(secrets, call.signal);
  } catch (error) {
    call.onRefreshFailed?.(errorName(error));
    refreshed = undefined;
  }
  if (refreshed) {
    if (refreshed.fetched) call.onSecretRefreshed?.();
    // The refreshed copy's previous secret wins: it may have changed on its own (finding 11).
    previous = refreshed.secrets.previous ?? previous;
    if (!tried.has(refreshed.secrets.current)) {
      const second = await attempt(refreshed.secrets.current);
      if (second.done) return second.value;
    }
  }
  if (previous !== undefined && !tried.has(previous)) {
    const third = await attempt(previous);
    if (third.done) return third.value;
  }
  throw new ProblemError('INTERNAL', {
    upstream: 'NotAuthorizedException',
    reason: 'Cognito rejected the secret hash made with every known client secret.',
  });
}

/**
 * The budget ran out between attempts: every earlier attempt was a secret-hash rejection, so
 * Cognito changed nothing, and the next attempt is not sent at all.
 */
function budgetSpentBeforeCall(): ProblemError {
  return new ProblemError('UPSTREAM_TIMEOUT', {
    upstream: 'AbortError',
    reason: 'The time budget ran out before the next Cognito attempt; none was sent.',
  });
}
