/**
 * The transport checks of contract section 1, in its order: method (405), content type (415),
 * size (413), then a body that is present and decodable (400 `MALFORMED_JSON`). They run before
 * `@middy/http-json-body-parser`, which has no size limit, accepts `application/*+json` and, in
 * 7.x, answers 415/422 of its own; this guard and {@link jsonBodyParser} turn all of that into the
 * contract's codes.
 */
import type { MiddlewareObj } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerValue } from './http-headers';
import { countClientMetadataMembers } from './json-member-count';
import { ProblemError } from './problem-error';
import type { SentShape } from './request-schema';

/** Largest accepted body, counted in decoded UTF-8 bytes (contract section 1). */
export const MAX_BODY_BYTES = 16 * 1024;

/** `application/json`, any case, optionally followed by parameters; not `application/*+json`. */
const JSON_CONTENT_TYPE = /^application\/json[ \t]*(;|$)/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Whether a `Content-Type` header value is the one media type the API accepts. Parameters and
 * any case are allowed (RFC 9110); `application/*+json` is not, although the body parser would
 * take it, because the contract names one media type.
 *
 * @example
 * isJsonContentType('Application/JSON; charset=utf-8') // true
 * isJsonContentType('application/merge-patch+json') // false
 */
export function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && JSON_CONTENT_TYPE.test(value.trim());
}

/**
 * Decodes the body to text exactly once: base64 first (when API Gateway says so), then strict
 * UTF-8, so that the size limit counts real bytes and invalid UTF-8 is refused rather than
 * silently turned into replacement characters. A base64 body is measured before it is decoded
 * (its length bounds the decoded size), so an oversized body is 413 whatever it contains, in the
 * contract's order: size before decodability.
 *
 * @example
 * decodeRequestBody(Buffer.from('{"a":1}').toString('base64'), true) // { text: '{"a":1}', bytes: 7 }
 * decodeRequestBody('x'.repeat(30_000) + '!', true) // 'too-large'
 */
export function decodeRequestBody(
  body: string,
  isBase64Encoded: boolean,
): { text: string; bytes: number } | 'too-large' | 'undecodable' {
  if (!isBase64Encoded) {
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > MAX_BODY_BYTES) return 'too-large';
    return body.isWellFormed() ? { text: body, bytes } : 'undecodable';
  }
  const compact = body.replace(/\s+/g, '');
  if (base64DecodedUpperBound(compact) > MAX_BODY_BYTES) return 'too-large';
  if (compact.length % 4 === 1 || !BASE64.test(compact)) return 'undecodable';
  const raw = Buffer.from(compact, 'base64');
  if (raw.length > MAX_BODY_BYTES) return 'too-large';
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(raw), bytes: raw.length };
  } catch {
    return 'undecodable';
  }
}

/**
 * The most bytes `compact` (base64 without whitespace) can decode to: 3 per 4 characters, less
 * the padding. Exact for valid base64, an upper bound otherwise; no decoding needed.
 */
function base64DecodedUpperBound(compact: string): number {
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  return Math.floor((compact.length * 3) / 4) - padding;
}

/**
 * Rejects what must not reach the parser. `OPTIONS` passes untouched: the handler answers the
 * preflight. On success `event.body` holds the decoded text and `isBase64Encoded` is false.
 *
 * @example
 * middy(handler).use(httpRequestGuard()).use(jsonBodyParser());
 */
export function httpRequestGuard(): MiddlewareObj<APIGatewayProxyEvent> {
  return {
    name: 'httpRequestGuard',
    before: (request) => {
      const event = request.event;
      if (event.httpMethod === 'OPTIONS') return;
      if (event.httpMethod !== 'POST') throw new ProblemError('METHOD_NOT_ALLOWED');
      if (!isJsonContentType(headerValue(event.headers, 'content-type'))) {
        throw new ProblemError('UNSUPPORTED_MEDIA_TYPE');
      }
      if (event.body === null || event.body === undefined) {
        throw new ProblemError('MALFORMED_JSON');
      }
      const decoded = decodeRequestBody(event.body, event.isBase64Encoded === true);
      if (decoded === 'too-large') throw new ProblemError('PAYLOAD_TOO_LARGE');
      if (decoded === 'undecodable') throw new ProblemError('MALFORMED_JSON');
      event.body = decoded.text;
      event.isBase64Encoded = false;
    },
  };
}

/**
 * `@middy/http-json-body-parser` with its failures translated. Its errors are never passed on:
 * their `cause.data` holds the raw body, password and code included.
 *
 * A body it refuses although it is valid JSON (a `__proto__` or `constructor` key, deep nesting)
 * is parsed plainly instead and left to validation, which rejects those keys with the field's
 * path and anything but an object with field `body`.
 *
 * What only the raw text tells (the `clientMetadata` members as sent, duplicates included) is
 * kept for validation, see {@link sentShapeOf}.
 *
 * @example
 * middy(handler).use(httpRequestGuard()).use(jsonBodyParser());
 */
export function jsonBodyParser(): MiddlewareObj<APIGatewayProxyEvent> {
  const parser = httpJsonBodyParser<APIGatewayProxyEvent>({ disableContentTypeCheck: true });
  const parse = parser.before;
  return {
    name: 'jsonBodyParser',
    before: async (request) => {
      if (request.event.httpMethod === 'OPTIONS' || !parse) return;
      const text = request.event.body ?? '';
      try {
        await parse(request);
      } catch (error) {
        if (statusOf(error) === 415) {
          throw new ProblemError('UNSUPPORTED_MEDIA_TYPE', { upstream: 'http-json-body-parser' });
        }
        (request.event as { body: unknown }).body = parseRefusedJson(text);
      }
      sentShapes.set(request.event, { clientMetadataEntries: countClientMetadataMembers(text) });
    },
  };
}

const sentShapes = new WeakMap<APIGatewayProxyEvent, SentShape>();

/**
 * What the parsed body no longer shows about the text the caller sent (for validation), as
 * recorded by {@link jsonBodyParser} for this event; empty when the parser did not run.
 *
 * @example
 * validateRequest(schema, event.body, sentShapeOf(event));
 */
export function sentShapeOf(event: APIGatewayProxyEvent): SentShape {
  return sentShapes.get(event) ?? {};
}

/**
 * The parser also refuses valid JSON: a `__proto__` or `constructor` key, and deeply nested
 * values (its prototype check recurses and runs out of stack). Such a body is valid JSON, so it
 * is parsed plainly (`JSON.parse` creates those keys as ordinary own properties and never touches
 * a prototype) and left to validation; only text that is not JSON at all is `MALFORMED_JSON`.
 */
function parseRefusedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ProblemError('MALFORMED_JSON', { upstream: 'http-json-body-parser' });
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
