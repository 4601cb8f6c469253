/**
 * Reads contract section 5's environment once per container. Missing values are kept as
 * `undefined` rather than thrown at module load: an import that throws kills every invocation
 * with an opaque runtime error, whereas a handler that knows its configuration is incomplete
 * answers `INTERNAL`, logs why and trips the alarm.
 */
import { DEFAULT_SECRET_TTL_MS } from './client-secret';
import { nonBlank } from './non-blank';
import { type PasswordPolicySetting, parsePasswordPolicy } from './password-policy';

export interface HandlerConfig {
  readonly clientId: string | undefined;
  readonly secretId: string | undefined;
  readonly allowedOrigins: ReadonlySet<string>;
  /** Timing floor of forgot answers in ms; `0` switches the floor and its jitter off. */
  readonly minResponseMs: number;
  /** Timing floor of confirm answers in ms; `0` switches the floor and its jitter off. */
  readonly confirmMinResponseMs: number;
  /** The pool's password policy (`PASSWORD_POLICY`), checked by confirm before Cognito is. */
  readonly passwordPolicy: PasswordPolicySetting;
  /**
   * How long a container keeps the client secret before it reads it again
   * (`CLIENT_SECRET_CACHE_SECONDS`, 1-3600, default 300). Rotation deletes a replaced secret only
   * after twice this (its `MIN_CURRENT_AGE_SECONDS`), so no container can still be using it.
   */
  readonly secretCacheMs: number;
}

/**
 * Default timing floor of forgot answers (contract section 3). Above an existing user's slowest
 * ForgotPassword, which includes Cognito's invocation of the CustomMessage trigger, cold (a new
 * sandbox, then the trigger's init and first run: `test/enumeration/latency-model.ts`), since
 * Cognito invokes it for existing users only (issue 15; 400 ms before the trigger).
 */
export const DEFAULT_MIN_RESPONSE_MS = 700;
/**
 * Default timing floor of confirm answers (contract section 3). A wrong code costs Cognito a
 * user lookup and a code check for an existing account and nothing for an unknown one, the same
 * order of work as forgot without the message, so forgot's floor covers it too.
 */
export const DEFAULT_CONFIRM_MIN_RESPONSE_MS = 400;

/**
 * @example
 * const config = readHandlerConfig(process.env);
 */
export function readHandlerConfig(env: NodeJS.ProcessEnv): HandlerConfig {
  return {
    clientId: nonBlank(env.USER_POOL_CLIENT_ID),
    secretId: nonBlank(env.CLIENT_SECRET_ID),
    allowedOrigins: parseOrigins(env.ALLOWED_ORIGINS),
    minResponseMs: parseMinResponseMs(env.FORGOT_MIN_RESPONSE_MS),
    confirmMinResponseMs: parseMinResponseMs(
      env.CONFIRM_MIN_RESPONSE_MS,
      DEFAULT_CONFIRM_MIN_RESPONSE_MS,
    ),
    passwordPolicy: parsePasswordPolicy(env.PASSWORD_POLICY),
    secretCacheMs: parseSecretCacheSeconds(env.CLIENT_SECRET_CACHE_SECONDS) * 1000,
  };
}

/** Default of `CLIENT_SECRET_CACHE_SECONDS`: the cache's own default period. */
export const DEFAULT_SECRET_CACHE_SECONDS = DEFAULT_SECRET_TTL_MS / 1000;

/**
 * A whole number of seconds from 1 to 3600; anything else is the default (a typo must not turn
 * the cache off and put Secrets Manager in every request's path).
 *
 * @example
 * parseSecretCacheSeconds('60') // 60
 * parseSecretCacheSeconds('0') // 300
 */
export function parseSecretCacheSeconds(value: string | undefined): number {
  const seconds = value !== undefined && /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
  return seconds >= 1 && seconds <= 3_600 ? seconds : DEFAULT_SECRET_CACHE_SECONDS;
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
 * parseMinResponseMs('fast') // 700
 */
export function parseMinResponseMs(
  value: string | undefined,
  fallback: number = DEFAULT_MIN_RESPONSE_MS,
): number {
  if (value === undefined || value.trim() === '') return fallback;
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : fallback;
}
