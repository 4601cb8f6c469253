/**
 * Experiment shim for `lambda/shared/aws-clients.ts`: the same module, except that the Secrets
 * Manager client signals when its first request reaches the HTTP layer. With
 * `confirm-early-secret.ts` awaiting that signal at the top level, the secret's request leaves
 * during init instead of after it, so the handler's own first run overlaps the secret's round
 * trip. Bench-only: it prices a change to `handler-runtime.ts` / the function entry points.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as product from '../../lambda/shared/aws-clients';

export const {
  CONNECTION_TIMEOUT_MS,
  COGNITO_REQUEST_TIMEOUT_MS,
  SECRET_FETCH_TIMEOUT_MS,
  ATTEMPT_COUNT_TIMEOUT_MS,
  createDynamoClient,
  createCognitoClient,
  secretFetcher,
} = product;

let markSent: () => void = () => undefined;

/** Resolves once the first secret request has been handed to the HTTP handler. */
export const secretRequestSent = new Promise<void>((resolve) => {
  markSent = resolve;
});

interface Handler {
  handle: (...args: unknown[]) => Promise<unknown>;
}

export function createSecretsManagerClient(): SecretsManagerClient {
  const client = product.createSecretsManagerClient();
  const handler = client.config.requestHandler as unknown as Handler;
  const handle = handler.handle.bind(handler);
  handler.handle = (...args: unknown[]) => {
    const sending = handle(...args);
    setImmediate(markSent);
    return sending;
  };
  return client;
}
