/**
 * Experiment shim for `lambda/shared/aws-clients.ts`: the same clients, except that the Secrets
 * Manager client is built and the secret's fetch started when this module evaluates, and that
 * `secretRequestSent` resolves once that request has been handed to the HTTP handler. The first
 * fetch the product's secret cache makes for the same secret id is served by that request.
 * Its top-level await holds the evaluation of every module after it until that request is on its
 * way; imported first (`confirm-secret-first.ts`), it evaluates before Powertools, middy and the
 * product's own modules, which then load during the secret's round trip instead of before it.
 * Bench-only: it prices the same split in `lambda/` (see docs/performance.md).
 */
import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as product from '../../lambda/shared/aws-clients';
import type { SecretFetcher } from '../../lambda/shared/client-secret';

export const {
  CONNECTION_TIMEOUT_MS,
  COGNITO_REQUEST_TIMEOUT_MS,
  SECRET_FETCH_TIMEOUT_MS,
  ATTEMPT_COUNT_TIMEOUT_MS,
  createDynamoClient,
  createCognitoClient,
} = product;

let markSent: () => void = () => undefined;

/** Resolves once the secret's first request has been handed to the HTTP handler. */
export const secretRequestSent = new Promise<void>((resolve) => {
  markSent = resolve;
});

// The request's bytes leave once its socket has connected: signal then, not when the SDK hands
// the request to its HTTP handler (the rest of the module graph would block the connection).
const createConnection = Agent.prototype.createConnection;
Agent.prototype.createConnection = function (this: Agent, ...args: unknown[]) {
  Agent.prototype.createConnection = createConnection;
  const socket = (createConnection as (...a: unknown[]) => Socket).apply(this, args);
  socket.once('connect', () => setImmediate(markSent));
  return socket;
} as typeof createConnection;

const client = product.createSecretsManagerClient();
const prefetchedId = process.env.CLIENT_SECRET_ID || undefined;
let prefetched: Promise<string | undefined> | undefined = product.secretFetcher(
  client,
  prefetchedId,
)();
prefetched.catch(() => undefined);

// The modules that import this one (Powertools, middy, the handler) evaluate only once the
// secret's request is on its way, or after 50 ms at worst.
await Promise.race([secretRequestSent, new Promise((resolve) => setTimeout(resolve, 50).unref())]);

export function createSecretsManagerClient(): SecretsManagerClient {
  return client;
}

export function secretFetcher(
  target: SecretsManagerClient,
  secretId: string | undefined,
): SecretFetcher {
  const fetch = product.secretFetcher(target, secretId);
  return () => {
    const first = target === client && secretId === prefetchedId ? prefetched : undefined;
    prefetched = undefined;
    return first ?? fetch();
  };
}
