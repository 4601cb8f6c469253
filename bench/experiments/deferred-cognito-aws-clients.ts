/**
 * Experiment shim for `lambda/shared/aws-clients.ts`: the same clients, except that the Cognito
 * client is not built at module load. `createCognitoClient()` returns a stand-in that builds the
 * real client as soon as the secret's first request has been handed to the HTTP handler (or at
 * its first use, whichever comes first). The Cognito client is first needed only after the
 * secret has arrived, so its construction (the first SDK client built pays the SDK's one-time
 * set-up) moves off the path to the secret's request and into the secret's round trip. With
 * `PRIME_COGNITO` set, the real client is also primed by a dry-run send in the same wait (see
 * `primed-aws-clients.ts`). Bench-only: it prices a change to `lambda/shared/aws-clients.ts`.
 */
import {
  type CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as product from '../../lambda/shared/aws-clients';

export const {
  CONNECTION_TIMEOUT_MS,
  COGNITO_REQUEST_TIMEOUT_MS,
  SECRET_FETCH_TIMEOUT_MS,
  secretFetcher,
} = product;

declare const PRIME_COGNITO: boolean;

let cognito: CognitoIdentityProviderClient | undefined;

function realCognito(): CognitoIdentityProviderClient {
  if (cognito === undefined) {
    cognito = product.createCognitoClient();
    if (PRIME_COGNITO) {
      const dryRun = new ConfirmForgotPasswordCommand({
        ClientId: 'prime',
        Username: 'prime',
        ConfirmationCode: 'prime',
        Password: 'prime',
      });
      cognito.send(dryRun, { abortSignal: AbortSignal.abort() }).catch(() => undefined);
    }
  }
  return cognito;
}

export function createCognitoClient(): CognitoIdentityProviderClient {
  return new Proxy({} as CognitoIdentityProviderClient, {
    get: (_target, key) => {
      const client = realCognito();
      const value: unknown = Reflect.get(client, key, client);
      return typeof value === 'function' ? value.bind(client) : value;
    },
  });
}

interface Handler {
  handle: (...args: unknown[]) => Promise<unknown>;
}

export function createSecretsManagerClient(): SecretsManagerClient {
  const client = product.createSecretsManagerClient();
  const handler = client.config.requestHandler as unknown as Handler;
  const handle = handler.handle.bind(handler);
  handler.handle = (...args: unknown[]) => {
    const sending = handle(...args);
    setImmediate(realCognito);
    return sending;
  };
  return client;
}
