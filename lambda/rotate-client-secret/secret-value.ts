/**
 * The rotated secret's JSON: what the functions read (`clientSecret`, `previousClientSecret`,
 * see lambda/shared/client-secret.ts) plus the Cognito ids of those secrets, which
 * `ListUserPoolClientSecrets` reports without values and which rotation needs to know which of
 * the client's two secrets it may delete.
 */

/** The stored value; a placeholder (before the first rotation) has no `clientSecret`. */
export interface RotatedSecretValue {
  readonly clientSecret?: string;
  readonly clientSecretId?: string;
  readonly previousClientSecret?: string;
  readonly previousClientSecretId?: string;
}

/**
 * Reads a stored value. Anything that is not an object with a non-empty string `clientSecret`
 * is a placeholder: the value the template created before rotation wrote the first secret.
 *
 * @example
 * readSecretValue('{"placeholder":"x"}') // {}
 */
export function readSecretValue(secretString: string | undefined): RotatedSecretValue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString ?? '');
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const record = parsed as Record<string, unknown>;
  const text = (key: string) =>
    typeof record[key] === 'string' && record[key] !== '' ? (record[key] as string) : undefined;
  const clientSecret = text('clientSecret');
  if (!clientSecret) return {};
  return {
    clientSecret,
    clientSecretId: text('clientSecretId'),
    previousClientSecret: text('previousClientSecret'),
    previousClientSecretId: text('previousClientSecretId'),
  };
}

/**
 * The pending value: the new secret, and the current one as the functions' fallback (none when
 * the current value is a placeholder).
 *
 * @example
 * pendingSecretValue({ clientSecret: 'old', clientSecretId: 'a' }, { value: 'new', id: 'b' })
 */
export function pendingSecretValue(
  current: RotatedSecretValue,
  added: { readonly value: string; readonly id: string },
): string {
  const value: RotatedSecretValue = {
    clientSecret: added.value,
    clientSecretId: added.id,
    ...(current.clientSecret
      ? {
          previousClientSecret: current.clientSecret,
          previousClientSecretId: current.clientSecretId,
        }
      : {}),
  };
  return JSON.stringify(value);
}
