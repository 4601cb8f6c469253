/**
 * The one error type that crosses the middleware stack. It carries only what the answer needs (a
 * problem code, an optional detail) and the name of the upstream error that caused it, never the
 * upstream error itself: SDK and parser errors can hold request bodies, messages echoing submitted
 * values, or a raw `cause` that Powertools would copy verbatim into a log line.
 */
import type { FieldError, ProblemCode } from './problem-catalog';

/**
 * A failure as the caller will see it: a catalogue code, and for the logs only the upstream
 * error's name and a reason written by this code. Only this type reaches the responder, so no
 * upstream message, body or `cause` can reach an answer or a log line.
 *
 * @example
 * throw new ProblemError('SERVICE_UNAVAILABLE', { upstream: 'InternalErrorException' });
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly code: ProblemCode;
  readonly detail: string | undefined;
  readonly errors: readonly FieldError[] | undefined;
  /** Name of the upstream error (e.g. `CodeMismatchException`), for logs only. */
  readonly upstream: string | undefined;
  /** An operator-facing explanation written by this code (never caller input), for logs only. */
  readonly reason: string | undefined;
  /** `Retry-After` in seconds when it is known (an attempt window's end), else the code's default. */
  readonly retryAfterSeconds: number | undefined;

  /**
   * @example
   * throw new ProblemError('INVALID_CODE', { upstream: error.name });
   */
  constructor(
    code: ProblemCode,
    options: {
      detail?: string;
      errors?: readonly FieldError[];
      upstream?: string;
      reason?: string;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(code);
    this.code = code;
    this.detail = options.detail;
    this.errors = options.errors;
    this.upstream = options.upstream;
    this.reason = options.reason;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * A configuration fault (missing variable, unusable secret): the caller gets `INTERNAL`, the log
 * gets the message as `reason`, so operators learn which setting is wrong. Messages are written
 * by this code and never hold a configured or submitted value.
 *
 * @example
 * throw new ConfigurationError('CLIENT_SECRET_ID is not set.');
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}
