/**
 * Cognito's `SECRET_HASH`, computed and checked the way the service does, so that the local
 * Cognito front rejects exactly what the real user pool would.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Base64 HMAC-SHA256 of `username + clientId` keyed with the client secret (Cognito's definition).
 *
 * @example
 * computeSecretHash('alice@example.com', '1example23456789', 'secret') // 'base64...'
 */
export function computeSecretHash(
  username: string,
  clientId: string,
  clientSecret: string,
): string {
  return createHmac('sha256', clientSecret)
    .update(`${username}${clientId}`, 'utf8')
    .digest('base64');
}

/**
 * Whether a caller's `SecretHash` matches, compared in constant time so the local stack does not
 * teach anyone a timing oracle either.
 */
export function secretHashMatches(
  given: string,
  username: string,
  clientId: string,
  clientSecret: string,
): boolean {
  const expected = Buffer.from(computeSecretHash(username, clientId, clientSecret), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
