/**
 * Answers made by API Gateway and WAF themselves, written as the same problem documents the
 * handlers send (contract section 2), from the same catalogue and security headers. Pure data
 * builders: the stack turns them into gateway responses, mock integrations and WAF bodies, and
 * the tests compare them with the catalogue.
 */
import {
  PROBLEM_CATALOG,
  type ProblemCode,
  problemDocument,
  RETRY_AFTER_SECONDS,
} from '../lambda/shared/problem-catalog';
import { PROBLEM_CONTENT_TYPE, SECURITY_HEADERS } from '../lambda/shared/security-headers';

/** API Gateway's request id, substituted in gateway-response and mapping templates. */
export const GATEWAY_REQUEST_ID = '$context.requestId';

/**
 * Every gateway response type a caller of this API can meet, with the problem it becomes. The
 * two defaults cannot tell which type fired, so every specific type is listed with its own status;
 * the defaults only catch types added to API Gateway later. Authorizer, API-key and signature
 * types are absent: this API has no authorizer, no API key and no IAM authorization.
 */
export const GATEWAY_RESPONSE_PROBLEMS: Readonly<Record<string, ProblemCode>> = {
  // An unknown path (and `/` itself): API Gateway's "Missing Authentication Token".
  MISSING_AUTHENTICATION_TOKEN: 'NOT_FOUND',
  RESOURCE_NOT_FOUND: 'NOT_FOUND',
  // The request validator rejected the body's shape (the model never echoes a value back).
  BAD_REQUEST_BODY: 'VALIDATION_FAILED',
  BAD_REQUEST_PARAMETERS: 'VALIDATION_FAILED',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  REQUEST_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  THROTTLED: 'TOO_MANY_REQUESTS',
  QUOTA_EXCEEDED: 'TOO_MANY_REQUESTS',
  WAF_FILTERED: 'FORBIDDEN',
  ACCESS_DENIED: 'FORBIDDEN',
  // The function could not be invoked (throttled, crashed, returned garbage): transient for the caller.
  INTEGRATION_FAILURE: 'SERVICE_UNAVAILABLE',
  INTEGRATION_TIMEOUT: 'UPSTREAM_TIMEOUT',
  API_CONFIGURATION_ERROR: 'INTERNAL',
  DEFAULT_4XX: 'FORBIDDEN',
  DEFAULT_5XX: 'INTERNAL',
};

/**
 * `detail` of a gateway-made `UPSTREAM_TIMEOUT`: a gateway response cannot tell forgot from
 * confirm, so it states the confirm caveat, which is the safe advice for both.
 */
const GATEWAY_TIMEOUT_DETAIL =
  'The request took too long to complete. If you were setting a new password, it may already have been changed: try signing in with it before retrying.';

/** The problem document body of a gateway response for a code, with the gateway's request id. */
export function gatewayProblemBody(code: ProblemCode): string {
  if (code === 'UPSTREAM_TIMEOUT') {
    return JSON.stringify(
      problemDocument(code, GATEWAY_REQUEST_ID, { detail: GATEWAY_TIMEOUT_DETAIL }),
    );
  }
  if (code === 'VALIDATION_FAILED') {
    // The gateway's validator cannot say which field failed without quoting the value.
    return JSON.stringify(
      problemDocument(code, GATEWAY_REQUEST_ID, { errors: [GATEWAY_BODY_ERROR] }),
    );
  }
  return JSON.stringify(problemDocument(code, GATEWAY_REQUEST_ID));
}

/** The one field error of a gateway-made `VALIDATION_FAILED`. */
export const GATEWAY_BODY_ERROR = {
  field: 'body',
  message: 'The request body does not have the expected fields and types.',
} as const;

/**
 * Headers of every gateway-made answer: the security headers, the request id and, for answers
 * that invite a retry, `Retry-After`. Values are returned plain (the stack quotes them).
 */
export function gatewayProblemHeaders(code: ProblemCode): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    'Content-Type': PROBLEM_CONTENT_TYPE,
  };
  if (code === 'TOO_MANY_REQUESTS' || code === 'SERVICE_UNAVAILABLE') {
    headers['Retry-After'] = String(RETRY_AFTER_SECONDS[code]);
  }
  return headers;
}

/** HTTP status of a code, as a string the way API Gateway wants it. */
export function statusOf(code: ProblemCode): string {
  return String(PROBLEM_CATALOG[code].status);
}

/**
 * The WAF rate rule's 429 body. WAF has no request id to substitute and cannot send
 * `application/problem+json`; the body is otherwise the handlers' `TOO_MANY_REQUESTS` document.
 */
export function wafTooManyRequestsBody(): string {
  return JSON.stringify(problemDocument('TOO_MANY_REQUESTS', ''));
}
