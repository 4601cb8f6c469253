/**
 * Small HTTP helpers shared by the local endpoints: bounded body reading and the AWS JSON
 * protocol's answer shapes (`__type` + `message`, `application/x-amz-json-1.1`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request body exceeded what the reading side accepts. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a request body, stopping (and rejecting) as soon as it passes `limit` bytes so a huge
 * upload never sits in memory.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    request.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    request.on('error', (error) => {
      if (!failed) {
        failed = true;
        reject(error);
      }
    });
  });
}

/** Media type of the AWS JSON 1.1 protocol (Cognito, Secrets Manager, EventBridge). */
export const AWS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Sends a JSON body with a fixed content type. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

/**
 * Sends an AWS JSON-protocol error as the SDK v3 parses it: the error name in `__type` and
 * `x-amzn-ErrorType`, status 400 for client faults.
 */
export function sendAwsError(
  response: ServerResponse,
  type: string,
  message: string,
  status = 400,
  extra: Readonly<Record<string, unknown>> = {},
): void {
  const text = JSON.stringify({ __type: type, message, ...extra });
  response.writeHead(status, {
    'Content-Type': AWS_JSON_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-ErrorType': type,
    'x-amzn-RequestId': crypto.randomUUID(),
  });
  response.end(text);
}

/** Sends an AWS JSON-protocol success body. */
export function sendAwsResult(response: ServerResponse, body: unknown): void {
  sendJson(response, 200, body, AWS_JSON_CONTENT_TYPE);
}

/** Parses a JSON object body; anything else (or invalid JSON) is `undefined`. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The operation name of an AWS JSON request (`X-Amz-Target: Service.Operation`). */
export function awsTarget(request: IncomingMessage): { service: string; operation: string } {
  const header = request.headers['x-amz-target'];
  const value = Array.isArray(header) ? (header[0] ?? '') : (header ?? '');
  const dot = value.lastIndexOf('.');
  return { service: value.slice(0, Math.max(dot, 0)), operation: value.slice(dot + 1) };
}

/** A string field of a parsed body, or `undefined` when absent or not a string. */
export function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}

/** The path and query of a request target, taken apart without URL resolution. */
export interface RequestTarget {
  readonly path: string;
  readonly query: URLSearchParams;
}

/**
 * Splits an origin-form request target (`/path?query`) into its path, exactly as sent, and its
 * query. Resolving the target as a URL would read `//host/...` as a host name (and throw on
 * `///`); a server only ever routes on the path. Anything else (absolute-form, `*`, an empty
 * target) is `undefined`: no route matches it. (Node's parser already refuses control
 * characters and spaces in a target.)
 *
 * @example
 * requestTarget('//evil.example/password/forgot')?.path // '//evil.example/password/forgot'
 * requestTarget('*') // undefined
 */
export function requestTarget(target: string | undefined): RequestTarget | undefined {
  if (target === undefined || !target.startsWith('/')) {
    return undefined;
  }
  const hash = target.indexOf('#');
  const withoutFragment = hash === -1 ? target : target.slice(0, hash);
  const mark = withoutFragment.indexOf('?');
  return mark === -1
    ? { path: withoutFragment, query: new URLSearchParams() }
    : {
        path: withoutFragment.slice(0, mark),
        query: new URLSearchParams(withoutFragment.slice(mark + 1)),
      };
}

/**
 * Answers a request whose listener failed unexpectedly, so one bad request never takes a server
 * (or the stack process) down: the part's own error answer when nothing was sent yet, otherwise
 * the connection is closed (a half-sent answer cannot be repaired).
 */
export function answerUnexpectedFailure(
  response: ServerResponse,
  answer: (response: ServerResponse) => void,
): void {
  if (response.headersSent || response.writableEnded) {
    response.destroy();
    return;
  }
  try {
    answer(response);
  } catch {
    response.destroy();
  }
}
