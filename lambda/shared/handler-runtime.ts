/**
 * What each API handler sets up once per container, at module load: configuration, the
 * Powertools pair, the SDK clients and the client-secret cache. The cache's first fetch is the
 * one `secret-prefetch.ts` started before the rest of the function evaluated (see there why), so
 * that it overlaps the rest of the cold start.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { attemptKey, countAttempt, readAttemptLimitConfig } from './attempt-limit';
import { createCognitoClient, createDynamoClient, secretFetcher } from './aws-clients';
import { ClientSecretCache } from './client-secret';
import { type HandlerConfig, readHandlerConfig } from './config';
import { createObservability, type Observability, type ServiceName } from './observability';
import { ConfigurationError, ProblemError } from './problem-error';
import { sendWithSecretHash } from './secret-hash-call';
import { secretsManagerClient, takePrefetchedSecret } from './secret-prefetch';
import { errorName } from './upstream-errors';

/** The app-client fields every secret-hash call to Cognito carries. */
export interface ClientAuthentication {
  readonly ClientId: string;
  readonly SecretHash: string;
}

/** What one API handler keeps per container (see {@link createHandlerRuntime}). */
export interface HandlerRuntime {
  readonly config: HandlerConfig;
  readonly observability: Observability;
  readonly cognito: CognitoIdentityProviderClient;
  readonly secrets: ClientSecretCache;
  /**
   * Runs one Cognito call as the app client: the client id from the configuration, the secret
   * hash of `username` from the cached secret, with the rotation recovery of contract section 5
   * (its refresh counted as `SecretRefreshed`, a failed refresh logged by error name).
   */
  readonly withClientSecret: <T>(
    username: string,
    signal: AbortSignal,
    send: (client: ClientAuthentication) => Promise<T>,
  ) => Promise<T>;
  /**
   * Counts one request for the account (`attempt-limit.ts`) and throws `TOO_MANY_REQUESTS` with
   * the window's `Retry-After` past the limit; a no-op when the limit is off.
   */
  readonly limitAttempts: (
    operation: 'forgot' | 'confirm',
    username: string,
    signal: AbortSignal,
  ) => Promise<void>;
}

/**
 * Builds everything an API handler keeps per container. One call at module scope: the clients
 * and the secret's prefetch then overlap the cold start instead of the first request.
 *
 * @example
 * const runtime = createHandlerRuntime('forgot-password'); // module scope
 * const output = await runtime.withClientSecret(body.username, call.signal, (client) =>
 *   runtime.cognito.send(new ForgotPasswordCommand({ ...client, Username: body.username })));
 */
export function createHandlerRuntime(service: ServiceName): HandlerRuntime {
  const config = readHandlerConfig(process.env);
  const observability = createObservability(service);
  const { logger, metrics } = observability;
  const cognito = createCognitoClient();
  // The first fetch was started by `secret-prefetch`, before the rest of the function evaluated;
  // the cache adopts it, so a container still makes exactly one call per cache period.
  const fetch = secretFetcher(secretsManagerClient, config.secretId);
  const prefetched = takePrefetchedSecret();
  const secrets = new ClientSecretCache({
    fetch,
    prefetched,
    ttlMs: config.secretCacheMs,
    onStaleServed: (upstream) =>
      logger.warn('Secrets Manager failed; serving the cached client secret', { upstream }),
  });
  if (!prefetched) secrets.prefetch();

  const withClientSecret = <T>(
    username: string,
    signal: AbortSignal,
    send: (client: ClientAuthentication) => Promise<T>,
  ): Promise<T> => {
    const clientId = requireClientId(config);
    return sendWithSecretHash({
      secrets,
      clientId,
      username,
      signal,
      send: (SecretHash) => send({ ClientId: clientId, SecretHash }),
      onSecretRefreshed: () => metrics.addMetric('SecretRefreshed', MetricUnit.Count, 1),
      onRefreshFailed: (upstream) =>
        logger.warn('Refreshing the client secret after a rejection failed', { upstream }),
    });
  };

  const attempts = readAttemptLimitConfig(process.env);
  const tableName = attempts.limit > 0 ? attempts.tableName : undefined;
  const dynamo = tableName === undefined ? undefined : createDynamoClient();
  const limitConfig = tableName === undefined ? undefined : { ...attempts, tableName };
  const limitAttempts = async (
    operation: 'forgot' | 'confirm',
    username: string,
    signal: AbortSignal,
  ): Promise<void> => {
    if (dynamo === undefined || limitConfig === undefined) return;
    let clientSecret: string;
    try {
      clientSecret = (await secrets.get(signal)).current;
    } catch {
      return; // no secret: the Cognito call that follows answers that failure as it should
    }
    let verdict: Awaited<ReturnType<typeof countAttempt>>;
    try {
      verdict = await countAttempt({
        client: dynamo,
        config: limitConfig,
        key: attemptKey(clientSecret, operation, username),
        nowMs: Date.now(),
        signal,
      });
    } catch (error) {
      // Open, not closed: a table outage must not stop every reset. Counted and alarmed.
      metrics.addMetric('AttemptLimitUnavailable', MetricUnit.Count, 1);
      logger.warn('Counting the attempt failed; the request goes on unlimited', {
        upstream: errorName(error),
      });
      return;
    }
    if (!verdict.allowed) {
      metrics.addMetric('AttemptLimitReached', MetricUnit.Count, 1);
      throw new ProblemError('TOO_MANY_REQUESTS', {
        reason: 'the account reached the attempt limit (ATTEMPT_LIMIT)',
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
  };

  return { config, observability, cognito, secrets, withClientSecret, limitAttempts };
}

/**
 * The app client id, or a configuration fault (`INTERNAL`, the reason logged) when the variable
 * is unset. Checked per request rather than at module load: a throwing import would fail every
 * invocation with an opaque runtime error instead of a logged, alarmed `INTERNAL`.
 *
 * @example
 * requireClientId(readHandlerConfig({ USER_POOL_CLIENT_ID: 'abc' })) // 'abc'
 */
export function requireClientId(config: HandlerConfig): string {
  if (!config.clientId) {
    const fault = new ConfigurationError('USER_POOL_CLIENT_ID is not set.');
    throw new ProblemError('INTERNAL', { upstream: fault.name, reason: fault.message });
  }
  return config.clientId;
}
