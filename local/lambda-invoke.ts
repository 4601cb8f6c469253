/**
 * Lambda's `Invoke` API (REST-JSON, `POST /2015-03-31/functions/{name}/invocations`), enough
 * for cognito-local to call the post-confirmation trigger the way Cognito calls Lambda.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestTarget } from './http-util';
import type { InvokeOutcome, LambdaFunction } from './lambda-function';

/** Told of each synchronous invocation: the function, its event and what came of it. */
export type InvokeObserver = (functionName: string, event: unknown, outcome: InvokeOutcome) => void;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** The function name inside a name, a partial ARN or a full ARN (qualifier dropped). */
export function functionNameOf(identifier: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(identifier);
  } catch {
    decoded = identifier;
  }
  const parts = decoded.split(':');
  const at = parts.indexOf('function');
  return at >= 0 ? (parts[at + 1] ?? '') : (parts[0] ?? '');
}

/** Whether a request (its method and path) is a Lambda Invoke call. */
export function isInvokeRequest(method: string | undefined, path: string): boolean {
  return method === 'POST' && INVOKE_PATH.test(path);
}

function restJsonError(
  response: ServerResponse,
  status: number,
  type: string,
  message: string,
): void {
  const text = JSON.stringify({ Type: 'User', message });
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'x-amzn-ErrorType': type,
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

/**
 * Answers one Invoke call: `RequestResponse` waits for the outcome (a function error comes back
 * as status 200 with `X-Amz-Function-Error: Unhandled`, as Lambda does), `Event` answers 202 at
 * once, `DryRun` 204.
 */
export async function handleInvoke(
  request: IncomingMessage,
  body: Buffer,
  response: ServerResponse,
  functions: ReadonlyMap<string, LambdaFunction>,
  observe: InvokeObserver = () => undefined,
): Promise<void> {
  const match = INVOKE_PATH.exec(requestTarget(request.url)?.path ?? '');
  const fn = functions.get(functionNameOf(match?.[1] ?? ''));
  if (!fn) {
    restJsonError(
      response,
      404,
      'ResourceNotFoundException',
      `Function not found: ${match?.[1] ?? ''}`,
    );
    return;
  }
  let event: unknown;
  try {
    event = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    restJsonError(
      response,
      400,
      'InvalidRequestContentException',
      'Could not parse request body into json',
    );
    return;
  }
  const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  if (invocationType === 'DryRun') {
    response.writeHead(204).end();
    return;
  }
  if (invocationType === 'Event') {
    void fn.invoke(event);
    response.writeHead(202, { 'Content-Length': 0 }).end();
    return;
  }
  const outcome = await fn.invoke(event);
  observe(fn.options.name, event, outcome);
  const payload = outcome.ok
    ? JSON.stringify(outcome.payload ?? null)
    : JSON.stringify({
        errorType: outcome.errorType,
        errorMessage: outcome.errorMessage,
        trace: [],
      });
  response.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-RequestId': outcome.awsRequestId,
    ...(outcome.ok ? {} : { 'X-Amz-Function-Error': 'Unhandled' }),
  });
  response.end(payload);
}
