/**
 * Reads contract section 5's environment once per container. Missing values are kept as
 * `undefined` rather than thrown at module load: an import that throws kills every invocation
 * with an opaque runtime error, whereas a handler that knows its configuration is incomplete
 * answers `INTERNAL`, logs why and trips the alarm.
 */

export interface HandlerConfig {
  readonly clientId: string | undefined;
  readonly secretId: string | undefined;
  readonly allowedOrigins: ReadonlySet<string>;
  /** Timing floor of forgot answers in ms; `0` switches the floor and its jitter off. */
  readonly minResponseMs: number;
}

/** Default timing floor of forgot answers (contract section 3). */
export const DEFAULT_MIN_RESPONSE_MS = 400;

/**
 * @example
 * const config = readHandlerConfig(process.env);
 */
export function readHandlerConfig(env: NodeJS.ProcessEnv): HandlerConfig {
  return {
    clientId: nonEmpty(env.USER_POOL_CLIENT_ID),
    secretId: nonEmpty(env.CLIENT_SECRET_ID),
    allowedOrigins: parseOrigins(env.ALLOWED_ORIGINS),
    minResponseMs: parseMinResponseMs(env.FORGOT_MIN_RESPONSE_MS),
  };
}

/**
 * Comma-separated exact origins; blanks and a trailing slash are tolerated because they are the
 * usual typos, and `*` is dropped because the contract allows no wildcard.
 *
 * @example
 * parseOrigins('https://a.example, https://b.example/, *') // Set { 'https://a.example', 'https://b.example' }
 */
export function parseOrigins(value: string | undefined): ReadonlySet<string> {
  const origins = (value ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter((origin) => origin !== '' && origin !== '*');
  return new Set(origins);
}

/**
 * A non-negative integer, or the default when unset or unparsable: a typo must not switch the
 * anti-enumeration floor off (only an explicit `0` does).
 *
 * @example
 * parseMinResponseMs('0') // 0
 * parseMinResponseMs('fast') // 400
 */
export function parseMinResponseMs(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_MIN_RESPONSE_MS;
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : DEFAULT_MIN_RESPONSE_MS;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
