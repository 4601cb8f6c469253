/**
 * The stack's configuration: every `cdk.json` context key, its default and its validation.
 * Parsing is a pure function of a key lookup so that tests can drive it without an App, and so
 * that a wrong value fails the synth before any resource exists, with a message naming the key.
 */

import {
  MessageTextsError,
  parseDefaultLocale,
  parseTextOverrides,
  type TextOverrides,
} from '../lambda/shared/message-texts';
import { parseResetPageUrl, ResetPageUrlError } from '../lambda/shared/reset-page-url';
import { MAX_RETRY_HOURS } from './after-reset-retry';

/** Where a configuration value came from: the stack's cdk.json context, or a construct prop. */
export type ConfigSource = 'context' | 'prop';

/** Raised for an invalid value; the message always starts with the key's (or prop's) name. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    readonly key: string,
    message: string,
    readonly source: ConfigSource = 'context',
  ) {
    super(
      `${source === 'context' ? 'cdk.json context' : 'PasswordReset prop'} "${key}": ${message}`,
    );
  }
}

/** Threat protection (Cognito feature plan PLUS): off, audit only, or enforced. */
export type ThreatProtection = 'off' | 'audit' | 'enforced';

/** The parsed configuration the stack is built from. */
export interface PasswordResetConfig {
  /** Exact origins allowed by CORS (`https://app.example.com`); empty: no CORS headers. */
  readonly allowedOrigins: readonly string[];
  /** From address of Cognito's code emails and of the trigger's notification; unset: Cognito's default sender and no notification. */
  readonly senderAddress: string | undefined;
  /** The verified SES identity the sender belongs to: the address itself (default) or its domain. */
  readonly sesIdentity: string | undefined;
  /** The SES Region of that identity; unset: the stack's Region. */
  readonly sesRegion: string | undefined;
  readonly threatProtection: ThreatProtection;
  /** Requests per IP and window on the reset paths before WAF answers 429. */
  readonly wafRateLimit: number;
  /** Window of the WAF rate rule, in seconds (60, 120, 300 or 600). */
  readonly wafRateWindowSeconds: number;
  /** API Gateway steady-state requests per second, per method. */
  readonly throttleRateLimit: number;
  /** API Gateway burst, per method. */
  readonly throttleBurstLimit: number;
  /** Email address subscribed to the alarm topic; unset: no subscription. */
  readonly alarmEmail: string | undefined;
  /** Sandbox: no deletion protection, resources destroyed with the stack. */
  readonly sandbox: boolean;
  readonly passwordMinLength: number;
  readonly passwordHistorySize: number;
  readonly revokeSessions: boolean;
  /** Timing floor of every forgot answer (contract section 3). */
  readonly forgotMinResponseMs: number;
  /** Timing floor of every confirm answer (contract section 3). */
  readonly confirmMinResponseMs: number;
  /**
   * Lifetime of the access and ID tokens the stack's app client issues, in minutes. A sign-out
   * after a reset ends refresh tokens only; tokens already issued stay valid until they expire.
   */
  readonly tokenValidityMinutes: number;
  /**
   * Days between automatic rotations of the app-client secret (Secrets Manager schedule); `0`
   * (context `"off"` too) switches the schedule off, rotate-now still works.
   */
  readonly secretRotationDays: number;
  /** Requests per account and operation in one window (our own attempt limit); `0`: off. */
  readonly attemptLimit: number;
  /** The attempt limit's window, in seconds. */
  readonly attemptWindowSeconds: number;
  /**
   * How long the after-reset queue retries a job (the notice, the event, a late sign-out) while
   * its dependency fails, in hours, before the job moves to the dead-letter queue.
   */
  readonly afterResetRetryHours: number;
  /** Retention of every log group the stack creates, in days. */
  readonly logRetentionDays: number;
  /**
   * The reset page the code email links to (username and code in the URL fragment); unset: the
   * email carries the code alone.
   */
  readonly resetPageUrl: string | undefined;
  /** The language of the emails for a user with no `locale` attribute, or one without texts. */
  readonly defaultLocale: string;
  /** A team's own email texts, per locale, laid over the bundled ones (README, "Emails"). */
  readonly messageTexts: TextOverrides;
}

/** Every context key with its default, as documented in README.md (Deploy). */
export const CONFIG_DEFAULTS: Readonly<Record<keyof PasswordResetConfig, unknown>> = {
  allowedOrigins: [],
  senderAddress: undefined,
  sesIdentity: undefined,
  sesRegion: undefined,
  threatProtection: 'off',
  wafRateLimit: 100,
  wafRateWindowSeconds: 300,
  throttleRateLimit: 10,
  throttleBurstLimit: 20,
  alarmEmail: undefined,
  sandbox: false,
  passwordMinLength: 15,
  passwordHistorySize: 5,
  revokeSessions: true,
  forgotMinResponseMs: 700,
  confirmMinResponseMs: 400,
  tokenValidityMinutes: 15,
  secretRotationDays: 90,
  attemptLimit: 10,
  attemptWindowSeconds: 900,
  afterResetRetryHours: 24,
  logRetentionDays: 90,
  resetPageUrl: undefined,
  defaultLocale: 'en',
  messageTexts: {},
};

/**
 * Cognito's account-recovery quota (ForgotPassword + ConfirmForgotPassword), requests per second,
 * per account and Region, not adjustable. API Gateway stage limits apply per method, so the two
 * POST methods together may reach twice the stage rate.
 */
export const COGNITO_ACCOUNT_RECOVERY_QUOTA_RPS = 30;

/** Room for `MESSAGE_TEXTS` in the trigger's environment (Lambda: 4 KB for every variable). */
export const MAX_MESSAGE_TEXTS_BYTES = 3_072;

/** Retention values CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)$/;
const DOMAIN =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

/**
 * Reads and validates the configuration. Context values given with `cdk -c key=value` arrive as
 * strings, so numbers, booleans and lists are accepted in their string forms as well.
 *
 * @example
 * const config = parseConfig((key) => app.node.tryGetContext(key));
 */
export function parseConfig(
  lookup: (key: string) => unknown,
  source: ConfigSource = 'context',
): PasswordResetConfig {
  try {
    return parse(lookup);
  } catch (error) {
    if (error instanceof ConfigurationError && source !== error.source) {
      throw new ConfigurationError(error.key, error.message.replace(/^[^"]*"[^"]*": /, ''), source);
    }
    throw error;
  }
}

function parse(lookup: (key: string) => unknown): PasswordResetConfig {
  const senderAddress = optionalEmail(lookup, 'senderAddress');
  const sesIdentity = parseSesIdentity(lookup, senderAddress);
  const sesRegion = optionalString(lookup, 'sesRegion');
  if (sesRegion !== undefined && !REGION.test(sesRegion)) {
    throw new ConfigurationError(
      'sesRegion',
      `must be an AWS Region such as eu-west-1 (got ${show(sesRegion)})`,
    );
  }
  if (sesRegion !== undefined && senderAddress === undefined) {
    throw new ConfigurationError('sesRegion', 'is only meaningful together with "senderAddress"');
  }
  const sandbox = boolean(lookup, 'sandbox');
  if (senderAddress === undefined && !sandbox) {
    throw new ConfigurationError(
      'senderAddress',
      'is required outside a sandbox: without it Cognito sends codes through its default sender (about 50 emails a day for the whole account, which one caller within the WAF limit exhausts in minutes, blocking every reset) and no one is told their password changed. Either give a verified SES identity (-c senderAddress=no-reply@your-domain.example) or try the stack out with -c sandbox=true',
    );
  }
  const throttleRateLimit = integer(lookup, 'throttleRateLimit', 1, 10_000);
  if (2 * throttleRateLimit >= COGNITO_ACCOUNT_RECOVERY_QUOTA_RPS) {
    throw new ConfigurationError(
      'throttleRateLimit',
      `must stay below ${COGNITO_ACCOUNT_RECOVERY_QUOTA_RPS / 2}: the limit applies to each of the two POST methods and together they must stay below Cognito's ${COGNITO_ACCOUNT_RECOVERY_QUOTA_RPS} requests/s account-recovery quota (got ${throttleRateLimit})`,
    );
  }
  const logRetentionDays = integer(lookup, 'logRetentionDays', 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    throw new ConfigurationError(
      'logRetentionDays',
      `must be one of ${LOG_RETENTION_DAYS.join(', ')} (got ${logRetentionDays})`,
    );
  }
  const wafRateWindowSeconds = integer(lookup, 'wafRateWindowSeconds', 60, 600);
  if (![60, 120, 300, 600].includes(wafRateWindowSeconds)) {
    throw new ConfigurationError(
      'wafRateWindowSeconds',
      `must be 60, 120, 300 or 600 (got ${wafRateWindowSeconds})`,
    );
  }
  return {
    allowedOrigins: parseOrigins(lookup),
    senderAddress,
    sesIdentity,
    sesRegion,
    threatProtection: oneOf(lookup, 'threatProtection', ['off', 'audit', 'enforced'] as const),
    wafRateLimit: integer(lookup, 'wafRateLimit', 10, 2_000_000_000),
    wafRateWindowSeconds,
    throttleRateLimit,
    throttleBurstLimit: integer(lookup, 'throttleBurstLimit', 1, 5_000),
    alarmEmail: optionalEmail(lookup, 'alarmEmail'),
    sandbox,
    passwordMinLength: integer(lookup, 'passwordMinLength', 8, 99),
    passwordHistorySize: integer(lookup, 'passwordHistorySize', 0, 24),
    revokeSessions: boolean(lookup, 'revokeSessions'),
    forgotMinResponseMs: integer(lookup, 'forgotMinResponseMs', 0, 5_000),
    confirmMinResponseMs: integer(lookup, 'confirmMinResponseMs', 0, 5_000),
    // Cognito's own range for access and ID tokens: 5 minutes to 1 day.
    tokenValidityMinutes: integer(lookup, 'tokenValidityMinutes', 5, 1_440),
    // Secrets Manager's schedule allows 1 to 1,000 days.
    secretRotationDays:
      contextValue(lookup, 'secretRotationDays') === 'off'
        ? 0
        : integer(lookup, 'secretRotationDays', 0, 1_000),
    attemptLimit: integer(lookup, 'attemptLimit', 0, 1_000),
    attemptWindowSeconds: integer(lookup, 'attemptWindowSeconds', 60, 86_400),
    // At most SQS's 1,000 deliveries of one job (83 h at one per 300 s), which also leaves a job
    // dead-lettered at the horizon over 10 of the 14 days SQS keeps it from its first enqueue.
    afterResetRetryHours: integer(lookup, 'afterResetRetryHours', 1, MAX_RETRY_HOURS),
    logRetentionDays,
    ...parseMessages(lookup),
  };
}

/** The email settings, checked by the very functions the trigger uses at run time. */
function parseMessages(
  lookup: Lookup,
): Pick<PasswordResetConfig, 'resetPageUrl' | 'defaultLocale' | 'messageTexts'> {
  const page = optionalString(lookup, 'resetPageUrl');
  try {
    if (page !== undefined) parseResetPageUrl(page);
  } catch (error) {
    if (error instanceof ResetPageUrlError)
      throw new ConfigurationError('resetPageUrl', error.message);
    throw error;
  }
  const rawTexts = contextValue(lookup, 'messageTexts');
  let messageTexts: TextOverrides;
  try {
    messageTexts = parseTextOverrides(
      typeof rawTexts === 'string' ? rawTexts : JSON.stringify(rawTexts),
    );
  } catch (error) {
    if (error instanceof MessageTextsError) {
      throw new ConfigurationError('messageTexts', error.message.replace(/^message texts: /, ''));
    }
    throw error;
  }
  // Lambda allows 4 KB for all of a function's variables together.
  const size = Buffer.byteLength(JSON.stringify(messageTexts));
  if (size > MAX_MESSAGE_TEXTS_BYTES) {
    throw new ConfigurationError(
      'messageTexts',
      `takes ${size} bytes as JSON, more than the ${MAX_MESSAGE_TEXTS_BYTES} a Lambda environment leaves room for: change the bundled texts (lambda/shared/message-texts/<language>.json) instead`,
    );
  }
  const locale = contextValue(lookup, 'defaultLocale');
  if (typeof locale !== 'string') {
    throw new ConfigurationError(
      'defaultLocale',
      `must be a BCP 47 language tag (got ${show(locale)})`,
    );
  }
  try {
    return {
      resetPageUrl: page,
      defaultLocale: parseDefaultLocale(locale, messageTexts),
      messageTexts,
    };
  } catch (error) {
    if (error instanceof MessageTextsError) {
      throw new ConfigurationError('defaultLocale', error.message);
    }
    throw error;
  }
}

type Lookup = (key: string) => unknown;

function contextValue(lookup: Lookup, key: keyof PasswordResetConfig): unknown {
  const value = lookup(key);
  return value === undefined || value === null ? CONFIG_DEFAULTS[key] : value;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function integer(lookup: Lookup, key: keyof PasswordResetConfig, min: number, max: number): number {
  const raw = contextValue(lookup, key);
  const value = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(
      key,
      `must be an integer from ${min} to ${max} (got ${show(raw)})`,
    );
  }
  return value;
}

function boolean(lookup: Lookup, key: keyof PasswordResetConfig): boolean {
  const raw = contextValue(lookup, key);
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new ConfigurationError(key, `must be true or false (got ${show(raw)})`);
}

function oneOf<const T extends string>(
  lookup: Lookup,
  key: keyof PasswordResetConfig,
  allowed: readonly T[],
): T {
  const raw = contextValue(lookup, key);
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigurationError(key, `must be one of ${allowed.join(', ')} (got ${show(raw)})`);
}

function optionalString(lookup: Lookup, key: keyof PasswordResetConfig): string | undefined {
  const raw = contextValue(lookup, key);
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') {
    throw new ConfigurationError(key, `must be a string (got ${show(raw)})`);
  }
  return raw.trim();
}

function optionalEmail(lookup: Lookup, key: keyof PasswordResetConfig): string | undefined {
  const value = optionalString(lookup, key);
  if (value !== undefined && !EMAIL.test(value)) {
    throw new ConfigurationError(key, `must be an email address (got ${show(value)})`);
  }
  return value;
}

function parseSesIdentity(lookup: Lookup, senderAddress: string | undefined): string | undefined {
  const identity = optionalString(lookup, 'sesIdentity');
  if (identity === undefined) return senderAddress;
  if (senderAddress === undefined) {
    throw new ConfigurationError('sesIdentity', 'is only meaningful together with "senderAddress"');
  }
  const senderDomain = senderAddress.slice(senderAddress.lastIndexOf('@') + 1).toLowerCase();
  const lower = identity.toLowerCase();
  const matches =
    lower === senderAddress.toLowerCase() || (DOMAIN.test(identity) && senderDomain === lower);
  if (!matches) {
    throw new ConfigurationError(
      'sesIdentity',
      `must be the sender address or its domain (got ${show(identity)} for sender ${show(senderAddress)})`,
    );
  }
  return identity;
}

function parseOrigins(lookup: Lookup): readonly string[] {
  const raw = contextValue(lookup, 'allowedOrigins');
  const list =
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((origin) => origin.trim())
          .filter((origin) => origin !== '')
      : raw;
  if (!Array.isArray(list) || !list.every((origin) => typeof origin === 'string')) {
    throw new ConfigurationError(
      'allowedOrigins',
      `must be a list of origins or a comma-separated string (got ${show(raw)})`,
    );
  }
  for (const origin of list) {
    if (!isExactOrigin(origin)) {
      throw new ConfigurationError(
        'allowedOrigins',
        `each entry must be an exact origin such as https://app.example.com, no wildcard, path or trailing slash (got ${show(origin)})`,
      );
    }
  }
  return list;
}

/** An origin as a browser sends it: scheme, host and optional port; http only for loopback. */
function isExactOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin || url.hostname.includes('*')) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}
