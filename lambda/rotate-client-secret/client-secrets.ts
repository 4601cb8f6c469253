/**
 * Which of the app client's secrets rotation may delete before it adds a new one. Cognito holds
 * at most two; `ListUserPoolClientSecrets` reports their ids and dates, never their values, so
 * the stored value's `clientSecretId` / `previousClientSecretId` say which are in use.
 */
import type { ClientSecretDescriptorType } from '@aws-sdk/client-cognito-identity-provider';
import { RotationError } from './rotation-event';
import type { RotatedSecretValue } from './secret-value';

/** Cognito's limit of secrets per app client. */
export const MAX_CLIENT_SECRETS = 2;

/** The decision of {@link secretToDelete}. */
export interface Deletion {
  readonly clientSecretId: string;
  /** Whether the functions may still fall back to it (it is AWSCURRENT's `previousClientSecret`). */
  readonly isFallback: boolean;
}

/**
 * The secret to delete so that one can be added, or `undefined` while there is room. Never the
 * one AWSCURRENT holds: the oldest of the others. When AWSCURRENT names no id (a value stored
 * before rotation recorded ids) and the client is full, rotation refuses rather than guess which
 * secret the functions use; a placeholder current (before the first rotation) uses none.
 *
 * @example
 * secretToDelete([{ ClientSecretId: 'a' }, { ClientSecretId: 'b' }], { clientSecret: 'x', clientSecretId: 'b' })
 * // { clientSecretId: 'a', isFallback: false }
 */
export function secretToDelete(
  secrets: readonly ClientSecretDescriptorType[],
  current: RotatedSecretValue,
): Deletion | undefined {
  if (secrets.length < MAX_CLIENT_SECRETS) return undefined;
  if (current.clientSecret && !current.clientSecretId) {
    throw new RotationError(
      'The app client holds two secrets and AWSCURRENT does not say which is its own: delete the unused one by hand (README, Rotating the client secret).',
    );
  }
  const candidates = secrets
    .filter((s) => s.ClientSecretId && s.ClientSecretId !== current.clientSecretId)
    .sort((a, b) => dateOf(a) - dateOf(b));
  const oldest = candidates[0]?.ClientSecretId;
  if (!oldest) throw new RotationError('The app client lists no secret that can be deleted.');
  return {
    clientSecretId: oldest,
    isFallback: current.clientSecret !== undefined && oldest === current.previousClientSecretId,
  };
}

function dateOf(secret: ClientSecretDescriptorType): number {
  return secret.ClientSecretCreateDate?.getTime() ?? 0;
}
