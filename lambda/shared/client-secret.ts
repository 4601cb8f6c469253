/**
 * The app-client secret, cached per container. Contract section 5: cached for a period (default
 * 5 minutes), a stale copy keeps serving while Secrets Manager fails, and a secret hash Cognito
 * rejects triggers one refresh. Concurrent callers share one fetch, so a container makes exactly
 * one Secrets Manager call per cache period however many requests it serves.
 */
import { ConfigurationError } from './problem-error';

/** The secret's JSON shape (contract section 5); `previous` supports two-secret rotation. */
export interface ClientSecrets {
  readonly current: string;
  readonly previous: string | undefined;
}

/**
 * Reads the raw `SecretString`; rejects on any failure of the call. It bounds its own duration:
 * one fetch is shared by every waiting request, so no single request's deadline may cancel it.
 */
export type SecretFetcher = () => Promise<string | undefined>;

/** The cache's source and timings; tests inject the clock and short periods. */
export interface ClientSecretCacheOptions {
  readonly fetch: SecretFetcher;
  /**
   * A first fetch already in flight (started by `secret-prefetch.ts` before the rest of the
   * function evaluated): the cache adopts it as its first load at construction, as `prefetch()`
   * would, instead of calling `fetch` a second time. Its failure is kept for the first request.
   */
  readonly prefetched?: Promise<string | undefined>;
  /** How long a fetched secret is fresh. */
  readonly ttlMs?: number;
  /**
   * After a failed fetch, how long no new fetch is started while a stale copy serves, by a TTL
   * reload or by a rejection's refresh alike (default 30 s).
   */
  readonly retryAfterFailureMs?: number;
  /** A rejection shares the last fetch as its refresh when that fetch started less than this ago. */
  readonly minRefreshIntervalMs?: number;
  /** How long a request waits for a refresh before it falls back to the stale copy. */
  readonly staleWaitMs?: number;
  readonly now?: () => number;
  /** Told when a stale copy is served because a refresh failed (the error itself is not passed on). */
  readonly onStaleServed?: (errorName: string) => void;
}

/** How long a fetched secret is served without asking Secrets Manager (contract section 5). */
export const DEFAULT_SECRET_TTL_MS = 5 * 60_000;
/** How long a failed fetch is not repeated while a stale copy serves (or a refresh is skipped). */
export const DEFAULT_RETRY_AFTER_FAILURE_MS = 30_000;
/**
 * Rejections within this time of the last fetch's start share that fetch as their one refresh.
 * Short, so that a rotation is picked up at once, yet long enough that a burst of rejected
 * requests (or a rejection right after the cold-start prefetch) makes no second call.
 */
export const DEFAULT_MIN_REFRESH_INTERVAL_MS = 1_000;

interface CacheEntry {
  readonly secrets: ClientSecrets;
  readonly fetchedAt: number;
}

/**
 * Parses the secret's `SecretString`. A missing or malformed `clientSecret` is a deployment
 * fault, never the caller's: {@link ConfigurationError}.
 *
 * @example
 * parseClientSecrets('{"clientSecret":"abc"}') // { current: 'abc', previous: undefined }
 */
export function parseClientSecrets(secretString: string | undefined): ClientSecrets {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString ?? '');
  } catch {
    throw new ConfigurationError('The client secret is not JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new ConfigurationError('The client secret is not a JSON object.');
  }
  const { clientSecret, previousClientSecret } = parsed as Record<string, unknown>;
  if (typeof clientSecret !== 'string' || clientSecret === '') {
    throw new ConfigurationError('The client secret has no clientSecret.');
  }
  return {
    current: clientSecret,
    previous:
      typeof previousClientSecret === 'string' &&
      previousClientSecret !== '' &&
      previousClientSecret !== clientSecret
        ? previousClientSecret
        : undefined,
  };
}

/**
 * The per-container cache of the client secret. One instance per container, created at module
 * load; every request reads through it so that Secrets Manager sees one call per cache period,
 * concurrent first requests included, and a Secrets Manager outage is ridden out on the cached
 * copy with a back-off rather than a call per request.
 *
 * @example
 * const cache = new ClientSecretCache({ fetch: secretFetcher(client, secretId) });
 * cache.prefetch(); // or: new ClientSecretCache({ fetch, prefetched: takePrefetchedSecret() })
 * const { current, previous } = await cache.get(signal);
 */
export class ClientSecretCache {
  readonly #fetch: SecretFetcher;
  readonly #ttlMs: number;
  readonly #retryAfterFailureMs: number;
  readonly #minRefreshIntervalMs: number;
  readonly #staleWaitMs: number;
  readonly #now: () => number;
  readonly #onStaleServed: ((errorName: string) => void) | undefined;
  #entry: CacheEntry | undefined;
  #prefetched: Promise<string | undefined> | undefined;
  #inFlight: Promise<CacheEntry> | undefined;
  #nextAttemptAt = 0;
  #lastFetchStartedAt = Number.NEGATIVE_INFINITY;

  constructor(options: ClientSecretCacheOptions) {
    this.#fetch = options.fetch;
    this.#ttlMs = options.ttlMs ?? DEFAULT_SECRET_TTL_MS;
    this.#retryAfterFailureMs = options.retryAfterFailureMs ?? DEFAULT_RETRY_AFTER_FAILURE_MS;
    this.#minRefreshIntervalMs = options.minRefreshIntervalMs ?? DEFAULT_MIN_REFRESH_INTERVAL_MS;
    this.#staleWaitMs = options.staleWaitMs ?? 1_000;
    this.#now = options.now ?? Date.now;
    this.#onStaleServed = options.onStaleServed;
    if (options.prefetched) {
      this.#prefetched = options.prefetched;
      this.prefetch();
    }
  }

  /**
   * Starts the first fetch without waiting for it, so that it overlaps the cold start. A failure
   * is kept for the first request to report; it never becomes an unhandled rejection.
   *
   * @example
   * secretCache.prefetch(); // at module load
   */
  prefetch(): void {
    this.#load(undefined).catch(() => undefined);
  }

  /**
   * The secrets for one request: the cached copy while fresh; otherwise a refresh, falling back
   * to the stale copy when the refresh fails. Rejects only when there is no copy at all; then
   * concurrent callers share the one fetch in flight.
   *
   * @example
   * const secrets = await cache.get(call.signal);
   */
  async get(signal?: AbortSignal): Promise<ClientSecrets> {
    const entry = this.#entry;
    const now = this.#now();
    if (entry && (now - entry.fetchedAt < this.#ttlMs || now < this.#nextAttemptAt)) {
      return entry.secrets;
    }
    const wait = entry ? shorter(signal, this.#staleWaitMs) : signal;
    try {
      return (await this.#load(wait)).secrets;
    } catch (error) {
      const stale = this.#entry;
      if (stale) {
        this.#onStaleServed?.(errorName(error));
        return stale.secrets;
      }
      throw error;
    }
  }

  /**
   * Called after Cognito rejected a hash made with `used`: the one refresh of contract section 5.
   * Returns the secrets to retry with, or `undefined` when the refresh is skipped (the caller
   * then still tries the previous secret once).
   *
   * How "one refresh" is counted, so that neither a rotation nor an outage can turn requests
   * into Secrets Manager calls:
   * - a fetch already in flight (a TTL refresh, another rejected request's refresh) is shared:
   *   concurrent rejections make one call;
   * - a fetch started less than `minRefreshIntervalMs` ago (default 1 s) is the refresh these
   *   rejections would have triggered: they share its result instead of fetching again;
   * - after a failed fetch, none is started before the back-off (`retryAfterFailureMs`) is over:
   *   a failed attempt counts as an attempt, whether it was a refresh or a TTL reload.
   * `fetched` is true only for the caller whose rejection started the fetch (the
   * `SecretRefreshed` metric counts fetches, not waiters). A fetch that brings back the same
   * `clientSecret` still returns its secrets, since `previousClientSecret` may have changed.
   *
   * @example
   * const refreshed = await cache.refreshAfterRejection(used, signal);
   * if (refreshed?.fetched) metrics.addMetric('SecretRefreshed', MetricUnit.Count, 1);
   */
  async refreshAfterRejection(
    used: ClientSecrets,
    signal?: AbortSignal,
  ): Promise<{ secrets: ClientSecrets; fetched: boolean } | undefined> {
    if (this.#inFlight) {
      return { secrets: (await this.#load(signal)).secrets, fetched: false };
    }
    const entry = this.#entry;
    if (entry && entry.secrets !== used) return { secrets: entry.secrets, fetched: false };
    const now = this.#now();
    if (now < this.#nextAttemptAt) return undefined;
    if (now - this.#lastFetchStartedAt < this.#minRefreshIntervalMs) return undefined;
    return { secrets: (await this.#load(signal)).secrets, fetched: true };
  }

  /** One shared fetch at a time; the caller's signal bounds its own wait, not the shared fetch. */
  #load(signal: AbortSignal | undefined): Promise<CacheEntry> {
    if (!this.#inFlight) {
      this.#lastFetchStartedAt = this.#now();
      const prefetched = this.#prefetched;
      this.#prefetched = undefined;
      const load = (prefetched ?? this.#fetch())
        .then((secretString) => {
          const entry = { secrets: parseClientSecrets(secretString), fetchedAt: this.#now() };
          this.#entry = entry;
          this.#nextAttemptAt = 0;
          return entry;
        })
        .catch((error: unknown) => {
          this.#nextAttemptAt = this.#now() + this.#retryAfterFailureMs;
          throw error;
        })
        .finally(() => {
          this.#inFlight = undefined;
        });
      this.#inFlight = load;
    }
    return signal ? raceAbort(this.#inFlight, signal) : this.#inFlight;
  }
}

function shorter(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortError(signal: AbortSignal): Error {
  const error = new Error('The operation was aborted.');
  error.name = signal.reason instanceof Error ? signal.reason.name : 'AbortError';
  return error;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'UnknownError';
}
