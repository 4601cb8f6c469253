/**
 * Reads a handler's answer against the contract (sections 2 and 3), independently of the
 * product's own catalogue where the contract states the value, so a drift in the catalogue is
 * caught rather than mirrored.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

/** Contract section 2's table: code and status. */
export const CONTRACT_STATUS: Readonly<Record<string, number>> = {
  MALFORMED_JSON: 400,
  VALIDATION_FAILED: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_CODE: 400,
  INVALID_PASSWORD: 400,
  PASSWORD_REUSED: 400,
  TOO_MANY_REQUESTS: 429,
  FORBIDDEN: 403,
  DELIVERY_FAILED: 502,
  PASSWORD_RESET_INCOMPLETE: 502,
  SERVICE_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INTERNAL: 500,
};

/** Contract section 3: on every answer. */
export const REQUIRED_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly requestId: string;
  readonly errors?: readonly { field: string; message: string }[];
}

/** Response headers with lower-cased names, single- and multi-value merged. */
export function headersOf(result: APIGatewayProxyResult): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    headers[name.toLowerCase()] = String(value);
  }
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers[name.toLowerCase()] = values.map(String).join(', ');
  }
  return headers;
}

/**
 * Returns a list of ways `result` breaks the contract's shape for a problem document (empty when
 * it is one): content type, body fields, status agreement, security headers, and `Retry-After`
 * where the code requires it.
 */
export function problemViolations(result: APIGatewayProxyResult, requestId?: string): string[] {
  const violations: string[] = [];
  const headers = headersOf(result);
  violations.push(...headerViolations(result));
  if (!/^application\/problem\+json(;|$)/i.test(headers['content-type'] ?? '')) {
    violations.push(`content-type ${headers['content-type']}`);
  }
  let body: Partial<Problem>;
  try {
    body = JSON.parse(result.body ?? '') as Partial<Problem>;
  } catch {
    return [...violations, 'body is not JSON'];
  }
  if (body.type !== 'about:blank') violations.push('type is not about:blank');
  if (typeof body.title !== 'string' || body.title === '') violations.push('title missing');
  if (typeof body.detail !== 'string' || body.detail === '') violations.push('detail missing');
  if (typeof body.code !== 'string' || !(body.code in CONTRACT_STATUS)) {
    violations.push(`unknown code ${String(body.code)}`);
  } else if (CONTRACT_STATUS[body.code] !== result.statusCode) {
    violations.push(`code ${body.code} with status ${result.statusCode}`);
  }
  if (body.status !== result.statusCode) violations.push('body status differs from HTTP status');
  if (typeof body.requestId !== 'string' || body.requestId === '')
    violations.push('requestId missing');
  if (requestId !== undefined && body.requestId !== requestId)
    violations.push('requestId is not the Lambda request id');
  if (body.requestId !== headers['x-request-id'])
    violations.push('X-Request-Id differs from requestId');
  if (body.code === 'VALIDATION_FAILED' && !Array.isArray(body.errors))
    violations.push('errors missing');
  if (body.code === 'TOO_MANY_REQUESTS' || body.code === 'SERVICE_UNAVAILABLE') {
    const retryAfter = headers['retry-after'];
    if (retryAfter === undefined || !/^[1-9]\d*$/.test(retryAfter)) {
      violations.push(`Retry-After ${String(retryAfter)}`);
    }
  }
  return violations;
}

/** The security headers of section 3 and `X-Request-Id`. */
export function headerViolations(result: APIGatewayProxyResult): string[] {
  const headers = headersOf(result);
  const violations: string[] = [];
  for (const [name, value] of Object.entries(REQUIRED_HEADERS)) {
    if (headers[name] !== value) violations.push(`${name}: ${String(headers[name])}`);
  }
  if (!headers['x-request-id']) violations.push('x-request-id missing');
  return violations;
}

/** Parses a problem document body (after {@link problemViolations} found none). */
export function problemOf(result: APIGatewayProxyResult): Problem {
  return JSON.parse(result.body ?? '') as Problem;
}
