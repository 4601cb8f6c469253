/**
 * The product's problem codes (contract section 2) and the one wording each has. The handlers,
 * the API Gateway gateway responses, the WAF block body and the local gateway all read this
 * catalogue, so that a caller sees the same document whichever layer answers.
 */

/** Every `code` a problem document of this API can carry. */
export type ProblemCode =
  | 'MALFORMED_JSON'
  | 'VALIDATION_FAILED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'INVALID_CODE'
  | 'INVALID_PASSWORD'
  | 'PASSWORD_REUSED'
  | 'TOO_MANY_REQUESTS'
  | 'FORBIDDEN'
  | 'DELIVERY_FAILED'
  | 'PASSWORD_RESET_INCOMPLETE'
  | 'SERVICE_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'INTERNAL';

export interface ProblemEntry {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
}

/** Default `Retry-After` (seconds) for answers that invite a retry. */
export const RETRY_AFTER_SECONDS = {
  TOO_MANY_REQUESTS: 5,
  SERVICE_UNAVAILABLE: 2,
} as const;

/**
 * Status, title and default detail per code. Details address the end user and never echo a
 * submitted value; a caller may replace `detail` where the contract asks for a specific one
 * (the failed password rule, or the confirm-specific wording of `UPSTREAM_TIMEOUT`).
 */
export const PROBLEM_CATALOG: Readonly<Record<ProblemCode, ProblemEntry>> = {
  MALFORMED_JSON: {
    status: 400,
    title: 'Malformed request body',
    detail: 'The request body must be a JSON object in UTF-8.',
  },
  VALIDATION_FAILED: {
    status: 400,
    title: 'Invalid request',
    detail: 'One or more fields are invalid. See errors.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported media type',
    detail: 'Send the request body as application/json.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'Payload too large',
    detail: 'The request body must not exceed 16384 bytes.',
  },
  INVALID_CODE: {
    status: 400,
    title: 'Invalid code',
    detail: 'The code is invalid or has expired. Request a new code.',
  },
  INVALID_PASSWORD: {
    status: 400,
    title: 'Invalid password',
    detail: 'The new password does not meet the password policy.',
  },
  PASSWORD_REUSED: {
    status: 400,
    title: 'Password reused',
    detail: 'The new password was used recently. Choose a different password.',
  },
  TOO_MANY_REQUESTS: {
    status: 429,
    title: 'Too many requests',
    detail: 'Too many attempts. Wait a moment and try again.',
  },
  FORBIDDEN: {
    status: 403,
    title: 'Forbidden',
    detail: 'The request was blocked.',
  },
  DELIVERY_FAILED: {
    status: 502,
    title: 'Code delivery failed',
    detail: 'The confirmation code could not be sent. Try again later.',
  },
  PASSWORD_RESET_INCOMPLETE: {
    status: 502,
    title: 'Password reset incomplete',
    detail:
      'The password may already have been changed. Try signing in with the new password before retrying.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    title: 'Service unavailable',
    detail: 'The service is temporarily unavailable. Try again shortly.',
  },
  UPSTREAM_TIMEOUT: {
    status: 504,
    title: 'Upstream timeout',
    detail: 'The request took too long to complete. Try again shortly.',
  },
  NOT_FOUND: {
    status: 404,
    title: 'Not found',
    detail: 'No resource exists at this path.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'Method not allowed',
    detail: 'This path accepts POST only.',
  },
  INTERNAL: {
    status: 500,
    title: 'Internal error',
    detail: 'Something went wrong on our side. Try again later.',
  },
};

/** `detail` of `UPSTREAM_TIMEOUT` on confirm: the password may have changed (contract section 2). */
export const CONFIRM_TIMEOUT_DETAIL =
  'The request took too long to complete. The password may already have been changed: try signing in with the new password before retrying.';

/** One entry of a `VALIDATION_FAILED` document's `errors`: a dot-notation path and a message. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** An RFC 9457 problem document as this API sends it. */
export interface ProblemDocument {
  readonly type: 'about:blank';
  readonly title: string;
  readonly status: number;
  readonly code: ProblemCode;
  readonly detail: string;
  readonly requestId: string;
  readonly errors?: readonly FieldError[];
}

/**
 * Builds the problem document for a code. Pure, so the gateway layers and the handlers produce
 * byte-identical bodies for the same code and request id.
 *
 * @example
 * problemDocument('INVALID_CODE', context.awsRequestId)
 */
export function problemDocument(
  code: ProblemCode,
  requestId: string,
  options: { detail?: string; errors?: readonly FieldError[] } = {},
): ProblemDocument {
  const entry = PROBLEM_CATALOG[code];
  return {
    type: 'about:blank',
    title: entry.title,
    status: entry.status,
    code,
    detail: options.detail ?? entry.detail,
    requestId,
    ...(options.errors ? { errors: options.errors } : {}),
  };
}
