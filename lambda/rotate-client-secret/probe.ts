/**
 * The test step's probe: does Cognito accept a client secret? A `ConfirmForgotPassword` for a
 * random username that cannot exist, with a bogus code, changes nothing and sends nothing; Cognito
 * checks the `SECRET_HASH` first, so a rejection of the hash (told apart exactly as the handlers'
 * error mapping does) means the secret is not live, and the code/user answer means it is.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { computeSecretHash } from '../shared/secret-hash';
import { errorName, isSecretHashRejection } from '../shared/upstream-errors';

/** Answers that prove the hash was accepted: Cognito went on to the user and the code. */
const ACCEPTED_ANSWERS = new Set([
  'CodeMismatchException',
  'ExpiredCodeException',
  'UserNotFoundException',
]);

/** What a probe found. */
export type ProbeVerdict = 'accepted' | 'rejected';

/**
 * The verdict of one probe's outcome; anything else (throttling, an outage, a success that
 * cannot be) is inconclusive and throws, so the step fails and Secrets Manager retries it.
 *
 * @example
 * probeVerdict({ name: 'CodeMismatchException' }) // 'accepted'
 */
export function probeVerdict(error: unknown): ProbeVerdict {
  if (isSecretHashRejection(error)) return 'rejected';
  if (ACCEPTED_ANSWERS.has(errorName(error))) return 'accepted';
  throw new Error(`The secret probe was inconclusive (${errorName(error)}).`);
}

/**
 * Sends one probe with a hash made from `clientSecret` (neither the secret nor the hash is logged
 * or returned).
 *
 * @example
 * await probeSecret(cognito, clientId, pending.clientSecret) // 'accepted'
 */
export async function probeSecret(
  cognito: CognitoIdentityProviderClient,
  clientId: string,
  clientSecret: string,
): Promise<ProbeVerdict> {
  const username = `rotation-probe-${randomUUID()}`;
  try {
    await cognito.send(
      new ConfirmForgotPasswordCommand({
        ClientId: clientId,
        Username: username,
        ConfirmationCode: '000000',
        Password: `Probe-${randomBytes(24).toString('base64url')}`,
        SecretHash: computeSecretHash(clientSecret, username, clientId),
      }),
    );
  } catch (error) {
    return probeVerdict(error);
  }
  throw new Error('The secret probe reset a password it could not have.');
}
