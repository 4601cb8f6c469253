/**
 * The HTTP server of each part of the local stack (API, reference page, Cognito endpoint, local
 * services). It binds first and serves "starting" until the part is attached; from then on an
 * unexpected failure of the part's listener (a throw or a rejection) is answered with the part's
 * own 500, and the server and the stack keep serving: one bad request never takes the stack down.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { problemDocument } from '../lambda/shared/problem-catalog';
import { PROBLEM_CONTENT_TYPE, SECURITY_HEADERS } from '../lambda/shared/security-headers';
import { answerUnexpectedFailure, sendAwsError } from './http-util';
import { IDLE_CONNECTION_MS } from './listen';

/** A part's request listener. */
export type Listener = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/**
 * A server whose request listener is attached once the part behind it is ready. Should the
 * listener fail unexpectedly (throw, or reject), the request gets the part's own error answer
 * (`failed`) and the server, and the stack, keep serving.
 */
export function pendingServer(
  part: string,
  failed: (response: ServerResponse) => void,
  log: (line: string) => void,
): { server: Server; attach: (listener: Listener) => void } {
  let current: Listener = (_request, response) => {
    response.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '1' }).end('starting');
  };
  const server = createServer({ keepAliveTimeout: IDLE_CONNECTION_MS }, (request, response) => {
    Promise.resolve()
      .then(() => current(request, response))
      .catch((error: unknown) => {
        log(`[${part}] unexpected failure: ${error instanceof Error ? error.name : 'Error'}`);
        answerUnexpectedFailure(response, failed);
      });
  });
  return { server, attach: (listener) => (current = listener) };
}

/** The gateway's answer to its own failure: a 500 `INTERNAL` problem document. */
export const problemFailure = (response: ServerResponse): void => {
  const requestId = randomUUID();
  const text = JSON.stringify(problemDocument('INTERNAL', requestId));
  response.writeHead(500, {
    ...SECURITY_HEADERS,
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'X-Request-Id': requestId,
    'x-amzn-RequestId': requestId,
  });
  response.end(text);
};
/** An AWS endpoint's answer to its own failure (JSON protocol `InternalFailure`, 500). */
export const awsFailure = (response: ServerResponse): void =>
  sendAwsError(response, 'InternalFailure', 'The local endpoint failed.', 500);
/** The reference page's answer to its own failure. */
export const pageFailure = (response: ServerResponse): void => {
  response.writeHead(500, { 'Content-Type': 'text/plain' }).end('Internal error');
};
