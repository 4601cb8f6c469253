/**
 * Experiment shim for `lambda/shared/aws-clients.ts`: the same module, except that the Cognito
 * client is primed at module load by a dry-run `send` with an already-aborted signal. The SDK runs
 * its whole middleware stack (configuration providers, endpoint rules, serialisation, user agent)
 * and stops at the HTTP handler, which rejects an aborted request before opening a socket: no
 * call reaches Cognito. Scheduled after the secret prefetch has started, the priming fills the
 * secret's network wait with the Cognito client's one-time work instead of leaving it for the
 * first request. Bench-only: it prices the change recommended for `handler-runtime.ts`.
 */
import {
  type CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import * as product from '../../lambda/shared/aws-clients';

export const {
  CONNECTION_TIMEOUT_MS,
  COGNITO_REQUEST_TIMEOUT_MS,
  SECRET_FETCH_TIMEOUT_MS,
  ATTEMPT_COUNT_TIMEOUT_MS,
  createDynamoClient,
  createSecretsManagerClient,
  secretFetcher,
} = product;

export function createCognitoClient(): CognitoIdentityProviderClient {
  const client = product.createCognitoClient();
  setImmediate(() => {
    const dryRun = new ConfirmForgotPasswordCommand({
      ClientId: 'prime',
      Username: 'prime',
      ConfirmationCode: 'prime',
      Password: 'prime',
    });
    client.send(dryRun, { abortSignal: AbortSignal.abort() }).catch(() => undefined);
  });
  return client;
}
