import { createHmac } from 'node:crypto';

/**
 * Cognito's `SECRET_HASH`: Base64(HMAC-SHA256(key = client secret, message = username + client
 * id)). It must be computed from the exact username string sent in the same request, or Cognito
 * rejects it as a wrong secret.
 *
 * @example
 * computeSecretHash(secret, 'alice', clientId) // 'hQ3...='
 */
export function computeSecretHash(
  clientSecret: string,
  username: string,
  clientId: string,
): string {
  return createHmac('sha256', clientSecret)
    .update(username + clientId, 'utf8')
    .digest('base64');
}
