/**
 * The local stack's settings, from the command line and the environment (pure, so the rules are
 * testable): `PORT` for the API and one variable per other part, `LOCAL_DIR`, and whether to
 * reuse the previous run's data.
 */
import { isAbsolute, resolve } from 'node:path';
import { MAX_RETRY_HOURS } from '../infra/after-reset-retry';
import type { StackPorts } from './stack';
import { CDK_THROTTLE_DEFAULTS, type ThrottleLimits } from './throttle';

/** A setting the stack cannot run with. */
export class StackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackConfigError';
  }
}

/** Everything `npm start` was asked for. */
export interface StackConfig {
  readonly help: boolean;
  readonly keepData: boolean;
  readonly debug: boolean;
  readonly localDir: string;
  readonly ports: StackPorts;
  readonly extraAllowedOrigins: readonly string[];
  readonly forgotMinResponseMs: string;
  readonly confirmMinResponseMs: string;
  /** The per-account attempt limit and its window (`0` switches the limit off). */
  readonly attemptLimit: string;
  readonly attemptWindowSeconds: string;
  /** The rotation function's MIN_CURRENT_AGE_SECONDS (how old AWSCURRENT must be before rotation deletes the secret before it). */
  readonly rotationMinCurrentAgeSeconds: string;
  /** The API functions' CLIENT_SECRET_CACHE_SECONDS. */
  readonly secretCacheSeconds: string;
  /** The after-reset queue's retry horizon in hours (the deployed `afterResetRetryHours`). */
  readonly afterResetRetryHours: number;
  /** Factor on the local SQS's timings (visibility timeout, retention): 1 is SQS's own. */
  readonly afterResetTimeScale: number;
  /** Where the handlers are loaded from: `<dir>/<function>/index.ts` (or `index.mjs`). */
  readonly lambdaDir: string;
  /** API Gateway's per-method stage throttling; `undefined` when switched off. */
  readonly throttle: ThrottleLimits | undefined;
}

/** The usage text of `npm start -- --help`. */
export const USAGE = `Usage: npm start [-- --keep | --reset] [--bundles] [--debug] [--help]

Runs the password-reset service on this machine (loopback only) until Ctrl-C.
  --reset   start from an empty user pool with a new app client and demo user (default)
  --keep    reuse the previous run's user pool, app client and users from LOCAL_DIR
  --bundles run the built bundles (dist/lambda/<name>/index.mjs, from npm run build) instead
            of the TypeScript sources
  --debug   verbose logs from cognito-local and the handlers

Environment:
  PORT=3000            the API (0: any free port)
  CLIENT_PORT=PORT+1   the reference reset page (a different origin, so CORS is exercised)
  COGNITO_PORT=PORT+2  the local Cognito endpoint
  SERVICES_PORT=PORT+3 Secrets Manager, EventBridge, Lambda, mailbox, events, sign-outs
  SES_PORT=PORT+4      the SES emulator (its web page lists every stored mail)
  LOCAL_DIR=.local     data directory; stack.json is written there once ready
  ALLOWED_ORIGINS      extra comma-separated CORS origins besides the reference page
  FORGOT_MIN_RESPONSE_MS=700  the forgot timing floor (0 switches it off)
  CONFIRM_MIN_RESPONSE_MS=400 the confirm timing floor (0 switches it off)
  ATTEMPT_LIMIT=10            requests per account and operation in a window (0: off)
  ATTEMPT_WINDOW_SECONDS=900  the attempt limit's window
  CLIENT_SECRET_CACHE_SECONDS=300  how long the functions keep the client secret
  AFTER_RESET_RETRY_HOURS=24   how long the after-reset queue retries a notice or event (1-83)
  AFTER_RESET_TIME_SCALE=1     factor on the local SQS timings (0.001: a 5 min retry in 0.3 s)
  ROTATION_MIN_CURRENT_AGE_SECONDS=600  how long a client secret must have been AWSCURRENT
                              before rotation deletes the one before it (default: twice the cache)
  THROTTLE_RATE_LIMIT=10      API Gateway stage throttling per method, requests/s (cdk.json
  THROTTLE_BURST_LIMIT=20     context throttleRateLimit/throttleBurstLimit; 0 switches it off)
  LAMBDA_DIR=lambda    handler directory (for trying other handler code against the stack)`;

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new StackConfigError(`${name} must be a port number (0-65535), got "${text}"`);
  }
  return value;
}

function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) > 100_000) {
    throw new StackConfigError(
      `${name} must be a whole number (0 switches throttling off), got "${text}"`,
    );
  }
  return Number(text);
}

/**
 * Reads the settings. `throttleDefaults` are the CDK context's limits (read from `cdk.json` by
 * the caller, so this stays pure).
 *
 * @example
 * parseStackConfig(['--keep'], { PORT: '4000' }, '/repo').ports.client // 4001
 */
export function parseStackConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  throttleDefaults: ThrottleLimits = CDK_THROTTLE_DEFAULTS,
): StackConfig {
  const flags = new Set(argv);
  for (const flag of flags) {
    if (!['--keep', '--reset', '--bundles', '--debug', '--help', '-h'].includes(flag)) {
      throw new StackConfigError(`unknown option ${flag}\n\n${USAGE}`);
    }
  }
  if (flags.has('--keep') && flags.has('--reset')) {
    throw new StackConfigError('--keep and --reset exclude each other');
  }
  const api = port(env, 'PORT', 3000);
  const next = (offset: number): number => (api === 0 ? 0 : api + offset);
  const localDir = env.LOCAL_DIR && env.LOCAL_DIR !== '' ? env.LOCAL_DIR : '.local';
  const floor = milliseconds(env, 'FORGOT_MIN_RESPONSE_MS', '700');
  const confirmFloor = milliseconds(env, 'CONFIRM_MIN_RESPONSE_MS', '400');
  const attemptLimit = wholeNumber(env, 'ATTEMPT_LIMIT', '10');
  const attemptWindowSeconds = wholeNumber(env, 'ATTEMPT_WINDOW_SECONDS', '900');
  const secretCacheSeconds = wholeNumber(env, 'CLIENT_SECRET_CACHE_SECONDS', '300');
  const rotationMinCurrentAgeSeconds = wholeNumber(
    env,
    'ROTATION_MIN_CURRENT_AGE_SECONDS',
    String(2 * Number(secretCacheSeconds)),
  );
  const afterResetRetryHours = Number(wholeNumber(env, 'AFTER_RESET_RETRY_HOURS', '24'));
  if (afterResetRetryHours < 1 || afterResetRetryHours > MAX_RETRY_HOURS) {
    throw new StackConfigError(
      `AFTER_RESET_RETRY_HOURS must be from 1 to ${MAX_RETRY_HOURS}, got ${afterResetRetryHours}`,
    );
  }
  const afterResetTimeScale = Number(env.AFTER_RESET_TIME_SCALE ?? '1');
  if (!(afterResetTimeScale > 0 && afterResetTimeScale <= 1)) {
    throw new StackConfigError(
      `AFTER_RESET_TIME_SCALE must be a number above 0 and at most 1, got "${env.AFTER_RESET_TIME_SCALE}"`,
    );
  }
  const origins = (env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) {
      throw new StackConfigError(
        `ALLOWED_ORIGINS entries must be exact origins like http://localhost:5173, got "${origin}"`,
      );
    }
  }
  const rateLimit = count(env, 'THROTTLE_RATE_LIMIT', throttleDefaults.rateLimit);
  const burstLimit = count(env, 'THROTTLE_BURST_LIMIT', throttleDefaults.burstLimit);
  return {
    help: flags.has('--help') || flags.has('-h'),
    keepData: flags.has('--keep'),
    debug: flags.has('--debug') || (env.DEBUG !== undefined && env.DEBUG !== ''),
    localDir: isAbsolute(localDir) ? localDir : resolve(cwd, localDir),
    ports: {
      api,
      client: port(env, 'CLIENT_PORT', next(1)),
      cognito: port(env, 'COGNITO_PORT', next(2)),
      services: port(env, 'SERVICES_PORT', next(3)),
      ses: port(env, 'SES_PORT', next(4)),
    },
    extraAllowedOrigins: origins,
    forgotMinResponseMs: floor,
    confirmMinResponseMs: confirmFloor,
    attemptLimit,
    attemptWindowSeconds,
    rotationMinCurrentAgeSeconds,
    secretCacheSeconds,
    afterResetRetryHours,
    afterResetTimeScale,
    lambdaDir: resolve(cwd, env.LAMBDA_DIR || (flags.has('--bundles') ? 'dist/lambda' : 'lambda')),
    throttle: rateLimit === 0 || burstLimit === 0 ? undefined : { rateLimit, burstLimit },
  };
}

/** A whole number of milliseconds from `env[name]`, or a configuration error naming the variable. */
function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  return wholeNumber(env, name, fallback, ' of milliseconds');
}

/** A whole number from `env[name]`, or a configuration error naming the variable. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: string, unit = ''): string {
  const value = env[name] ?? fallback;
  if (!/^\d+$/.test(value)) {
    throw new StackConfigError(`${name} must be a whole number${unit}, got "${value}"`);
  }
  return value;
}
