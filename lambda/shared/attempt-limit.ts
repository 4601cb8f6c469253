/**
 * A per-account attempt limit of our own (issue 11 item 6), so that brute force and lock-out do
 * not rest on Cognito's undocumented per-user limits. Every request for an account counts,
 * whatever its outcome and whether or not the account exists, so the limit is met after the
 * same number of tries by everyone and reveals nothing. The count is kept in DynamoDB under a
 * keyed hash of the normalized username (never the username itself), in a fixed window that
 * DynamoDB's TTL then deletes.
 */
import { createHmac } from 'node:crypto';
import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { hmacKey } from './secret-hash';

/** The limit's settings (`ATTEMPTS_TABLE_NAME`, `ATTEMPT_LIMIT`, `ATTEMPT_WINDOW_SECONDS`). */
export interface AttemptLimitConfig {
  /** The table; unset: no limit of our own (Cognito's alone). */
  readonly tableName: string | undefined;
  /** Requests per account and operation in one window; `0` switches the limit off. */
  readonly limit: number;
  /** The window's length in seconds. */
  readonly windowSeconds: number;
}

/** Defaults: 10 tries per account and operation in 15 minutes (a user retyping a code is far below). */
export const DEFAULT_ATTEMPT_LIMIT = 10;
export const DEFAULT_ATTEMPT_WINDOW_SECONDS = 900;

/** What one counted request may do. */
export type AttemptVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * Reads the limit's environment; unparsable numbers fall back to the defaults (a typo must not
 * switch the limit off: only `ATTEMPT_LIMIT=0` does).
 *
 * @example
 * readAttemptLimitConfig({ ATTEMPTS_TABLE_NAME: 'attempts' }) // { tableName: 'attempts', limit: 10, windowSeconds: 900 }
 */
export function readAttemptLimitConfig(env: NodeJS.ProcessEnv): AttemptLimitConfig {
  const whole = (value: string | undefined, fallback: number, min: number) => {
    const parsed = Number(value);
    return value !== undefined && value.trim() !== '' && Number.isInteger(parsed) && parsed >= min
      ? parsed
      : fallback;
  };
  const tableName = env.ATTEMPTS_TABLE_NAME?.trim();
  return {
    tableName: tableName ? tableName : undefined,
    limit: whole(env.ATTEMPT_LIMIT, DEFAULT_ATTEMPT_LIMIT, 0),
    windowSeconds: whole(env.ATTEMPT_WINDOW_SECONDS, DEFAULT_ATTEMPT_WINDOW_SECONDS, 1),
  };
}

/**
 * The account's key in the table: HMAC-SHA256 of the operation and the username as Cognito
 * matches it (case-insensitive, Unicode NFC), keyed with the client secret, so that the table
 * holds no username and no one without the secret can tell whose counter a row is.
 *
 * @example
 * attemptKey(secret, 'confirm', 'Alice@Example.com') === attemptKey(secret, 'confirm', 'alice@example.com') // true
 */
export function attemptKey(
  clientSecret: string,
  operation: 'forgot' | 'confirm',
  username: string,
): string {
  return createHmac('sha256', hmacKey(clientSecret))
    .update(`attempt-limit\u0000${operation}\u0000${username.normalize('NFC').toLowerCase()}`)
    .digest('base64url');
}

/**
 * The window a request falls in, by wall clock: fixed windows need one conditional-free write
 * and let every counter expire on its own.
 *
 * @example
 * windowOf(1_000_000_123, 900) // { start: 999_999_900, end: 1_000_000_800 }
 */
export function windowOf(
  nowSeconds: number,
  windowSeconds: number,
): { start: number; end: number } {
  const start = Math.floor(nowSeconds / windowSeconds) * windowSeconds;
  return { start, end: start + windowSeconds };
}

/**
 * Counts one request for an account and says whether it may go on; the count and its window
 * are in one `UpdateItem` (atomic `ADD`), so concurrent requests are each counted once.
 *
 * @example
 * const verdict = await countAttempt({ client, config, key, nowMs: Date.now(), signal });
 */
export async function countAttempt(options: {
  readonly client: DynamoDBClient;
  readonly config: AttemptLimitConfig & { readonly tableName: string };
  readonly key: string;
  readonly nowMs: number;
  readonly signal: AbortSignal;
}): Promise<AttemptVerdict> {
  const { config } = options;
  const window = windowOf(Math.floor(options.nowMs / 1000), config.windowSeconds);
  const output = await options.client.send(
    new UpdateItemCommand({
      TableName: config.tableName,
      Key: { key: { S: `${options.key}#${window.start}` } },
      UpdateExpression: 'ADD attempts :one SET expiresAt = if_not_exists(expiresAt, :end)',
      ExpressionAttributeValues: { ':one': { N: '1' }, ':end': { N: String(window.end) } },
      ReturnValues: 'UPDATED_NEW',
    }),
    { abortSignal: options.signal },
  );
  const attempts = Number(output.Attributes?.attempts?.N ?? '1');
  if (attempts <= config.limit) return { allowed: true };
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, window.end - Math.floor(options.nowMs / 1000)),
  };
}
