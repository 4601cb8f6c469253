/**
 * Response headers of contract section 3: the security set, the request id and CORS for listed
 * origins only (exact match, no wildcard, `Vary: Origin` whenever CORS is configured so that a
 * shared cache could never hand one origin's answer to another).
 */
import { CORS_ALLOW_HEADERS, CORS_ALLOW_METHODS, SECURITY_HEADERS } from './security-headers';

/** How long a browser may cache a preflight answer. */
export const CORS_MAX_AGE_SECONDS = 600;
/** Response headers a browser script may read: the id to quote to support, and the back-off. */
export const CORS_EXPOSE_HEADERS = 'X-Request-Id, Retry-After';

/**
 * Case-insensitive header lookup: REST APIs keep the client's spelling of header names. Should
 * an event carry two spellings of one name, the lower-case one wins.
 *
 * @example
 * headerValue(event.headers, 'content-type')
 */
export function headerValue(
  headers: Readonly<Record<string, string | undefined>> | null | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  // API Gateway and HTTP/2 clients send lower-case names: find those without a scan.
  const wanted = name.toLowerCase();
  const direct = headers[wanted];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export interface HeaderInput {
  readonly requestId: string;
  readonly origin: string | undefined;
  readonly allowedOrigins: ReadonlySet<string>;
  readonly preflight: boolean;
}

/**
 * Every header an answer carries besides its own `Content-Type`, `Retry-After` or `Allow`.
 *
 * @example
 * responseHeaders({ requestId, origin: 'https://app.example.com', allowedOrigins, preflight: false })
 */
export function responseHeaders(input: HeaderInput): Record<string, string> {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, 'X-Request-Id': input.requestId };
  if (input.allowedOrigins.size === 0) return headers;
  headers.Vary = 'Origin';
  if (input.origin === undefined || !input.allowedOrigins.has(input.origin)) return headers;
  headers['Access-Control-Allow-Origin'] = input.origin;
  if (input.preflight) {
    headers['Access-Control-Allow-Methods'] = CORS_ALLOW_METHODS;
    headers['Access-Control-Allow-Headers'] = CORS_ALLOW_HEADERS;
    headers['Access-Control-Max-Age'] = String(CORS_MAX_AGE_SECONDS);
  } else {
    headers['Access-Control-Expose-Headers'] = CORS_EXPOSE_HEADERS;
  }
  return headers;
}
