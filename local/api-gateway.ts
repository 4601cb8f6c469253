/**
 * The local API Gateway: routes the two reset paths to their functions as REST-API proxy
 * events, and answers itself what the deployed API answers before any function runs (unknown
 * path 404, other method 405, over API Gateway's payload limit 413, CORS preflight), plus the
 * gateway responses for a function that fails or times out, and the stage's per-method
 * throttling (429). Its own answers are the same problem documents, with the security headers,
 * CORS and the gateway's request id. A request it cannot take apart is a 404, and an unexpected
 * failure of its own a 500 `INTERNAL`: no request can take the stack down.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  type ProblemCode,
  problemDocument,
  RETRY_AFTER_SECONDS,
} from '../lambda/shared/problem-catalog';
import {
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  PROBLEM_CONTENT_TYPE,
  SECURITY_HEADERS,
} from '../lambda/shared/security-headers';
import { answerUnexpectedFailure, BodyTooLargeError, readBody, requestTarget } from './http-util';
import type { LambdaFunction } from './lambda-function';
import { toProxyEvent } from './proxy-event';
import { MethodThrottle, type ThrottleLimits } from './throttle';

/** API Gateway's own request payload limit (the 16 KiB product limit is the function's). */
export const GATEWAY_PAYLOAD_LIMIT = 10 * 1024 * 1024;

/** What the gateway needs to run. */
export interface ApiGatewayOptions {
  /** Resource path to function, e.g. `/password/forgot` to the forgot function. */
  readonly routes: ReadonlyMap<string, LambdaFunction>;
  readonly allowedOrigins: readonly string[];
  /** Stage throttling per method (rate and burst); `undefined`: no throttling. */
  readonly throttle?: ThrottleLimits;
  /** Told of each answered request (method, path, status, milliseconds). */
  readonly onRequest: (line: string) => void;
}

/**
 * The method a request runs in the deployed API: `POST` and the CORS `OPTIONS` on each reset
 * path, and the `ANY` mock that answers 405 for every other verb.
 */
function methodKey(method: string | undefined, path: string): string {
  return `${method === 'POST' || method === 'OPTIONS' ? method : 'ANY'} ${path}`;
}

function sourceIpOf(request: IncomingMessage): string {
  return (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

function corsHeaders(
  request: IncomingMessage,
  allowedOrigins: readonly string[],
): Record<string, string> {
  const origin = request.headers.origin;
  return typeof origin === 'string' && allowedOrigins.includes(origin)
    ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }
    : { Vary: 'Origin' };
}

/** Creates the request listener of the local API. */
export function createApiGateway(options: ApiGatewayOptions) {
  const throttle = options.throttle ? new MethodThrottle(options.throttle) : undefined;
  const gatewayHeaders = (request: IncomingMessage, requestId: string): Record<string, string> => ({
    ...SECURITY_HEADERS,
    ...corsHeaders(request, options.allowedOrigins),
    'X-Request-Id': requestId,
    'x-amzn-RequestId': requestId,
  });

  const problem = (
    request: IncomingMessage,
    response: ServerResponse,
    code: ProblemCode,
    requestId: string,
    extra: Record<string, string> = {},
  ): number => {
    const document = problemDocument(code, requestId);
    const text = JSON.stringify(document);
    response.writeHead(document.status, {
      ...gatewayHeaders(request, requestId),
      ...extra,
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(text),
    });
    response.end(text);
    return document.status;
  };

  const send = (
    response: ServerResponse,
    result: APIGatewayProxyResult,
    requestId: string,
  ): number => {
    const body = result.body ?? '';
    const bytes = result.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
    const headers: Record<string, string | string[]> = {};
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
      headers[name] = values.map(String);
    }
    for (const [name, value] of Object.entries(result.headers ?? {})) {
      if (!(name in headers)) headers[name] = String(value);
    }
    headers['x-amzn-RequestId'] = requestId;
    headers['Content-Length'] = String(bytes.length);
    response.writeHead(result.statusCode, headers);
    response.end(bytes);
    return result.statusCode;
  };

  const route = async (
    request: IncomingMessage,
    response: ServerResponse,
    requestId: string,
  ): Promise<number> => {
    const target = requestTarget(request.url);
    const fn = target ? options.routes.get(target.path) : undefined;
    if (!fn || !target) {
      await drain(request, response);
      return problem(request, response, 'NOT_FOUND', requestId);
    }
    if (throttle && !throttle.take(methodKey(request.method, target.path))) {
      await drain(request, response);
      return problem(request, response, 'TOO_MANY_REQUESTS', requestId, {
        'Retry-After': String(RETRY_AFTER_SECONDS.TOO_MANY_REQUESTS),
      });
    }
    if (request.method !== 'POST') await drain(request, response);
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        ...gatewayHeaders(request, requestId),
        'Access-Control-Allow-Methods': CORS_ALLOW_METHODS,
        'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
        'Content-Length': 0,
      });
      response.end();
      return 204;
    }
    if (request.method !== 'POST') {
      return problem(request, response, 'METHOD_NOT_ALLOWED', requestId, {
        Allow: 'OPTIONS, POST',
      });
    }
    let body: Buffer;
    try {
      body = await readBody(request, GATEWAY_PAYLOAD_LIMIT);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        response.shouldKeepAlive = false;
        return problem(request, response, 'PAYLOAD_TOO_LARGE', requestId, { Connection: 'close' });
      }
      throw error;
    }
    const event = toProxyEvent(
      {
        method: 'POST',
        path: target.path,
        query: target.query,
        rawHeaders: request.rawHeaders,
        body,
        sourceIp: sourceIpOf(request),
        requestId,
        receivedAt: new Date(),
        host: request.headers.host ?? 'localhost',
      },
      target.path,
    );
    const outcome = await fn.invoke(event);
    if (!outcome.ok) {
      options.onRequest(
        `  ${fn.options.name} failed: ${outcome.errorType}: ${outcome.errorMessage}`,
      );
      return problem(
        request,
        response,
        outcome.timedOut ? 'UPSTREAM_TIMEOUT' : 'INTERNAL',
        requestId,
      );
    }
    const result = outcome.payload as Partial<APIGatewayProxyResult> | null;
    if (!result || typeof result.statusCode !== 'number') {
      options.onRequest(`  ${fn.options.name} returned a malformed proxy response`);
      return problem(request, response, 'INTERNAL', requestId);
    }
    return send(response, result as APIGatewayProxyResult, requestId);
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = Date.now();
    const requestId = randomUUID();
    let status = 500;
    try {
      status = await route(request, response, requestId);
    } catch (error) {
      options.onRequest(`  unexpected failure: ${error instanceof Error ? error.name : 'Error'}`);
      answerUnexpectedFailure(response, () => problem(request, response, 'INTERNAL', requestId));
    }
    const path = requestTarget(request.url)?.path ?? '(unparseable target)';
    options.onRequest(
      `${request.method} ${JSON.stringify(path).slice(1, -1).slice(0, 200)} -> ${status} (${Date.now() - started} ms)`,
    );
  };
}

/** Reads what the caller sent before answering, so the connection stays usable. */
async function drain(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const drained = await readBody(request, GATEWAY_PAYLOAD_LIMIT).then(
    () => true,
    () => false,
  );
  if (!drained) response.shouldKeepAlive = false;
}
