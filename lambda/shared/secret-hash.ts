import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * HMAC keys by client secret. `createHmac` with a string key builds a new key object on every
 * call (a measurable share of a warm request); a container holds at most a current and a
 * previous secret, and a rotation adds one more, so the map stays this small.
 */
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 4;

/**
 * The client secret as an HMAC key object, built once per secret: every keyed hash of a request
 * (the secret hash, the attempt limit's key) reuses it.
 *
 * @example
 * createHmac('sha256', hmacKey(secret))
 */
export function hmacKey(clientSecret: string): KeyObject {
  let key = keys.get(clientSecret);
  if (key === undefined) {
    if (keys.size >= MAX_KEYS) keys.clear();
    key = createSecretKey(Buffer.from(clientSecret, 'utf8'));
    keys.set(clientSecret, key);
  }
  return key;
}

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
  return createHmac('sha256', hmacKey(clientSecret))
    .update(username + clientId, 'utf8')
    .digest('base64');
}
