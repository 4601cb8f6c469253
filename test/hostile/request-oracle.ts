/**
 * What contract section 1 says a request deserves, computed independently of the product's
 * code: the first failing check in the contract's order, or "valid". The hostile-input
 * properties hold the handlers to this oracle.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';

export type Verdict =
  | { readonly kind: 'preflight' }
  | { readonly kind: 'problem'; readonly code: string; readonly status: number }
  | { readonly kind: 'valid'; readonly body: Record<string, unknown> };

export type Operation = 'forgot' | 'confirm';

const MAX_BODY_BYTES = 16 * 1024;
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;
const NO_WHITESPACE = /^[\S]+$/;

const FIELDS: Readonly<Record<Operation, ReadonlySet<string>>> = {
  forgot: new Set(['username', 'clientMetadata', 'encodedData', 'analyticsEndpointId']),
  confirm: new Set([
    'username',
    'code',
    'password',
    'clientMetadata',
    'encodedData',
    'analyticsEndpointId',
  ]),
};

const problem = (code: string, status: number): Verdict => ({ kind: 'problem', code, status });

/** Unicode code points, as Cognito's model counts lengths (a lone surrogate counts as one). */
export function codePoints(value: string): number {
  return [...value].length;
}

function contentTypeOf(headers: APIGatewayProxyEvent['headers'] | null): string | undefined {
  if (!headers) return undefined;
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type');
  return entry?.[1] ?? undefined;
}

function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return contentType.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** The body as text, or why it has none: base64 decoded first; sizes in decoded UTF-8 bytes. */
function bodyText(event: APIGatewayProxyEvent): string | 'too-large' | 'undecodable' {
  const body = event.body;
  if (body === null || body === undefined) return 'undecodable';
  if (!event.isBase64Encoded) {
    if (Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) return 'too-large';
    return body.isWellFormed() ? body : 'undecodable';
  }
  const compact = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) return 'undecodable';
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > MAX_BODY_BYTES) return 'too-large';
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'undecodable';
  }
}

function stringWithin(value: unknown, min: number, max: number, pattern?: RegExp): boolean {
  if (typeof value !== 'string') return false;
  const length = codePoints(value);
  return length >= min && length <= max && (pattern === undefined || pattern.test(value));
}

/**
 * Keys the product rejects in `clientMetadata` although section 1 does not name them: a
 * defensive rule of the handlers (the validator library would silently drop them otherwise).
 * The oracle follows it, and the report asks for the contract to state it.
 */
const RESERVED_METADATA_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function validClientMetadata(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= 10 &&
    entries.every(
      ([key, entry]) =>
        !RESERVED_METADATA_KEYS.has(key) &&
        stringWithin(key, 1, 128) &&
        stringWithin(entry, 0, 1024),
    )
  );
}

/** Whether a parsed body meets section 1's field rules. */
export function fieldsValid(operation: Operation, body: unknown): body is Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const record = body as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.some((key) => !FIELDS[operation].has(key))) return false;
  if (!stringWithin(record.username, 1, 128, USERNAME)) return false;
  if (operation === 'confirm') {
    if (!stringWithin(record.code, 1, 2048, NO_WHITESPACE)) return false;
    if (!stringWithin(record.password, 1, 256, NO_WHITESPACE)) return false;
  }
  if ('clientMetadata' in record && !validClientMetadata(record.clientMetadata)) return false;
  if ('encodedData' in record && !stringWithin(record.encodedData, 1, 8192)) return false;
  if ('analyticsEndpointId' in record && !stringWithin(record.analyticsEndpointId, 1, 1024))
    return false;
  return true;
}

/**
 * @example
 * verdict('forgot', apiEvent({ body: { username: 'alice' } })) // { kind: 'valid', ... }
 */
export function verdict(operation: Operation, event: APIGatewayProxyEvent): Verdict {
  if (event.httpMethod === 'OPTIONS') return { kind: 'preflight' };
  if (event.httpMethod !== 'POST') return problem('METHOD_NOT_ALLOWED', 405);
  if (!isJson(contentTypeOf(event.headers))) return problem('UNSUPPORTED_MEDIA_TYPE', 415);
  const text = bodyText(event);
  if (text === 'too-large') return problem('PAYLOAD_TOO_LARGE', 413);
  if (text === 'undecodable') return problem('MALFORMED_JSON', 400);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return problem('MALFORMED_JSON', 400);
  }
  return fieldsValid(operation, parsed)
    ? { kind: 'valid', body: parsed }
    : problem('VALIDATION_FAILED', 400);
}
