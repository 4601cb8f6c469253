/**
 * Headers every answer of the API carries (contract section 3), whichever layer makes it: the
 * handlers, API Gateway's gateway responses and the local gateway.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

/** Media type of every problem document but WAF's (which can only send `application/json`). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Methods and headers a CORS preflight allows (contract section 3). */
export const CORS_ALLOW_METHODS = 'POST';
export const CORS_ALLOW_HEADERS = 'Content-Type';
