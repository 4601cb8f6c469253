/**
 * The AWS SDK clients, created once per container. Region and endpoint come from the standard
 * variables (`AWS_REGION`, `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`,
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`), which the SDK reads itself.
 *
 * Retry policy per operation:
 * - Cognito `ForgotPassword` / `ConfirmForgotPassword`: one attempt. A retried ForgotPassword can
 *   send the user a second code; a retried ConfirmForgotPassword whose first attempt succeeded
 *   fails with a code error; `LimitExceededException` (a user's attempt limit, which the standard strategy
 *   retries) only gets worse with retries. The caller gets its answer and decides.
 * - Secrets Manager `GetSecretValue`: the SDK's standard three attempts; it is an idempotent read.
 *
 * Timeouts: a short connection timeout (a dead endpoint is found quickly) and a request timeout
 * that throws; each call is in addition bounded by the invocation's own abort signal, derived from
 * `context.getRemainingTimeInMillis()`.
 */

import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { SecretFetcher } from './client-secret';
import { ConfigurationError } from './problem-error';

/** Time allowed to open a TCP (and TLS) connection to an AWS endpoint. */
export const CONNECTION_TIMEOUT_MS = 1_000;
/** Longest a Cognito call may take, whatever the invocation's remaining time. */
export const COGNITO_REQUEST_TIMEOUT_MS = 8_000;
/** Longest one secret fetch may take, all attempts included; it overlaps the cold start. */
export const SECRET_FETCH_TIMEOUT_MS = 3_000;

/**
 * The Cognito client, one attempt per call (see the retry policy above): a retried
 * ForgotPassword can send a second code.
 *
 * @example
 * const cognito = createCognitoClient(); // at module load
 */
export function createCognitoClient(): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    maxAttempts: 1,
    requestHandler: boundedHandler(COGNITO_REQUEST_TIMEOUT_MS),
  });
}

/** An HTTP handler with the short connection timeout and a request timeout that throws. */
function boundedHandler(requestTimeout: number, agents: ClientAgents = {}): NodeHttpHandler {
  return new NodeHttpHandler({
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout,
    throwOnRequestTimeout: true,
    ...agents,
  });
}

/** Longest one attempt-counter write may take: it sits in front of every Cognito call. */
export const ATTEMPT_COUNT_TIMEOUT_MS = 1_000;

/**
 * The DynamoDB client of the attempt limit: two attempts (an atomic `ADD` retried after a
 * failure may count one request twice, which only errs on the safe side), each bounded.
 *
 * @example
 * const dynamo = createDynamoClient(); // at module load, when the limit is on
 */
export function createDynamoClient(): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: 2,
    requestHandler: boundedHandler(ATTEMPT_COUNT_TIMEOUT_MS),
  });
}

/**
 * The connection pools a client's HTTP handler uses instead of its own; `secret-prefetch.ts`
 * passes agents that report when the first connection is up.
 */
export interface ClientAgents {
  readonly httpAgent?: HttpAgent;
  readonly httpsAgent?: HttpsAgent;
}

/**
 * The Secrets Manager client the secret cache reads through: the standard three attempts (an
 * idempotent read), each bounded, since one fetch serves the whole container.
 *
 * @example
 * const fetch = secretFetcher(createSecretsManagerClient(), config.secretId);
 */
export function createSecretsManagerClient(agents: ClientAgents = {}): SecretsManagerClient {
  return new SecretsManagerClient({
    maxAttempts: 3,
    requestHandler: boundedHandler(SECRET_FETCH_TIMEOUT_MS, agents),
  });
}

/**
 * Reads `SecretString` of the configured secret, bounded by {@link SECRET_FETCH_TIMEOUT_MS}
 * across all attempts. An unset secret id is a configuration fault.
 *
 * @example
 * new ClientSecretCache({ fetch: secretFetcher(createSecretsManagerClient(), config.secretId) })
 */
export function secretFetcher(
  client: SecretsManagerClient,
  secretId: string | undefined,
): SecretFetcher {
  return async () => {
    if (!secretId) throw new ConfigurationError('CLIENT_SECRET_ID is not set.');
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }), {
      abortSignal: AbortSignal.timeout(SECRET_FETCH_TIMEOUT_MS),
    });
    return output.SecretString;
  };
}
