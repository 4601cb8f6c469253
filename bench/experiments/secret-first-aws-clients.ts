/**
 * Experiment shim for `lambda/shared/aws-clients.ts`: the same clients, except that the Secrets
 * Manager client is built and the secret's fetch started when this module evaluates, and that
 * `secretRequestSent` resolves once that request has been handed to the HTTP handler. The first
 * fetch the product's secret cache makes for the same secret id is served by that request.
 * With `confirm-secret-first.ts` this evaluates before Powertools, middy and the product's own
 * modules, so the secret's request leaves before they load. Bench-only: it prices a split of
 * the function entry points (secret first, the rest behind a dynamic import).
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as product from '../../lambda/shared/aws-clients';
import type { SecretFetcher } from '../../lambda/shared/client-secret';

export const {
  CONNECTION_TIMEOUT_MS,
  COGNITO_REQUEST_TIMEOUT_MS,
  SECRET_FETCH_TIMEOUT_MS,
  createCognitoClient,
} = product;

let markSent: () => void = () => undefined;

/** Resolves once the secret's first request has been handed to the HTTP handler. */
export const secretRequestSent = new Promise<void>((resolve) => {
  markSent = resolve;
});

interface Handler {
  handle: (...args: unknown[]) => Promise<unknown>;
}

const client = product.createSecretsManagerClient();
const handler = client.config.requestHandler as unknown as Handler;
const handle = handler.handle.bind(handler);
handler.handle = (...args: unknown[]) => {
  const sending = handle(...args);
  setImmediate(markSent);
  return sending;
};
const prefetchedId = process.env.CLIENT_SECRET_ID || undefined;
let prefetched: Promise<string | undefined> | undefined = product.secretFetcher(
  client,
  prefetchedId,
)();
prefetched.catch(() => undefined);

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
