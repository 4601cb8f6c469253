/**
 * Describes a failed AWS call for the log without leaking who the user is: SES, for one,
 * quotes the recipient's address in its error messages ("...failed the check in region
 * EU-WEST-1: user@example.com"), and the user name may itself be an email address.
 */
import { EffectTimeoutError } from './with-timeout';

/** What the log says about a failure. */
export interface FailureDescription {
  readonly errorName: string;
  readonly errorMessage: string;
  readonly timedOut: boolean;
  readonly httpStatusCode?: number;
  /** AWS's request id of the failed call, to take to AWS support. */
  readonly awsRequestId?: string;
}

const EMAIL_LIKE = /[^\s@:;,<>"'()[\]]+@[^\s@:;,<>"'()[\]]+/g;
const REDACTED = '[redacted]';

/**
 * Reduces an error to loggable facts: its name, HTTP status and AWS request id, and its message
 * with every value in `sensitive` and anything shaped like an email address replaced.
 *
 * @example
 * describeFailure(error, [userName, email]);
 * // => { errorName: 'MessageRejected', errorMessage: 'Email address is not verified: [redacted]', ... }
 */
export function describeFailure(
  error: unknown,
  sensitive: ReadonlyArray<string | undefined>,
): FailureDescription {
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : '';
  const metadata = readMetadata(error);
  return {
    errorName: redact(name, sensitive),
    errorMessage: redact(message, sensitive),
    timedOut:
      error instanceof EffectTimeoutError || name === 'AbortError' || name === 'TimeoutError',
    ...(metadata?.httpStatusCode === undefined ? {} : { httpStatusCode: metadata.httpStatusCode }),
    ...(metadata?.requestId === undefined ? {} : { awsRequestId: metadata.requestId }),
  };
}

function redact(text: string, sensitive: ReadonlyArray<string | undefined>): string {
  // Addresses first, then the known values longest first, so that no part of one survives.
  let result = text.replace(EMAIL_LIKE, REDACTED);
  const values = sensitive
    .filter((value): value is string => value !== undefined && value.length > 0)
    .sort((a, b) => b.length - a.length);
  for (const value of values) result = result.replaceAll(value, REDACTED);
  return result.slice(0, 500);
}

function readMetadata(error: unknown): { httpStatusCode?: number; requestId?: string } | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata: unknown }).$metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const { httpStatusCode, requestId } = metadata as Record<string, unknown>;
  return {
    ...(typeof httpStatusCode === 'number' ? { httpStatusCode } : {}),
    ...(typeof requestId === 'string' ? { requestId } : {}),
  };
}
